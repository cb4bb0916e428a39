"""JSON Lines, read and written one way everywhere: UTF-8, one object per line, problems by line.

Reading: a UTF-8 byte-order mark is dropped; a line that is not UTF-8 is reported with its line
number and column and its bad bytes replaced (never silently dropped), so each caller decides
whether that is an error (dataset files) or a counted problem (predictions, batch inputs).
Writing: UTF-8 without ASCII escapes, values JSON cannot hold written as text, flushed per call
so an interrupted run keeps every finished line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from sqlrl.errors import UserError


def read_lines(path: str | Path, keep_blank: bool = False) -> Iterator[tuple[int, str, str | None]]:
    """(line number, text, encoding problem or None) for every line of a text file.

    Blank lines are skipped unless `keep_blank` (a one-prediction-per-line file, where a blank
    line is an empty prediction); the empty piece after a final newline is never a line.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise UserError(f"cannot read {path}: {e.strerror or e}.") from e
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # editors on Windows write a BOM; it is harmless
    pieces = raw.split(b"\n")
    if pieces and pieces[-1] == b"":
        pieces.pop()
    for no, chunk in enumerate(pieces, start=1):
        chunk = chunk.rstrip(b"\r")
        try:
            text, problem = chunk.decode("utf-8"), None
        except UnicodeDecodeError as e:
            text = chunk.decode("utf-8", errors="replace")
            problem = (f"not valid UTF-8 (byte {chunk[e.start]:#04x} at column {e.start + 1}); "
                       "re-save the file as UTF-8")
        if keep_blank or text.strip() or problem:
            yield no, text, problem


def parse_line(text: str) -> object:
    """One JSON value; ValueError with a short reason when the line is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"malformed JSON ({e.msg}, column {e.colno})") from None
    except RecursionError:
        raise ValueError("malformed JSON (nested too deeply)") from None


def write_jsonl(path: str | Path, records: Iterable, append: bool = False) -> Path:
    """Write (or append) one JSON object per line; creates the folder; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a" if append else "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        f.flush()
    return path
