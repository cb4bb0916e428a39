"""The judge on the whole Spider dev set, known-different pairs, a torch-loaded parent, and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from sqlrl.sql import MODES, Sandbox, results_match


@pytest.fixture(scope="module")
def dev(spider_dir):
    items = json.loads((spider_dir / "dev.json").read_text())
    for it in items:
        it["db"] = str(spider_dir / "database" / it["db_id"] / f"{it['db_id']}.sqlite")
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
    assert len(verdicts) == len(dev) == 600
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
    ("concert_singer", "SELECT count(*) FROM singer", "SELECT count(*) FROM stadium", MODES),
    ("concert_singer", "SELECT name FROM singer WHERE age > 41", "SELECT name FROM singer WHERE age >= 41", MODES),
    ("concert_singer", "SELECT name, country FROM singer", "SELECT name FROM singer", MODES),
    ("concert_singer", "SELECT avg(age) FROM singer WHERE age > 25", "SELECT sum(age) / count(*) FROM singer WHERE age > 25", MODES),
    ("concert_singer", "SELECT name FROM singer ORDER BY age DESC", "SELECT name FROM singer ORDER BY age", ("strict", "spider_ts")),
    ("concert_singer", "SELECT name, age FROM singer", "SELECT age, name FROM singer", ("bird", "strict")),
    ("concert_singer", "SELECT count(DISTINCT country) FROM singer", "SELECT count(country) FROM singer", MODES),
    ("concert_singer", "SELECT country FROM singer", "SELECT DISTINCT country FROM singer", ("spider_ts", "strict")),
    ("pets_1", "SELECT count(*) FROM student WHERE age > 20", "SELECT count(*) FROM student WHERE age >= 20", MODES),
    ("pets_1", "SELECT max(weight) FROM pets", "SELECT min(weight) FROM pets", MODES),
    ("flight_2", "SELECT count(*) FROM airlines WHERE country = 'USA'", "SELECT count(*) FROM airlines WHERE country = 'usa'", MODES),
    ("flight_2", "SELECT airline FROM airlines WHERE abbreviation = 'UAL'", "SELECT * FROM airlines WHERE abbreviation = 'UAL'", MODES),
]


@pytest.mark.parametrize(("db_id", "gold", "pred", "modes"), DIFFERENT)
def test_known_different_pairs_do_not_match(sb, spider_dir, db_id, gold, pred, modes):
    db = spider_dir / "database" / db_id / f"{db_id}.sqlite"
    for mode in MODES:
        v = sb.compare(db, gold, pred, mode=mode)
        assert v.gold.ok and v.pred.ok, (v.gold.error, v.pred.error)
        assert v.match is (mode not in modes), (mode, v.gold.rows[:5], v.pred.rows[:5])


def test_avg_written_two_ways_matches_despite_float_noise(sb, spider_dir):
    db = spider_dir / "database" / "concert_singer" / "concert_singer.sqlite"
    v = sb.compare(db, "SELECT avg(age) FROM singer", "SELECT sum(age) * 1.0 / count(*) FROM singer")
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
    db, gold = sys.argv[1], "SELECT count(*) FROM singer"
    try:
        with Sandbox(workers=2) as sb:
            vs = sb.compare_many([(db, gold, "SELECT 6"), (db, gold, "SELECT 7")] * 50)
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


def test_pool_works_with_torch_loaded_and_workers_inherit_nothing(spider_dir):
    db = str(spider_dir / "database" / "concert_singer" / "concert_singer.sqlite")
    out = subprocess.run([sys.executable, "-c", TORCH_SCRIPT, db], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["matches"] == [True, False] and got["n"] == 100
    for w in got["workers"]:
        assert w["threads"] == 1
        assert w["rss_kb"] < 100_000, w  # a bare interpreter, not a copy of the 300 MB parent


FORK_SCRIPT = textwrap.dedent("""
    import os, sys
    from sqlrl.sql import Sandbox
    db = sys.argv[1]
    sb = Sandbox(workers=1)
    assert sb.run(db, "SELECT count(*) FROM singer").rows == [(6,)]
    parent_worker = sb._shared.pool._workers[0].proc.pid
    pid = os.fork()
    if pid == 0:  # e.g. a DataLoader worker forked from a trainer that already used the sandbox
        ok = sb.run(db, "SELECT count(*) FROM stadium").rows == [(9,)]
        mine = sb._shared.pool._workers[0].proc.pid
        os._exit(0 if ok and mine != parent_worker else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert sb._shared.pool._workers[0].proc.pid == parent_worker
    assert sb.run(db, "SELECT count(*) FROM concert").rows == [(6,)]
    sb.close()
    print("ok")
""")


def test_a_forked_child_gets_its_own_workers(spider_dir):
    db = str(spider_dir / "database" / "concert_singer" / "concert_singer.sqlite")
    out = subprocess.run([sys.executable, "-c", FORK_SCRIPT, db], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "sqlrl.cli", "sql", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "COLUMNS": "120"})


def test_cli_run_json_shape(spider_dir):
    db = str(spider_dir / "database" / "concert_singer" / "concert_singer.sqlite")
    out = _cli("run", db, "SELECT name FROM singer ORDER BY name LIMIT 2", "--json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got == {"ok": True, "columns": ["Name"], "rows": [["Joe Sharp"], ["John Nizinik"]], "error": None,
                   "error_type": None, "elapsed_s": got["elapsed_s"], "truncated": False}
    out = _cli("run", db, "SELECT * FROM singer", "--max-rows", "2", "--json")
    assert json.loads(out.stdout)["truncated"] is True
    out = _cli("run", db, "DROP TABLE singer", "--json")
    assert out.returncode == 1 and json.loads(out.stdout)["error_type"] == "denied"


def test_cli_compare_json_and_table(spider_dir):
    db = str(spider_dir / "database" / "concert_singer" / "concert_singer.sqlite")
    out = _cli("compare", db, "--gold", "SELECT name FROM singer", "--pred",
               "SELECT name FROM singer ORDER BY name", "--mode", "strict", "--json")
    got = json.loads(out.stdout)
    assert out.returncode == 1 and got["match"] is False and got["mode"] == "strict"
    assert set(got) == {"match", "mode", "pred", "gold"} and len(got["gold"]["rows"]) == 6
    out = _cli("compare", db, "--gold", "SELECT name FROM singer", "--pred", "SELECT name FROM singer ORDER BY name")
    assert out.returncode == 0 and "MATCH" in out.stdout and "Joe Sharp" in out.stdout


def test_cli_missing_database_is_a_user_error(tmp_path):
    out = _cli("run", str(tmp_path / "nope.sqlite"), "SELECT 1")
    assert out.returncode == 2 and "nope.sqlite does not exist" in out.stderr and "Traceback" not in out.stderr
