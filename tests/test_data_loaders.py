"""Loaders: counts per split match the data README, rows have the promised shape, bad input
fails with file/line/field, and --skip-invalid counts what it leaves out."""

from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import dataset_dir, sqlite_value
from sqlrl.data import load_dataset, load_examples
from sqlrl.data.records import InvalidItem
from sqlrl.errors import UserError

COLUMNS = {"id", "db_id", "db_path", "question", "gold_sql", "evidence", "difficulty", "schema"}


@pytest.mark.parametrize(
    "name, split, count",
    [
        ("demo", "train", 122),
        ("demo", "test", 40),
        ("spider", "dev", 600),  # README: 600 dev questions over 15 DBs
        pytest.param("spider", "train", 6904, marks=pytest.mark.slow),
        pytest.param("sql_create_context", "train", 3906, marks=pytest.mark.slow),
        ("sql_create_context", "val", 335),
        ("kaggledbqa", "test", 59),
        ("kaggledbqa", "all", 87),
        ("kaggledbqa", "fewshot", 28),
    ],
)
def test_counts_match_readme(name, split, count):
    rows, skipped = load_examples(name, split, data_dir=None if name == "demo" else dataset_dir(name))
    assert len(rows) == count and not skipped


def test_dataset_rows_have_the_promised_columns(mini_spider):
    ds = load_dataset("spider", "dev", data_dir=mini_spider, limit=5)
    assert COLUMNS <= set(ds.column_names)
    row = ds[0]
    db_id = json.loads((mini_spider / "dev.json").read_text())[0]["db_id"]
    assert row["db_id"] == db_id and row["db_path"] == str(mini_spider / "database" / db_id / f"{db_id}.sqlite")
    assert row["db_path"].startswith("/")
    assert row["difficulty"] in {"easy", "medium", "hard", "extra"}
    first_table = sqlite_value(row["db_path"], "SELECT name FROM sqlite_master WHERE type = 'table' "
                                               "ORDER BY rowid LIMIT 1")
    assert row["schema"].startswith(f"{first_table}(") and row["evidence"] == ""


def test_create_context_uses_real_db_or_builds_one(create_context_dir, tmp_path, monkeypatch):
    dataset_dir("spider")  # its databases are the real ones
    monkeypatch.setenv("SQLRL_HOME", str(tmp_path))
    d = create_context_dir
    rows, _ = load_examples("sql_create_context", "val", d, limit=3)
    assert all(r["db_source"] == "original" for r in rows)
    rows, _ = load_examples("sql_create_context", "val", d, limit=3, from_context=True)
    assert all(r["db_source"] == "built_from_context" for r in rows)
    con = sqlite3.connect(rows[0]["db_path"])
    con.execute(rows[0]["gold_sql"])  # the gold query runs on the context-only schema


def _bird_fixture(root):
    db_dir = root / "dev_databases" / "shop"
    (db_dir / "database_description").mkdir(parents=True)
    con = sqlite3.connect(db_dir / "shop.sqlite")
    con.executescript("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, price REAL);"
                      "INSERT INTO item VALUES (1, 'pen', 1.5), (2, 'book', 12.0);")
    con.commit()
    con.close()
    (db_dir / "database_description" / "item.csv").write_text(
        "original_column_name,column_name,column_description,data_format,value_description\n"
        "price,price,price in euros,real,\n")
    items = [
        {"question_id": 0, "db_id": "shop", "question": "How many items cost more than 10?",
         "evidence": "expensive means price > 10", "SQL": "SELECT count(*) FROM item WHERE price > 10",
         "difficulty": "simple"},
        {"question_id": 1, "db_id": "shop", "question": "Name of the cheapest item?", "evidence": "",
         "SQL": "SELECT name FROM item ORDER BY price LIMIT 1", "difficulty": "moderate"},
    ]
    (root / "dev.json").write_text(json.dumps(items, indent=2))
    return items


def test_bird_layout(tmp_path):
    _bird_fixture(tmp_path)
    ds = load_dataset("bird", "dev", data_dir=tmp_path, schema_format="omnisql")
    assert ds["difficulty"] == ["simple", "moderate"]
    assert ds[0]["evidence"] == "expensive means price > 10"
    assert ds[0]["id"] == "bird-dev-0"
    assert "price REAL, -- price in euros, example: [1.5, 12.0]" in ds[0]["schema"]


def test_jsonl_format(tmp_path, mini_spider):
    db = mini_spider / "database" / "bookshop" / "bookshop.sqlite"
    f = tmp_path / "mine.jsonl"
    f.write_text(
        json.dumps({"question": "How many authors?", "sql": "SELECT count(*) FROM authors", "db_path": str(db)})
        + "\n\n"
        + json.dumps({"question": "Book titles?", "sql": "SELECT title FROM books",
                      "db_id": "bookshop", "evidence": "hint"}) + "\n")
    ds = load_dataset("jsonl", str(f), db_dir=mini_spider / "database")
    assert len(ds) == 2 and ds[1]["evidence"] == "hint" and ds[1]["db_id"] == "bookshop"
    assert ds[1]["db_path"] == str(db)
    assert ds[0]["id"] == "mine-1" and ds[0]["difficulty"] == "easy"


def test_malformed_jsonl_line_names_file_and_line(tmp_path, bookshop_db):
    db = bookshop_db
    good = json.dumps({"question": "q", "sql": "SELECT 1", "db_path": str(db)})
    f = tmp_path / "bad.jsonl"
    f.write_text(good + "\n{not json\n" + json.dumps({"question": "q", "db_path": str(db)}) + "\n" + good + "\n")
    with pytest.raises(InvalidItem) as e:
        load_examples("jsonl", str(f))
    assert e.value.line == 2 and "bad.jsonl, line 2" in str(e.value)
    rows, skipped = load_examples("jsonl", str(f), skip_invalid=True)
    assert len(rows) == 2 and len(skipped) == 2
    assert [(s.line, s.field) for s in skipped.items] == [(2, None), (3, "sql")]


def test_broken_json_file_names_line(tmp_path, mini_spider):
    d = tmp_path / "spider"
    d.mkdir()
    (d / "database").symlink_to(mini_spider / "database")
    (d / "dev.json").write_text('[\n {"db_id": "bookshop", "question": "q", "query": "SELECT 1"},\n'
                                ' {"db_id": oops}\n]')
    with pytest.raises(InvalidItem, match=r"dev.json, line 3: malformed JSON"):
        load_examples("spider", "dev", d)


def test_missing_database_and_missing_sql(tmp_path, mini_spider):
    d = tmp_path / "spider"
    d.mkdir()
    (d / "database").symlink_to(mini_spider / "database")
    items = [{"db_id": "no_such_db", "question": "q", "query": "SELECT 1"},
             {"db_id": "bookshop", "question": "q"},
             {"db_id": "bookshop", "question": "q", "query": "SELECT 1"}]
    (d / "dev.json").write_text(json.dumps(items, indent=1))
    with pytest.raises(InvalidItem) as e:
        load_examples("spider", "dev", d)
    assert e.value.field == "db_id" and e.value.line == 2 and "no_such_db" in str(e.value)
    rows, skipped = load_examples("spider", "dev", d, skip_invalid=True)
    assert len(rows) == 1 and [s.field for s in skipped.items] == ["db_id", "query"]


def test_missing_files_and_unknown_names(tmp_path):
    with pytest.raises(UserError, match="not found"):
        load_examples("spider", "dev", tmp_path / "nowhere")
    with pytest.raises(UserError, match="dev.json does not exist"):
        load_examples("spider", "dev", tmp_path)
    with pytest.raises(UserError, match="unknown dataset"):
        load_examples("wikisql", "dev")
    with pytest.raises(UserError, match="splits"):
        load_examples("demo", "dev")


def test_mini_spider_is_read_whole_by_the_spider_loader(mini_spider):
    """The demo data in Spider's layout loads as Spider: every item, in order, each on its own database."""
    for split in ("dev", "train"):
        items = json.loads((mini_spider / f"{split}.json").read_text())
        rows, skipped = load_examples("spider", split, data_dir=mini_spider)
        assert not skipped and [(r["db_id"], r["question"], r["gold_sql"]) for r in rows] == \
            [(i["db_id"], i["question"], i["query"]) for i in items]
        assert [r["id"] for r in rows] == [f"spider-{split}-{i}" for i in range(len(items))]
    tables = json.loads((mini_spider / "tables.json").read_text())
    assert sorted(t["db_id"] for t in tables) == sorted(p.name for p in (mini_spider / "database").iterdir())


def _many_database_spider(root, n_dbs=16, per_db=3):
    """A Spider-layout folder whose train split spreads over `n_dbs` small databases."""
    items = []
    for k in range(n_dbs):
        db_id = f"shop_{k:02d}"
        (root / "database" / db_id).mkdir(parents=True)
        con = sqlite3.connect(root / "database" / db_id / f"{db_id}.sqlite")
        con.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, price REAL)")
        con.commit()
        con.close()
        items += [{"db_id": db_id, "question": f"q{j}", "query": f"SELECT {j}"} for j in range(per_db)]
    (root / "train.json").write_text(json.dumps(items, indent=4))
    return items


def test_fit_and_val_split_train_by_database(tmp_path):
    """`val` holds every 12th train database in sorted order, starting with the 4th; `fit` the rest."""
    items = _many_database_spider(tmp_path)
    fit, _ = load_examples("spider", "fit", data_dir=tmp_path)
    val, _ = load_examples("spider", "val", data_dir=tmp_path)
    val_dbs = sorted({i["db_id"] for i in items})[3::12]
    assert sorted({r["db_id"] for r in val}) == val_dbs == ["shop_03", "shop_15"]
    assert not {r["db_id"] for r in fit} & set(val_dbs)
    assert sorted(r["id"] for r in fit + val) == sorted(f"spider-train-{i}" for i in range(len(items)))


def test_spider_fit_and_val_split_train_by_database(spider_dir):
    """`val` is for tuning: no database in common with `fit`, together exactly `train`."""
    fit, _ = load_examples("spider", "fit", data_dir=spider_dir)
    val, _ = load_examples("spider", "val", data_dir=spider_dir)
    assert (len(fit), len(val), len({r["db_id"] for r in val})) == (6300, 604, 12)
    assert not {r["db_id"] for r in fit} & {r["db_id"] for r in val}
    train = json.loads((spider_dir / "train.json").read_text())
    assert sorted(r["id"] for r in fit + val) == sorted(f"spider-train-{i}" for i in range(len(train)))
