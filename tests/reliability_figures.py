"""Figures the reliability tests record for RELIABILITY.md (`benchmarks/reliability.py`).

A test calls `record("hostile", statements=1, ...)`; the numbers are added up per section.
Nothing is written unless $SQLRL_RELIABILITY_FIGURES names a file (JSON lines, appended),
so the ordinary test run leaves no trace. Only figures from tests that then pass should
count: record after the assertions.
"""

from __future__ import annotations

import json
import os
import threading

_LOCK = threading.Lock()


def record(section: str, **numbers) -> None:
    """Append one record of counts (and maxima, for keys starting with `max_`) for `section`."""
    path = os.environ.get("SQLRL_RELIABILITY_FIGURES")
    if not path:
        return
    line = json.dumps({"section": section, **numbers}, default=str)
    with _LOCK, open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def summarize(lines) -> dict:
    """{section: {key: total}} from recorded lines: `max_*` keys keep the largest value, lists
    are concatenated, other numbers are added."""
    out: dict = {}
    for raw in lines:
        if not raw.strip():
            continue
        rec = json.loads(raw)
        sec = out.setdefault(rec.pop("section"), {})
        for k, v in rec.items():
            if isinstance(v, list):
                sec.setdefault(k, []).extend(v)
            elif k.startswith("max_"):
                sec[k] = max(sec.get(k, v), v)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                sec[k] = sec.get(k, 0) + v
            else:
                sec[k] = v
    return out
