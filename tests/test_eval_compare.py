"""`sqlrl eval compare` on any number of runs: real eval directories scored from demo predictions."""

from __future__ import annotations

import json

import pytest

from sqlrl.cli import main
from sqlrl.data.demo import demo_questions
from sqlrl.eval.compare import sign_test


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory):
    """eval-before / eval-sft / eval-after on the demo test split: none, the easy questions, all right."""
    items = demo_questions("test")
    root = tmp_path_factory.mktemp("runs")
    plans = {"before": lambda it: "SELECT 0",
             "sft": lambda it: it["query"] if it["difficulty"] == "easy" else "SELECT 0",
             "after": lambda it: it["query"]}
    for name, pred in plans.items():
        path = root / f"{name}.jsonl"
        path.write_text("".join(json.dumps({"id": it["id"], "sql": pred(it)}) + "\n" for it in items))
        code = main(["eval", "--dataset", "demo", "--split", "test", "--predictions", str(path), "--no-progress",
                     "--out", str(root / f"eval-{name}")])
        assert code == 0
    return root, items


def test_compare_three_runs_writes_table_json_and_png(three_runs, capsys):
    root, items = three_runs
    capsys.readouterr()
    runs = [str(root / f"eval-{n}") for n in ("before", "sft", "after")]
    assert main(["eval", "compare", *runs, "--out", str(root / "cmp")]) == 0
    out = capsys.readouterr().out
    easy = sum(it["difficulty"] == "easy" for it in items)
    n = len(items)
    sft = f"{100 * easy / n:.1f}%"
    assert f"EX 0.0% -> {sft} -> 100.0% (+100.0 points)" in out
    # one table: a column per run (named after the directories, less their shared "eval-"), a row per difficulty
    assert "| difficulty | before | sft | after | change |" in out
    assert f"| **all** (n={n}) | **0.0%** | **{sft}** | **100.0%** | +100.0 |" in out
    assert f"| easy (n={easy}) | 0.0% | 100.0% | 100.0% | +100.0 |" in out
    md = (root / "cmp" / "compare.md").read_text()
    assert "| difficulty | before | sft | after | change |" in md and "compare_by_difficulty.png" in md
    assert f"- before -> sft: {easy} example(s) fixed, 0 broken (sign test p = {sign_test(easy, 0):.3g})" in md
    assert f"- sft -> after: {n - easy} example(s) fixed, 0 broken" in md
    # EX by schema size, the same way
    sizes = json.loads((root / "eval-after" / "summary.json").read_text())["by_tables"]
    assert sizes and "| tables | before | sft | after | change |" in out and "## By schema size" in md
    assert all(f"| {s} (n={b['n']}) | 0.0% |" in md for s, b in sizes.items())
    res = json.loads((root / "cmp" / "compare.json").read_text())
    assert [r["name"] for r in res["runs"]] == ["before", "sft", "after"]
    assert set(res["by_tables"]) == set(sizes) and all(v["ex"][-1] == 1.0 for v in res["by_tables"].values())
    # fixed / broken per schema size add up to the totals, each with its sign test
    for change in res["changes"]:
        per_size = change["by_size"]
        assert set(per_size) == set(sizes) and sum(v["fixed"] for v in per_size.values()) == change["fixed"]
        assert all(v["p_sign"] == sign_test(v["fixed"], v["broken"]) for v in per_size.values())
    for size, v in res["changes"][1]["by_size"].items():
        assert f"- {size} tables, sft -> after: {v['fixed']} fixed, 0 broken" in md
    assert res["by_difficulty"]["easy"]["ex"] == [0.0, 1.0, 1.0] and res["warnings"] == []
    png = (root / "cmp" / "compare_by_difficulty.png").read_bytes()
    assert png[:4] == b"\x89PNG" and len(png) > 5000


def test_sign_test_exact_two_sided_p():
    assert sign_test(0, 0) == 1.0 and sign_test(3, 3) == 1.0
    assert sign_test(9, 0) == pytest.approx(2 / 2 ** 9) == sign_test(0, 9)
    assert sign_test(12, 6) == pytest.approx(0.2379, abs=1e-4)  # 2 * P(X <= 6), X ~ Bin(18, 1/2)
    assert sign_test(15, 4) < 0.05 < sign_test(13, 5)


def test_compare_two_runs_keeps_its_line_and_fixed_count(three_runs, capsys):
    root, items = three_runs
    capsys.readouterr()
    assert main(["eval", "compare", str(root / "eval-sft" / "summary.json"), str(root / "eval-after")]) == 0
    out = capsys.readouterr().out
    hard = sum(it["difficulty"] != "easy" for it in items)
    assert f"({100 * hard / len(items):+.1f} points, {hard} fixed, 0 broken, sign test p = " in out
    res = json.loads((root / "eval-after" / "compare.json").read_text())  # default --out: the last run's directory
    assert res["fixed"] == hard and res["ex_b"] == 1.0


def test_compare_refuses_one_run_and_different_data(three_runs, tmp_path, capsys):
    root, _ = three_runs
    assert main(["eval", "compare", str(root / "eval-before")]) == 2
    assert "RUN_A RUN_B [RUN ...]" in capsys.readouterr().err
    # a run on other questions is compared with a warning naming what differs
    items = demo_questions("test")[:10]
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps({"id": it["id"], "sql": it["query"]}) + "\n" for it in items))
    assert main(["eval", "--dataset", "demo", "--split", "test", "--limit", "10", "--predictions", str(path),
                 "--no-progress", "--out", str(tmp_path / "eval-few")]) == 0
    capsys.readouterr()
    few = str(tmp_path / "eval-few")
    assert main(["eval", "compare", str(root / "eval-before"), few, "--out", str(tmp_path)]) == 0
    assert "dataset_checksum differs" in capsys.readouterr().err
