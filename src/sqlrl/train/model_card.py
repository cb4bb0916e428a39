"""The model card (README.md) a run writes into its output directory.

It says what was trained on what and how (the resolved recipe), the one command that trains
the same run again, and what came out: the reward curve in brief (first / last logged mean
reward and the first- vs last-third means), validation EX at the start and the end, the
wall-clock and the final metrics, with the curves drawn beside it (`curves.png`).
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from sqlrl import config as cfgmod
from sqlrl.config import RunConfig
from sqlrl.errors import UserError
from sqlrl.train.history import eval_trend, reward_trend


def _flat(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v and k not in ("weights", "params", "schedule"):
            out.update(_flat(v, key + "."))
        else:
            out[key] = v
    return out


def _value(v) -> str:
    return v if isinstance(v, str) and v and v == v.strip() and ":" not in v else json.dumps(v)


def reproduce_command(cfg: RunConfig) -> str:
    """`sqlrl train|sft --recipe R --output-dir D KEY=VALUE...`: the recipe plus whatever differs from it.

    The overrides are recomputed from the resolved config (not copied from the command line),
    so a run started from Python, or with --max-steps, gets a command too. A recipe that is no
    longer found by name (a YAML file elsewhere) is replaced by the run's own config.yaml.
    """
    verb = "train" if cfg.trainer == "grpo" else "sft"
    try:
        base = cfgmod.load(cfg.recipe) if cfg.recipe else None
    except UserError:
        base = None
    recipe = cfg.recipe if base is not None else str(Path(cfg.output_dir) / "config.yaml")
    overrides = []
    if base is not None:
        theirs, missing = _flat(cfgmod.to_dict(base)), object()
        overrides = [f"{k}={_value(v)}" for k, v in _flat(cfgmod.to_dict(cfg)).items()
                     if k not in ("output_dir", "recipe") and theirs.get(k, missing) != v]
    words = ["sqlrl", verb, "--recipe", recipe, "--output-dir", str(cfg.output_dir), *overrides]
    return " ".join(shlex.quote(w) for w in words)


def _fmt(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "-"
    return f"{100 * x:.1f} %" if pct else f"{x:.3f}"


def results_lines(log_history: list[dict], cfg: RunConfig) -> list[str]:
    """The curve summary: reward (GRPO) or loss (SFT) start -> end, validation EX start -> end."""
    lines = []
    key, name = ("reward", "mean reward") if cfg.trainer == "grpo" else ("loss", "training loss")
    r = reward_trend(log_history, key)
    if r:
        lines.append(f"- {name}: first step {_fmt(r['first'])}, last step {_fmt(r['last'])} "
                     f"({r['steps']} logged steps)")
        if "first_third" in r:
            lines.append(f"- {name}, mean over the first {r['third_steps']} vs the last {r['third_steps']} logged "
                         f"steps: {_fmt(r['first_third'])} -> {_fmt(r['last_third'])}")
    else:
        lines.append(f"- {name}: not logged")
    ev = eval_trend(log_history)
    if ev:
        split = f"`{cfg.data.eval_split}`" + (f", first {cfg.eval.limit} questions" if cfg.eval.limit else "")
        lines.append(f"- validation EX ({split}, greedy): {_fmt(ev['first'], True)} at step {ev['first_step']} -> "
                     f"{_fmt(ev['last'], True)} at step {ev['last_step']} ({ev['measurements']} measurements)")
    else:
        lines.append("- validation EX: not measured during training (set `eval.every_steps` and `data.eval_split`)")
    return lines


def render(cfg: RunConfig, out: Path, metrics: dict, log_history: list[dict], seconds: float,
           curves: str | None = None) -> str:
    lora = f" + LoRA r={cfg.model.lora_r} alpha={cfg.model.lora_alpha}" if cfg.model.lora else " (all weights trained)"
    if cfg.model.backend == "unsloth":
        lora += " (built with Unsloth)"
    objective = (f"- reward: preset `{cfg.reward.preset}` weights {cfg.reward.weights or 'preset defaults'}, "
                 f"comparison `{cfg.reward.mode}`"
                 + (f", schedule {cfg.reward.schedule}" if cfg.reward.schedule else "")
                 if cfg.trainer == "grpo" else "- objective: next-token loss on the gold SQL answer")
    lines = [
        f"# {Path(out).name}", "",
        f"Trained with sqlrl ({cfg.trainer.upper()}) from recipe `{cfg.recipe}`.", "",
        f"- base model: `{cfg.model.name}`{lora}",
        (f"- data: `{cfg.data.dataset}` split `{cfg.data.split}`, schema `{cfg.data.schema_format}`, "
         f"template `{cfg.data.template}`"),
        objective,
        f"- wall-clock: {seconds:.0f} s", "",
        "## Reproduce", "", "```bash", reproduce_command(cfg), "```", "",
        "## Results", "", *results_lines(log_history, cfg), "",
    ]
    if curves:
        lines += [f"![training curves]({curves})", ""]
    lines += ["Final metrics:", "", "```json", json.dumps(metrics, indent=2, default=str), "```", "",
              "## Recipe", "", "The resolved config (also in `config.yaml`):", "", "```yaml",
              cfgmod.to_yaml(cfg).rstrip(), "```", ""]
    return "\n".join(lines)


def write(cfg: RunConfig, out: Path, metrics: dict, log_history: list[dict], seconds: float) -> Path:
    """README.md (and curves.png) in the output directory."""
    out = Path(out)
    curves = None
    if any("loss" in r or "reward" in r for r in log_history):
        from sqlrl.train.curves import plot_runs

        curves = plot_runs([out], out / "curves.png", names=[out.name]).name
    path = out / "README.md"
    path.write_text(render(cfg, out, metrics, log_history, seconds, curves), encoding="utf-8")
    return path
