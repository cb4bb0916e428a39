"""The verl adapter: sqlrl's rewards behind verl's `compute_score` interface.

In a verl config:

    custom_reward_function:
      path: <site-packages>/sqlrl/rewards/verl.py
      name: compute_score          # or compute_score_batch with reward_model.reward_manager=batch

Each dataset row's `reward_model.ground_truth` is either the gold SQL string or a dict
`{"sql" | "gold_sql": ..., "db_path": ... | "db_id": ...}`; `extra_info` may carry `db_path`,
`db_id`, `db_root`, and the reward settings `preset` (default arctic), `template`, `mode`,
`weights`. Without them the environment variables SQLRL_REWARD_PRESET, SQLRL_TEMPLATE,
SQLRL_MODE and SQLRL_DB_ROOT apply. The score is the preset's weighted sum, the same number
`GRPOTrainer` would compute with `build_rewards`; it is never an exception for a bad response.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sqlrl.errors import UserError
from sqlrl.rewards import PRESETS, build_rewards, score_completions


def _settings(extra: dict) -> tuple:
    preset = extra.get("preset") or os.environ.get("SQLRL_REWARD_PRESET", "arctic")
    template = (extra.get("template") or os.environ.get("SQLRL_TEMPLATE")
                or PRESETS.get(preset, PRESETS["arctic"]).template)
    mode = extra.get("mode") or os.environ.get("SQLRL_MODE", "bird")
    weights = tuple(sorted((extra.get("weights") or {}).items()))
    return preset, template, mode, weights


@lru_cache(maxsize=16)
def _rewards(preset: str, template: str, mode: str, weights: tuple):
    return build_rewards(preset=preset, weights=dict(weights) or None, template=template, mode=mode)


def _row(ground_truth, extra: dict) -> dict:
    gt = ground_truth if isinstance(ground_truth, dict) else {"sql": ground_truth}
    gold = gt.get("gold_sql") or gt.get("sql") or gt.get("query") or extra.get("gold_sql")
    db_path = gt.get("db_path") or extra.get("db_path")
    db_id = gt.get("db_id") or extra.get("db_id")
    if not db_path and db_id:
        root = gt.get("db_root") or extra.get("db_root") or os.environ.get("SQLRL_DB_ROOT")
        if not root:
            raise UserError(
                f"verl row for db_id {db_id!r} has no db_path: put db_path in reward_model.ground_truth or "
                "extra_info, or set extra_info.db_root / SQLRL_DB_ROOT to the folder holding <db_id>/<db_id>.sqlite."
            )
        db_path = str(Path(root) / db_id / f"{db_id}.sqlite")
    if not gold or not db_path:
        raise UserError(
            "verl row lacks the gold SQL or the database: reward_model.ground_truth must be the gold SQL "
            "(with extra_info.db_path) or a dict with 'sql' and 'db_path' (or 'db_id' plus a db_root)."
        )
    return {"gold_sql": gold, "db_path": db_path, "db_id": db_id or ""}


def compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos=None, **kwargs) -> list[dict]:
    """Scores for a whole batch (verl's batch reward manager): one sandbox call per reward group.

    Returns one dict per response: `score` (the weighted total) and each component by name.
    """
    extra_infos = list(extra_infos) if extra_infos is not None else [None] * len(solution_strs)
    groups: dict[tuple, list[int]] = {}
    for i, extra in enumerate(extra_infos):
        groups.setdefault(_settings(extra or {}), []).append(i)
    out: list[dict] = [{} for _ in solution_strs]
    for key, idx in groups.items():
        funcs, weights = _rewards(*key)
        rows = [_row(ground_truths[i], extra_infos[i] or {}) for i in idx]
        cols = {k: [r[k] for r in rows] for k in ("gold_sql", "db_path", "db_id")}
        texts = [solution_strs[i] for i in idx]
        totals, per_func = score_completions(funcs, weights, texts, cols)
        for j, i in enumerate(idx):
            out[i] = {"score": totals[j], **{k: (0.0 if v[j] is None else v[j]) for k, v in per_func.items()}}
    return out


def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs) -> float:
    """verl's per-response reward: the preset's weighted total for one response."""
    return compute_score_batch([data_source], [solution_str], [ground_truth], [extra_info])[0]["score"]
