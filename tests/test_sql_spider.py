"""The judge on every gold query of a dev set (Spider's, when installed, and the demo data in Spider's layout),
known-different pairs, a torch-loaded parent, and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import sqlite_rows, sqlite_value
from sqlrl.sql import MODES, Sandbox, results_match

DEV_SIZE = {"spider_dir": 600}  # Spider dev as the data README gives it; the demo's is what its file holds


@pytest.fixture(scope="module", params=["mini_spider", "spider_dir"])
def dev(request):
    root = request.getfixturevalue(request.param)
    items = json.loads((root / "dev.json").read_text())
    for it in items:
        it["db"] = str(root / "database" / it["db_id"] / f"{it['db_id']}.sqlite")
    assert len(items) == DEV_SIZE.get(request.param, len(items)) > 0
    return items


@pytest.fixture(scope="module")
def sb():
    with Sandbox(workers=2, timeout=20.0) as s:
        yield s


@pytest.mark.parametrize("mode", MODES)
def test_every_dev_gold_query_matches_itself(sb, dev, mode):
    # The prediction differs from the gold by a trailing newline, so it is a separate execution
    # with its own Result: the comparison itself is exercised, not object identity.
    verdicts = sb.compare_many([(it["db"], it["query"], it["query"] + "\n") for it in dev], mode=mode)
    failed = [(it["db_id"], it["query"], v.gold.error) for it, v in zip(dev, verdicts) if not v.match]
    assert len(verdicts) == len(dev)
    assert failed == []
    assert all(v.gold.ok and v.pred.ok and v.mode == mode for v in verdicts)
    assert all(v.pred is not v.gold for v in verdicts)


def test_dev_results_agree_with_an_independent_run(sb, dev):
    # run_many and compare_many must see the same rows; results_match on them agrees.
    pairs = [(it["db"], it["query"]) for it in dev[:100]]
    runs = sb.run_many(pairs)
    verdicts = sb.compare_many([(it["db"], it["query"], it["query"]) for it in dev[:100]], mode="strict")
    for r, v in zip(runs, verdicts):
        assert r.rows == v.gold.rows and r.columns == v.gold.columns
        assert results_match(v.gold, r, "strict")


# (db_id, gold, pred, which modes must say "no"): real mistakes a model makes.
DIFFERENT = [
    ("bookshop", "SELECT count(*) FROM authors", "SELECT count(*) FROM books", MODES),
    ("bookshop", "SELECT name FROM authors WHERE birth_year > 1975",
     "SELECT name FROM authors WHERE birth_year >= 1975", MODES),
    ("bookshop", "SELECT name, country FROM authors", "SELECT name FROM authors", MODES),
    ("bookshop", "SELECT avg(birth_year) FROM authors WHERE birth_year > 1950",
     "SELECT sum(birth_year) / count(*) FROM authors WHERE birth_year > 1950", MODES),
    ("bookshop", "SELECT name FROM authors ORDER BY birth_year DESC", "SELECT name FROM authors ORDER BY birth_year",
     ("strict", "spider_ts")),
    ("bookshop", "SELECT name, birth_year FROM authors", "SELECT birth_year, name FROM authors", ("bird", "strict")),
    ("bookshop", "SELECT count(DISTINCT country) FROM authors", "SELECT count(country) FROM authors", MODES),
    ("bookshop", "SELECT country FROM authors", "SELECT DISTINCT country FROM authors", ("spider_ts", "strict")),
    ("school", "SELECT count(*) FROM students WHERE age > 16", "SELECT count(*) FROM students WHERE age >= 16", MODES),
    ("school", "SELECT max(salary) FROM teachers", "SELECT min(salary) FROM teachers", MODES),
    ("flights", "SELECT count(*) FROM airlines WHERE country = 'USA'",
     "SELECT count(*) FROM airlines WHERE country = 'usa'", MODES),
    ("flights", "SELECT name FROM airlines WHERE country = 'Japan'", "SELECT * FROM airlines WHERE country = 'Japan'",
     MODES),
]


@pytest.mark.parametrize(("db_id", "gold", "pred", "modes"), DIFFERENT)
def test_known_different_pairs_do_not_match(sb, demo_dbs, db_id, gold, pred, modes):
    db = demo_dbs[db_id]
    for mode in MODES:
        v = sb.compare(db, gold, pred, mode=mode)
        assert v.gold.ok and v.pred.ok, (v.gold.error, v.pred.error)
        assert v.match is (mode not in modes), (mode, v.gold.rows[:5], v.pred.rows[:5])


def test_avg_written_two_ways_matches_despite_float_noise(sb, bookshop_db):
    v = sb.compare(bookshop_db, "SELECT avg(price) FROM books", "SELECT sum(price) * 1.0 / count(*) FROM books")
    assert v.match


TORCH_SCRIPT = textwrap.dedent("""
    import json, os, sys, threading
    import torch
    torch.set_num_threads(4)
    x = torch.randn(2000, 2000)
    for _ in range(3):
        x = x @ x.T / 2000  # starts torch's intra-op thread pool
    big = torch.ones(300_000_000, dtype=torch.uint8)  # 300 MB the workers must not copy
    stop = threading.Event()
    waiter = threading.Thread(target=stop.wait)  # a live thread at fork/exec time, as in a trainer
    waiter.start()
    from sqlrl.sql import Sandbox
    db, n, gold = sys.argv[1], int(sys.argv[2]), "SELECT count(*) FROM authors"
    try:
        with Sandbox(workers=2) as sb:
            vs = sb.compare_many([(db, gold, f"SELECT {n}"), (db, gold, f"SELECT {n + 1}")] * 50)
            stats = []
            for w in sb._shared.pool._workers:
                lines = open(f"/proc/{w.proc.pid}/status").read().splitlines()
                field = dict(l.split(":", 1) for l in lines if ":" in l)
                stats.append({"threads": int(field["Threads"]), "rss_kb": int(field["VmRSS"].split()[0])})
    finally:
        stop.set()
        waiter.join()
    print(json.dumps({"matches": [v.match for v in vs[:2]], "n": len(vs), "workers": stats,
                      "parent_threads": threading.active_count(), "big": int(big[0])}))
""")


def test_pool_works_with_torch_loaded_and_workers_inherit_nothing(bookshop_db):
    n = sqlite_value(bookshop_db, "SELECT count(*) FROM authors")
    out = subprocess.run([sys.executable, "-c", TORCH_SCRIPT, bookshop_db, str(n)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["matches"] == [True, False] and got["n"] == 100
    for w in got["workers"]:
        assert w["threads"] == 1
        assert w["rss_kb"] < 100_000, w  # a bare interpreter, not a copy of the 300 MB parent


FORK_SCRIPT = textwrap.dedent("""
    import json, os, sys
    from sqlrl.sql import Sandbox
    db, counts = sys.argv[1], json.loads(sys.argv[2])
    sb = Sandbox(workers=1)
    assert sb.run(db, "SELECT count(*) FROM authors").rows == [(counts["authors"],)]
    parent_worker = sb._shared.pool._workers[0].proc.pid
    pid = os.fork()
    if pid == 0:  # e.g. a DataLoader worker forked from a trainer that already used the sandbox
        ok = sb.run(db, "SELECT count(*) FROM books").rows == [(counts["books"],)]
        mine = sb._shared.pool._workers[0].proc.pid
        os._exit(0 if ok and mine != parent_worker else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert sb._shared.pool._workers[0].proc.pid == parent_worker
    assert sb.run(db, "SELECT count(*) FROM customers").rows == [(counts["customers"],)]
    sb.close()
    print("ok")
""")


def test_a_forked_child_gets_its_own_workers(bookshop_db):
    counts = {t: sqlite_value(bookshop_db, f"SELECT count(*) FROM {t}") for t in ("authors", "books", "customers")}
    out = subprocess.run([sys.executable, "-c", FORK_SCRIPT, bookshop_db, json.dumps(counts)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "sqlrl.cli", "sql", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "COLUMNS": "120"})


def test_cli_run_json_shape(bookshop_db):
    db, query = bookshop_db, "SELECT name FROM authors ORDER BY name LIMIT 2"
    out = _cli("run", db, query, "--json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got == {"ok": True, "columns": ["name"], "rows": [list(r) for r in sqlite_rows(db, query)], "error": None,
                   "error_type": None, "elapsed_s": got["elapsed_s"], "truncated": False}
    out = _cli("run", db, "SELECT * FROM authors", "--max-rows", "2", "--json")
    assert json.loads(out.stdout)["truncated"] is True
    out = _cli("run", db, "DROP TABLE authors", "--json")
    assert out.returncode == 1 and json.loads(out.stdout)["error_type"] == "denied"


def test_cli_compare_json_and_table(bookshop_db):
    db = bookshop_db
    out = _cli("compare", db, "--gold", "SELECT name FROM authors", "--pred",
               "SELECT name FROM authors ORDER BY name", "--mode", "strict", "--json")
    got = json.loads(out.stdout)
    assert out.returncode == 1 and got["match"] is False and got["mode"] == "strict"
    assert set(got) == {"match", "mode", "pred", "gold"}
    assert len(got["gold"]["rows"]) == sqlite_value(db, "SELECT count(*) FROM authors")
    out = _cli("compare", db, "--gold", "SELECT name FROM authors", "--pred", "SELECT name FROM authors ORDER BY name")
    assert out.returncode == 0 and "MATCH" in out.stdout
    assert sqlite_value(db, "SELECT name FROM authors ORDER BY name LIMIT 1") in out.stdout


def test_cli_missing_database_is_a_user_error(tmp_path):
    out = _cli("run", str(tmp_path / "nope.sqlite"), "SELECT 1")
    assert out.returncode == 2 and "nope.sqlite does not exist" in out.stderr and "Traceback" not in out.stderr
