"""Render a SQLite database's schema as prompt text, in the forms published methods use.

Formats (`fmt`):
- ``ddl``: the CREATE TABLE statements as stored in the database (what most papers show);
- ``ddl_keys``: normalised CREATE TABLE text, one column a line, with PRIMARY / FOREIGN KEY;
- ``compact``: ``table(col type, ...)`` lines plus primary / foreign key lines: the
  shortest form, for small models and CPU training;
- ``omnisql``: OmniSQL / Arctic-Text2SQL style DDL with a comment per column holding its
  description (when given) and up to N distinct example values, length-capped.

With ``max_tokens`` the text is cut to fit, predictably: whole tables are kept in database
order and the first table that does not fit loses its trailing columns; everything after
it is dropped and a last comment line says how many tables were left out.
`render_schema_info` says whether that happened.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlrl.errors import UserError
from sqlrl.prompts import token_counter
from sqlrl.sql import get_sandbox, read_only_uri

FORMATS = ("compact", "ddl", "ddl_keys", "omnisql")


@dataclass
class Column:
    name: str
    type: str
    pk: int  # position in the primary key, 0 if not part of it


@dataclass
class ForeignKey:
    column: str
    ref_table: str
    ref_column: str


@dataclass
class Table:
    name: str
    ddl: str
    columns: list[Column] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)

    @property
    def primary_key(self) -> list[str]:
        return [c.name for c in sorted((c for c in self.columns if c.pk), key=lambda c: c.pk)]


@dataclass(frozen=True)
class RenderedSchema:
    """A rendered schema and what the token budget did to it."""

    text: str
    truncated: bool
    tables_total: int
    tables_shown: int
    tokens: int | None  # under the counter used; None when no budget was given


def _q(name: str) -> str:
    """Quote an identifier only when it needs it, so prompts stay plain."""
    if name.replace("_", "").isalnum() and not name[0].isdigit():
        return name
    return '"' + name.replace('"', '""') + '"'


def _connect(db_path: str | Path) -> sqlite3.Connection:
    path = Path(db_path)
    if not path.is_file():
        raise UserError(f"database file {path} does not exist; check the dataset's db path.")
    return sqlite3.connect(read_only_uri(path), uri=True)


def read_tables(db_path: str | Path) -> list[Table]:
    """Tables of a database in creation order, with columns and foreign keys."""
    con = _connect(db_path)
    try:
        rows = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        ).fetchall()
        tables = []
        for name, ddl in rows:
            qn = name.replace('"', '""')
            cols = [Column(r[1], r[2] or "", r[5]) for r in con.execute(f'PRAGMA table_info("{qn}")')]
            fks = [
                ForeignKey(r[3], r[2], r[4] or "")
                for r in con.execute(f'PRAGMA foreign_key_list("{qn}")')
            ]
            tables.append(Table(name, (ddl or "").strip(), cols, fks))
        if not tables:  # e.g. a 0-byte file left by a failed download: SQLite opens it as empty
            raise UserError(f"database {db_path} holds no tables ({Path(db_path).stat().st_size} bytes); "
                            "check that the file was copied or downloaded completely.")
        return tables
    except sqlite3.DatabaseError as e:
        raise UserError(f"cannot read the schema of {db_path}: {e}") from e
    finally:
        con.close()


def _ref_column(fk: ForeignKey, tables: dict[str, Table]) -> str:
    # A foreign key may omit the referenced column, meaning the target's primary key.
    if fk.ref_column:
        return fk.ref_column
    target = tables.get(fk.ref_table)
    return target.primary_key[0] if target and target.primary_key else "?"


def sample_values(db_path: str | Path, tables: list[Table], n: int, max_len: int = 40) -> dict:
    """Up to `n` distinct non-null values per column, each cut to `max_len` characters.

    Reads through the sandbox when it is available (time and row limits), else through a
    read-only connection. Returns {(table, column): [repr, ...]}.
    """
    jobs = []
    for t in tables:
        for c in t.columns:
            sql = (
                f"SELECT DISTINCT {_q(c.name)} FROM {_q(t.name)} "
                f"WHERE {_q(c.name)} IS NOT NULL LIMIT {int(n)}"
            )
            jobs.append(((t.name, c.name), sql))
    results = _run_queries(db_path, [sql for _, sql in jobs])
    out = {}
    for (key, _), rows in zip(jobs, results):
        vals = []
        for (v,) in rows or []:
            if isinstance(v, bytes):
                continue  # blobs say nothing useful in a prompt
            s = v if isinstance(v, str) else repr(v)
            if len(s) > max_len:
                s = s[: max_len - 3] + "..."
            vals.append(repr(s) if isinstance(v, str) else s)
        out[key] = vals
    return out


def _run_queries(db_path, sqls: list[str]) -> list[list | None]:
    results = get_sandbox().run_many([(str(db_path), s) for s in sqls])
    return [r.rows if r.ok else None for r in results]


def _table_block(t: Table, fmt: str, tables: dict[str, Table], cols: list[Column],
                 comments: dict, values: dict) -> tuple[str, list[str]]:
    """(text of the table, its key items (kind, text, tables named) for the compact form)."""
    if fmt == "ddl":
        return t.ddl + ";" if len(cols) == len(t.columns) else _ddl_keys(t, tables, cols, {}, {}), []
    if fmt == "compact":
        body = ", ".join(f"{_q(c.name)} {c.type}".rstrip() for c in cols)
        kept = {c.name for c in cols}
        keys = []
        pk = t.primary_key
        if pk and set(pk) <= kept:
            cols_txt = ", ".join(f"{_q(t.name)}.{_q(p)}" for p in pk)
            keys.append(("primary", cols_txt if len(pk) == 1 else f"({cols_txt})", {t.name}))
        for fk in t.foreign_keys:
            if fk.column in kept:
                keys.append(("foreign", f"{_q(t.name)}.{_q(fk.column)} = "
                             f"{_q(fk.ref_table)}.{_q(_ref_column(fk, tables))}", {t.name, fk.ref_table}))
        return f"{_q(t.name)}({body})", keys
    return _ddl_keys(t, tables, cols, comments if fmt == "omnisql" else {},
                     values if fmt == "omnisql" else {}), []


def _ddl_keys(t: Table, tables, cols, comments, values) -> str:
    lines = []
    for c in cols:
        line = f"  {_q(c.name)} {c.type}".rstrip()
        note = []
        if comments.get((t.name, c.name)):
            note.append(comments[(t.name, c.name)])
        if values.get((t.name, c.name)):
            note.append("example: [" + ", ".join(values[(t.name, c.name)]) + "]")
        lines.append((line, " -- " + ", ".join(note) if note else ""))
    extra = []
    if t.primary_key:
        extra.append("  PRIMARY KEY (" + ", ".join(_q(p) for p in t.primary_key) + ")")
    for fk in t.foreign_keys:
        extra.append(
            f"  FOREIGN KEY ({_q(fk.column)}) REFERENCES "
            f"{_q(fk.ref_table)} ({_q(_ref_column(fk, tables))})"
        )
    out = []
    n = len(lines) + len(extra)
    for i, (line, note) in enumerate(lines):
        out.append(line + ("," if i < n - 1 else "") + note)
    for j, line in enumerate(extra):
        out.append(line + ("," if len(lines) + j < n - 1 else ""))
    return f"CREATE TABLE {_q(t.name)} (\n" + "\n".join(out) + "\n);"


def render_schema_info(
    db_path: str | Path,
    fmt: str = "compact",
    max_tokens: int | None = None,
    tokenizer=None,
    *,
    comments: dict | None = None,
    example_values: int = 3,
    value_max_len: int = 40,
    tables: list[Table] | None = None,
) -> RenderedSchema:
    """Render the schema of `db_path` in `fmt`; see the module docstring for the formats.

    `comments` maps (table, column) to a description (omnisql only); `example_values` is N
    for omnisql; `tokenizer` (HF tokenizer or callable str -> int) counts tokens for
    `max_tokens`. Output is deterministic for a given database and arguments.
    """
    if fmt not in FORMATS:
        raise UserError(f"unknown schema format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    tables = read_tables(db_path) if tables is None else tables
    by_name = {t.name: t for t in tables}
    values = sample_values(db_path, tables, example_values, value_max_len) if (
        fmt == "omnisql" and example_values > 0) else {}
    comments = comments or {}

    def assemble(blocks: list[str], keys: list[tuple], dropped: int) -> str:
        sep = "\n" if fmt == "compact" else "\n\n"
        text = sep.join(blocks)
        for kind in ("primary", "foreign"):
            items = [k[1] for k in keys if k[0] == kind]
            if items:
                text += f"\n{kind} keys: " + ", ".join(items)
        if dropped:
            text += f"\n-- schema truncated: {dropped} more table{'s' * (dropped > 1)} not shown"
        return text

    full = [_table_block(t, fmt, by_name, t.columns, comments, values) for t in tables]
    # keys naming a table not shown (a pruned schema: `tables` given) are left out
    text = assemble([b for b, _ in full], [k for _, ks in full for k in ks if k[2] <= set(by_name)], 0)
    if max_tokens is None:
        return RenderedSchema(text, False, len(tables), len(tables), None)
    count = token_counter(tokenizer)
    n = count(text)
    if n <= max_tokens:
        return RenderedSchema(text, False, len(tables), len(tables), n)

    # Keep whole tables while they fit, then as many leading columns of the next as fit.
    blocks, keys = [], []
    for i, t in enumerate(tables):
        b, ks = full[i]
        kept_names = {x.name for x in tables[: i + 1]}
        ks = [k for k in ks if k[2] <= kept_names]
        cand = assemble(blocks + [b], keys + ks, len(tables) - i - 1)
        if count(cand) <= max_tokens:
            blocks, keys = blocks + [b], keys + ks
            continue
        # The most leading columns that fit, by binary search: text grows with the columns, and
        # trying them one by one is quadratic (a 2,000-column table took 206 s with a tokenizer).
        def trimmed(ncols):
            b2, ks2 = _table_block(t, fmt, by_name, t.columns[:ncols], comments, values)
            ks2 = [k for k in ks2 if k[2] <= kept_names]
            return b2, ks2, count(assemble(blocks + [b2], keys + ks2, len(tables) - i - 1)) <= max_tokens

        lo, hi, best = 1, len(t.columns) - 1, None
        while lo <= hi:
            mid = (lo + hi) // 2
            b2, ks2, fits = trimmed(mid)
            if fits:
                best, lo = (b2, ks2), mid + 1
            else:
                hi = mid - 1
        if best is not None:
            blocks, keys = blocks + [best[0]], keys + best[1]
        break
    text = assemble(blocks, keys, len(tables) - len(blocks))
    return RenderedSchema(text, True, len(tables), len(blocks), count(text))


def render_schema(db_path: str | Path, fmt: str = "compact", max_tokens: int | None = None,
                  tokenizer=None, **kw) -> str:
    """The schema of `db_path` as prompt text (see `render_schema_info` for the options)."""
    return render_schema_info(db_path, fmt, max_tokens, tokenizer, **kw).text
