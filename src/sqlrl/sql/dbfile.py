"""Is this path an SQLite database file? Asked before a query runs, so a wrong path is a usage error.

The sandbox answers a file it cannot open with a classified `bad_input` result, as it must for
model-written SQL; a person who passes a folder, a missing file or a text file should instead be
told what is wrong with the path.
"""

from __future__ import annotations

from pathlib import Path

MAGIC = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite 3 database file


def sqlite_file_problem(path: str | Path) -> str | None:
    """What is wrong with `path` as an SQLite database file, in words; None when it is one."""
    path = Path(path)
    if path.is_dir():
        return f"{path} is a directory, pass the .sqlite file (e.g. {path}/<name>.sqlite)."
    if not path.exists():
        return f"{path} does not exist."
    try:
        with path.open("rb") as f:
            head = f.read(len(MAGIC))
    except OSError as e:
        return f"{path} cannot be read ({e.strerror or e})."
    if not head:
        return f"{path} is empty (0 bytes), not an SQLite database; was it copied or downloaded completely?"
    if head != MAGIC:
        return f"{path} is not an SQLite database (it does not start with the SQLite file header)."
    return None
