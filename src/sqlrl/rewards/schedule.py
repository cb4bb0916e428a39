"""Reward weights that change during training (`reward.schedule` in a recipe).

TRL's `reward_weights` are fixed for a run. A scheduled component is therefore weighted here:
its function returns `weight(progress) x value` and TRL gives it weight 1. Progress is
`global_step / max_steps`, read from the `trainer_state` TRL passes to every reward function,
so it is the step whose completions are being scored, and a resumed run (whose state TRL
restores from the checkpoint before it generates again) continues the schedule where it was.
The weight in force is logged through TRL's `log_metric` as `reward_weight/<name>`.

A schedule is a list of `[fraction_of_max_steps, weight]` points, linearly interpolated
between points and constant before the first and after the last.
"""

from __future__ import annotations

from bisect import bisect_right


def weight_at(points: list, fraction: float) -> float:
    """The weight at `fraction` of training: linear between the points, constant outside them."""
    xs = [float(x) for x, _ in points]
    ys = [float(y) for _, y in points]
    if fraction <= xs[0]:
        return ys[0]
    if fraction >= xs[-1]:
        return ys[-1]
    i = bisect_right(xs, fraction)  # xs[i - 1] <= fraction < xs[i]
    x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
    return y0 + (y1 - y0) * (fraction - x0) / (x1 - x0)


def progress(trainer_state) -> float:
    """`global_step / max_steps` of a transformers TrainerState; 0 without one (scoring outside training)."""
    steps = getattr(trainer_state, "max_steps", 0) or 0
    if steps <= 0:
        return 0.0
    return min(1.0, max(0.0, getattr(trainer_state, "global_step", 0) / steps))


def scheduled(fn, points: list):
    """`fn` (a registry reward) with its values multiplied by the schedule's weight at the current step."""

    def wrapped(prompts=None, completions=None, **kwargs):
        weight = weight_at(points, progress(kwargs.get("trainer_state")))
        log_metric = kwargs.get("log_metric")
        if callable(log_metric):
            log_metric(f"reward_weight/{fn.__name__}", weight)
        values = fn(prompts=prompts, completions=completions, **kwargs)
        return [None if v is None else weight * v for v in values]

    wrapped.__name__ = wrapped.__qualname__ = fn.__name__  # TRL logs each function under its name
    wrapped.__doc__ = f"{fn.__doc__} Weighted by the schedule {points}."
    wrapped.spec = getattr(fn, "spec", None)
    wrapped.schedule = points
    return wrapped
