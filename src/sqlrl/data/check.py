"""Data hygiene: execute every gold query and sort items into ok / empty / slow / error.

Arctic-Text2SQL-R1 filters its training data this way: an item whose gold query fails,
returns nothing, or takes too long teaches nothing (or the wrong thing) under an execution
reward. `check_gold` runs the queries through the sandbox when it is available, else on
read-only connections with a progress-handler time limit.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

STATUSES = ("ok", "empty", "slow", "error")


@dataclass
class GoldCheck:
    """The verdict on one item's gold query."""

    id: str
    status: str  # one of STATUSES
    elapsed_s: float
    error: str | None = None


def _run_local(pairs: list[tuple[str, str]], timeout: float) -> list[tuple[bool, list, str | None, float]]:
    out, cons = [], {}
    try:
        for db_path, sql in pairs:
            con = cons.get(db_path)
            if con is None:
                con = cons[db_path] = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
            start = time.perf_counter()
            deadline = start + timeout
            con.set_progress_handler(lambda: int(time.perf_counter() > deadline), 10_000)
            try:
                rows = con.execute(sql).fetchmany(1000)
                out.append((True, rows, None, time.perf_counter() - start))
            except sqlite3.Error as e:
                msg = "timeout" if "interrupted" in str(e) else str(e)
                out.append((False, [], msg, time.perf_counter() - start))
    finally:
        for con in cons.values():
            con.close()
    return out


def _run(pairs: list[tuple[str, str]], timeout: float):
    try:
        from sqlrl.sql import get_sandbox
    except ImportError:
        return _run_local(pairs, timeout)
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


def write_jsonl(rows: list[dict], path: Path) -> None:
    """Write rows in sqlrl's JSONL format (loadable with load_dataset("jsonl", path))."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            item = {"id": r["id"], "question": r["question"], "sql": r["gold_sql"],
                    "db_id": r["db_id"], "db_path": r["db_path"]}
            if r.get("evidence"):
                item["evidence"] = r["evidence"]
            item["difficulty"] = r["difficulty"]
            f.write(json.dumps(item, ensure_ascii=False) + "\n")
