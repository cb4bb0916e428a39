"""The hostile SQL corpus: statements a model could write that must not hurt a training run.

Data only; `tests/test_reliability_hostile.py` checks every promise for every entry, and
`tests/test_reliability_load.py` mixes them into concurrent traffic.

Each entry is (category, sql, allowed outcomes). The SQL runs against a writable copy of a
database shaped and sized like Spider's flight_4 (the `large_db` fixture: routes 67,240 rows,
airports 7,184, airlines 6,162); `{dir}` is
replaced by that copy's folder, so a statement that managed to create a file would leave
it where the test looks. An outcome is an `error_type` (docs/sql.md), "ok" (a result under
the caps) or "truncated" (an `ok` result cut at `max_rows`). The limits the corpus assumes
are those of `LIMITS`.
"""

from __future__ import annotations

LIMITS = {"timeout": 1.0, "max_rows": 1000, "max_bytes": 5_000_000, "max_memory": 256_000_000}

_RUNAWAY = "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r)"
_DENIED = ("denied",)
_SLOW = ("timeout",)
_BIG = ("too_large", "timeout")  # out of memory or over the byte cap, whichever SQLite hits first
_CAPPED = ("truncated",)

WRITES_AND_DDL = [
    ("DROP TABLE routes", _DENIED),
    ("DROP TABLE IF EXISTS airlines", _DENIED),
    ("DELETE FROM routes", _DENIED),
    ("DELETE FROM routes RETURNING *", _DENIED),
    ("UPDATE routes SET airline = 'x'", _DENIED),
    ("UPDATE OR IGNORE routes SET airline = 'x'", _DENIED),
    ("INSERT INTO airlines (alid, name) VALUES (99999, 'evil')", _DENIED),
    ("INSERT OR REPLACE INTO airlines (alid) VALUES (1)", _DENIED),
    ("REPLACE INTO airlines (alid, name) VALUES (1, 'evil')", _DENIED),
    ("CREATE TABLE evil (a)", _DENIED),
    ("CREATE TEMP TABLE evil AS SELECT * FROM routes", _DENIED),
    ("CREATE VIEW evil AS SELECT 1", _DENIED),
    ("CREATE TRIGGER evil AFTER INSERT ON routes BEGIN DELETE FROM routes; END", _DENIED),
    ("CREATE INDEX evil ON routes (airline)", _DENIED),
    ("CREATE VIRTUAL TABLE evil USING fts5(x)", _DENIED),
    ("ALTER TABLE routes RENAME TO r2", _DENIED),
    ("ALTER TABLE routes ADD COLUMN evil TEXT", _DENIED),
    ("WITH x AS (SELECT 1) DELETE FROM routes", _DENIED),
    ("WITH x AS (SELECT 1) INSERT INTO airlines (alid) SELECT * FROM x", _DENIED),
    ("EXPLAIN DELETE FROM routes", _DENIED),  # reaches SQLite: the authorizer denies it
    ("/* harmless */ DELETE FROM routes", _DENIED),
    ("  \n\tdElEtE FROM routes", _DENIED),
    ("BEGIN EXCLUSIVE", _DENIED),
    ("SAVEPOINT evil", _DENIED),
    ("VACUUM", _DENIED),
    ("ANALYZE", _DENIED),
    ("REINDEX", _DENIED),
]

ATTACH_EXTENSIONS_PRAGMAS = [
    ("ATTACH DATABASE '{dir}/evil.sqlite' AS evil", _DENIED),
    ("ATTACH ':memory:' AS m", _DENIED),
    ("DETACH main", _DENIED),
    ("VACUUM INTO '{dir}/copy.sqlite'", _DENIED),
    ("SELECT load_extension('/usr/lib/x86_64-linux-gnu/libsqlite3.so.0')", _DENIED),
    ("SELECT load_extension('libc.so.6', 'system')", _DENIED),
    ("SELECT fts3_tokenizer('simple')", _DENIED),
    ("SELECT writefile('{dir}/evil.txt', 'evil')", ("other",)),  # no such function
    ("PRAGMA journal_mode = WAL", _DENIED),
    ("PRAGMA user_version = 7", _DENIED),
    ("PRAGMA schema_version = 1", _DENIED),
    ("PRAGMA writable_schema = ON", _DENIED),
    ("PRAGMA query_only = OFF", _DENIED),
    ("PRAGMA hard_heap_limit = 0", _DENIED),  # would lift the worker's memory cap
    ("PRAGMA soft_heap_limit = 0", _DENIED),
    ("PRAGMA mmap_size = 1000000000", _DENIED),
    ("PRAGMA locking_mode = EXCLUSIVE", _DENIED),
    ("PRAGMA temp_store_directory = '{dir}'", _DENIED),
    ("PRAGMA integrity_check", _DENIED),  # a read, but one that scans the whole file
    ("SELECT * FROM pragma_hard_heap_limit(0)", _DENIED),  # the same, as table-valued functions
    ("SELECT * FROM pragma_query_only(0)", _DENIED),
    ("SELECT * FROM pragma_user_version(7)", _DENIED),
]

RUNAWAY_CPU = [
    (f"{_RUNAWAY} SELECT count(*) FROM r", _SLOW),
    (f"{_RUNAWAY} SELECT i FROM r ORDER BY i DESC LIMIT 1", _BIG),
    ("WITH RECURSIVE r(i) AS (VALUES (1) UNION ALL SELECT i FROM r) SELECT sum(i) FROM r", _SLOW),
    (f"{_RUNAWAY} SELECT count(randomblob(1000)) FROM r", _SLOW),
    ("SELECT count(*) FROM routes a, routes b", _SLOW),
    ("SELECT count(*) FROM routes a, routes b, routes c", _SLOW),
    ("SELECT count(*) FROM airports a, airports b, airports c", _SLOW),
    ("SELECT * FROM routes a, routes b WHERE a.rid + b.rid < 0", _SLOW),  # scans, never yields a row
    ("SELECT count(*) FROM routes a, routes b WHERE a.airline LIKE '%' || b.airline || '%'", _SLOW),
    ("SELECT count(*) FROM (SELECT DISTINCT a.rid, b.rid FROM routes a, routes b)", _BIG),
    ("SELECT * FROM routes a, routes b ORDER BY random() LIMIT 1", _BIG),
    # One SQLite step that ignores the progress handler (SQLite 3.40 fills the string one
    # character at a time): only the parent's backstop stops it.
    ("SELECT printf('%.*c', 1000000000, 'x')", _BIG),
]

MEMORY = [
    ("SELECT randomblob(1000000000)", _BIG),
    ("SELECT zeroblob(1000000000)", _BIG),
    ("SELECT zeroblob(2147483647)", _BIG),
    ("SELECT length(zeroblob(1000000000))", _BIG),
    ("SELECT randomblob(6000000)", _BIG),
    ("SELECT hex(randomblob(3000000))", _BIG),
    ("SELECT replace(hex(zeroblob(2000000)), '0', '00000')", _BIG),
    ("WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r) SELECT length(s) FROM r", _BIG),
    ("SELECT group_concat(hex(randomblob(100))) FROM routes", _BIG),
    ("SELECT length(group_concat(hex(randomblob(100)))) FROM routes", _BIG),
    ("SELECT group_concat(a.airline) FROM routes a, routes b", _BIG),
    ("SELECT json_group_array(hex(randomblob(1000))) FROM routes", _BIG),
    ("WITH RECURSIVE r(i, s) AS (SELECT 1, randomblob(1000000) UNION ALL SELECT i + 1, randomblob(1000000) "
     "FROM r WHERE i < 1000) SELECT count(*) FROM (SELECT s FROM r ORDER BY s)", _BIG),
    ("SELECT * FROM routes a, routes b ORDER BY a.airline || b.airline", _BIG),
]

HUGE_RESULTS = [
    ("SELECT * FROM routes", _CAPPED),
    ("SELECT * FROM routes a, routes b", _CAPPED),
    ("SELECT a.*, b.* FROM airports a, airports b", _CAPPED),
    (f"{_RUNAWAY} SELECT i FROM r", _CAPPED),  # endless, but streamed: stops at max_rows
    ("SELECT * FROM routes UNION ALL SELECT * FROM routes", _CAPPED),
    ("VALUES " + ", ".join(f"({i})" for i in range(5000)), _CAPPED),
    ("SELECT zeroblob(100000) FROM routes", ("too_large",)),  # under the row cap, over the byte cap
    ("SELECT hex(randomblob(10000)) FROM routes", ("too_large",)),
    ("SELECT randomblob(6000) FROM routes a, routes b", ("too_large",)),
]

MALFORMED_AND_MULTI = [
    ("", ("bad_input",)),
    ("   \n\t ", ("bad_input",)),
    ("-- only a comment", ("bad_input",)),
    (";;;", ("bad_input",)),
    ("SELECT 1; SELECT 2", ("bad_input",)),
    ("SELECT * FROM routes; DROP TABLE routes", ("bad_input",)),
    ("SELECT 1; ATTACH '{dir}/evil.sqlite' AS evil", ("bad_input",)),
    ("SELEC * FROM routes", ("syntax",)),
    ("SELECT * FROM", ("syntax",)),
    ("SELECT ((((", ("syntax",)),
    ("```sql\nSELECT 1\n```", ("syntax",)),
    ("SELECT " + "(" * 5000 + "1" + ")" * 5000, ("other",)),  # parser stack overflow
    ("SELECT 1 " + "UNION ALL SELECT 1 " * 1000, ("other",)),  # too many terms in a compound
    ("SELECT '" + "a" * 2_000_000 + "'", ("too_large",)),  # over the 1M-character SQL cap
    ("SELECT * FROM no_such_table", ("no_such_table",)),
    ("SELECT nope FROM routes", ("no_such_column",)),
    ("SELECT count(*) FROM routes GROUP BY count(*)", ("other",)),
    ("SELECT ?", ("other",)),  # a parameter nobody binds
    ("SELECT :name", ("other",)),
]

UNICODE_AND_NUL = [
    ("SELECT 1\x00", ("bad_input",)),
    ("SELECT '\x00'", ("bad_input",)),
    ("\x00DROP TABLE routes", ("bad_input",)),
    ("SELECT '\udcff'", ("bad_input",)),  # a lone surrogate: not encodable as UTF-8
    (b"SELECT '\xff\xfe'", ("bad_input",)),  # bytes that are not UTF-8
    ("ＤＲＯＰ TABLE routes", ("syntax",)),  # fullwidth letters
    ("DR\u200bOP TABLE routes", ("syntax",)),  # a zero-width space inside the keyword
    ("SELECT * FROM ｒｏｕｔｅｓ", ("syntax", "no_such_table")),
    ("\ufeffSELECT count(*) FROM airports", ("ok",)),  # a byte-order mark SQLite skips
    ("SELECT 'é' || '日本' || '🙂' || '\u202e' FROM airlines LIMIT 3", ("ok",)),
    ("SELECT char(0) || 'x', char(55296)", ("ok",)),  # NUL and a surrogate made by SQLite
    ("SELECT CAST(x'ff' AS TEXT)", ("ok",)),  # text that is not UTF-8: replaced, not fatal
]

CORPUS: list[tuple[str, object, tuple[str, ...]]] = [
    (category, sql, allowed)
    for category, entries in (
        ("writes_ddl", WRITES_AND_DDL),
        ("attach_extension_pragma", ATTACH_EXTENSIONS_PRAGMAS),
        ("runaway_cpu", RUNAWAY_CPU),
        ("memory", MEMORY),
        ("huge_result", HUGE_RESULTS),
        ("malformed_multi", MALFORMED_AND_MULTI),
        ("unicode_nul", UNICODE_AND_NUL),
    )
    for sql, allowed in entries
]

CATEGORIES = tuple(dict.fromkeys(c for c, _, _ in CORPUS))


def entry_id(entry) -> str:
    """A short readable test id: category and the start of the statement."""
    category, sql, _ = entry
    text = sql.decode("utf-8", "replace") if isinstance(sql, bytes) else sql
    text = " ".join(text.encode("ascii", "backslashreplace").decode().split())[:40]
    return f"{category}:{text}"


def with_dir(sql, folder) -> object:
    """`sql` with `{dir}` replaced by `folder` (bytes are left as they are)."""
    return sql if isinstance(sql, bytes) else sql.replace("{dir}", str(folder))


def outcome(result) -> str:
    """The outcome of a sandbox `Result`: "ok", "truncated", or its error type."""
    if result.ok:
        return "truncated" if result.truncated else "ok"
    return result.error_type
