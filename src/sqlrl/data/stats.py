"""Token statistics of rendered prompts: what each schema format costs on a dataset."""

from __future__ import annotations

import math
from collections import Counter


def summarize(counts: list[int], limit: int = 512) -> dict:
    """mean / p50 / p90 / max and the share over `limit` of a list of token counts."""
    if not counts:
        return {"n": 0}
    s = sorted(counts)

    def pct(p: float) -> int:
        return s[min(len(s) - 1, max(0, math.ceil(p * len(s)) - 1))]

    return {
        "n": len(s), "mean": round(sum(s) / len(s), 1), "p50": pct(0.5), "p90": pct(0.9),
        "max": s[-1], f"over_{limit}": round(sum(c > limit for c in s) / len(s), 4),
    }


def difficulty_counts(rows: list[dict]) -> dict:
    return dict(sorted(Counter(r["difficulty"] for r in rows).items()))
