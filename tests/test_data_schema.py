"""Schema rendering: every format, determinism, the token budget."""

from __future__ import annotations

import sqlite3

import pytest

from sqlrl.data.schema import FORMATS, render_schema, render_schema_info


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "t.sqlite"
    con = sqlite3.connect(path)
    con.executescript(
        "CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT);"
        "CREATE TABLE book (id INTEGER PRIMARY KEY, title TEXT, author_id INTEGER REFERENCES author(id), blurb TEXT);"
        "CREATE TABLE \"order line\" (book_id INTEGER, qty INTEGER, PRIMARY KEY (book_id, qty));"
        "INSERT INTO author VALUES (1, 'Ann'), (2, 'Bo'), (3, 'Cy'), (4, 'Di');"
        f"INSERT INTO book VALUES (1, 'A', 1, '{'x' * 100}'), (2, 'B', 1, NULL);")
    con.commit()
    con.close()
    return path


def test_compact(db):
    text = render_schema(db, "compact")
    assert text.splitlines() == [
        "author(id INTEGER, name TEXT)",
        "book(id INTEGER, title TEXT, author_id INTEGER, blurb TEXT)",
        '"order line"(book_id INTEGER, qty INTEGER)',
        'primary keys: author.id, book.id, ("order line".book_id, "order line".qty)',
        "foreign keys: book.author_id = author.id",
    ]


def test_ddl_is_stored_text_and_ddl_keys_normalises(db):
    assert render_schema(db, "ddl").startswith("CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT);")
    keys = render_schema(db, "ddl_keys")
    assert "  FOREIGN KEY (author_id) REFERENCES author (id)\n);" in keys
    assert '  PRIMARY KEY (book_id, qty)' in keys


def test_omnisql_values_are_distinct_capped_and_limited(db):
    text = render_schema(db, "omnisql", example_values=3, value_max_len=20,
                         comments={("author", "name"): "the author's full name"})
    assert "name TEXT, -- the author's full name, example: ['Ann', 'Bo', 'Cy']" in text
    assert "blurb TEXT, -- example: ['xxxxxxxxxxxxxxxxx...']" in text  # NULL skipped, capped


@pytest.mark.parametrize("fmt", FORMATS)
def test_deterministic(db, fmt):
    assert render_schema(db, fmt) == render_schema(db, fmt)


def test_token_budget_truncates_predictably(db):
    words = lambda s: len(s.split())  # noqa: E731 - a stand-in tokenizer
    full = render_schema_info(db, "compact", max_tokens=1000, tokenizer=words)
    assert not full.truncated and full.tables_shown == 3
    cut = render_schema_info(db, "compact", max_tokens=18, tokenizer=words)
    assert cut.truncated and cut.tokens <= 18 and cut.tables_shown < 3
    assert cut.text.startswith("author(id INTEGER, name TEXT)")
    assert cut.text.endswith("not shown")
    assert render_schema_info(db, "compact", max_tokens=18, tokenizer=words) == cut
    # a table that does not fit whole keeps its leading columns
    assert "book(id INTEGER" in cut.text and "blurb" not in cut.text


def test_unknown_format_and_missing_db(db, tmp_path):
    from sqlrl.errors import UserError

    with pytest.raises(UserError, match="unknown schema format"):
        render_schema(db, "yaml")
    with pytest.raises(UserError, match="does not exist"):
        render_schema(tmp_path / "none.sqlite")
