"""Rewards for GRPO text-to-SQL: a registry of plain TRL reward functions, and presets.

    from sqlrl.rewards import REWARDS, PRESETS, get_reward, build_rewards, stats
    fn = get_reward("execution", template="plain", mode="bird")
    funcs, weights = build_rewards(preset="arctic", weights={"executable": 0.2})

Each reward has TRL's signature `fn(prompts, completions, **dataset_columns) -> list[float | None]`
and `fn.__name__` is its registry name, so TRL logs every component separately
(`rewards/<name>/mean`). A preset is a list of (reward, weight, parameters) whose weighted sum
reproduces a published method; the weights go into `GRPOConfig.reward_weights`.
docs/rewards.md lists every reward and preset with its exact values.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlrl.errors import UserError
from sqlrl.rewards import answer_format, execution, sqlr1, structure  # noqa: F401  (they register themselves)
from sqlrl.rewards.registry import (
    BAD_KINDS,
    REWARDS,
    ErrorShare,
    RewardsFailing,
    completion_text,
    error_share,
    get_reward,
    stats,
)


@dataclass(frozen=True)
class Preset:
    """A published reward recipe: components with weights, and the template it was designed for."""

    name: str
    summary: str
    components: tuple  # ((reward name, weight, {param: value}), ...)
    template: str


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset("arctic", "Arctic-Text2SQL-R1: 1.0 result matches, 0.1 executes but wrong, 0.0 otherwise",
               (("execution", 0.9, {}), ("executable", 0.1, {})), "arctic"),
        Preset("sqlr1", "SQL-R1 re-implementation: execution 1.0 + 0.3 x partial structure",
               (("execution", 1.0, {}), ("partial_structure", 0.3, {})), "sqlr1"),
        Preset("sqlr1_paper", "SQL-R1 paper: format +/-1, execution +/-2, result +/-3, length",
               (("sqlr1_format", 1.0, {}), ("sqlr1_execution", 1.0, {}), ("sqlr1_result", 1.0, {}),
                ("sqlr1_length", 1.0, {})), "sqlr1"),
        Preset("skyrl", "SkyRL-SQL: -1 bad format, 0 wrong, 1 right",
               (("format_gate", 1.0, {}), ("execution", 1.0, {"format_required": True})), "skyrl"),
        Preset("reasoning_tags",
               "reasoning-tags recipe: format exact (+3) + format approx (+/-0.5 a tag) + answer check",
               (("format_exact", 1.0, {}), ("format_approx", 1.0, {}), ("answer_check", 1.0, {})), "reasoning_tags"),
        Preset("rubric", "Verifiers-style rubric: valid SQL 0.1, keywords 0.1, executes 0.2, correct result 0.6",
               (("syntax", 0.1, {}), ("keywords", 0.1, {}), ("executable", 0.2, {}), ("execution", 0.6, {})), "plain"),
    ]
}


def get_preset(name: str) -> Preset:
    """The preset `name`, or a UserError listing the valid ones."""
    if name not in PRESETS:
        raise UserError(f"unknown reward preset {name!r} (reward.preset). Valid presets: {', '.join(PRESETS)}.")
    return PRESETS[name]


def build_rewards(preset: str = "arctic", weights: dict | None = None, template: str = "plain",
                  mode: str = "bird", timeout: float = 5.0, params: dict | None = None, extra: dict | None = None,
                  schedule: dict | None = None):
    """The reward functions and weights of a preset: `(funcs, weights)`, in the same order.

    `weights` maps component names to weights overriding the preset's; `params` maps component
    names to parameter overrides (e.g. `{"length": {"max_chars": 600}}`); `extra` adds registered
    rewards the preset lacks, with their weights (e.g. `{"row_f1": 0.2}`); `schedule` maps
    component names to `[[fraction_of_max_steps, weight], ...]` points (sqlrl.rewards.schedule):
    such a component weighs its own values by the schedule and gets weight 1.0 here, the schedule
    replacing any weight given for it. Unknown names raise `UserError` naming the valid ones.
    """
    from sqlrl.rewards.schedule import scheduled

    spec = get_preset(preset)
    unknown = sorted(set(extra or {}) - set(REWARDS))
    if unknown:
        raise UserError(f"reward.extra names {', '.join(map(repr, unknown))}, not a registered reward; "
                        f"valid rewards: {', '.join(sorted(REWARDS))}.")
    components = list(spec.components) + [(name, w, {}) for name, w in (extra or {}).items()
                                          if name not in {c[0] for c in spec.components}]
    names = [name for name, _, _ in components]
    for what, given in (("reward.weights", weights or {}), ("reward.params", params or {}),
                        ("reward.schedule", schedule or {})):
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise UserError(
                f"{what} names {', '.join(map(repr, unknown))}, not a component of preset {preset!r}; "
                f"valid names: {', '.join(names)}."
            )
    funcs, out_weights = [], []
    for name, weight, base in components:
        fn = get_reward(name, template=template, mode=mode, timeout=timeout,
                        **{**base, **(params or {}).get(name, {})})
        if name in (schedule or {}):
            funcs.append(scheduled(fn, schedule[name]))
            out_weights.append(1.0)
        else:
            funcs.append(fn)
            out_weights.append(float((weights or {}).get(name, (extra or {}).get(name, weight))))
    return funcs, out_weights


def weighted_total(values: list, weights: list) -> float:
    """One completion's reward as TRL sums it: sum of weight x value, a None (or NaN) value skipped.

    A completion that no function scored totals 0.0 (TRL's `nansum`). Training, the GRPO
    prefilter, the multi-turn environment and the verl adapter all total rewards with this.
    """
    return float(sum(w * v for w, v in zip(weights, values) if v is not None and v == v))


def score_completions(funcs, weights, completions: list, columns: dict, prompts: list | None = None):
    """Every reward function on a batch: `(totals, per_function)`, per_function[name] = values (None kept)."""
    n = len(completions)
    per_func = {f.__name__: f(prompts=prompts or [None] * n, completions=completions, **columns) for f in funcs}
    totals = [weighted_total([vals[i] for vals in per_func.values()], weights) for i in range(n)]
    return totals, per_func


__all__ = ["REWARDS", "PRESETS", "BAD_KINDS", "Preset", "get_reward", "get_preset", "build_rewards",
           "stats", "completion_text", "error_share", "ErrorShare", "RewardsFailing", "score_completions",
           "weighted_total"]
