"""Files a run leaves behind (comparing runs: `sqlrl.eval.compare`).

A run directory holds:
- `predictions.jsonl` (`{"id", "db_id", "question", "sql"}` per line, dataset order: it can be
  scored again with `sqlrl eval --predictions`) and `predictions.sql` (Spider's format);
- `examples.jsonl`: one record per example (question, prediction, gold, error type, match...);
- `summary.json`: the numbers and the metadata they depend on;
- `report.md` with `accuracy_by_difficulty.png` and `error_types.png`.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlrl.errors import UserError
from sqlrl.jsonl import write_jsonl


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _plt():
    import matplotlib

    matplotlib.use("Agg")  # files only: never needs a display
    import matplotlib.pyplot as plt

    return plt


def pass_at_key(summary: dict) -> str | None:
    """The summary's `pass@K` key, or None when it reports no pass@K."""
    return next((k for k in summary if k.startswith("pass@")), None)


def difficulty_bars(runs: dict[str, dict]) -> tuple[list[str], list[tuple[str, list[float], str | None]]]:
    """What the difficulty plot draws: the levels (then "all") and, per run, its EX bars and, when the
    run reports one, its pass@K bars (hatched): `(levels, [(label, values in %, hatch), ...])`."""
    levels: list[str] = []
    for s in runs.values():
        levels += [d for d in s["by_difficulty"] if d not in levels]
    levels.append("all")
    bars = []
    for name, s in runs.items():
        for key, hatch in (("ex", None), (pass_at_key(s), "//")):
            if key is None:
                continue
            label = (name if key == "ex" else f"{name} {key}") if len(runs) > 1 else ("EX" if key == "ex" else key)
            vals = [100 * ((s.get(key) if d == "all" else s["by_difficulty"].get(d, {}).get(key)) or 0.0)
                    for d in levels]
            bars.append((label, vals, hatch))
    return levels, bars


def plot_by_difficulty(runs: dict[str, dict], path: Path) -> Path:
    """Grouped bars of EX per difficulty, one group per level, one bar per run (and one more per run
    for its pass@K, hatched, when it reports one)."""
    plt = _plt()
    levels, series = difficulty_bars(runs)
    fig, ax = plt.subplots(figsize=(1.4 + (1.2 + 0.3 * (len(series) - 1)) * len(levels), 3.6))
    width = 0.8 / max(len(series), 1)
    for k, (label, vals, hatch) in enumerate(series):
        xs = [x + (k - (len(series) - 1) / 2) * width for x in range(len(levels))]
        bars = ax.bar(xs, vals, width, label=label, hatch=hatch)
        ax.bar_label(bars, fmt="%.1f", fontsize=7)
    counts = {d: next((s["by_difficulty"][d]["n"] for s in runs.values() if d in s["by_difficulty"]), None)
              for d in levels[:-1]}
    counts["all"] = next(iter(runs.values()))["n"]
    ax.set_xticks(range(len(levels)), [f"{d}\n(n={counts[d]})" for d in levels])
    with_pass = any(hatch for _, _, hatch in series)
    ax.set_ylabel("EX / pass@K (%)" if with_pass else "EX (%)")
    ax.set_ylim(0, 105)
    mode = next(iter(runs.values()))["mode"]
    ax.set_title(f"Execution accuracy{' and pass@K' if with_pass else ''} by difficulty (mode={mode})")
    if len(series) > 1:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_error_types(summary: dict, path: Path) -> Path:
    """Horizontal bars: how many examples ended in each outcome."""
    plt = _plt()
    items = sorted(summary["error_types"].items(), key=lambda kv: kv[1])
    fig, ax = plt.subplots(figsize=(6, 0.6 + 0.35 * len(items)))
    bars = ax.barh([k for k, _ in items], [v for _, v in items],
                   color=["tab:green" if k == "correct" else "tab:red" for k, _ in items])
    ax.bar_label(bars, fontsize=7)
    ax.set_xlabel("examples")
    ax.set_title(f"Outcomes (n={summary['n']})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _meta_table(meta: dict) -> list[str]:
    keys = ["model", "model_path", "dataset", "split", "dataset_version", "dataset_checksum", "databases_checksum",
            "n_examples", "template", "schema_format", "schema_prune", "decode", "temperature", "top_p", "seed",
            "pass_at", "max_new_tokens", "batch_size", "share_prefix", "grounded", "backend", "mode", "timeout_s",
            "predictions", "sqlrl_version", "date", "elapsed_s"]
    lines = ["| setting | value |", "|---|---|"]
    for k in keys:
        if k in meta and meta[k] is not None:
            lines.append(f"| {k} | `{meta[k]}` |")
    return lines


def render_markdown(summary: dict, plots: dict[str, str]) -> str:
    """report.md for one run."""
    meta = summary.get("meta", {})
    out = [f"# Evaluation: {meta.get('model') or meta.get('predictions') or 'predictions'}", "",
           f"**EX = {_pct(summary['ex'])}** ({summary['correct']}/{summary['n']}), "
           f"executable {_pct(summary['executable'])}, mode `{summary['mode']}`, decode `{summary['decode']}`"
           + "".join(f", {k} {_pct(v)}" for k, v in summary.items() if k.startswith("pass@")), ""]
    aff = summary.get("affected", {})
    if aff.get("examples"):
        out += [f"**{aff['examples']} example(s) had no usable prediction** and count as wrong: "
                + ", ".join(f"{k} {v}" for k, v in aff["by_type"].items()), ""]
    if summary.get("issues", {}).get("count"):
        iss = summary["issues"]
        out += [f"**{iss['count']} problem(s) in the predictions file**: "
                + ", ".join(f"{k} {v}" for k, v in iss["by_kind"].items()), ""]
        out += [f"- line {i['line']}: {i['message']}" for i in iss["first"]] + [""]
    out += ["## Settings", ""] + _meta_table(meta) + [""]
    key = pass_at_key(summary)
    extra_head, extra_rule = (f" {key} |", "---:|") if key else ("", "")
    out += ["## By difficulty", "", f"| difficulty | n | correct | EX | executable |{extra_head}",
            f"|---|---:|---:|---:|---:|{extra_rule}"]
    for d, b in summary["by_difficulty"].items():
        out.append(f"| {d} | {b['n']} | {b['correct']} | {_pct(b['ex'])} | {_pct(b['executable'])} |"
                   + (f" {_pct(b.get(key))} |" if key else ""))
    out.append(f"| **all** | {summary['n']} | {summary['correct']} | {_pct(summary['ex'])} | "
               f"{_pct(summary['executable'])} |" + (f" {_pct(summary[key])} |" if key else ""))
    if "difficulty" in plots:
        out += ["", f"![accuracy by difficulty]({plots['difficulty']})"]
    if summary.get("by_tables"):
        out += ["", "## By schema size", "", "Tables in the question's database.", "",
                "| tables | n | correct | EX | executable |", "|---|---:|---:|---:|---:|"]
        for t, b in summary["by_tables"].items():
            out.append(f"| {t} | {b['n']} | {b['correct']} | {_pct(b['ex'])} | {_pct(b['executable'])} |")
    out += ["", "## By database", "", "| db_id | n | correct | EX |", "|---|---:|---:|---:|"]
    for d, b in summary["by_db"].items():
        out.append(f"| {d} | {b['n']} | {b['correct']} | {_pct(b['ex'])} |")
    out += ["", "## Outcomes", "", "| outcome | examples |", "|---|---:|"]
    for k, v in summary["error_types"].items():
        out.append(f"| {k} | {v} |")
    if "errors" in plots:
        out += ["", f"![outcomes]({plots['errors']})"]
    return "\n".join(out) + "\n"


def write_run(out_dir: str | Path, records: list[dict], summary: dict, plots: bool = True) -> Path:
    """Write every output file of a run into `out_dir`; returns the report path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / "predictions.jsonl", ({"id": r["id"], "db_id": r["db_id"], "question": r["question"],
                                        "sql": r["prediction"] or ""} for r in records))
    with (out / "predictions.sql").open("w", encoding="utf-8") as f:
        for r in records:  # one line per example: newlines inside SQL become spaces
            f.write(" ".join((r["prediction"] or "").split()) + f"\t{r['db_id']}\n")
    write_jsonl(out / "examples.jsonl", records)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n")
    made = {}
    if plots and summary["n"]:
        made["difficulty"] = plot_by_difficulty({"run": summary}, out / "accuracy_by_difficulty.png").name
        made["errors"] = plot_error_types(summary, out / "error_types.png").name
    path = out / "report.md"
    path.write_text(render_markdown(summary, made), encoding="utf-8")
    return path


def load_run(path: str | Path) -> tuple[dict, list[dict] | None, Path]:
    """(summary, per-example records or None, run dir) from a run directory or a summary.json."""
    p = Path(path)
    summary_path = p / "summary.json" if p.is_dir() else p
    if not summary_path.is_file():
        raise UserError(f"{path}: no summary.json there; give a directory written by `sqlrl eval --out DIR` "
                        "or its summary.json.")
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise UserError(f"{summary_path}: not valid JSON ({e.msg}, line {e.lineno}).") from e
    for key in ("ex", "n", "by_difficulty", "mode"):
        if key not in summary:
            raise UserError(f"{summary_path}: field '{key}' is missing; is it an sqlrl eval summary?")
    ex_path = summary_path.parent / "examples.jsonl"
    records = None
    if ex_path.is_file():
        records = [json.loads(line) for line in ex_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return summary, records, summary_path.parent
