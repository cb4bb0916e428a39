"""Batched execution for rewards: one sandbox call per GRPO step, shared by every reward function.

TRL calls each reward function in turn on the same completions. The first one that needs
execution results sends every distinct (db, gold, pred) triple of the step to the sandbox in a
single `compare_many` call; the verdicts go into a small LRU memo, so the next functions of the
same step (executable, row_f1, ...) find them there and execute nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlrl.errors import UserError
from sqlrl.rewards.prediction import Prediction
from sqlrl.sql import get_sandbox

_MEMO: OrderedDict = OrderedDict()
_MEMO_SIZE = 16384  # a step is at most a few thousand completions; keep a few steps
_LOCK = threading.Lock()
CALLS = {"sandbox_calls": 0, "triples_executed": 0}  # read by tests and the benchmark


def _column(cols: dict, name: str, n: int) -> list:
    values = cols.get(name)
    if values is None:
        raise UserError(
            f"the dataset has no {name!r} column, which execution rewards need (columns present: "
            f"{', '.join(sorted(cols)) or 'none'}). Load data with sqlrl.data.load_dataset or add the column."
        )
    return values


def verdicts(preds: list[Prediction], cols: dict, mode: str, timeout: float) -> list:
    """The sandbox Verdict for each `ok` prediction (None for the others), from one batched call.

    `cols` are the step's dataset columns; `db_path` and `gold_sql` are required.
    """
    n = len(preds)
    dbs = _column(cols, "db_path", n)
    golds = _column(cols, "gold_sql", n)
    keys = [
        (str(db), str(gold), p.sql, mode, float(timeout)) if p.ok and db and gold else None
        for p, db, gold in zip(preds, dbs, golds)
    ]
    with _LOCK:
        todo = list(dict.fromkeys(k for k in keys if k is not None and k not in _MEMO))
    if todo:
        sb = get_sandbox(timeout=timeout)
        found = sb.compare_many([(db, gold, sql) for db, gold, sql, _, _ in todo], mode=mode)
        with _LOCK:
            CALLS["sandbox_calls"] += 1
            CALLS["triples_executed"] += len(todo)
            for key, verdict in zip(todo, found):
                _MEMO[key] = verdict
                _MEMO.move_to_end(key)
            while len(_MEMO) > _MEMO_SIZE:
                _MEMO.popitem(last=False)
    with _LOCK:
        return [None if k is None else _MEMO.get(k) for k in keys]


def clear() -> None:
    """Forget memoised verdicts (tests and benchmarks use it to measure cold steps)."""
    with _LOCK:
        _MEMO.clear()
