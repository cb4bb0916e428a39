"""sql-create-context (b-mc2): `question`, `context` (CREATE TABLE text), `answer`.

An item whose `db_id` names a real database (the Spider-derived copy carries one) runs on
that database. Otherwise, or with ``from_context=True``, a database is built from the
context DDL (empty tables, cached by the DDL's hash under $SQLRL_HOME/build/create_context)
and the row says so: ``db_source`` is "original" or "built_from_context". Queries on a
built database execute but return no rows, so such items check syntax, not answers.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import tempfile
from pathlib import Path

from sqlrl.data.records import InvalidItem, Skipped, collect_rows, example_row, get_text, iter_json_array, require_file
from sqlrl.paths import build_dir

_CREATE = re.compile(r"CREATE\s+TABLE\s+([\w\"`\[\]]+)\s*\((.*?)\)\s*(?:;|$)", re.I | re.S)


def normalise_context(context: str) -> str:
    """The context DDL with repeated CREATE TABLEs of one table merged into one.

    sql-create-context lists a table once per group of columns a question uses, so the same
    table can appear twice with different columns; SQLite would refuse the second one.
    """
    tables: dict[str, tuple[str, list[str]]] = {}  # lowercased name: (name, columns)
    matches = list(_CREATE.finditer(context))
    if not matches:
        return context
    for m in matches:
        _, cols = tables.setdefault(m.group(1).lower(), (m.group(1), []))
        for col in (c.strip() for c in m.group(2).split(",")):
            if col and col.split()[0].lower() not in {c.split()[0].lower() for c in cols}:
                cols.append(col)
    return "\n".join(f"CREATE TABLE {t} ({', '.join(cols)});" for t, cols in tables.values())


def build_context_db(context: str) -> Path:
    """A SQLite file holding the (empty) tables of `context`; built once per distinct DDL."""
    context = normalise_context(context)
    digest = hashlib.sha256(context.encode()).hexdigest()[:20]
    target = build_dir("create_context") / f"{digest}.sqlite"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".ctx.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.executescript(context)
            con.commit()
        finally:
            con.close()
        os.replace(tmp, target)  # atomic: readers never see a half-built file
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def load(split: str, data_dir: Path, skipped: Skipped, skip_invalid: bool = False,
         spider_dir: Path | str | None = None, from_context: bool = False, **_) -> list[dict]:
    """Rows of one split; real databases are looked up in `spider_dir`
    (default: `<data_dir>/../spider`)."""
    path = require_file(data_dir / f"{split}.json", f"sql-create-context {split} file")
    spider_dir = Path(spider_dir) if spider_dir else data_dir.parent / "spider"

    def row(i, line, item):
        context = get_text(item, "context", path, line)
        gold = get_text(item, ("answer", "sql", "query"), path, line)
        db_id = get_text(item, "db_id", path, line, required=False)
        real = spider_dir / "database" / db_id / f"{db_id}.sqlite" if db_id else None
        if real is not None and real.is_file() and not from_context:
            db_path, source = real, "original"
        else:
            try:
                db_path, source = build_context_db(context), "built_from_context"
            except sqlite3.Error as e:
                raise InvalidItem(path, line, "context", f"the DDL does not execute ({e})") from None
            db_id = db_id or f"context_{db_path.stem}"
        return example_row(f"sql_create_context-{split}-{i}", db_id, db_path,
                           get_text(item, "question", path, line), gold, db_source=source)

    return collect_rows(iter_json_array(path), row, skipped, skip_invalid)
