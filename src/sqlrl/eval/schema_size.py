"""How big a question's database is: its number of tables, and the buckets reports group EX by.

A model that keeps to the schema on a two-table database may not on a ten-table one, so
reports show EX by schema size beside EX by difficulty.
"""

from __future__ import annotations

import functools
from pathlib import Path

# (label, fewest tables, most tables or None for no limit)
BUCKETS = (("1-2", 1, 2), ("3-5", 3, 5), ("6+", 6, None))
UNKNOWN = "unknown"


@functools.lru_cache(maxsize=4096)
def _count(path: str, mtime_ns: int, size: int) -> int:
    from sqlrl.data.schema import read_tables

    return len(read_tables(path))


def table_count(db_path) -> int | None:
    """Tables in the database at `db_path` (None when it cannot be read); cached per file version."""
    if not db_path:
        return None
    try:
        p = Path(db_path)
        st = p.stat()
        return _count(str(p), st.st_mtime_ns, st.st_size)
    except Exception:  # missing or unreadable: the example is reported under its own error already
        return None


def size_bucket(n_tables: int | None) -> str:
    """The bucket label of a database with `n_tables` tables ('unknown' for None)."""
    if n_tables is None:
        return UNKNOWN
    for label, low, high in BUCKETS:
        if n_tables >= low and (high is None or n_tables <= high):
            return label
    return UNKNOWN


def bucket_order(label: str) -> int:
    return next((k for k, (name, _, _) in enumerate(BUCKETS) if name == label), len(BUCKETS))
