"""The results chain on CPU: the default model, SFT on Spider train, GRPO on top, each evaluated on all of Spider dev.

    make reproduce                     # = python benchmarks/reproduce.py
    python benchmarks/reproduce.py --only-report   # rebuild results/ and the README table from what ran

Stages run in order; one whose output exists is skipped, and a training stage left half-way
resumes from its last complete checkpoint, so a stopped chain picks up where it was. Every
evaluation is greedy in `spider_ts` mode and rescored in `bird` mode from its predictions file
(no second generation). The GRPO model is also evaluated with schema-grounded decoding, and
both trained models on the `val` split (train questions of 12 held-out train databases, large
schemas included) to compare them question by question per schema size, with a sign test.
At the end `results/` gets each evaluation's summary, report and plots, `results/curves.png`
(training curves), `results/val-compare/` and `results/README.md` (the table), which also
replaces the block between the markers in README.md. Estimates are wall-clock on 2 idle cores.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNS, RESULTS = REPO / "runs", REPO / "results"
SQLRL = [str(Path(sys.executable).parent / "sqlrl")]
START, END = "<!-- results:start -->", "<!-- results:end -->"
SFT, GRPO = "runs/cpu_spider_sft", "runs/cpu_spider_grpo"
DEV = ["--dataset", "spider", "--split", "dev", "--mode", "spider_ts", "--no-progress"]
VAL = ["--dataset", "spider", "--split", "val", "--mode", "spider_ts", "--no-progress"]
SIZES = ("1-2", "3-5", "6+")  # tables in the question's database

SPLITS = {"dev": DEV, "val": VAL}

# name, model, stage label, split, extra eval flags, estimated seconds
EVALS = [
    ("base-chat", "default", "base, chat prompt (no prefix)", "dev", ["--template", "chat"], 1500),
    ("base-plain", "default", "base, plain prompt (SELECT prefix)", "dev", [], 1100),
    ("sft", f"{SFT}/final", "SFT", "dev", [], 900),
    ("sft-grounded", f"{SFT}/final", "SFT", "dev", ["--grounded"], 900),
    ("sft-grpo", f"{GRPO}/final", "SFT + GRPO", "dev", [], 900),
    ("sft-grpo-grounded", f"{GRPO}/final", "SFT + GRPO", "dev", ["--grounded"], 900),
    ("sft-grpo-maj8", f"{GRPO}/final", "SFT + GRPO", "dev",
     ["--decode", "maj@8", "--temperature", "0.8", "--seed", "0"], 4500),
    ("sft-val", f"{SFT}/final", "SFT", "val", [], 500),
    ("sft-grpo-val", f"{GRPO}/final", "SFT + GRPO", "val", [], 500),
    ("sft-grpo-grounded-val", f"{GRPO}/final", "SFT + GRPO, grounded", "val", ["--grounded"], 500),
]


def evals(split: str) -> list[tuple]:
    return [e for e in EVALS if e[3] == split]


def eval_stage(name: str) -> tuple:
    _, model, _, split, flags, est = next(e for e in EVALS if e[0] == name)
    return f"eval {name}", ["eval", "--model", model, *SPLITS[split], *flags], f"eval/{name}", est


# name, command, done when this exists, estimated seconds
STAGES = [
    eval_stage("base-chat"), eval_stage("base-plain"),
    ("sft", ["sft", "--recipe", "cpu_spider_sft"], "cpu_spider_sft/final", 2400), eval_stage("sft"),
    ("grpo", ["train", "--recipe", "cpu_spider_grpo"], "cpu_spider_grpo/final", 3300), eval_stage("sft-grpo"),
    eval_stage("sft-grpo-grounded"), eval_stage("sft-val"), eval_stage("sft-grpo-val"), eval_stage("sft-grounded"),
    eval_stage("sft-grpo-grounded-val"), eval_stage("sft-grpo-maj8"),
]


def run_stage(k: int, n: int, name: str, cmd: list[str], done: str, est: float, left: float) -> None:
    target = RUNS / done
    if (target / "summary.json").is_file() or (target / "config.json").is_file() or \
            (target / "adapter_config.json").is_file():
        print(f"[{k}/{n}] {name}: done already ({target.relative_to(REPO)})")
        return
    eta = datetime.datetime.now() + datetime.timedelta(seconds=left)
    print(f"[{k}/{n}] {name}: ~{est / 60:.0f} min; whole chain done about {eta:%H:%M}", flush=True)
    if cmd[0] == "eval":
        cmd = [*cmd, "--out", str(target)]
    elif any(target.parent.glob("checkpoint-*")):
        cmd = [*cmd, "--resume"]
    started = time.time()
    subprocess.run(SQLRL + cmd, cwd=REPO, check=True)
    print(f"[{k}/{n}] {name}: took {(time.time() - started) / 60:.1f} min", flush=True)


def rescore_bird(name: str) -> Path | None:
    """The same predictions scored with the BIRD rule: no generation, seconds. None without predictions."""
    out = RUNS / "eval" / f"{name}-bird"
    if not (out / "summary.json").is_file():
        preds = RUNS / "eval" / name / "predictions.jsonl"
        if not preds.is_file():
            return None
        subprocess.run(SQLRL + ["eval", "--predictions", str(preds), "--out", str(out), *DEV[:4], "--mode", "bird",
                                "--no-progress"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return out


def log_history(run: str) -> list[dict]:
    """The run's logged steps: its trainer_state.json, else its newest checkpoint's."""
    states = [REPO / run / "trainer_state.json"] + sorted(
        (REPO / run).glob("checkpoint-*/trainer_state.json"), key=lambda p: -int(p.parent.name.split("-")[1]))
    found = next((p for p in states if p.is_file()), None)
    return json.loads(found.read_text())["log_history"] if found else []


def train_seconds(run: str) -> float | None:
    """Wall-clock of a finished run, from its model card."""
    card = REPO / run / "README.md"
    m = re.search(r"wall-clock: (\d+) s", card.read_text()) if card.is_file() else None
    return float(m.group(1)) if m else None


def plot_curves(path: Path) -> bool:
    """SFT loss and validation EX; GRPO reward, validation EX and the share of all-equal groups."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    logs = {run: log_history(run) for run in (SFT, GRPO)}
    if not any(logs.values()):
        return False
    panels = [(SFT, "loss", "SFT: training loss"), (SFT, "eval/ex", "SFT: EX on 40 val questions"),
              (GRPO, "reward", "GRPO: mean reward"), (GRPO, "eval/ex", "GRPO: EX on 40 val questions"),
              (GRPO, "frac_reward_zero_std", "GRPO: share of all-equal groups")]
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 2.8))
    for ax, (run, key, title) in zip(axes, panels):
        pts = [(r["step"], float(r[key])) for r in logs.get(run, []) if key in r]
        if key in ("reward", "frac_reward_zero_std") and len(pts) > 10:  # one group per step: smooth over 10
            pts = [(s, sum(v for _, v in pts[max(0, i - 9):i + 1]) / len(pts[max(0, i - 9):i + 1]))
                   for i, (s, _) in enumerate(pts)]
        if pts:
            ax.plot(*zip(*pts), marker="o" if key == "eval/ex" else None, markersize=3)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("step", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def table() -> str:
    """Markdown: one row per evaluation that ran, in both modes."""
    found = {e[0]: RUNS / "eval" / e[0] / "summary.json" for e in evals("dev")}
    firsts = {name: json.loads(p.read_text()) for name, p in found.items() if p.is_file()}
    sizes = [t for t in SIZES if any(t in s.get("by_tables", {}) for s in firsts.values())]
    head = ["model", "stage", "decode", "mode", "EX", "easy", "medium", "hard", "extra",
            *(f"{t} tables" for t in sizes), "executable", "eval wall-clock"]
    rows = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for name, model, stage, *_ in evals("dev"):
        if name not in firsts:
            rows.append(f"| `{model}` | {stage} | - | - | not run yet |" + " |" * (len(head) - 5))
            continue
        first = firsts[name]
        elapsed = first["meta"]["elapsed_s"]
        decode = first["decode"] + (", grounded" if first["meta"].get("grounded") else "")
        bird = rescore_bird(name)
        for s in filter(None, (first, bird and json.loads((bird / "summary.json").read_text()))):
            groups = [s["by_difficulty"].get(d, {}).get("ex") for d in ("easy", "medium", "hard", "extra")]
            groups += [s.get("by_tables", {}).get(t, {}).get("ex") for t in sizes]
            cells = " | ".join("-" if x is None else f"{100 * x:.1f}" for x in groups)
            rows.append(f"| `{model}` | {stage} | {decode} | {s['mode']} | **{100 * s['ex']:.1f}** | {cells} | "
                        f"{100 * s['executable']:.1f} | {elapsed / 60:.0f} min |")
    train = [f"{label} {t / 60:.0f} min" for label, run in (("SFT", SFT), ("GRPO", GRPO))
             if (t := train_seconds(run)) is not None]
    note = (f"Training wall-clock on 2 CPU cores: {', '.join(train)}. " if train else "") + \
        "EX in % of the 600 Spider dev questions; difficulty columns are Spider hardness, table columns the " \
        "number of tables in the question's database (none of these dev databases has 6 or more: `val` below does)."
    return "\n".join(rows) + "\n\n" + note + "\n" + val_comparison()


def val_comparison() -> str:
    """SFT vs SFT + GRPO on `val`, question by question: EX per schema size, fixed / broken and the sign test;
    then the GRPO model's EX with grounded decoding, where that evaluation ran."""
    from sqlrl.eval.compare import compare_runs

    names = [stage for _, _, stage, *_ in evals("val")]
    runs = [RUNS / "eval" / name for name, *_ in evals("val")]
    done = [r for r in runs if (r / "summary.json").is_file()]
    if done[:2] != runs[:2]:
        return ""
    res = compare_runs(done, RESULTS / "val-compare", names=names[:len(done)])
    change, extra = res["changes"][0], len(done) > 2
    lines = [f"\nOn `val` ({res['runs'][0]['n']} train questions of 12 databases held out of training; "
             "greedy, spider_ts), SFT vs SFT + GRPO question by question, fixed and broken with a sign test:\n",
             "| tables | questions | SFT | SFT + GRPO | fixed | broken | sign test p |" + (f" {names[2]} |" * extra),
             "|---|---:|---:|---:|---:|---:|---:|" + "---:|" * extra]
    groups = [(g, v["n"], v["ex"], change["by_size"].get(g, {"fixed": 0, "broken": 0, "p_sign": 1.0}))
              for g, v in res.get("by_tables", {}).items()]
    groups.append(("all", res["runs"][0]["n"], [r["ex"] for r in res["runs"]], change))
    for g, n, ex, f in groups:
        lines.append(f"| {g} | {n} | {100 * ex[0]:.1f} | {100 * ex[1]:.1f} | {f['fixed']} | {f['broken']} | "
                     f"{f['p_sign']:.3g} |" + (f" {100 * ex[2]:.1f} |" if extra else ""))
    return "\n".join(lines) + "\n"


def write_results() -> str:
    RESULTS.mkdir(exist_ok=True)
    for name, _, _, split, *_ in EVALS:
        bird = rescore_bird(name) if split == "dev" else None  # made before the copy
        for run_dir in filter(None, (RUNS / "eval" / name, bird)):
            if (run_dir / "summary.json").is_file():
                dest = RESULTS / run_dir.name
                dest.mkdir(exist_ok=True)
                for f in ["summary.json", "report.md", *(p.name for p in run_dir.glob("*.png"))]:
                    shutil.copy2(run_dir / f, dest / f)
    for run in (SFT, GRPO):
        for f in ("config.yaml", "trainer_state.json", "README.md"):
            if (REPO / run / f).is_file():
                (RESULTS / Path(run).name).mkdir(exist_ok=True)
                shutil.copy2(REPO / run / f, RESULTS / Path(run).name / f)
    curves = plot_curves(RESULTS / "curves.png")
    block = f"{START}\n{table()}" + ("\n![training curves](results/curves.png)\n" if curves else "") + \
        f"\nProduced by `make reproduce` (`python benchmarks/reproduce.py`) on {datetime.date.today()}.\n{END}"
    (RESULTS / "README.md").write_text("# Results\n\n" + block.replace("results/curves.png", "curves.png") + "\n")
    readme = (REPO / "README.md").read_text()
    if START in readme and END in readme:
        readme = readme[: readme.index(START)] + block + readme[readme.index(END) + len(END):]
        (REPO / "README.md").write_text(readme)
    return block


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only-report", action="store_true", help="run nothing; rebuild results/ from what has run")
    ap.add_argument("--skip", nargs="*", default=[], metavar="STAGE",
                    help="stage names to leave out, e.g. 'eval base-chat'")
    args = ap.parse_args(argv)
    if not args.only_report:
        stages = [s for s in STAGES if s[0] not in args.skip]
        for k, (name, cmd, done, est) in enumerate(stages, 1):
            run_stage(k, len(stages), name, cmd, done, est, sum(s[3] for s in stages[k - 1:]))
    print(write_results())
    return 0


if __name__ == "__main__":
    sys.exit(main())
