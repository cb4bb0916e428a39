"""Seconds per GRPO step and generated tokens per second: `sqlrl train` vs a plain TRL script.

Three runs in one process, same model (the default SmolLM2-135M unless --model), same demo
prompts in the same order, same reward functions, same GRPO settings (1 prompt x 4
completions, 128 new tokens, LoRA r16, beta 0, seed 0):

- sqlrl:       `sqlrl.train.grpo.train` on the demo recipe (stop on the closing fence);
- plain TRL:   a GRPOTrainer built by hand, as a user would without sqlrl, told the same stop
               token through `generation_kwargs={"eos_token_id": [...]}`;
- sqlrl, no stop strings: the sqlrl run with stopping switched off (ends only at EOS or the length limit).

The first step of each run is a warm-up and is not counted; the rest are timed by TRL's own
`step_time` metric. Prints each run's numbers and the ratios: sqlrl's overhead over plain
TRL (target: within 10 %), and the speed-up stopping gives.

    python benchmarks/bench_train.py [--steps 4] [--model default] [--completion-length 128]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

COMMON = {"num_generations": 4, "per_device_train_batch_size": 4, "gradient_accumulation_steps": 1,
          "temperature": 0.8, "beta": 0.0, "learning_rate": 1e-5, "logging_steps": 1, "report_to": [], "seed": 0,
          "gradient_checkpointing": False}


def measure(out: Path, steps: int) -> dict:
    """Step time and generated tokens per second over steps 2..N, from the last checkpoint's log."""
    state = json.loads((out / f"checkpoint-{steps}" / "trainer_state.json").read_text())
    logs = [r for r in state["log_history"] if "step_time" in r][1:]  # step 1 warms up
    seconds = [r["step_time"] for r in logs]
    tokens = [r["completions/mean_length"] * COMMON["per_device_train_batch_size"] for r in logs]
    return {"s_per_step": statistics.mean(seconds), "tokens_per_s": sum(tokens) / sum(seconds),
            "mean_length": statistics.mean(r["completions/mean_length"] for r in logs),
            "clipped_ratio": statistics.mean(r["completions/clipped_ratio"] for r in logs), "steps": len(logs)}


def run_sqlrl(model: str, out: Path, steps: int, length: int, stop: bool) -> dict:
    from sqlrl import config, stopping
    from sqlrl.train import grpo

    overrides = [f"model.name={model}", f"output_dir={out}", f"training.max_steps={steps}",
                 f"training.save_steps={steps}", f"training.max_completion_length={length}", "data.eval_split=null"]
    overrides += [f"training.{k}={json.dumps(v)}" for k, v in COMMON.items()]
    cfg = config.load("demo", overrides)
    original = stopping.configure_stopping
    if not stop:
        stopping.configure_stopping = lambda model, tokenizer, stop_strings: {}
    try:
        grpo.train(cfg)
    finally:
        stopping.configure_stopping = original
    return measure(out, steps)


def run_plain_trl(model: str, out: Path, steps: int, length: int) -> dict:
    """What one writes with TRL alone: load, build the prompts, pick the rewards, train."""
    import torch
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import GRPOConfig, GRPOTrainer

    from sqlrl.data import load_dataset
    from sqlrl.models import resolve
    from sqlrl.prompts import get_template
    from sqlrl.rewards import build_rewards

    path = resolve(model)
    tok = AutoTokenizer.from_pretrained(path)
    policy = AutoModelForCausalLM.from_pretrained(path, dtype="float32")
    template = get_template("plain")
    ds = load_dataset("demo", "train", schema_format="compact").shuffle(seed=0)
    # The prompt as text, the pre-started assistant turn left open (TRL would close it in a chat prompt).
    ds = ds.map(lambda ex: {"prompt": tok.apply_chat_template(template.messages(ex), tokenize=False,
                                                              continue_final_message=True)})
    funcs, weights = build_rewards(preset="arctic", template="plain")
    fence = [i for t, i in tok.get_vocab().items() if tok.convert_tokens_to_string([t]).strip() == "```"]
    args = GRPOConfig(output_dir=str(out), max_steps=steps, save_steps=steps, max_completion_length=length,
                      bf16=torch.cuda.is_available(), reward_weights=weights,
                      generation_kwargs={"eos_token_id": [tok.eos_token_id, *fence]}, **COMMON)
    lora = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, target_modules="all-linear", task_type="CAUSAL_LM")
    GRPOTrainer(model=policy, reward_funcs=funcs, args=args, train_dataset=ds, processing_class=tok,
                peft_config=lora).train()
    return measure(out, steps)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=4, help="steps per run; the first is a warm-up")
    p.add_argument("--model", default="default")
    p.add_argument("--completion-length", type=int, default=128)
    a = p.parse_args()
    if a.steps < 2:
        p.error("--steps must be at least 2 (the first step is not timed)")
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        results = {
            "sqlrl": run_sqlrl(a.model, tmp / "sqlrl", a.steps, a.completion_length, stop=True),
            "plain TRL": run_plain_trl(a.model, tmp / "plain", a.steps, a.completion_length),
            "sqlrl, no stop strings": run_sqlrl(a.model, tmp / "nostop", a.steps, a.completion_length, stop=False),
        }
    print(f"\nGRPO on the demo data, model {a.model}, {COMMON['per_device_train_batch_size']} completions x "
          f"{a.completion_length} max tokens per step, {a.steps - 1} timed steps per run "
          f"({time.time() - started:.0f} s in all)")
    print(f"{'run':<24} {'s/step':>8} {'gen tok/s':>10} {'mean len':>9} {'clipped':>8}")
    for name, r in results.items():
        print(f"{name:<24} {r['s_per_step']:>8.2f} {r['tokens_per_s']:>10.1f} {r['mean_length']:>9.1f} "
              f"{r['clipped_ratio']:>8.2f}")
    ours, plain, nostop = results["sqlrl"], results["plain TRL"], results["sqlrl, no stop strings"]
    overhead = ours["s_per_step"] / plain["s_per_step"] - 1
    print(f"sqlrl overhead over plain TRL: {overhead:+.1%} per step (target: within +10 %)")
    print(f"stopping speed-up: {nostop['s_per_step'] / ours['s_per_step']:.2f}x per step "
          f"({nostop['s_per_step']:.1f} s without stop strings vs {ours['s_per_step']:.1f} s with)")


if __name__ == "__main__":
    main()
