"""A corpus of broken dataset files: each gives the documented error (docs/data.md, "Bad input"),
a `UserError` naming the file, the line and the field, never a traceback from deep inside.

Cases already in test_data_loaders.py (a malformed JSONL line, a broken Spider file, a missing
database or SQL, missing files) are not repeated here.
"""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from reliability_figures import record
from sqlrl.data import InvalidItem, load_dataset, load_examples
from sqlrl.data.schema import render_schema_info
from sqlrl.errors import UserError


def _good(db) -> dict:
    return {"question": "How many authors?", "sql": "SELECT count(*) FROM authors", "db_path": str(db)}


def _jsonl(*items) -> bytes:
    return b"".join((i if isinstance(i, bytes) else json.dumps(i).encode()) + b"\n" for i in items)


# (name, bytes of a JSONL file given the path of a real database, error type, line, field, message regex)
JSONL_CASES = [
    ("truncated_object", lambda db: _jsonl(_good(db)) + json.dumps(_good(db)).encode()[:40],
     InvalidItem, 2, None, "malformed JSON"),
    ("not_utf8", lambda db: _jsonl(_good(db), json.dumps({**_good(db), "question": "caf_"}).encode()
                                   .replace(b"caf_", b"caf\xe9")),
     InvalidItem, 2, None, "not valid UTF-8"),
    ("nested_too_deeply", lambda db: _jsonl(_good(db), b"[" * 100_000), InvalidItem, 2, None, "nested too deeply"),
    ("array_not_object", lambda db: _jsonl(["SELECT 1"]), InvalidItem, 1, None, "expected a JSON object"),
    ("number_not_object", lambda db: _jsonl(42), InvalidItem, 1, None, "expected a JSON object"),
    ("question_is_a_number", lambda db: _jsonl({**_good(db), "question": 7}), InvalidItem, 1, "question",
     "expected a string, got int"),
    ("sql_is_a_list", lambda db: _jsonl({**_good(db), "sql": ["SELECT 1"]}), InvalidItem, 1, "sql",
     "expected a string, got list"),
    ("sql_is_blank", lambda db: _jsonl({**_good(db), "sql": "   "}), InvalidItem, 1, "sql", "missing or empty"),
    ("db_path_is_null", lambda db: _jsonl({**_good(db), "db_path": None}), InvalidItem, 1, "db_path", "missing"),
    ("db_path_missing_file", lambda db: _jsonl({**_good(db), "db_path": "nowhere/x.sqlite"}), InvalidItem, 1,
     "db_path", "no database at"),
    ("db_id_unknown", lambda db: _jsonl({"question": "q", "sql": "SELECT 1", "db_id": "../../etc/passwd"}),
     InvalidItem, 1, "db_id", "no database for"),
    ("duplicate_ids", lambda db: _jsonl({**_good(db), "id": "x"}, {**_good(db), "id": "y"}, {**_good(db), "id": "x"}),
     InvalidItem, 3, "id", "duplicate id 'x' \\(first used on line 1\\)"),
]


@pytest.mark.parametrize("name,content,error,line,field,message", JSONL_CASES, ids=[c[0] for c in JSONL_CASES])
def test_broken_jsonl_gives_the_documented_error(tmp_path, demo_dbs, name, content, error, line, field, message):
    db = demo_dbs["bookshop"]
    path = tmp_path / f"{name}.jsonl"
    path.write_bytes(content(db))
    with pytest.raises(error, match=message) as e:
        load_dataset("jsonl", str(path))
    assert (e.value.line, e.value.field) == (line, field)
    assert f"{path}, line {line}" in str(e.value)
    # --skip-invalid leaves the item out, counts it, and keeps the good ones.
    rows, skipped = load_examples("jsonl", str(path), skip_invalid=True)
    assert len(skipped) == 1 and skipped.items[0].line == line
    assert all(r["db_path"] == str(db.resolve()) for r in rows)
    record("bad_data", files=1, documented_errors=1)


def test_byte_order_mark_is_accepted(tmp_path, demo_dbs):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + _jsonl(_good(demo_dbs["bookshop"])))
    assert len(load_dataset("jsonl", str(path))) == 1
    record("bad_data", files=1, accepted=1)


def _spider_dir(tmp_path, mini_spider, dev_json: bytes):
    d = tmp_path / "spider"
    d.mkdir()
    (d / "database").symlink_to(mini_spider / "database")
    (d / "dev.json").write_bytes(dev_json)
    return d


ITEM = {"db_id": "bookshop", "question": "q", "query": "SELECT 1"}
SPIDER_CASES = [
    ("empty_file", b"", 1, None, "expected a JSON list"),
    ("object_not_list", json.dumps({"data": [ITEM]}).encode(), 1, None, "expected a JSON list"),
    ("truncated_list", json.dumps([ITEM, ITEM], indent=1).encode()[:-30], 9, None, "malformed JSON"),
    ("db_id_is_a_number", json.dumps([ITEM, {**ITEM, "db_id": 3}], indent=1).encode(), 7, "db_id",
     "expected a string, got int"),
    ("not_utf8_in_item_3", json.dumps([ITEM, ITEM, {**ITEM, "question": "caf_"}], indent=1).encode()
     .replace(b"caf_", b"caf\xe9"), 14, None, "not valid UTF-8"),
]


@pytest.mark.parametrize("name,content,line,field,message", SPIDER_CASES, ids=[c[0] for c in SPIDER_CASES])
def test_broken_spider_file_gives_the_documented_error(tmp_path, mini_spider, name, content, line, field, message):
    d = _spider_dir(tmp_path, mini_spider, content)
    with pytest.raises(InvalidItem, match=message) as e:
        load_examples("spider", "dev", d)
    assert (e.value.line, e.value.field) == (line, field), str(e.value)
    assert "dev.json" in str(e.value)
    record("bad_data", files=1, documented_errors=1)


def test_bird_duplicate_question_ids_are_refused(tmp_path):
    db = tmp_path / "dev_databases" / "shop" / "shop.sqlite"
    db.parent.mkdir(parents=True)
    sqlite3.connect(db).execute("CREATE TABLE t (a)").connection.close()
    items = [{"question_id": 5, "db_id": "shop", "question": "q", "SQL": "SELECT 1"}] * 2
    (tmp_path / "dev.json").write_text(json.dumps(items, indent=1))
    with pytest.raises(InvalidItem, match="duplicate question_id 5") as e:
        load_examples("bird", "dev", tmp_path)
    assert e.value.field == "question_id"
    record("bad_data", files=1, documented_errors=1)


@pytest.mark.parametrize("content,message", [(b"", "holds no tables \\(0 bytes\\)"),
                                             (b"this is not a database\n" * 50, "file is not a database")],
                         ids=["zero_bytes", "text_file"])
def test_database_that_is_not_one_names_the_file(tmp_path, content, message):
    db = tmp_path / "broken.sqlite"
    db.write_bytes(content)
    path = tmp_path / "items.jsonl"
    path.write_bytes(_jsonl(_good(db)))
    with pytest.raises(UserError, match=message) as e:
        load_dataset("jsonl", str(path))
    assert str(db) in str(e.value)
    record("bad_data", files=1, documented_errors=1)


def test_enormous_schema_is_cut_to_the_budget_quickly(tmp_path):
    """2,000 tables and a 2,000-column table: the schema is cut to fit, predictably, in seconds."""
    db = tmp_path / "huge.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE wide (" + ", ".join(f"col_{i} TEXT" for i in range(2000)) + ")")
    for t in range(2000):
        con.execute(f"CREATE TABLE t{t} (" + ", ".join(f"c{i} INTEGER" for i in range(10)) + ")")
    con.commit()
    con.close()
    calls = []

    def counter(text: str) -> int:  # a stand-in for a tokenizer: counts its calls
        calls.append(1)
        return len(text) // 4

    start = time.monotonic()
    info = render_schema_info(db, "compact", max_tokens=512, tokenizer=counter)
    took = time.monotonic() - start
    assert info.truncated and info.tables_shown == 1 and info.tables_total == 2001 and info.tokens <= 512
    assert info.text.startswith("wide(col_0 TEXT, col_1 TEXT") and "2000 more tables not shown" in info.text
    # Trimming the wide table is a binary search: it used to try every column count (2,000
    # tokenizer calls on long texts; 206 s with the default model's tokenizer).
    assert len(calls) < 40, len(calls)
    assert took < 10, took
    path = tmp_path / "items.jsonl"
    path.write_bytes(_jsonl(_good(db)))
    row = load_dataset("jsonl", str(path), max_schema_tokens=512)[0]
    assert row["schema_truncated"] and len(row["schema"]) < 4000
    record("bad_data", files=1, enormous_schemas=1, max_schema_seconds=round(took, 2))
