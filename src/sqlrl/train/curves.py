"""Training curves of one or more runs in one picture, and a one-line verdict per run.

    sqlrl curves runs/demo/sft runs/demo/grpo --out runs/demo/curves.png

SFT runs get their training loss, GRPO runs their mean reward per step (with the running mean
over the last few steps: one step's reward comes from a single group and is noisy); either
gets validation EX when the run measured it.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlrl import config as cfgmod
from sqlrl.errors import UserError
from sqlrl.train.history import series, summary_line

SMOOTH = 5  # steps in the running mean drawn over the reward


def log_history(run: str | Path) -> list[dict]:
    """The run's logged steps: its trainer_state.json, else its newest complete checkpoint's."""
    run = Path(run)
    states = [run / "trainer_state.json"] + sorted(run.glob("checkpoint-*/trainer_state.json"),
                                                   key=lambda p: -int(p.parent.name.split("-")[1]))
    for p in states:
        if p.is_file():
            try:
                return json.loads(p.read_text())["log_history"]
            except (json.JSONDecodeError, KeyError) as e:
                raise UserError(f"{p}: not a trainer state with a log_history ({e}).") from e
    raise UserError(f"{run}: no trainer_state.json (nor a checkpoint holding one); give an output directory "
                    "of `sqlrl train` or `sqlrl sft`.")


def run_kind(run: str | Path, history: list[dict]) -> str:
    """'grpo' or 'sft': from the run's config.yaml, else from what it logged."""
    cfg = Path(run) / "config.yaml"
    if cfg.is_file():
        try:
            kind = (cfgmod.load_yaml(cfg.read_text()) or {}).get("trainer")
        except (cfgmod.yaml.YAMLError, AttributeError):
            kind = None
        if kind in ("grpo", "sft"):
            return kind
    return "grpo" if series(history, "reward") else "sft"


def running_mean(values: list[float], n: int = SMOOTH) -> list[float]:
    return [sum(values[max(0, i - n + 1):i + 1]) / len(values[max(0, i - n + 1):i + 1]) for i in range(len(values))]


def panels(runs: dict[str, list[dict]], kinds: dict[str, str]) -> list[tuple[str, str, str]]:
    """(run name, log key, title) for each panel drawn."""
    out = []
    for name, hist in runs.items():
        key = "reward" if kinds[name] == "grpo" else "loss"
        out.append((name, key, f"{name}: {'mean reward' if key == 'reward' else 'training loss'}"))
        if series(hist, "eval/ex"):
            out.append((name, "eval/ex", f"{name}: validation EX"))
    return out


def plot_runs(run_dirs: list[str | Path], path: str | Path, names: list[str] | None = None) -> Path:
    """One row of panels: each run's loss or reward curve, and its validation EX if measured."""
    import matplotlib

    matplotlib.use("Agg")  # files only: never needs a display
    import matplotlib.pyplot as plt

    names = names or [Path(r).name for r in run_dirs]
    runs = {n: log_history(r) for n, r in zip(names, run_dirs)}
    kinds = {n: run_kind(r, runs[n]) for n, r in zip(names, run_dirs)}
    todo = panels(runs, kinds)
    fig, axes = plt.subplots(1, len(todo), figsize=(3.4 * len(todo), 2.9), squeeze=False)
    for ax, (name, key, title) in zip(axes[0], todo):
        pts = series(runs[name], key)
        if pts:
            steps, values = zip(*pts)
            if key == "eval/ex":
                ax.plot(steps, [100 * v for v in values], marker="o", markersize=3)
                ax.set_ylabel("EX (%)", fontsize=8)
            else:
                ax.plot(steps, values, alpha=0.35 if key == "reward" else 1.0, linewidth=1)
                if key == "reward":
                    ax.plot(steps, running_mean(list(values)), linewidth=2, label=f"mean of last {SMOOTH}")
                    ax.legend(fontsize=7)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("step", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def verdict(run: str | Path) -> str:
    """`name (GRPO): N steps in S s; <summary line>` for one run directory."""
    hist = log_history(run)
    end = next((r for r in reversed(hist) if "train_runtime" in r), {})
    took = f"{end.get('step', '?')} steps in {end['train_runtime']:.0f} s; " if "train_runtime" in end else ""
    return f"{Path(run).name} ({run_kind(run, hist).upper()}): {took}{summary_line(hist) or 'nothing logged'}"
