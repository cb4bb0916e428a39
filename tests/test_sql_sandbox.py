"""The sandbox on real Spider databases: hostile SQL, bad input, worker recovery, caching, batching."""

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

from sqlrl.sql import ERROR_TYPES, Result, Sandbox, get_sandbox
from sqlrl.sql import worker as worker_mod

TIMEOUT = 1.0
SLACK = 1.5  # seconds allowed past a time limit for the error to come back on a busy machine


@pytest.fixture(scope="module")
def sb():
    with Sandbox(workers=2, timeout=TIMEOUT, max_rows=1000, max_bytes=5_000_000) as s:
        yield s


@pytest.fixture(scope="module")
def concert(spider_dir):
    return str(spider_dir / "database" / "concert_singer" / "concert_singer.sqlite")


@pytest.fixture()
def writable_db(spider_dir, tmp_path):
    """A writable copy of a large Spider DB (67k routes): only the sandbox stands between it and harm."""
    dst = tmp_path / "flight_4.sqlite"
    shutil.copyfile(spider_dir / "database" / "flight_4" / "flight_4.sqlite", dst)
    dst.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return dst


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
    assert sorted(os.listdir(writable_db.parent)) == ["flight_4.sqlite"]  # no journal, no WAL


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


def test_runaway_recursive_cte_times_out_inside_sqlite(sb, writable_db):
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
    assert sb.run(writable_db, "SELECT count(*) FROM routes").rows == [(67240,)]
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


def test_many_hostile_queries_in_one_batch_leave_the_file_intact(sb, writable_db):
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
    assert rs[-1].ok and rs[-1].rows == [(6162,)]
    assert sha256(writable_db) == before and writable_db.stat().st_mtime_ns == mtime


# ------------------------------------------------------------------ classified errors
@pytest.mark.parametrize(("sql", "kind"), [
    ("SELEC name FROM singer", "syntax"),
    ("SELECT name FROM singer WHERE", "syntax"),
    ("```sql\nSELECT 1\n```", "syntax"),
    ("SELECT * FROM singers", "no_such_table"),
    ("SELECT nme FROM singer", "no_such_column"),
    ("SELECT count(*) FROM singer GROUP BY count(*)", "other"),
])
def test_errors_are_classified_with_sqlite_message(sb, concert, sql, kind):
    r = sb.run(concert, sql)
    assert not r.ok and r.error_type == kind, r
    assert r.error and r.rows == [] and r.columns == []


def test_result_to_dict_has_the_design_shape(sb, concert):
    d = sb.run(concert, "SELECT name, x'00ff' FROM singer ORDER BY name LIMIT 1").to_dict()
    assert list(d) == ["ok", "columns", "rows", "error", "error_type", "elapsed_s", "truncated"]
    assert d["rows"] == [["Joe Sharp", "X'00FF'"]]


def test_read_only_schema_pragmas_work(sb, concert):
    assert sb.run(concert, "PRAGMA table_info(singer)").ok
    assert sb.run(concert, "SELECT name FROM pragma_table_info('singer')").ok


# ------------------------------------------------------------------ bad input
def test_bad_inputs_are_classified_and_never_break_the_pool(sb, concert, tmp_path):
    text_file = tmp_path / "notes.sqlite"
    text_file.write_text("this is not a database\n" * 100)
    cases = [
        (str(tmp_path / "missing.sqlite"), "SELECT 1"),
        (str(tmp_path), "SELECT 1"),
        (str(text_file), "SELECT 1"),
        (concert, ""),
        (concert, "   \n -- only a comment\n"),
        (concert, ";"),
        (concert, "SELECT 1; SELECT 2"),
        (concert, "SELECT 1; DROP TABLE singer"),
        (concert, b"SELECT '\xff\xfe'"),
        (concert, "SELECT '\udcff'"),
        (concert, "SELECT 1\x00"),
        (concert, None),
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
    assert sb.run(concert, "SELECT count(*) FROM singer").rows == [(6,)]


def test_sql_given_as_utf8_bytes_runs(sb, concert):
    assert sb.run(concert, "SELECT 'café'".encode()).rows == [("café",)]


def test_trailing_semicolon_and_comments_are_fine(sb, concert):
    assert sb.run(concert, "-- count\nSELECT count(*) FROM singer; -- done").rows == [(6,)]


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


def test_backstop_kills_a_worker_that_overruns(concert):
    # A stopped process cannot run SQLite's progress handler: only the parent's backstop helps.
    with Sandbox(workers=1, timeout=0.5) as sb:
        assert sb.run(concert, "SELECT 1").ok
        pid = _pids(sb)[0]
        threading.Timer(0.1, os.kill, (pid, signal.SIGSTOP)).start()
        t = time.monotonic()
        r = sb.run(concert, "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) "
                            "SELECT count(*) FROM r")
        took = time.monotonic() - t
        assert r.error_type == "timeout" and "replaced" in r.error, r
        assert took < 0.5 + 1.0 + 0.125 + SLACK
        assert sb.workers_replaced == 1 and _pids(sb) == []
        assert sb.run(concert, "SELECT count(*) FROM singer").rows == [(6,)]
        assert _pids(sb) and _pids(sb)[0] != pid


def test_a_worker_that_dies_is_replaced_and_the_batch_completes(concert):
    with Sandbox(workers=1, timeout=3.0) as sb:
        assert sb.run(concert, "SELECT 1").ok
        pid = _pids(sb)[0]
        threading.Timer(0.3, os.kill, (pid, signal.SIGKILL)).start()
        slow = "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r"
        rs = sb.run_many([(concert, "SELECT count(*) FROM singer"), (concert, slow),
                          (concert, "SELECT count(*) FROM stadium")])
        assert rs[1].error_type == "other" and "died" in rs[1].error, rs[1]
        assert rs[0].rows == [(6,)] and rs[2].rows == [(9,)]
        assert sb.workers_replaced == 1



def test_the_task_seen_overrunning_is_blamed_not_the_next_one(concert, monkeypatch):
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
        res = pool.execute([(concert, sql, 5.0, 100, 10**6) for sql in (slow, "SELECT 2", "SELECT 3", "SELECT 4")])
    finally:
        pool.close()
    assert res[0][4] == "timeout" and "replaced" in res[0][3], res[0]
    assert [r[2] for r in res[1:]] == [[(2,)], [(3,)], [(4,)]], res[1:]


# ------------------------------------------------------------------ caching and batching
def test_run_many_runs_each_distinct_pair_once_and_keeps_order(concert):
    with Sandbox(workers=2) as sb:
        pool = sb._shared.pool
        queries = ["SELECT count(*) FROM singer", "SELECT count(*) FROM stadium", "SELECT count(*) FROM concert"]
        pairs = [(concert, queries[i % 3]) for i in range(30)]
        rs = sb.run_many(pairs)
        assert pool.executed == 3
        assert [r.rows[0][0] for r in rs] == [6, 9, 6] * 10
        assert rs[0] is rs[3]


def test_gold_results_are_cached_across_calls(concert):
    gold = "SELECT name FROM singer WHERE age > 30"
    with Sandbox(workers=2) as sb:
        pool = sb._shared.pool
        v1 = sb.compare_many([(concert, gold, "SELECT name FROM singer WHERE age >= 31"),
                              (concert, gold, gold)])
        assert [v.match for v in v1] == [True, True]
        assert pool.executed == 2  # the prediction equal to the gold reused its result
        v2 = sb.compare(concert, gold, "SELECT name FROM singer")
        assert pool.executed == 3 and not v2.match
        assert v2.gold is v1[0].gold


def test_gold_cache_notices_a_changed_database(spider_dir, tmp_path):
    db = tmp_path / "concert_singer.sqlite"
    shutil.copyfile(spider_dir / "database" / "concert_singer" / "concert_singer.sqlite", db)
    db.chmod(stat.S_IRUSR | stat.S_IWUSR)
    with Sandbox(workers=1) as sb:
        assert sb.compare(db, "SELECT count(*) FROM singer", "SELECT 6").match
        conn = sqlite3.connect(db)
        conn.execute("DELETE FROM singer WHERE singer_id = 1")
        conn.commit()
        conn.close()
        assert sb.compare(db, "SELECT count(*) FROM singer", "SELECT 5").match


def test_failed_gold_never_matches(sb, concert):
    v = sb.compare(concert, "SELECT * FROM no_such", "SELECT * FROM no_such")
    assert not v.match and v.gold.error_type == "no_such_table"
    assert v.to_dict()["match"] is False and set(v.to_dict()) == {"match", "mode", "pred", "gold"}


def test_distinct_and_duplicates_on_a_real_database(sb, concert):
    gold, pred = "SELECT DISTINCT country FROM singer", "SELECT country FROM singer"
    got = {m: sb.compare(concert, gold, pred, mode=m).match for m in ("bird", "spider_ts", "strict")}
    assert got == {"bird": True, "spider_ts": False, "strict": False}


def test_spider_ts_runs_on_every_database_of_a_test_suite(spider_dir, tmp_path):
    src = spider_dir / "database" / "concert_singer" / "concert_singer.sqlite"
    suite = tmp_path / "concert_singer"
    suite.mkdir()
    main_db = suite / "concert_singer.sqlite"
    shutil.copyfile(src, main_db)
    variant = suite / "concert_singer_2.sqlite"
    shutil.copyfile(src, variant)
    conn = sqlite3.connect(variant)
    conn.execute("UPDATE singer SET age = 60 WHERE name = 'Rose White'")
    conn.commit()
    conn.close()
    gold = "SELECT name FROM singer WHERE age > 50"  # Joe Sharp (52) only, until the variant
    pred = "SELECT name FROM singer WHERE name = 'Joe Sharp'"  # right on the original DB only
    with Sandbox(workers=2) as sb:
        assert sb.compare(main_db, gold, pred, mode="bird").match
        v = sb.compare(main_db, gold, pred, mode="spider_ts")
        assert not v.match
        assert v.pred.rows == [("Joe Sharp",)] and v.gold.rows == [("Joe Sharp",)]  # shown: db_path's
        assert sb.compare(main_db, gold, "SELECT name FROM singer WHERE age >= 51", mode="spider_ts").match


def test_unrelated_databases_sharing_a_folder_are_not_a_test_suite(spider_dir, tmp_path):
    for db_id in ("concert_singer", "pets_1"):
        shutil.copyfile(spider_dir / "database" / db_id / f"{db_id}.sqlite", tmp_path / f"{db_id}.sqlite")
    with Sandbox(workers=1) as sb:
        v = sb.compare(tmp_path / "concert_singer.sqlite", "SELECT count(*) FROM singer", "SELECT 6",
                       mode="spider_ts")
        assert v.match


def test_async_api(sb, concert):
    async def go():
        rs, vs = await asyncio.gather(
            sb.arun_many([(concert, "SELECT count(*) FROM singer")]),
            sb.acompare_many([(concert, "SELECT count(*) FROM singer", "SELECT 6")]))
        return rs, vs

    rs, vs = asyncio.run(go())
    assert rs[0].rows == [(6,)] and vs[0].match


def test_concurrent_callers_from_threads(sb, concert):
    out = {}

    def call(i):
        out[i] = sb.compare_many([(concert, "SELECT count(*) FROM singer", f"SELECT {j}") for j in range(10)])

    threads = [threading.Thread(target=call, args=(i,)) for i in range(4)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert all([v.match for v in out[i]] == [j == 6 for j in range(10)] for i in range(4))


def test_get_sandbox_is_shared_and_options_give_views(concert):
    a, b = get_sandbox(), get_sandbox()
    assert a is b
    view = get_sandbox(timeout=0.3)
    assert view.timeout == 0.3 and view._shared is a._shared
    r = view.run(concert, "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r")
    assert r.error_type == "timeout" and r.elapsed_s < 1.0


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="timeout"):
        Sandbox(timeout=0)
    with pytest.raises(ValueError, match="mode"):
        Sandbox(workers=1).compare_many([], mode="exact")
    with pytest.raises(ValueError, match="triples"):
        Sandbox(workers=1).compare_many([("db", "SELECT 1")])


def test_result_is_the_public_dataclass(sb, concert):
    r = sb.run(concert, "SELECT 1 AS one")
    assert isinstance(r, Result) and r.columns == ["one"] and r.rows == [(1,)] and r.elapsed_s >= 0


def test_an_interrupted_batch_does_not_leak_into_the_next(concert):
    import _thread

    slow = "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r"
    with Sandbox(workers=2, timeout=2.0) as sb:
        threading.Timer(0.3, _thread.interrupt_main).start()
        with pytest.raises(KeyboardInterrupt):
            sb.run_many([(concert, slow), (concert, slow + " -- again")])
        rs = sb.run_many([(concert, "SELECT count(*) FROM singer"), (concert, "SELECT count(*) FROM stadium")])
        assert [r.rows for r in rs] == [[(6,)], [(9,)]]


def test_a_closed_sandbox_starts_again_on_use(concert):
    sb = Sandbox(workers=1)
    assert sb.run(concert, "SELECT 1").ok
    sb.close()
    assert sb.run(concert, "SELECT 2").rows == [(2,)]
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
