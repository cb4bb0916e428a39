"""What a run's log history says about it: the reward trend and validation EX, start to end.

A GRPO step's mean reward comes from a handful of prompts and swings a lot from one step to
the next, so "did it learn" is read from the mean over the first and the last third of the
logged steps rather than from the first and last step alone (both are reported).
"""

from __future__ import annotations


def series(log_history: list[dict], key: str) -> list[tuple[int, float]]:
    """(step, value) for every record that holds `key`, in order."""
    out = []
    for rec in log_history:
        try:
            out.append((int(rec["step"]), float(rec[key])))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def thirds(values: list[float]) -> tuple[float, float] | None:
    """Mean of the first and of the last third (at least one value each); None for fewer than 2 values."""
    if len(values) < 2:
        return None
    k = max(1, len(values) // 3)
    return sum(values[:k]) / k, sum(values[-k:]) / k


def reward_trend(log_history: list[dict], key: str = "reward") -> dict | None:
    """First and last logged mean reward, and the first- vs last-third means; None without rewards."""
    pts = series(log_history, key)
    if not pts:
        return None
    values = [v for _, v in pts]
    out = {"steps": len(pts), "first": values[0], "last": values[-1]}
    th = thirds(values)
    if th:
        k = max(1, len(values) // 3)
        out.update(first_third=th[0], last_third=th[1], third_steps=k, rising=th[1] > th[0])
    return out


def eval_trend(log_history: list[dict], key: str = "eval/ex") -> dict | None:
    """Validation EX at the first and the last measurement (with their steps); None if never measured."""
    pts = series(log_history, key)
    if not pts:
        return None
    return {"first_step": pts[0][0], "first": pts[0][1], "last_step": pts[-1][0], "last": pts[-1][1],
            "measurements": len(pts)}


def summary_line(log_history: list[dict]) -> str:
    """One sentence: the reward trend (GRPO) or loss trend (SFT), and validation EX if measured."""
    parts = []
    r = reward_trend(log_history)
    if r and "first_third" in r:
        parts.append(f"mean reward {r['first_third']:.3f} over the first {r['third_steps']} steps -> "
                     f"{r['last_third']:.3f} over the last {r['third_steps']} "
                     f"({r['last_third'] - r['first_third']:+.3f}{', rising' if r['rising'] else ''})")
    elif r:
        parts.append(f"mean reward {r['last']:.3f}")
    loss = reward_trend(log_history, "loss") if not r else None
    if loss and "first_third" in loss:
        parts.append(f"loss {loss['first_third']:.3f} over the first {loss['third_steps']} steps -> "
                     f"{loss['last_third']:.3f} over the last {loss['third_steps']}")
    ev = eval_trend(log_history)
    if ev:
        parts.append(f"validation EX {ev['first']:.1%} (step {ev['first_step']}) -> {ev['last']:.1%} "
                     f"(step {ev['last_step']})" if ev["measurements"] > 1
                     else f"validation EX {ev['last']:.1%} (step {ev['last_step']})")
    return "; ".join(parts)
