"""pass@K per difficulty: in summary.json, report.md and the difficulty plot, from real SQLite verdicts."""

from __future__ import annotations

import json
import sqlite3

import pytest

from sqlrl.eval import report, score


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("passk") / "zoo.sqlite"
    con = sqlite3.connect(path)
    con.executescript("CREATE TABLE animal (name TEXT, legs INTEGER);"
                      "INSERT INTO animal VALUES ('cat', 4), ('bird', 2), ('snake', 0);")
    con.commit()
    con.close()
    return str(path)


RIGHT, WRONG = "SELECT count(*) FROM animal", "SELECT 7"


def test_pass_at_k_by_difficulty(db, tmp_path):
    rows = [{"id": i, "db_id": "zoo", "db_path": db, "gold_sql": RIGHT, "question": f"q{i}", "difficulty": d}
            for i, d in enumerate(["easy", "easy", "hard", "hard"])]
    # 4 samples each; right samples: easy 4/4 and 2/4, hard 1/4 and 0/4
    cands = [[RIGHT] * 4, [RIGHT, WRONG, RIGHT, WRONG], [WRONG, WRONG, WRONG, RIGHT], [WRONG] * 4]
    records = score.judge(rows, cands, mode="bird", decode="maj@4", pass_at=2)
    summary = score.summarize(records, mode="bird", decode="maj@4", pass_at=2)

    p = {(4, 4): 1.0, (4, 2): 1 - 1 / 6, (4, 1): 1 - 3 / 6, (4, 0): 0.0}  # 1 - C(n-c, 2) / C(n, 2)
    easy, hard = (p[4, 4] + p[4, 2]) / 2, (p[4, 1] + p[4, 0]) / 2
    assert summary["by_difficulty"]["easy"]["pass@2"] == pytest.approx(easy)
    assert summary["by_difficulty"]["hard"]["pass@2"] == pytest.approx(hard)
    assert summary["pass@2"] == pytest.approx((easy + hard) / 2)
    assert summary["by_difficulty"]["hard"]["ex"] == 0.0  # maj@4 picks the wrong answer for both hard ones

    out = tmp_path / "run"
    report.write_run(out, records, summary)
    saved = json.loads((out / "summary.json").read_text())
    assert saved["by_difficulty"]["easy"]["pass@2"] == pytest.approx(easy)
    md = (out / "report.md").read_text()
    assert "| difficulty | n | correct | EX | executable | pass@2 |" in md
    assert f"| hard | 2 | 0 | 0.0% | 100.0% | {100 * hard:.1f}% |" in md
    assert f"| easy | 2 | 2 | 100.0% | 100.0% | {100 * easy:.1f}% |" in md
    assert (out / "accuracy_by_difficulty.png").stat().st_size > 0

    levels, bars = report.difficulty_bars({"run": summary})
    assert levels == ["easy", "hard", "all"]
    assert [label for label, _, _ in bars] == ["EX", "pass@2"]
    assert bars[1][1] == pytest.approx([100 * easy, 100 * hard, 100 * (easy + hard) / 2])
    assert bars[1][2] == "//"


def test_without_pass_at_k_nothing_changes(db):
    rows = [{"id": 0, "db_id": "zoo", "db_path": db, "gold_sql": RIGHT, "question": "q", "difficulty": "easy"}]
    summary = score.summarize(score.judge(rows, [[RIGHT]]), mode="bird", decode="greedy")
    assert not any(k.startswith("pass@") for k in summary["by_difficulty"]["easy"])
    assert "pass@" not in report.render_markdown(summary, {})
    assert [label for label, _, _ in report.difficulty_bars({"run": summary})[1]] == ["EX"]
    # two runs compared: one EX series per run, plus pass@K for the run that has it
    with_k = {**summary, "pass@2": 0.5, "by_difficulty": {"easy": {**summary["by_difficulty"]["easy"], "pass@2": 0.5}}}
    labels = [label for label, _, _ in report.difficulty_bars({"before": summary, "after": with_k})[1]]
    assert labels == ["before", "after", "after pass@2"]
