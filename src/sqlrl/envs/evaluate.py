"""Evaluation with the SQL environment in the loop (`sqlrl eval --multi-turn`).

Each question is an episode played exactly as in training (`sqlrl.envs.rollout`): the model
may run <sql> queries, reads the observations, and is judged on its final <solution> only.
Scoring, reports and EX are those of `sqlrl.eval` (the same generate -> extract -> sandbox ->
compare path); what the scorer sees is the final turn, or nothing when no solution came.
The summary gains `multi_turn` (turns per episode, share of episodes that used the
database, end reasons); with `out_dir`, `episodes.jsonl` holds every transcript.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlrl.config import EnvConfig, EvalConfig
from sqlrl.envs.rollout import hf_generate_fn, run_episodes
from sqlrl.envs.sql_env import REASONS, SQLEnv
from sqlrl.jsonl import write_jsonl

TEMPLATE = "skyrl"
EPISODE_TOKENS = 512  # default token budget of a whole episode


def summarize_episodes(records: list[dict], settings: EnvConfig) -> dict:
    """Turns per episode, share using the database, query errors and end reasons, over episode records."""
    n = len(records)
    calls = sum(r["sql_calls"] for r in records)
    reasons = Counter(r["reason"] for r in records)
    return {
        "episodes": n,
        "turns_mean": round(sum(r["turns"] for r in records) / n, 4) if n else 0.0,
        "turns_max": max((r["turns"] for r in records), default=0),
        "used_db_share": round(sum(r["used_db"] for r in records) / n, 4) if n else 0.0,
        "sql_calls_mean": round(calls / n, 4) if n else 0.0,
        "sql_error_rate": round(sum(r["sql_errors"] for r in records) / calls, 4) if calls else 0.0,
        "end_reasons": {r: reasons.get(r, 0) for r in REASONS},
        "settings": {"max_turns": settings.max_turns, "timeout": settings.timeout, "max_rows": settings.max_rows,
                     "max_chars": settings.max_chars},
    }


def evaluate_multi_turn(model, tokenizer, rows, env: EnvConfig | None = None, settings: EvalConfig | None = None, *,
                        mode: str = "bird", out_dir: str | Path | None = None, progress: bool = True,
                        sandbox=None, meta: dict | None = None, **overrides) -> dict:
    """Execution accuracy of `model` on `rows` with the SQL environment; returns the summary.

    `settings` and `overrides` are those of `sqlrl.eval.evaluate`; without settings,
    `max_new_tokens` defaults to 512: it is the budget of a whole episode (observations
    included), like TRL's max_completion_length in training. An interrupted multi-turn run
    starts over: its episodes are not kept batch by batch.
    """
    import torch

    # the settings and the scoring every evaluation shares
    from sqlrl.eval.evaluate import model_name, score_generations, settings_with
    from sqlrl.prompts import context_limit, get_template, render_prompt
    from sqlrl.stopping import configure_stopping

    s = settings_with(settings, overrides, base=EvalConfig(max_new_tokens=EPISODE_TOKENS))
    batch_size, max_new_tokens = s.batch_size, s.max_new_tokens
    env_cfg = (env or EnvConfig(name="sql")).check()
    tmpl = get_template(TEMPLATE)
    configure_stopping(model, tokenizer, list(tmpl.stop_strings))
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    rows = [dict(r) for r in rows]
    by_prompt = {}
    for r in rows:
        if r.get("db_path") and Path(r["db_path"]).is_file():
            by_prompt.setdefault(render_prompt(tokenizer, tmpl, r), r)
    limit = context_limit(model, tokenizer)
    episodes: list[dict] = []
    info = {"model": model_name(model), "batch_size": batch_size, "multi_turn": None, **(meta or {})}

    def gen(prompts, n, do_sample, seed_, on_batch=None, main=True, skip=()):
        step = generate_fn(do_sample)
        out: list[list[str] | None] = [None] * len(prompts)
        encoded = [tokenizer(p, add_special_tokens=False)["input_ids"] for p in prompts]
        todo = [j for j, ids in enumerate(encoded) if limit is None or len(ids) + max_new_tokens <= limit]
        per_batch = max(1, batch_size // max(n, 1))
        for b, start in enumerate(range(0, len(todo), per_batch)):
            idx = todo[start:start + per_batch]
            if skip and set(skip).issuperset(idx):
                continue
            envs, ids = [], []
            for j in idx:
                for _ in range(n):
                    e = SQLEnv(env_cfg, sandbox)
                    e.reset(**by_prompt[prompts[j]])
                    envs.append(e)
                    ids.append(encoded[j])
            if do_sample:
                torch.manual_seed(seed_ + b)
            eps = run_episodes(envs, ids, step, tokenizer, max_new_tokens)
            texts = []
            for k, j in enumerate(idx):
                group = range(k * n, (k + 1) * n)
                out[j] = [envs[g].answer() for g in group]
                texts.append(out[j])
                for g in group:
                    episodes.append({"db_id": envs[g].row.get("db_id"), "question": envs[g].row.get("question"),
                                     **envs[g].record(), "pass": "decode" if main else "pass@k",
                                     "transcript": tokenizer.decode(eps[g].completion_ids, skip_special_tokens=True)})
            if main:
                info["multi_turn"] = summarize_episodes(episodes, env_cfg)
            if on_batch:
                on_batch(idx, texts)
        return out

    def generate_fn(do_sample):
        return hf_generate_fn(model, tokenizer, max_new_tokens, batch_size=batch_size, do_sample=do_sample,
                              temperature=s.temperature, top_p=s.top_p)

    was_training = model.training
    model.eval()
    try:
        summary = score_generations(gen, tokenizer, rows, tmpl, s, template=TEMPLATE, mode=mode, out_dir=out_dir,
                                    progress=progress, sandbox=sandbox, meta=info)
    finally:
        if was_training:
            model.train()
    summary["multi_turn"] = info["multi_turn"]
    if out_dir is not None:
        write_jsonl(Path(out_dir) / "episodes.jsonl", episodes)
    return summary
