"""Data hygiene: execute every gold query and sort items into ok / empty / slow / error.

Arctic-Text2SQL-R1 filters its training data this way: an item whose gold query fails,
returns nothing, or takes too long teaches nothing (or the wrong thing) under an execution
reward. `check_gold` runs the queries through the sandbox, with its time limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlrl.jsonl import write_jsonl
from sqlrl.sql import get_sandbox

STATUSES = ("ok", "empty", "slow", "error")


@dataclass
class GoldCheck:
    """The verdict on one item's gold query."""

    id: str
    status: str  # one of STATUSES
    elapsed_s: float
    error: str | None = None


def _run(pairs: list[tuple[str, str]], timeout: float):
    results = get_sandbox().run_many(pairs, timeout=timeout)
    return [(r.ok, r.rows, r.error, r.elapsed_s) for r in results]


def check_gold(rows: list[dict], timeout: float = 30.0, slow_s: float = 5.0) -> list[GoldCheck]:
    """Execute each row's gold_sql on its db_path; one GoldCheck per row, in order."""
    results = _run([(r["db_path"], r["gold_sql"]) for r in rows], timeout)
    out = []
    for r, (ok, res_rows, err, elapsed) in zip(rows, results):
        if not ok:
            status = "error"
        elif elapsed > slow_s:
            status = "slow"
        elif not any(v is not None for row in res_rows for v in row):
            status = "empty"
        else:
            status = "ok"
        out.append(GoldCheck(r["id"], status, round(elapsed, 4), err))
    return out


def write_items(rows: list[dict], path: Path) -> None:
    """Write rows in sqlrl's JSONL format (loadable with load_dataset("jsonl", path))."""
    write_jsonl(path, ({"id": r["id"], "question": r["question"], "sql": r["gold_sql"], "db_id": r["db_id"],
                        "db_path": r["db_path"], **({"evidence": r["evidence"]} if r.get("evidence") else {}),
                        "difficulty": r["difficulty"]} for r in rows))
