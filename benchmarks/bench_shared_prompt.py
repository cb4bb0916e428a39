"""Seconds per GRPO step with each group's prompt computed once (sqlrl's default) against TRL's unshared path.

Three runs in one process on the cpu_spider_grpo settings: Spider `fit` prompts (compact schema,
plain template, at most 384 tokens), 1 prompt x 8 completions per step, 128 max completion
tokens, LoRA r16, stop at the closing fence, temperature 1, beta 0, loss dapo; prefilter and
validation off (they are not part of a step). The recipe starts from the SFT checkpoint
(runs/cpu_spider_sft/final), which a fresh checkout does not have: these runs start from the
default model, whose answers run a little longer.

- plain TRL:       a GRPOTrainer built by hand on the same prompts, told the same stop token;
- sqlrl shared:    `sqlrl.train.grpo.train`, model.share_prompt=true (the default);
- sqlrl unshared:  the same with model.share_prompt=false (TRL's own generation and forward).

The first step of each run is a warm-up (and, shared, holds the one-off check) and is not
counted. Per step: generation (TRL's `generate` call, with the shared prefill inside it),
scoring (rewards, bookkeeping) and training (forward and backward, from TRL's `step_time`
less generation and scoring). The largest per-token log-prob difference between shared and
unshared is the first step's check, over the whole first group (8 completions), dropout off.

`--sweep` then times one generation and one training forward/backward, shared and unshared, for
one Spider prompt of about 128, 384 and 1024 tokens and groups of 4, 8 and 16 completions, with
gradient checkpointing on in both modes (the unshared backward would not fit in memory).

    python benchmarks/bench_shared_prompt.py [--steps 3] [--json FILE] [--sweep]
    python benchmarks/bench_shared_prompt.py --sweep-only --lengths 1024 --groups 8 16 --shared-only
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

RECIPE = "cpu_spider_grpo"
COMMON = ["model.name=default", "data.prefilter_samples=0", "data.eval_split=null", "eval.every_steps=0",
          "training.report_to=[]", "training.warmup_steps=0"]


@contextmanager
def timed_phases(record: list):
    """Time each training step, TRL's generation call and its generate-and-score call.

    Appends (phase, wall seconds, CPU seconds of this process) to `record`. CPU seconds count
    the work done whatever else runs on the machine; wall seconds are what a user waits.
    """
    from trl import GRPOTrainer

    names = ("training_step", "_generate_single_turn", "_generate_and_score_completions")
    originals = {n: getattr(GRPOTrainer, n) for n in names}

    def wrap(name, fn):
        def timed(self, *a, **k):
            t, c = time.perf_counter(), time.process_time()
            try:
                return fn(self, *a, **k)
            finally:
                record.append((name, time.perf_counter() - t, time.process_time() - c))
        return timed

    for n in names:
        setattr(GRPOTrainer, n, wrap(n, originals[n]))
    try:
        yield
    finally:
        for n in names:
            setattr(GRPOTrainer, n, originals[n])


def summarize(log_history: list, record: list) -> dict:
    """Per-step means over steps 2..N (wall and CPU seconds): total, generation, scoring, training."""
    def per_step(name, i):
        return statistics.mean(r[i] for r in [r for r in record if r[0] == name][1:])  # step 1 warms up

    out = {}
    for i, unit in ((1, "s"), (2, "cpu_s")):
        total, gen, gen_score = (per_step("training_step", i), per_step("_generate_single_turn", i),
                                 per_step("_generate_and_score_completions", i))
        out.update({f"{unit}_per_step": total, f"generation_{unit}": gen, f"scoring_{unit}": gen_score - gen,
                    f"training_{unit}": total - gen_score})
    steps = [r for r in log_history if "completions/mean_length" in r][1:]
    out.update({"mean_length": statistics.mean(r["completions/mean_length"] for r in steps), "steps": len(steps)})
    return out


def sqlrl_config(out: Path, steps: int, share: bool):
    from sqlrl import config

    return config.load(RECIPE, [*COMMON, f"output_dir={out}", f"training.max_steps={steps}",
                                f"training.save_steps={steps}", f"model.share_prompt={str(share).lower()}"])


def run_sqlrl(out: Path, steps: int, share: bool) -> dict:
    from sqlrl.train import grpo

    record: list = []
    with timed_phases(record):
        grpo.train(sqlrl_config(out, steps, share))
    history = json.loads((out / "trainer_state.json").read_text())["log_history"]
    result = summarize(history, record)
    diffs = [r["shared_prompt/forward_max_logp_diff"] for r in history if "shared_prompt/forward_max_logp_diff" in r]
    if share:
        result["max_abs_logprob_diff"] = diffs[0] if diffs else None
    return result


def run_plain_trl(out: Path, steps: int) -> dict:
    """What one writes with TRL alone, on the same prompts, rewards and settings."""
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import GRPOConfig, GRPOTrainer

    from sqlrl.models import resolve
    from sqlrl.rewards import build_rewards
    from sqlrl.train.common import training_defaults
    from sqlrl.train.dataset import prompt_dataset

    cfg = sqlrl_config(out, steps, share=False)
    path = resolve("default")
    tok = AutoTokenizer.from_pretrained(path)
    policy = AutoModelForCausalLM.from_pretrained(path, dtype="float32")
    ds = prompt_dataset(cfg, cfg.data.split, tok)
    funcs, weights = build_rewards(preset="arctic", template="plain")
    fence = [i for t, i in tok.get_vocab().items() if tok.convert_tokens_to_string([t]).strip() == "```"]
    settings = {**training_defaults(cfg), "reward_weights": weights, "save_strategy": "no",
                "generation_kwargs": {"eos_token_id": [tok.eos_token_id, *fence]}}
    lora = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, target_modules="all-linear", task_type="CAUSAL_LM")
    record: list = []
    with timed_phases(record):
        trainer = GRPOTrainer(model=policy, reward_funcs=funcs, args=GRPOConfig(**settings), train_dataset=ds,
                              processing_class=tok, peft_config=lora)
        trainer.train()
    return summarize(trainer.state.log_history, record)


def time_once(trainer, share: bool, row: dict) -> dict:
    """One generation (with scoring) of a group for `row` and one forward/backward; wall and CPU seconds."""
    import torch

    trainer.share_prompt = share
    trainer._buffered_inputs = None  # generate anew
    torch.manual_seed(0)  # the same completions both ways
    t, c = time.perf_counter(), time.process_time()
    inputs = trainer._prepare_inputs([row] * trainer.num_generations)
    t2, c2 = time.perf_counter(), time.process_time()
    trainer.compute_loss(trainer.model, inputs).backward()
    trainer.model.zero_grad()
    t3, c3 = time.perf_counter(), time.process_time()
    return {"gen_s": t2 - t, "train_s": t3 - t2, "gen_cpu_s": c2 - c, "train_cpu_s": c3 - c2,
            "mean_length": float(inputs["completion_mask"].sum(1).float().mean())}


def sweep(lengths=(128, 384, 1024), groups=(4, 8, 16), completion_length=128, unshared: bool = True) -> list[dict]:
    """One generation and one forward/backward per (prompt length, group size), shared and unshared.

    `unshared=False` times the shared path alone: TRL's unshared backward over 8 x ~1150 tokens
    was killed for memory on a 24 GB machine, gradient checkpointing on.
    """
    from peft import LoraConfig
    from trl import GRPOConfig, GRPOTrainer

    from sqlrl import config
    from sqlrl.models import load_model, load_tokenizer
    from sqlrl.prompts import get_template
    from sqlrl.rewards import build_rewards
    from sqlrl.stopping import configure_stopping
    from sqlrl.train.common import training_defaults
    from sqlrl.train.dataset import prompt_dataset
    from sqlrl.trl_compat import SharedPromptMixin

    tok = load_tokenizer("default")
    picked = {}
    for fmt in ("compact", "ddl", "omnisql"):  # longer schema renderings reach the longer targets
        cfg = config.load(RECIPE, [*COMMON, f"data.schema_format={fmt}", "data.max_prompt_tokens=null",
                                   "data.limit=300"])
        for row in prompt_dataset(cfg, cfg.data.split, tok):
            n = len(tok(row["prompt"])["input_ids"])
            for target in lengths:
                best = picked.get(target)
                if best is None or abs(n - target) < abs(best[0] - target):
                    picked[target] = (n, row)
    funcs, weights = build_rewards(preset="arctic", template="plain")
    trainer_cls = type("SweepTrainer", (SharedPromptMixin, GRPOTrainer), {})
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for g in groups:
            model = load_model("default")
            stop = configure_stopping(model, tok, get_template("plain").stop_strings)
            cfg = config.load(RECIPE, [*COMMON, f"output_dir={tmp}/sweep"])
            # Gradient checkpointing in both modes: TRL's unshared backward over 16 x 1150 tokens would
            # otherwise keep some 25 GB of activations.
            settings = {**training_defaults(cfg), "num_generations": g, "per_device_train_batch_size": g,
                        "max_completion_length": completion_length, "reward_weights": weights,
                        "save_strategy": "no", "generation_kwargs": stop, "gradient_checkpointing": True}
            lora = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, target_modules="all-linear",
                              task_type="CAUSAL_LM")
            trainer = trainer_cls(model=model, reward_funcs=funcs, args=GRPOConfig(**settings),
                                  train_dataset=prompt_dataset(cfg, cfg.data.split, tok).select(range(g)),
                                  processing_class=tok, peft_config=lora)
            trainer.model.train()
            trainer.current_gradient_accumulation_steps = 1  # set by Trainer.train, which the sweep does not run

            time_once(trainer, True, picked[min(lengths)][1])  # warm-up, with the shared path's one-off checks
            for target in lengths:
                n, row = picked[target]
                un = time_once(trainer, False, row) if unshared else None
                sh = time_once(trainer, True, row)
                results.append({"prompt_tokens": n, "group": g, "mean_length": sh["mean_length"],
                                **{f"unshared_{k}": v for k, v in (un or {}).items() if k != "mean_length"},
                                **{f"shared_{k}": v for k, v in sh.items() if k != "mean_length"},
                                "ratio": (sh["gen_s"] + sh["train_s"]) / (un["gen_s"] + un["train_s"]) if un else None,
                                "cpu_ratio": (sh["gen_cpu_s"] + sh["train_cpu_s"])
                                / (un["gen_cpu_s"] + un["train_cpu_s"]) if un else None,
                                "load": os.getloadavg()[0]})
                print(json.dumps(results[-1]), flush=True)
    return results


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=3, help="steps per run; the first is a warm-up")
    p.add_argument("--json", help="write the numbers to this file")
    p.add_argument("--sweep", action="store_true", help="also time prompt lengths 128/384/1024 x groups 4/8/16")
    p.add_argument("--sweep-only", action="store_true", help="only the sweep")
    p.add_argument("--lengths", type=int, nargs="+", default=[128, 384, 1024], help="sweep prompt lengths")
    p.add_argument("--groups", type=int, nargs="+", default=[4, 8, 16], help="sweep group sizes")
    p.add_argument("--shared-only", action="store_true",
                   help="sweep the shared path alone (TRL's unshared one may not fit in memory: 8 x 1150 tokens "
                        "did not in 24 GB)")
    p.add_argument("--gradient-checkpointing", action="store_true",
                   help="in all three runs (the recipe has it off): TRL's unshared backward then needs ~2 GB "
                        "instead of ~10 GB, for a machine whose memory is shared")
    a = p.parse_args()
    if a.gradient_checkpointing:
        COMMON.append("training.gradient_checkpointing=true")
    if a.steps < 2:
        p.error("--steps must be at least 2 (the first step is not timed)")
    started = time.time()
    load = os.getloadavg()
    out: dict = {"steps_timed": a.steps - 1, "load_before": load[0],
                 "gradient_checkpointing": a.gradient_checkpointing}
    if not a.sweep_only:
        runs: dict = {}
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            for name, run in (("sqlrl shared", lambda: run_sqlrl(tmp / "shared", a.steps, share=True)),
                              ("sqlrl unshared", lambda: run_sqlrl(tmp / "unshared", a.steps, share=False)),
                              ("plain TRL", lambda: run_plain_trl(tmp / "plain", a.steps))):
                runs[name] = run()
                if a.json:  # each run as it ends: a long benchmark interrupted keeps what it measured
                    Path(a.json).write_text(json.dumps({**out, "runs": runs}, indent=2, default=str))
        runs = {k: runs[k] for k in ("plain TRL", "sqlrl shared", "sqlrl unshared")}
        print(f"\nGRPO on {RECIPE} settings from the default model, 8 completions x 128 max tokens per step"
              f"{', gradient checkpointing' if a.gradient_checkpointing else ''}, "
              f"{a.steps - 1} timed steps per run ({time.time() - started:.0f} s in all; load {load[0]:.1f} before, "
              f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores)")
        print(f"{'run':<16} {'s/step':>8} {'generate':>9} {'score':>7} {'train':>7} {'CPU s/step':>11} "
              f"{'generate':>9} {'train':>7} {'mean len':>9}")
        for name, r in runs.items():
            print(f"{name:<16} {r['s_per_step']:>8.1f} {r['generation_s']:>9.1f} {r['scoring_s']:>7.1f} "
                  f"{r['training_s']:>7.1f} {r['cpu_s_per_step']:>11.1f} {r['generation_cpu_s']:>9.1f} "
                  f"{r['training_cpu_s']:>7.1f} {r['mean_length']:>9.1f}")
        plain, shared, unshared = runs["plain TRL"], runs["sqlrl shared"], runs["sqlrl unshared"]
        ratio = shared["s_per_step"] / plain["s_per_step"]
        cpu_ratio = shared["cpu_s_per_step"] / plain["cpu_s_per_step"]
        print(f"shared / plain TRL: {ratio:.2f}x per step wall, {cpu_ratio:.2f}x CPU (target: <= 0.40x); "
              f"unshared / plain TRL: {unshared['s_per_step'] / plain['s_per_step']:.2f}x wall, "
              f"{unshared['cpu_s_per_step'] / plain['cpu_s_per_step']:.2f}x CPU")
        diff = shared["max_abs_logprob_diff"]
        print(f"largest per-token log-prob difference, shared vs unshared, same batch: {diff:.2e}")
        out.update({"plain_trl_s_per_step": plain["s_per_step"], "shared_s_per_step": shared["s_per_step"],
                    "unshared_s_per_step": unshared["s_per_step"], "max_abs_logprob_diff": diff,
                    "shared_over_plain": ratio, "shared_over_plain_cpu": cpu_ratio, "runs": runs})
    if a.sweep or a.sweep_only:
        rows = sweep(tuple(a.lengths), tuple(a.groups), unshared=not a.shared_only)
        print(f"\n{'prompt tok':>10} {'group':>6} {'unshared s':>11} {'shared s':>9} {'ratio':>6} "
              f"{'CPU ratio':>10}")
        for r in rows:
            un = f"{r['unshared_gen_s'] + r['unshared_train_s']:>11.1f}" if r["ratio"] else f"{'-':>11}"
            ratios = f"{r['ratio']:>6.2f} {r['cpu_ratio']:>10.2f}" if r["ratio"] else f"{'-':>6} {'-':>10}"
            print(f"{r['prompt_tokens']:>10} {r['group']:>6} {un} {r['shared_gen_s'] + r['shared_train_s']:>9.1f} "
                  f"{ratios}")
        out["sweep"] = rows
    out["load_after"] = os.getloadavg()[0]
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
