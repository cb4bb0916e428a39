"""Scoring predictions files: gold scores 100 %, perturbations score what each mode's definition
says (counted here independently with sqlite3), and bad input is reported line by line."""

from __future__ import annotations

import itertools
import json
import random
import sqlite3
from collections import Counter

import pytest

from sqlrl.errors import UserError
from sqlrl.eval import score_predictions
from sqlrl.eval.predictions import load_predictions

MODES = ("bird", "spider_ts", "strict")


@pytest.fixture(scope="module", params=["mini_spider", "spider_dir"])
def dev_rows(request):
    """Spider dev when installed; always the demo data in Spider's layout (its train split, the larger one)."""
    from sqlrl.data import load_examples

    root = request.getfixturevalue(request.param)
    split = "dev" if request.param == "spider_dir" else "train"
    rows, _ = load_examples("spider", split, data_dir=root)
    assert len(rows) > 500 if request.param == "spider_dir" else len(rows) > 100
    return rows


# ---------------------------------------------------------------- an independent judge
def _run(db_path, sql):
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return [tuple(float(f"{v:.12g}") if isinstance(v, float) else v for v in r)
                for r in con.execute(sql).fetchall()]
    except (sqlite3.Error, sqlite3.Warning):
        return None
    finally:
        con.close()


def _same(gold_sql, gold, pred, mode):
    """The three rules as docs/sql.md defines them, written without the sandbox's code."""
    if gold is None or pred is None:
        return False
    if not gold and not pred:
        return True
    if not gold or not pred:
        return False
    if mode == "bird":
        return set(gold) == set(pred)
    if mode == "strict":
        return gold == pred
    if len(gold[0]) != len(pred[0]):
        return False
    ordered = "order by" in " ".join(gold_sql.lower().split())
    for perm in itertools.permutations(range(len(gold[0]))):
        moved = [tuple(r[k] for k in perm) for r in pred]
        if (moved == gold) if ordered else (Counter(moved) == Counter(gold)):
            return True
    return False


def _expected(rows, preds, mode):
    n = 0
    for r, p in zip(rows, preds):
        if p:
            n += _same(r["gold_sql"], _run(r["db_path"], r["gold_sql"]), _run(r["db_path"], p), mode)
    return n


def _perturb(rows, seed=0):
    """Per example: gold, another gold of the same db, DISTINCT, re-ordered rows, broken, or empty."""
    rng = random.Random(seed)
    by_db = {}
    for r in rows:
        by_db.setdefault(r["db_id"], []).append(r["gold_sql"])
    out = []
    for r in rows:
        g = r["gold_sql"].strip().rstrip(";")
        kind = rng.randrange(6)
        out.append([g, rng.choice(by_db[r["db_id"]]), g.replace("SELECT", "SELECT DISTINCT", 1),
                    f"SELECT * FROM ({g}) ORDER BY 1 DESC", "SELEC" + g[6:], ""][kind])
    return out


def _write_jsonl(path, items):
    path.write_text("".join(json.dumps(x) + "\n" for x in items))
    return path


# ---------------------------------------------------------------- correctness
@pytest.mark.parametrize("mode", MODES)
def test_gold_scores_100_in_every_mode(tmp_path, dev_rows, mode):
    order = list(range(len(dev_rows)))
    random.Random(1).shuffle(order)
    path = _write_jsonl(tmp_path / "gold.jsonl", [{"db_id": dev_rows[i]["db_id"], "question": dev_rows[i]["question"],
                                                   "sql": dev_rows[i]["gold_sql"]} for i in order])
    s = score_predictions(path, dev_rows, mode)
    assert (s["ex"], s["correct"], s["n"]) == (1.0, len(dev_rows), len(dev_rows))
    assert all(b["ex"] == 1.0 for b in s["by_difficulty"].values())
    assert set(s["by_difficulty"]) <= {"easy", "medium", "hard", "extra"}
    spider = tmp_path / "gold.sql"
    spider.write_text("".join(f"{r['gold_sql']}\t{r['db_id']}\n" for r in dev_rows))
    assert score_predictions(spider, dev_rows, mode)["correct"] == len(dev_rows)


@pytest.mark.parametrize("mode", MODES)
def test_perturbed_predictions_score_as_defined(tmp_path, dev_rows, mode):
    rows = dev_rows[::3]  # a third of the examples, over every database, keeps this fast
    preds = _perturb(rows)
    want = _expected(rows, preds, mode)
    order = list(range(len(rows)))
    random.Random(2).shuffle(order)
    path = _write_jsonl(tmp_path / "p.jsonl", [{"id": rows[i]["id"], "sql": preds[i]} for i in order])
    s = score_predictions(path, rows, mode)
    assert s["correct"] == want
    assert 0 < want < len(rows)
    assert s["error_types"].get("no_sql", 0) == sum(1 for p in preds if not p)
    # the same predictions in Spider's format, in dataset order
    sql = tmp_path / "p.sql"
    sql.write_text("".join(p.replace("\n", " ") + "\n" for p in preds))
    assert score_predictions(sql, rows, mode)["correct"] == want


def test_modes_differ_where_their_definitions_do(tmp_path, dev_rows):
    rows = dev_rows[::3]
    preds = _perturb(rows)
    got = {m: score_predictions(_write_jsonl(tmp_path / f"{m}.jsonl",
                                             [{"id": r["id"], "sql": p} for r, p in zip(rows, preds)]), rows, m)
           for m in MODES}
    # strict is the narrowest rule: everything it accepts, spider_ts accepts too
    assert got["strict"]["correct"] <= got["spider_ts"]["correct"]
    assert got["strict"]["correct"] < got["bird"]["correct"]


def test_reordered_spider_lines_score_position_by_position(tmp_path, dev_rows):
    rows = dev_rows[:60]
    preds = [r["gold_sql"] for r in rows]
    preds[0], preds[1], preds[10], preds[40] = preds[40], preds[10], preds[1], preds[0]
    path = tmp_path / "swapped.sql"
    path.write_text("".join(p + "\n" for p in preds))
    for mode in MODES:
        assert score_predictions(path, rows, mode)["correct"] == _expected(rows, preds, mode)


def test_breakdowns_count_per_difficulty_and_database(tmp_path, dev_rows):
    rows = dev_rows[:80]
    preds = [r["gold_sql"] if i % 2 else "SELECT 1" for i, r in enumerate(rows)]
    path = _write_jsonl(tmp_path / "p.jsonl", [{"id": r["id"], "sql": p} for r, p in zip(rows, preds)])
    s = score_predictions(path, rows, "bird")
    for level, b in s["by_difficulty"].items():
        idx = [i for i, r in enumerate(rows) if r["difficulty"] == level]
        assert b["n"] == len(idx)
        assert b["correct"] == _expected([rows[i] for i in idx], [preds[i] for i in idx], "bird")
    assert sum(b["n"] for b in s["by_db"].values()) == len(rows)
    assert sum(b["correct"] for b in s["by_db"].values()) == s["correct"]


# ---------------------------------------------------------------- bad input
def test_missing_and_extra_predictions_are_errors_unless_allowed(tmp_path, dev_rows):
    rows = dev_rows[:20]
    items = [{"id": r["id"], "sql": r["gold_sql"]} for r in rows[:18]] + [{"id": "nope-1", "sql": "SELECT 1"}]
    path = _write_jsonl(tmp_path / "p.jsonl", items)
    with pytest.raises(UserError) as e:
        score_predictions(path, rows, "bird")
    msg = str(e.value)
    assert "no prediction for example 18" in msg and "nope-1" in msg and ":19:" in msg
    s = score_predictions(path, rows, "bird", allow_missing=True)
    assert (s["correct"], s["n"]) == (18, 20)
    assert s["affected"] == {"examples": 2, "by_type": {"missing_prediction": 2}}
    assert s["issues"]["by_kind"] == {"unknown_example": 1, "missing": 2}


def test_malformed_lines_unknown_db_and_bad_encoding_are_reported_per_line(tmp_path, dev_rows):
    rows = dev_rows[:6]
    good = [json.dumps({"db_id": r["db_id"], "question": r["question"], "sql": r["gold_sql"]}) for r in rows]
    lines = [good[0].encode(), b"{not json", json.dumps({"db_id": "atlantis", "question": "q", "sql": "x"}).encode(),
             good[1].encode(), good[2].encode().replace(b"SELECT", b"SELECT \xff", 1), b"[1, 2]",
             json.dumps({"id": rows[3]["id"], "sql": 5}).encode(), good[4].encode(), good[4].encode()]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    loaded = load_predictions(path, rows)
    by_line = {i.line: i.kind for i in loaded.issues if i.line}
    assert by_line == {2: "malformed", 3: "unknown_db", 5: "encoding", 6: "malformed", 7: "malformed", 9: "duplicate"}
    assert "not valid UTF-8" in next(i.message for i in loaded.issues if i.line == 5)
    # bad bytes inside the question: the example cannot be matched, and the message says why
    latin1 = json.dumps({"db_id": rows[5]["db_id"], "question": rows[5]["question"] + " caf\u00e9",
                         "sql": rows[5]["gold_sql"]}).encode().replace(b"\\u00e9", b"\xe9")
    (tmp_path / "latin1.jsonl").write_bytes(latin1 + b"\n")
    issues = load_predictions(tmp_path / "latin1.jsonl", rows[5:]).issues
    assert [(i.line, i.kind) for i in issues] == [(1, "unknown_example"), (None, "missing")]
    assert "not valid UTF-8" in issues[0].message
    with pytest.raises(UserError, match="bad.jsonl:2: not valid JSON"):
        score_predictions(path, rows, "bird")
    s = score_predictions(path, rows, "bird", allow_missing=True)
    assert s["correct"] == 3  # lines 1, 4 and 8
    assert s["affected"]["by_type"] == {"bad_encoding": 1, "bad_line": 1, "missing_prediction": 1}
    assert s["issues"]["count"] == len(loaded.issues)


def test_spider_format_checks_db_and_line_count(tmp_path, dev_rows):
    rows = dev_rows[:5]
    path = tmp_path / "p.sql"
    lines = [f"{r['gold_sql']}\t{r['db_id']}" for r in rows]
    other_db = next(r["db_id"] for r in dev_rows if r["db_id"] != rows[2]["db_id"])
    lines[2] = f"{rows[2]['gold_sql']}\t{other_db}"
    path.write_text("\n".join(lines + ["SELECT 1"]) + "\n")
    loaded = load_predictions(path, rows)
    assert [(i.line, i.kind) for i in loaded.issues] == [(3, "db_mismatch"), (6, "unknown_example")]
    s = score_predictions(path, rows, "bird", allow_missing=True)
    assert s["correct"] == 4


def test_missing_database_counts_as_wrong_with_its_reason(tmp_path, dev_rows):
    rows = [dict(r) for r in dev_rows[:4]]
    rows[1]["db_path"] = str(tmp_path / "gone.sqlite")
    path = _write_jsonl(tmp_path / "p.jsonl", [{"id": r["id"], "sql": r["gold_sql"]} for r in rows])
    s = score_predictions(path, rows, "bird", out_dir=tmp_path / "run")
    assert s["correct"] == 3 and s["affected"]["by_type"] == {"missing_db": 1}
    recs = [json.loads(x) for x in (tmp_path / "run" / "examples.jsonl").read_text().splitlines()]
    assert recs[1]["error_type"] == "missing_db" and "gone.sqlite" in recs[1]["error"]
