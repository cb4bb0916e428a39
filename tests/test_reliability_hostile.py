"""Every promise of the sandbox, for every statement of the hostile corpus (tests/hostile_sql.py).

For each statement: a classified error or a capped result, back within the time limit plus a
small margin, the database file byte-for-byte unchanged with nothing created beside it, the
pool serving the next queries correctly, and the parent's memory bounded.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import time

import pytest

from conftest import sqlite_rows
from hostile_sql import CATEGORIES, CORPUS, LIMITS, entry_id, outcome, with_dir
from reliability_figures import record
from sqlrl.sql import ERROR_TYPES, Sandbox
from sqlrl.sql.pool import backstop_grace

TIMEOUT = LIMITS["timeout"]
MARGIN = 1.0  # seconds past the promised bound for the answer to come back on a busy 2-core machine
PARENT_PEAK_GROWTH_MB = 64  # the parent never holds more than one capped result (5 MB) and its copies
GOOD = ["SELECT count(*) FROM airlines", "SELECT count(*) FROM routes", "SELECT max(apid) FROM airports"]


def sha256(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def memory_kb(field: str) -> int:
    """VmHWM (peak) or VmRSS of this process, in kB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/self/status")


@pytest.fixture(scope="module")
def target(large_db, tmp_path_factory):
    """A writable copy of the large database in a folder of its own, and its checksum."""
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / large_db.name
    shutil.copyfile(large_db, db)
    db.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return db, sha256(db)


@pytest.fixture(scope="module")
def good(large_db):
    """Queries the pool must still answer right after each hostile one, with their rows (read with sqlite3)."""
    return [(q, sqlite_rows(large_db, q)) for q in GOOD]


@pytest.fixture(scope="module")
def sb():
    with Sandbox(workers=2, timeout=TIMEOUT, max_rows=LIMITS["max_rows"], max_bytes=LIMITS["max_bytes"],
                 max_memory=LIMITS["max_memory"]) as s:
        yield s


def test_corpus_is_large_and_covers_every_category():
    assert len(CORPUS) >= 60
    assert set(CATEGORIES) == {"writes_ddl", "attach_extension_pragma", "runaway_cpu", "memory", "huge_result",
                               "malformed_multi", "unicode_nul"}
    for category in CATEGORIES:
        assert sum(c == category for c, _, _ in CORPUS) >= 5, category
    for _, _, allowed in CORPUS:
        assert set(allowed) <= set(ERROR_TYPES) | {"ok", "truncated"}, allowed


def _result_bytes(rows) -> int:
    return sum(len(v) if isinstance(v, (str, bytes)) else 8 for row in rows for v in row)


@pytest.mark.parametrize("entry", CORPUS, ids=[f"{i:03d}-{entry_id(e)}" for i, e in enumerate(CORPUS)])
def test_hostile_statement_keeps_every_promise(sb, target, good, entry):
    category, raw_sql, allowed = entry
    db, checksum = target
    sql = with_dir(raw_sql, db.parent)
    replaced_before = sb.workers_replaced
    peak_before = memory_kb("VmHWM")

    start = time.monotonic()
    r = sb.run(db, sql)
    took = time.monotonic() - start

    # A classified error, or a result within the caps.
    got = outcome(r)
    assert got in allowed, (got, r.error)
    if r.ok:
        assert len(r.rows) <= LIMITS["max_rows"] and _result_bytes(r.rows) <= LIMITS["max_bytes"]
        assert r.truncated == (got == "truncated") and (not r.truncated or len(r.rows) == LIMITS["max_rows"])
    else:
        assert r.error and r.rows == [] and r.error_type in ERROR_TYPES
    # Within the time limit plus a margin: SQLite's own limit, or the parent's backstop.
    backstopped = sb.workers_replaced - replaced_before
    bound = TIMEOUT + (backstop_grace(TIMEOUT) if backstopped else 0.0) + MARGIN
    assert took < bound, (took, bound, r.error)
    # The file is untouched and nothing was created beside it (no journal, WAL, attached DB).
    assert sha256(db) == checksum
    assert os.listdir(db.parent) == [db.name]
    # The pool serves the next queries, on every worker, with the right answers.
    rs = sb.run_many([(db, q) for q, _ in good])
    assert [x.rows for x in rs] == [rows for _, rows in good]
    live = [w for w in sb._shared.pool._workers if w is not None]
    assert live and all(w.proc.poll() is None for w in live)
    # The parent's memory stays bounded: results are capped before they leave the worker.
    growth_mb = (memory_kb("VmHWM") - peak_before) / 1024
    assert growth_mb < PARENT_PEAK_GROWTH_MB, growth_mb

    record("hostile", statements=1, **{f"category_{category}": 1, f"outcome_{got}": 1},
           backstop_kills=backstopped, checksums_verified=1, follow_up_queries=len(GOOD),
           max_seconds=round(took, 3), max_parent_peak_growth_mb=round(growth_mb, 1))


def test_whole_corpus_as_one_compare_batch(sb, target, good):
    """The corpus as predictions in one GRPO-sized batch: one verdict each, none a match, file intact."""
    db, checksum = target
    gold, gold_rows = good[0]
    right = f"SELECT {gold_rows[0][0]}"
    triples = [(db, gold, with_dir(sql, db.parent)) for _, sql, _ in CORPUS] + [(db, gold, right)]
    rss_before = memory_kb("VmRSS")
    start = time.monotonic()
    verdicts = sb.compare_many(triples)
    took = time.monotonic() - start
    assert len(verdicts) == len(triples)
    for (_, _, allowed), v in zip(CORPUS, verdicts):
        assert not v.match and outcome(v.pred) in allowed, (outcome(v.pred), v.pred.error)
        assert v.gold.ok and v.gold.rows == gold_rows
    assert verdicts[-1].match  # a right answer in the same batch is still judged right
    # Every runaway statement costs at most its limit (or the backstop), spread over the workers.
    slow = sum(1 for _, _, allowed in CORPUS if "timeout" in allowed)
    assert took < slow * (TIMEOUT + backstop_grace(TIMEOUT)) / sb.workers + 10
    assert sha256(db) == checksum and os.listdir(db.parent) == [db.name]
    del verdicts
    assert (memory_kb("VmRSS") - rss_before) / 1024 < PARENT_PEAK_GROWTH_MB
    record("hostile_batch", verdicts=len(triples), batch_seconds=round(took, 2))
