"""The sandbox on real databases (the demo bookshop, a generated flight_4-sized one): hostile SQL, bad input,
worker recovery, caching, batching. Expected values are read from the databases with sqlite3 directly."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import signal
import sqlite3
import stat
import threading
import time

import pytest

from conftest import sqlite_rows, sqlite_value
from sqlrl.sql import ERROR_TYPES, Result, Sandbox, get_sandbox
from sqlrl.sql import worker as worker_mod

TIMEOUT = 1.0
SLACK = 1.5  # seconds allowed past a time limit for the error to come back on a busy machine


@pytest.fixture(scope="module")
def sb():
    with Sandbox(workers=2, timeout=TIMEOUT, max_rows=1000, max_bytes=5_000_000) as s:
        yield s


@pytest.fixture(scope="module")
def counts(bookshop_db):
    """Rows per table of the demo bookshop."""
    return {t: sqlite_value(bookshop_db, f"SELECT count(*) FROM {t}") for t in ("authors", "books", "customers")}


@pytest.fixture()
def writable_db(large_db, tmp_path):
    """A writable copy of a large DB (67k routes): only the sandbox stands between it and harm."""
    dst = tmp_path / large_db.name
    shutil.copyfile(large_db, dst)
    dst.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return dst


@pytest.fixture(scope="module")
def large_counts(large_db):
    return {t: sqlite_value(large_db, f"SELECT count(*) FROM {t}") for t in ("airlines", "routes")}


def sha256(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


# ------------------------------------------------------------------ hostile SQL
WRITES = [
    "DROP TABLE routes",
    "DELETE FROM routes",
    "UPDATE routes SET airline = 'x'",
    "INSERT INTO airlines (alid, name) VALUES (99999, 'evil')",
    "REPLACE INTO airlines (alid, name) VALUES (1, 'evil')",
    "CREATE TABLE evil (a)",
    "CREATE TEMP TABLE evil AS SELECT * FROM routes",
    "ALTER TABLE routes RENAME TO r2",
    "CREATE INDEX evil ON routes (airline)",
    "WITH x AS (SELECT 1) DELETE FROM routes",
    "WITH x AS (SELECT 1) INSERT INTO airlines (alid) SELECT * FROM x",
    "BEGIN EXCLUSIVE",
    "PRAGMA journal_mode = WAL",
    "PRAGMA user_version = 7",
    "PRAGMA writable_schema = ON",
    "PRAGMA query_only = OFF",
    "SELECT load_extension('/usr/lib/x86_64-linux-gnu/libsqlite3.so.0')",
    "ANALYZE",
    "REINDEX",
]


@pytest.mark.parametrize("sql", WRITES)
def test_writes_and_state_changes_are_denied(sb, writable_db, sql):
    before = sha256(writable_db)
    r = sb.run(writable_db, sql)
    assert not r.ok and r.error_type == "denied", r
    assert r.error
    assert sha256(writable_db) == before
    assert sorted(os.listdir(writable_db.parent)) == [writable_db.name]  # no journal, no WAL


@pytest.mark.parametrize("template", ["ATTACH DATABASE '{p}' AS evil", "VACUUM INTO '{p}'"])
def test_attach_and_vacuum_into_create_no_file(sb, writable_db, template):
    target = writable_db.parent / "evil.sqlite"
    r = sb.run(writable_db, template.format(p=target))
    assert r.error_type == "denied", r
    assert not target.exists()


@pytest.mark.parametrize("sql", [
    "ATTACH DATABASE '{p}' AS evil",
    "VACUUM INTO '{p}'",
    "DROP TABLE routes",
    "DELETE FROM routes",
    "PRAGMA user_version = 7",
])
def test_authorizer_alone_denies_when_the_keyword_check_is_bypassed(writable_db, monkeypatch, sql):
    # Defence in depth: with the first-keyword check disabled, SQLite's own guards must hold.
    monkeypatch.setattr(worker_mod, "WRITE_WORDS", frozenset())
    target = writable_db.parent / "evil.sqlite"
    before = sha256(writable_db)
    out = worker_mod.Executor().run(str(writable_db), sql.format(p=target), 2.0, 100, 10_000)
    assert out[0] is False and out[4] == "denied", out
    assert not target.exists()
    assert sha256(writable_db) == before


def test_runaway_recursive_cte_times_out_inside_sqlite(sb, writable_db, large_counts):
    before = sha256(writable_db)
    t = time.monotonic()
    r = sb.run(writable_db, "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) "
                            "SELECT count(*) FROM r")
    took = time.monotonic() - t
    assert r.error_type == "timeout" and "1 s time limit" in r.error, r
    assert TIMEOUT * 0.9 <= took < TIMEOUT + SLACK
    assert sha256(writable_db) == before
    # The same worker serves the next query at once: nothing keeps running.
    t = time.monotonic()
    assert sb.run(writable_db, "SELECT count(*) FROM routes").rows == [(large_counts["routes"],)]
    assert time.monotonic() - t < 0.5


def test_cartesian_product_of_large_tables_times_out(sb, writable_db):
    t = time.monotonic()
    r = sb.run(writable_db, "SELECT count(*) FROM routes a, routes b, routes c")
    assert r.error_type == "timeout", r
    assert time.monotonic() - t < TIMEOUT + SLACK


def test_sort_of_a_huge_product_is_stopped(sb, writable_db):
    t = time.monotonic()
    r = sb.run(writable_db, "SELECT * FROM routes a, routes b ORDER BY random() LIMIT 1")
    assert r.error_type in ("timeout", "too_large"), r
    assert time.monotonic() - t < TIMEOUT + SLACK


def test_one_gigabyte_randomblob_is_too_large_at_once(sb, writable_db):
    t = time.monotonic()
    r = sb.run(writable_db, "SELECT randomblob(1000000000)")
    assert r.error_type == "too_large", r
    assert time.monotonic() - t < 0.5


def test_huge_result_set_is_truncated_at_max_rows(sb, writable_db):
    t = time.monotonic()
    r = sb.run(writable_db, "SELECT * FROM routes a, routes b")
    assert r.ok and r.truncated and len(r.rows) == 1000, (r.ok, r.truncated, len(r.rows))
    assert time.monotonic() - t < TIMEOUT + SLACK
    r = sb.run(writable_db, "SELECT * FROM routes a, routes b", max_rows=50)
    assert r.truncated and len(r.rows) == 50


def test_huge_result_bytes_are_too_large(sb, writable_db):
    # 1000 rows of 100 kB each: under the row cap, far over the 5 MB byte cap.
    r = sb.run(writable_db, "SELECT zeroblob(100000) FROM routes")
    assert r.error_type == "too_large" and "byte limit" in r.error, r
    assert r.rows == []


def test_many_hostile_queries_in_one_batch_leave_the_file_intact(sb, writable_db, large_counts):
    before, mtime = sha256(writable_db), writable_db.stat().st_mtime_ns
    hostile = WRITES + ["SELECT randomblob(1000000000)", "SELECT 1; DROP TABLE routes",
                        "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT max(i) FROM r",
                        "SELECT count(*) FROM routes a, routes b, routes c", "SELECT zeroblob(100000) FROM routes"]
    t = time.monotonic()
    rs = sb.run_many([(writable_db, q) for q in hostile] + [(writable_db, "SELECT * FROM routes a, routes b"),
                                                            (writable_db, "SELECT count(*) FROM airlines")])
    assert time.monotonic() - t < 2 * TIMEOUT + SLACK  # two 1 s runaways per worker at most
    assert all(not r.ok for r in rs[:-2])
    assert all(r.error_type in ERROR_TYPES for r in rs[:-2])
    assert rs[-2].ok and rs[-2].truncated
    assert rs[-1].ok and rs[-1].rows == [(large_counts["airlines"],)]
    assert sha256(writable_db) == before and writable_db.stat().st_mtime_ns == mtime


# ------------------------------------------------------------------ classified errors
@pytest.mark.parametrize(("sql", "kind"), [
    ("SELEC name FROM authors", "syntax"),
    ("SELECT name FROM authors WHERE", "syntax"),
    ("```sql\nSELECT 1\n```", "syntax"),
    ("SELECT * FROM author", "no_such_table"),
    ("SELECT nme FROM authors", "no_such_column"),
    ("SELECT count(*) FROM authors GROUP BY count(*)", "other"),
])
def test_errors_are_classified_with_sqlite_message(sb, bookshop_db, sql, kind):
    r = sb.run(bookshop_db, sql)
    assert not r.ok and r.error_type == kind, r
    assert r.error and r.rows == [] and r.columns == []


def test_result_to_dict_has_the_design_shape(sb, bookshop_db):
    d = sb.run(bookshop_db, "SELECT name, x'00ff' FROM authors ORDER BY name LIMIT 1").to_dict()
    assert list(d) == ["ok", "columns", "rows", "error", "error_type", "elapsed_s", "truncated"]
    assert d["rows"] == [[sqlite_value(bookshop_db, "SELECT min(name) FROM authors"), "X'00FF'"]]


def test_read_only_schema_pragmas_work(sb, bookshop_db):
    assert sb.run(bookshop_db, "PRAGMA table_info(authors)").ok
    assert sb.run(bookshop_db, "SELECT name FROM pragma_table_info('authors')").ok


# ------------------------------------------------------------------ bad input
def test_bad_inputs_are_classified_and_never_break_the_pool(sb, bookshop_db, counts, tmp_path):
    text_file = tmp_path / "notes.sqlite"
    text_file.write_text("this is not a database\n" * 100)
    cases = [
        (str(tmp_path / "missing.sqlite"), "SELECT 1"),
        (str(tmp_path), "SELECT 1"),
        (str(text_file), "SELECT 1"),
        (bookshop_db, ""),
        (bookshop_db, "   \n -- only a comment\n"),
        (bookshop_db, ";"),
        (bookshop_db, "SELECT 1; SELECT 2"),
        (bookshop_db, "SELECT 1; DROP TABLE authors"),
        (bookshop_db, b"SELECT '\xff\xfe'"),
        (bookshop_db, "SELECT '\udcff'"),
        (bookshop_db, "SELECT 1\x00"),
        (bookshop_db, None),
        (None, "SELECT 1"),
    ]
    t = time.monotonic()
    rs = sb.run_many(cases)
    assert time.monotonic() - t < 5
    for (db, sql), r in zip(cases, rs):
        assert not r.ok and r.error_type == "bad_input", (db, sql, r)
        assert r.error
    assert "not found" in rs[0].error and "missing.sqlite" in rs[0].error
    assert "not an SQLite database" in rs[2].error or "not a database" in rs[2].error
    assert sb.run(bookshop_db, "SELECT count(*) FROM authors").rows == [(counts["authors"],)]


def test_sql_given_as_utf8_bytes_runs(sb, bookshop_db):
    assert sb.run(bookshop_db, "SELECT 'café'".encode()).rows == [("café",)]


def test_trailing_semicolon_and_comments_are_fine(sb, bookshop_db, counts):
    assert sb.run(bookshop_db, "-- count\nSELECT count(*) FROM authors; -- done").rows == [(counts["authors"],)]


def test_text_that_is_not_utf8_in_the_database_is_replaced(sb, tmp_path):
    db = tmp_path / "latin1.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (name TEXT)")
    conn.execute("INSERT INTO t VALUES (CAST(x'63616ff3' AS TEXT))")  # 'cao' + a latin-1 byte
    conn.commit()
    conn.close()
    r = sb.run(db, "SELECT name FROM t")
    assert r.ok and r.rows == [("cao\ufffd",)], r


# ------------------------------------------------------------------ worker recovery
def _pids(sandbox):
    return [w.proc.pid for w in sandbox._shared.pool._workers if w is not None]


def test_backstop_kills_a_worker_that_overruns(bookshop_db, counts):
    # A stopped process cannot run SQLite's progress handler: only the parent's backstop helps.
    with Sandbox(workers=1, timeout=0.5) as sb:
        assert sb.run(bookshop_db, "SELECT 1").ok
        pid = _pids(sb)[0]
        threading.Timer(0.1, os.kill, (pid, signal.SIGSTOP)).start()
        t = time.monotonic()
        r = sb.run(bookshop_db, "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) "
                            "SELECT count(*) FROM r")
        took = time.monotonic() - t
        assert r.error_type == "timeout" and "replaced" in r.error, r
        assert took < 0.5 + 1.0 + 0.125 + SLACK
        assert sb.workers_replaced == 1 and _pids(sb) == []
        assert sb.run(bookshop_db, "SELECT count(*) FROM authors").rows == [(counts["authors"],)]
        assert _pids(sb) and _pids(sb)[0] != pid


def test_a_worker_that_dies_is_replaced_and_the_batch_completes(bookshop_db, counts):
    with Sandbox(workers=1, timeout=3.0) as sb:
        assert sb.run(bookshop_db, "SELECT 1").ok
        pid = _pids(sb)[0]
        threading.Timer(0.3, os.kill, (pid, signal.SIGKILL)).start()
        slow = "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r"
        rs = sb.run_many([(bookshop_db, "SELECT count(*) FROM authors"), (bookshop_db, slow),
                          (bookshop_db, "SELECT count(*) FROM books")])
        assert rs[1].error_type == "other" and "died" in rs[1].error, rs[1]
        assert rs[0].rows == [(counts["authors"],)] and rs[2].rows == [(counts["books"],)]
        assert sb.workers_replaced == 1



def test_the_task_seen_overrunning_is_blamed_not_the_next_one(bookshop_db, monkeypatch):
    """The parent sees task 0 past its limit; before its kill lands, the worker may finish task 0 and
    start task 1. Task 0 must get the time-limit error, not the trivial task 1 (seen once under load).
    The microsecond window is simulated: the first worker's slot reads "task 0, deadline long past"
    to the two looks that decide on the kill, then "task 1, just started"."""
    from sqlrl.sql import pool as pool_mod

    real, first, looks = pool_mod._Worker.running, [], []

    def running(self):
        first[:] = first or [self]
        if self is not first[0]:
            return real(self)
        looks.append(1)
        return (0, -1e9) if len(looks) <= 2 else (1, time.monotonic() + 60)

    monkeypatch.setattr(pool_mod._Worker, "running", running)
    slow = "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r LIMIT 1000000) SELECT count(*) FROM r"
    pool = pool_mod.WorkerPool(1, heap_limit=0)
    try:  # one worker, four tasks: two chunks, [slow, SELECT 2] and [SELECT 3, SELECT 4]
        res = pool.execute([(bookshop_db, sql, 5.0, 100, 10**6) for sql in (slow, "SELECT 2", "SELECT 3", "SELECT 4")])
    finally:
        pool.close()
    assert res[0][4] == "timeout" and "replaced" in res[0][3], res[0]
    assert [r[2] for r in res[1:]] == [[(2,)], [(3,)], [(4,)]], res[1:]


# ------------------------------------------------------------------ caching and batching
def test_run_many_runs_each_distinct_pair_once_and_keeps_order(bookshop_db, counts):
    with Sandbox(workers=2) as sb:
        pool = sb._shared.pool
        tables = ["authors", "books", "customers"]
        pairs = [(bookshop_db, f"SELECT count(*) FROM {tables[i % 3]}") for i in range(30)]
        rs = sb.run_many(pairs)
        assert pool.executed == 3
        assert [r.rows[0][0] for r in rs] == [counts[t] for t in tables] * 10
        assert rs[0] is rs[3]


def test_gold_results_are_cached_across_calls(bookshop_db):
    gold = "SELECT name FROM authors WHERE birth_year > 1950"
    with Sandbox(workers=2) as sb:
        pool = sb._shared.pool
        v1 = sb.compare_many([(bookshop_db, gold, "SELECT name FROM authors WHERE birth_year >= 1951"),
                              (bookshop_db, gold, gold)])
        assert [v.match for v in v1] == [True, True]
        assert pool.executed == 2  # the prediction equal to the gold reused its result
        v2 = sb.compare(bookshop_db, gold, "SELECT name FROM authors")
        assert pool.executed == 3 and not v2.match
        assert v2.gold is v1[0].gold


def test_gold_cache_notices_a_changed_database(bookshop_db, counts, tmp_path):
    db = tmp_path / "bookshop.sqlite"
    shutil.copyfile(bookshop_db, db)
    db.chmod(stat.S_IRUSR | stat.S_IWUSR)
    n = counts["authors"]
    with Sandbox(workers=1) as sb:
        assert sb.compare(db, "SELECT count(*) FROM authors", f"SELECT {n}").match
        conn = sqlite3.connect(db)
        conn.execute("DELETE FROM authors WHERE author_id = 1")
        conn.commit()
        conn.close()
        assert sb.compare(db, "SELECT count(*) FROM authors", f"SELECT {n - 1}").match


def test_failed_gold_never_matches(sb, bookshop_db):
    v = sb.compare(bookshop_db, "SELECT * FROM no_such", "SELECT * FROM no_such")
    assert not v.match and v.gold.error_type == "no_such_table"
    assert v.to_dict()["match"] is False and set(v.to_dict()) == {"match", "mode", "pred", "gold"}


def test_distinct_and_duplicates_on_a_real_database(sb, bookshop_db):
    gold, pred = "SELECT DISTINCT country FROM authors", "SELECT country FROM authors"
    got = {m: sb.compare(bookshop_db, gold, pred, mode=m).match for m in ("bird", "spider_ts", "strict")}
    assert got == {"bird": True, "spider_ts": False, "strict": False}


def test_spider_ts_runs_on_every_database_of_a_test_suite(bookshop_db, tmp_path):
    suite = tmp_path / "bookshop"
    suite.mkdir()
    main_db = suite / "bookshop.sqlite"
    shutil.copyfile(bookshop_db, main_db)
    variant = suite / "bookshop_2.sqlite"
    shutil.copyfile(bookshop_db, variant)
    (oldest, year), (second, second_year) = sqlite_rows(bookshop_db, "SELECT name, birth_year FROM authors "
                                                                 "ORDER BY birth_year LIMIT 2")
    assert year < second_year  # one author is the oldest
    conn = sqlite3.connect(variant)
    conn.execute("UPDATE authors SET birth_year = ? WHERE name = ?", (year - 10, second))
    conn.commit()
    conn.close()
    gold = f"SELECT name FROM authors WHERE birth_year < {year + 1}"  # the oldest only, until the variant
    pred = f"SELECT name FROM authors WHERE name = '{oldest}'"  # right on the original DB only
    with Sandbox(workers=2) as sb:
        assert sb.compare(main_db, gold, pred, mode="bird").match
        v = sb.compare(main_db, gold, pred, mode="spider_ts")
        assert not v.match
        assert v.pred.rows == [(oldest,)] and v.gold.rows == [(oldest,)]  # shown: db_path's
        same = f"SELECT name FROM authors WHERE birth_year <= {year}"  # the same rule, written another way
        assert sb.compare(main_db, gold, same, mode="spider_ts").match


def test_unrelated_databases_sharing_a_folder_are_not_a_test_suite(demo_dbs, counts, tmp_path):
    for db_id in ("bookshop", "school"):
        shutil.copyfile(demo_dbs[db_id], tmp_path / f"{db_id}.sqlite")
    with Sandbox(workers=1) as sb:
        v = sb.compare(tmp_path / "bookshop.sqlite", "SELECT count(*) FROM authors", f"SELECT {counts['authors']}",
                       mode="spider_ts")
        assert v.match


def test_async_api(sb, bookshop_db, counts):
    n = counts["authors"]

    async def go():
        rs, vs = await asyncio.gather(
            sb.arun_many([(bookshop_db, "SELECT count(*) FROM authors")]),
            sb.acompare_many([(bookshop_db, "SELECT count(*) FROM authors", f"SELECT {n}")]))
        return rs, vs

    rs, vs = asyncio.run(go())
    assert rs[0].rows == [(n,)] and vs[0].match


def test_concurrent_callers_from_threads(sb, bookshop_db, counts):
    out, guesses = {}, range(counts["authors"] - 6, counts["authors"] + 4)

    def call(i):
        out[i] = sb.compare_many([(bookshop_db, "SELECT count(*) FROM authors", f"SELECT {j}") for j in guesses])

    threads = [threading.Thread(target=call, args=(i,)) for i in range(4)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert all([v.match for v in out[i]] == [j == counts["authors"] for j in guesses] for i in range(4))


def test_get_sandbox_is_shared_and_options_give_views(bookshop_db):
    a, b = get_sandbox(), get_sandbox()
    assert a is b
    view = get_sandbox(timeout=0.3)
    assert view.timeout == 0.3 and view._shared is a._shared
    r = view.run(bookshop_db, "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r")
    assert r.error_type == "timeout" and r.elapsed_s < 1.0


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="timeout"):
        Sandbox(timeout=0)
    with pytest.raises(ValueError, match="mode"):
        Sandbox(workers=1).compare_many([], mode="exact")
    with pytest.raises(ValueError, match="triples"):
        Sandbox(workers=1).compare_many([("db", "SELECT 1")])


def test_result_is_the_public_dataclass(sb, bookshop_db):
    r = sb.run(bookshop_db, "SELECT 1 AS one")
    assert isinstance(r, Result) and r.columns == ["one"] and r.rows == [(1,)] and r.elapsed_s >= 0


def test_an_interrupted_batch_does_not_leak_into_the_next(bookshop_db, counts):
    import _thread
    import signal

    slow = "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r"
    # Ctrl-C as Python handles it by default: a library loaded by an earlier test may have set its own handler
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with Sandbox(workers=2, timeout=2.0) as sb:
            threading.Timer(0.3, _thread.interrupt_main).start()
            with pytest.raises(KeyboardInterrupt):
                sb.run_many([(bookshop_db, slow), (bookshop_db, slow + " -- again")])
            rs = sb.run_many([(bookshop_db, "SELECT count(*) FROM authors"),
                              (bookshop_db, "SELECT count(*) FROM books")])
            assert [r.rows for r in rs] == [[(counts["authors"],)], [(counts["books"],)]]
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_closed_sandbox_starts_again_on_use(bookshop_db):
    sb = Sandbox(workers=1)
    assert sb.run(bookshop_db, "SELECT 1").ok
    sb.close()
    assert sb.run(bookshop_db, "SELECT 2").rows == [(2,)]
    sb.close()


def test_a_database_locked_by_a_writer_fails_fast(writable_db):
    writer = sqlite3.connect(writable_db, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        with Sandbox(workers=1, timeout=5.0) as sb:
            t = time.monotonic()
            r = sb.run(writable_db, "SELECT count(*) FROM airlines")
            assert not r.ok and r.error_type == "other" and "locked" in r.error, r
            assert time.monotonic() - t < 1.0 + SLACK
    finally:
        writer.execute("ROLLBACK")
        writer.close()
