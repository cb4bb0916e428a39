"""The bundled demo data: builds, executes, has the promised shape."""

from __future__ import annotations

import collections
import shutil
import sqlite3

import pytest

from sqlrl.data import demo
from sqlrl.data.hardness import spider_hardness


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SQLRL_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_every_gold_query_executes_and_most_return_rows(home):
    paths = demo.ensure_demo_databases()
    items = demo.demo_questions()
    non_empty = 0
    for it in items:
        con = sqlite3.connect(f"file:{paths[it['db_id']]}?mode=ro", uri=True)
        rows = con.execute(it["query"]).fetchall()
        con.close()
        non_empty += any(v is not None for r in rows for v in r)
    assert non_empty / len(items) >= 0.95


def test_shape_splits_and_difficulty():
    items = demo.demo_questions()
    assert len(items) >= 150
    assert len({it["id"] for it in items}) == len(items)
    counts = collections.Counter(it["split"] for it in items)
    assert 110 <= counts["train"] <= 130 and 35 <= counts["test"] <= 45
    for it in items:
        assert it["difficulty"] == spider_hardness(it["query"]), it["id"]
    levels = collections.Counter(it["difficulty"] for it in items)
    assert levels["easy"] >= 0.4 * len(items)  # a tiny model must be able to score
    assert {"medium", "hard", "extra"} <= set(levels)
    # every database appears in both splits, and no question is in both
    for split in ("train", "test"):
        assert {it["db_id"] for it in items if it["split"] == split} == set(demo.demo_db_ids())
    train_q = {it["question"] for it in items if it["split"] == "train"}
    assert not train_q & {it["question"] for it in items if it["split"] == "test"}


def test_tables_have_20_to_200_rows(home):
    for path in demo.ensure_demo_databases().values():
        con = sqlite3.connect(path)
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for t in tables:
            (n,) = con.execute(f'SELECT count(*) FROM "{t}"').fetchone()
            assert 10 <= n <= 200, (path.name, t, n)


def test_rebuilds_when_source_changes(home, tmp_path, monkeypatch):
    src = tmp_path / "src"
    shutil.copytree(demo.SOURCE_DIR, src)
    monkeypatch.setattr(demo, "SOURCE_DIR", src)
    path = demo.demo_db_path("flights")
    first = path.stat().st_mtime_ns
    assert demo.demo_db_path("flights").stat().st_mtime_ns == first  # cached
    with open(src / "flights.sql", "a") as f:
        f.write("INSERT INTO airlines (airline_id, name, country, founded) VALUES (99, 'Test Air', 'X', 2000);\n")
    path = demo.demo_db_path("flights")
    (n,) = sqlite3.connect(path).execute("SELECT count(*) FROM airlines WHERE airline_id = 99").fetchone()
    assert n == 1
    assert not list(path.parent.glob("*.tmp"))


def test_unknown_db_and_split_are_user_errors():
    from sqlrl.errors import UserError

    with pytest.raises(UserError, match="no demo database"):
        demo.demo_db_path("nope")
    with pytest.raises(UserError, match="splits"):
        demo.demo_questions("dev")


def _norm(text: str) -> str:
    """Case, spacing and a final semicolon do not make a different question or query."""
    return " ".join(text.lower().rstrip().rstrip(";").split())


def test_test_questions_and_gold_sql_are_not_in_train():
    train = demo.demo_questions("train")
    test = demo.demo_questions("test")
    assert len(test) == 40
    train_questions = {_norm(it["question"]) for it in train}
    train_sql = {_norm(it["query"]) for it in train}
    assert not [it["id"] for it in test if _norm(it["question"]) in train_questions]
    assert not [it["id"] for it in test if _norm(it["query"]) in train_sql]
    # and what training loads (the rows `sqlrl train` / `sqlrl sft` see) holds none of them either
    from sqlrl.data import load_examples

    rows, _ = load_examples("demo", "train")
    assert {r["id"] for r in rows}.isdisjoint({it["id"] for it in test})
    assert not {_norm(r["gold_sql"]) for r in rows} & {_norm(it["query"]) for it in test}


def test_fit_and_val_divide_train():
    train = {it["id"] for it in demo.demo_questions("train")}
    fit = {it["id"] for it in demo.demo_questions("fit")}
    val = {it["id"] for it in demo.demo_questions("val")}
    assert fit | val == train and not fit & val
    assert len(val) == len(train) // demo.VAL_EVERY
    assert {it["db_id"] for it in demo.demo_questions("val")} == set(demo.demo_db_ids())
