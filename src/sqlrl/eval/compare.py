"""Compare any number of evaluation runs: one table of EX by difficulty, one grouped bar chart.

    compare_runs(["runs/demo/eval-before", "runs/demo/eval-sft", "runs/demo/eval-after"], "runs/demo")

Each run is a directory written by `sqlrl eval --out` (or its summary.json). The runs are
read in the order given (typically the stages of one model: base, warm start, RL); the
"change" column is last minus first, and consecutive runs with per-example records get the
number of examples fixed and broken between them, with a two-sided sign test on those counts
(is the change more than chance?). When every run reports EX by schema size (tables in the
question's database), a second table shows it the same way, with fixed/broken per size. Writes
compare.md, compare.json and compare_by_difficulty.png.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from sqlrl.errors import UserError
from sqlrl.eval.report import _pct, load_run, plot_by_difficulty
from sqlrl.eval.schema_size import bucket_order, size_bucket

CHECKED = ("dataset_checksum", "mode", "databases_checksum")  # must agree for the numbers to be comparable
USAGE = "`sqlrl eval compare RUN_A RUN_B [RUN ...] [--out DIR]`"


def run_names(paths: list[str | Path]) -> list[str]:
    """Short, distinct names: the directory names less a prefix they all share ("eval-before" -> "before")."""
    dirs = [Path(p) if Path(p).is_dir() else Path(p).parent for p in paths]
    names = [d.name or str(d) for d in dirs]
    if len(set(names)) < len(names):  # same leaf name (runs/a/eval, runs/b/eval): add the parent
        names = [f"{d.parent.name}/{d.name}" for d in dirs]
    prefix = os.path.commonprefix(names) if len(names) > 1 else ""
    cut = max(prefix.rfind("-"), prefix.rfind("_"), prefix.rfind("/")) + 1
    if cut and all(len(n) > cut for n in names):
        names = [n[cut:] for n in names]
    return names if len(set(names)) == len(names) else [f"{i + 1}:{n}" for i, n in enumerate(names)]


def sign_test(fixed: int, broken: int) -> float:
    """Two-sided exact sign test: the chance of a split at least this uneven if fixing and breaking were
    equally likely (examples that did not change carry no information and are left out)."""
    n = fixed + broken
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(fixed, broken) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def flips(ra: list[dict] | None, rb: list[dict] | None) -> dict | None:
    """Examples right in b but not a (fixed) and the reverse (broken), with the sign test's p on those
    counts, overall and per schema size where the records carry `n_tables`; None without matching records."""
    if ra is None or rb is None or len(ra) != len(rb):
        return None
    fixed = [i for i, (x, y) in enumerate(zip(ra, rb)) if not x["match"] and y["match"]]
    broken = [i for i, (x, y) in enumerate(zip(ra, rb)) if x["match"] and not y["match"]]
    out = {"fixed": len(fixed), "broken": len(broken), "p_sign": sign_test(len(fixed), len(broken)),
           "fixed_examples": fixed[:50], "broken_examples": broken[:50]}
    if all("n_tables" in r for r in ra):
        size = [size_bucket(r["n_tables"]) for r in ra]
        out["by_size"] = {}
        for g in sorted(set(size), key=bucket_order):
            f, b = sum(size[i] == g for i in fixed), sum(size[i] == g for i in broken)
            out["by_size"][g] = {"fixed": f, "broken": b, "p_sign": sign_test(f, b)}
    return out


def _grouped(summaries: list[dict], key: str) -> dict:
    """{group: {"n", "ex": [EX of each run, None where a run lacks the group]}} for `by_difficulty` or
    `by_tables`, groups in the order the runs give them."""
    groups = list(dict.fromkeys(g for s in summaries for g in s.get(key, {})))
    return {g: {"n": next((s[key][g]["n"] for s in summaries if g in s.get(key, {})), None),
                "ex": [s.get(key, {}).get(g, {}).get("ex") for s in summaries]} for g in groups}


def compare_runs(paths: list[str | Path], out_dir: str | Path, names: list[str] | None = None) -> dict:
    """Compare runs in the order given; writes compare.md / compare.json / compare_by_difficulty.png."""
    if len(paths) < 2:
        raise UserError(f"compare needs at least two runs, got {len(paths)}: {USAGE}, each RUN a directory "
                        "written by `sqlrl eval --out DIR` (or its summary.json).")
    names = list(names) if names else run_names(paths)
    if len(names) != len(paths) or len(set(names)) != len(names):
        raise UserError(f"compare: {len(paths)} runs need {len(paths)} distinct names, got {names}.")
    loaded = [load_run(p) for p in paths]
    summaries = [s for s, _, _ in loaded]
    first = summaries[0]
    warnings = []
    for name, s in zip(names[1:], summaries[1:]):
        for key in CHECKED:
            va, vb = first.get("meta", {}).get(key, first.get(key)), s.get("meta", {}).get(key, s.get(key))
            if va != vb:
                warnings.append(f"{key} differs between {names[0]} and {name}: {va} vs {vb}; "
                                "the numbers are not measured on the same thing")
    result = {
        "runs": [{"name": n, "path": str(p), "ex": s["ex"], "correct": s["correct"], "n": s["n"],
                  "model": s.get("meta", {}).get("model") or s.get("meta", {}).get("predictions"),
                  "decode": s.get("decode")}
                 for n, p, s in zip(names, paths, summaries)],
        "by_difficulty": _grouped(summaries, "by_difficulty"),
        "delta": summaries[-1]["ex"] - first["ex"],
        "changes": [],
        "warnings": warnings,
    }
    if all(s.get("by_tables") for s in summaries):
        result["by_tables"] = _grouped(summaries, "by_tables")
    for k in range(1, len(loaded)):
        f = flips(loaded[k - 1][1], loaded[k][1])
        if f is not None:
            result["changes"].append({"from": names[k - 1], "to": names[k], **f})
    if len(paths) == 2:  # the keys a comparison of two runs has always had
        result.update(a=str(paths[0]), b=str(paths[1]), ex_a=first["ex"], ex_b=summaries[1]["ex"])
        if result["changes"]:
            result.update({k: v for k, v in result["changes"][0].items() if k not in ("from", "to")})
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plot = plot_by_difficulty(dict(zip(names, summaries)), out / "compare_by_difficulty.png")
    (out / "compare.md").write_text(render_markdown(result, plot.name), encoding="utf-8")
    (out / "compare.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def table(result: dict, key: str = "by_difficulty", title: str = "difficulty") -> list[str]:
    """Markdown table: one row per group (difficulty, or schema size) and one for all, one column per run,
    then the change from the first run to the last."""
    names = [r["name"] for r in result["runs"]]
    lines = [f"| {title} | " + " | ".join(names) + " | change |", "|---" + "|---:" * (len(names) + 1) + "|"]
    for g, v in result[key].items():
        ex = v["ex"]
        delta = "-" if ex[0] is None or ex[-1] is None else f"{100 * (ex[-1] - ex[0]):+.1f}"
        lines.append(f"| {g} (n={v['n']}) | " + " | ".join(_pct(x) for x in ex) + f" | {delta} |")
    n = result["runs"][0]["n"]
    lines.append(f"| **all** (n={n}) | " + " | ".join(f"**{_pct(r['ex'])}**" for r in result["runs"])
                 + f" | {100 * result['delta']:+.1f} |")
    return lines


def render_markdown(result: dict, plot: str) -> str:
    runs = result["runs"]
    lines = [f"# {' vs '.join(r['name'] for r in runs)}", ""]
    lines += [f"- {r['name']}: `{r['path']}` EX {_pct(r['ex'])} ({r['correct']}/{r['n']}), model `{r['model']}`, "
              f"decode `{r['decode']}`" for r in runs]
    lines += [f"- change, {runs[0]['name']} to {runs[-1]['name']}: **{100 * result['delta']:+.1f} points**", ""]
    lines += [f"> warning: {w}" for w in result["warnings"]] + ([""] if result["warnings"] else [])
    for c in result["changes"]:
        lines.append(f"- {c['from']} -> {c['to']}: {c['fixed']} example(s) fixed, {c['broken']} broken "
                     f"(sign test p = {c['p_sign']:.3g})")
    if result["changes"]:
        lines.append("")
    lines += ["## By difficulty", ""] + table(result) + ["", f"![by difficulty]({plot})"]
    if result.get("by_tables"):
        lines += ["", "## By schema size", "", "Tables in the question's database.", ""]
        lines += table(result, "by_tables", "tables")
        for c in result["changes"]:
            lines += [""] + [f"- {g} tables, {c['from']} -> {c['to']}: {v['fixed']} fixed, {v['broken']} broken "
                             f"(sign test p = {v['p_sign']:.3g})" for g, v in c.get("by_size", {}).items()]
    return "\n".join(lines) + "\n"
