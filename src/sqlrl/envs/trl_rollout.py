"""The environment inside TRL's GRPOTrainer, through its `rollout_func` hook.

Why `rollout_func` and not `environment_factory` / `tools`: TRL's native tools are JSON tool
calls parsed by the chat template, and TRL refuses them for templates without tool support
(SmolLM2's, the default model's, has none). The SkyRL format is plain text tags in one
assistant turn, so the rollout hook is the fit: it returns the episode tokens and TRL's
`env_mask`, which TRL multiplies into the loss mask (observation tokens get no gradient).

    kwargs = trainer_kwargs(cfg, reward_funcs=funcs)   # {} when env.name is none
    GRPOTrainer(..., reward_funcs=kwargs.pop("reward_funcs", funcs), **kwargs)

The rollout finds each prompt's database by looking the prompt up in the trainer's datasets
(rows carry `db_path`, `gold_sql`), since TRL hands the hook the prompts only.
"""

from __future__ import annotations

import json
from collections import Counter

from sqlrl.config import EnvConfig
from sqlrl.envs.rollout import run_episodes
from sqlrl.envs.sql_env import REASONS, SQLEnv
from sqlrl.errors import UserError
from sqlrl.trl_compat import generate_turn, log_metric, tokenize_prompts, trainer_tokenizer


def env_settings(cfg) -> EnvConfig:
    """The `env` section of a RunConfig (an EnvConfig or a plain dict), checked; defaults if absent."""
    section = getattr(cfg, "env", None)
    if section is None:
        return EnvConfig()
    if isinstance(section, dict):
        unknown = set(section) - set(EnvConfig.__dataclass_fields__)
        if unknown:
            raise UserError(f"env: unknown key(s) {', '.join(sorted(unknown))}; valid: "
                            f"{', '.join(EnvConfig.__dataclass_fields__)}.")
        section = EnvConfig(**section)
    return section.check()


def _key(prompt) -> str:
    return json.dumps(prompt, sort_keys=True, ensure_ascii=False)


class RowLookup:
    """Prompt -> dataset row (db_path, gold_sql, ...), built lazily from the trainer's datasets."""

    def __init__(self):
        self._seen: set[int] = set()
        self._rows: dict[str, dict] = {}

    def add(self, dataset) -> None:
        if dataset is None or id(dataset) in self._seen:
            return
        self._seen.add(id(dataset))
        if isinstance(dataset, dict):  # several eval datasets
            for part in dataset.values():
                self.add(part)
            return
        cols = [c for c in ("db_path", "gold_sql", "db_id", "question") if c in dataset.column_names]
        for prompt, *values in zip(dataset["prompt"], *(dataset[c] for c in cols)):
            self._rows.setdefault(_key(prompt), dict(zip(cols, values)))

    def rows(self, trainer, prompts) -> list[dict]:
        self.add(getattr(trainer, "train_dataset", None))
        self.add(getattr(trainer, "eval_dataset", None))
        out = []
        for p in prompts:
            row = self._rows.get(_key(p))
            if row is None or not row.get("db_path"):
                raise UserError("the SQL environment got a prompt that is in none of the trainer's datasets, or "
                                "whose row has no db_path; the datasets must be sqlrl prompt datasets "
                                "(sqlrl.train.dataset.prompt_dataset) with their db_path column.")
            out.append(row)
        return out


def trl_generate_fn(trainer):
    """One turn of generation with TRL's own backend (transformers, continuous batching or vLLM)."""

    return lambda batch: generate_turn(trainer, batch)


def episode_metrics(envs: list[SQLEnv]) -> dict[str, float]:
    """Means over a batch of finished episodes: turns, queries, share using the database, end reasons."""
    n = max(len(envs), 1)
    recs = [e.record() for e in envs]
    calls = sum(r["sql_calls"] for r in recs)
    out = {"env/turns": sum(r["turns"] for r in recs) / n,
           "env/sql_calls": calls / n,
           "env/used_db": sum(r["used_db"] for r in recs) / n,
           "env/sql_error_rate": sum(r["sql_errors"] for r in recs) / calls if calls else 0.0}
    reasons = Counter(r["reason"] for r in recs)
    out.update({f"env/end_{r}": reasons.get(r, 0) / n for r in REASONS})
    return out


def make_rollout_func(settings: EnvConfig, sandbox=None):
    """A TRL `rollout_func(prompts, trainer)` playing one SQL episode per prompt."""
    lookup = RowLookup()

    def rollout_func(prompts, trainer):
        rows = lookup.rows(trainer, prompts)
        envs = []
        for row in rows:
            env = SQLEnv(settings, sandbox)
            env.reset(**row)
            envs.append(env)
        prompt_ids = tokenize_prompts(trainer, prompts)
        episodes = run_episodes(envs, prompt_ids, trl_generate_fn(trainer), trainer_tokenizer(trainer),
                                trainer.max_completion_length)
        for name, value in episode_metrics(envs).items():
            log_metric(trainer, name, value)
        return {
            "prompt_ids": [list(p) for p in prompt_ids],
            "completion_ids": [e.completion_ids for e in episodes],
            "logprobs": None if any(e.logprobs is None for e in episodes) else [e.logprobs for e in episodes],
            "env_mask": [e.env_mask for e in episodes],
            # forwarded to the reward functions as columns
            "env_answer": [e.answer() for e in envs],
            "env_reason": [e.reason for e in envs],
            "env_turns": [e.turns for e in envs],
        }

    return rollout_func


def score_final_answer(fn):
    """Wrap a TRL reward function to score the episode's final answer instead of the transcript.

    The transcript holds observations, which must not earn or lose format credit; the final
    turn is what SkyRL-SQL scores. Without the `env_answer` column (no environment) the
    function is called unchanged.
    """

    def wrapped(prompts=None, completions=None, env_answer=None, **kwargs):
        if env_answer is None:
            return fn(prompts=prompts, completions=completions, **kwargs)
        answers = [[{"role": "assistant", "content": a}] if isinstance(c, list) else a
                   for c, a in zip(completions, env_answer)]
        return fn(prompts=prompts, completions=answers, **kwargs)

    wrapped.__name__ = wrapped.__qualname__ = fn.__name__
    wrapped.__doc__ = fn.__doc__
    wrapped.__dict__.update(getattr(fn, "__dict__", {}))  # e.g. the registry's `spec`
    return wrapped


def trainer_kwargs(cfg, reward_funcs=None) -> dict:
    """Extra GRPOTrainer kwargs for the recipe's environment: {} when `env.name` is none.

    With the SQL environment: `rollout_func`, and, when `reward_funcs` are given, the same
    functions wrapped to score the final answer (`reward_funcs`, to pass instead of them).
    """
    settings = env_settings(cfg)
    if settings.name == "none":
        return {}
    template = cfg.data.template
    if template != "skyrl":
        raise UserError(f"env.name=sql needs data.template=skyrl (the <sql>/<observation>/<solution> format), "
                        f"got data.template={template!r}.")
    out: dict = {"rollout_func": make_rollout_func(settings)}
    if reward_funcs is not None:
        out["reward_funcs"] = [score_final_answer(f) for f in reward_funcs]
    return out
