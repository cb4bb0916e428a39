"""Verdicts per second on the Spider dev set as GRPO steps see it.

Each dev question gets 16 completions: the gold, 5 duplicates (3 of the gold, 2 of a wrong
query), 3 equivalent rewrites, 4 wrong queries and 3 erroring ones. Steps of
`--questions-per-step` questions (x16 completions) are judged under the BIRD rule by:

  (a) naive: what peer scripts do; sequentially, a new connection per candidate, the gold
      re-run for every candidate, each query in a fresh thread joined with a timeout;
  (b) sandbox: `Sandbox.compare_many`, one call per step (worker processes, read-only,
      time limits, caps, gold cache, each distinct (db, SQL) once per step);
  (c) raw: in-process, persistent connections, each distinct (db, SQL) of a step once,
      gold results cached, no isolation or limits at all: the speed without safety.

(b) and (c) run `--repeats` passes and report the best; the first pass of (b) includes
starting the workers and runs every gold query (cold cache), later passes find golds cached.

    .venv/bin/python benchmarks/bench_sandbox.py [--data-dir DIR] [--workers 2]
        (default: the spider dataset in the data root)
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import threading
import time
from pathlib import Path

from sqlrl.paths import data_root
from sqlrl.sql import Sandbox, results_match
from sqlrl.sql.result import Result

REPO = Path(__file__).resolve().parents[1]
N_COMPLETIONS = 16


def candidates(item: dict, other_gold: str) -> list[str]:
    """16 completions for one question (see the module doc for the mix)."""
    gold = item["query"].strip().rstrip(";")
    wrong = [
        f"SELECT * FROM ({gold}) LIMIT 1",
        f"SELECT count(*) FROM ({gold})",
        f"SELECT * FROM ({gold}) WHERE 0",
        other_gold,
    ]
    rewrites = [gold + " ", gold + ";", f"SELECT * FROM ({gold})"]
    errors = ["SELECT * FROM no_such_table", "SELEC name FROM sqlite_master",
              f"SELECT no_such_column FROM ({gold})"]
    return [gold] * 4 + [wrong[0]] * 2 + rewrites + wrong + errors[:3]


def load_steps(data_dir: Path, questions_per_step: int, limit: int | None):
    dev = json.loads((data_dir / "dev.json").read_text())
    if limit:
        dev = dev[:limit]
    items = []
    for i, item in enumerate(dev):
        db = str(data_dir / "database" / item["db_id"] / f"{item['db_id']}.sqlite")
        same_db = [d for d in dev if d["db_id"] == item["db_id"] and d is not item]
        other = (same_db[i % len(same_db)]["query"] if same_db else "SELECT 1").strip().rstrip(";")
        cands = candidates(item, other)
        assert len(cands) == N_COMPLETIONS
        items.extend((db, item["query"], c) for c in cands)
    step = questions_per_step * N_COMPLETIONS
    return [items[i:i + step] for i in range(0, len(items), step)]


# --------------------------------------------------------------------------- (a) naive
def _naive_exec(db: str, sql: str, timeout: float):
    box: dict = {}

    def work():
        try:
            conn = sqlite3.connect(db)
            try:
                box["rows"] = conn.execute(sql).fetchall()
            finally:
                conn.close()
        except Exception as e:  # noqa: BLE001 - the naive judge treats every failure alike
            box["error"] = e

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive() or "error" in box:
        return None
    return box["rows"]


def naive(steps, timeout: float) -> list[bool]:
    out = []
    for step in steps:
        for db, gold, pred in step:
            p = _naive_exec(db, pred, timeout)
            g = _naive_exec(db, gold, timeout)
            out.append(p is not None and g is not None and set(p) == set(g))
    return out


# --------------------------------------------------------------------------- (c) raw
class Raw:
    """In-process judge: persistent connections, distinct queries once per step, gold cached."""

    def __init__(self):
        self.conns: dict = {}
        self.gold: dict = {}

    def _exec(self, db: str, sql: str) -> Result:
        conn = self.conns.get(db)
        if conn is None:
            # The same statement cache size as the sandbox workers, so (b) and (c) differ only in isolation.
            conn = self.conns[db] = sqlite3.connect(db, check_same_thread=False, cached_statements=512)
        try:
            cur = conn.execute(sql)
            return Result(True, [d[0] for d in cur.description or []], cur.fetchall())
        except (sqlite3.Error, sqlite3.Warning) as e:
            return Result(False, [], [], str(e), "other")

    def compare_many(self, triples) -> list[bool]:
        results: dict = {}
        for db, gold, _ in triples:
            key = (db, gold)
            if key not in results:
                r = self.gold.get(key)
                if r is None:
                    r = self.gold[key] = self._exec(db, gold)
                results[key] = r
        out = []
        for db, gold, pred in triples:
            pk = (db, pred)
            p = results.get(pk)
            if p is None:
                p = results[pk] = self._exec(db, pred)
            out.append(results_match(results[(db, gold)], p, "bird"))
        return out


def timed(fn, steps) -> tuple[float, list[bool]]:
    t = time.perf_counter()
    out = []
    for step in steps:
        out.extend(fn(step))
    return time.perf_counter() - t, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=data_root() / "spider")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--questions-per-step", type=int, default=8,
                    help="questions per GRPO step; each has 16 completions (default 8: 128 per call)")
    ap.add_argument("--repeats", type=int, default=3, help="passes of (b) and (c); the best is reported")
    ap.add_argument("--limit", type=int, default=None, help="first N dev questions only")
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--skip-naive", action="store_true")
    args = ap.parse_args(argv)

    steps = load_steps(args.data_dir, args.questions_per_step, args.limit)
    n = sum(len(s) for s in steps)
    distinct = sum(len({(d, p) for d, _, p in s} | {(d, g) for d, g, _ in s}) for s in steps)
    print(f"Spider dev: {n // N_COMPLETIONS} questions x {N_COMPLETIONS} completions = {n} verdicts, "
          f"{len(steps)} steps of {args.questions_per_step * N_COMPLETIONS}; "
          f"{distinct} distinct (db, SQL) executions per pass (golds included)")

    rates = {}
    if not args.skip_naive:
        t = time.perf_counter()
        naive_out = naive(steps, args.timeout)
        rates["naive"] = n / (time.perf_counter() - t)
        print(f"(a) naive                  {rates['naive']:>10,.0f} verdicts/s")

    raw = Raw()
    best = None
    for rep in range(args.repeats):
        dt, raw_out = timed(raw.compare_many, steps)
        best = dt if best is None else min(best, dt)
        if rep == 0:
            print(f"(c) raw in-process, pass 1 {n / dt:>10,.0f} verdicts/s (gold cache cold)")
    rates["raw"] = n / best
    print(f"(c) raw in-process, best   {rates['raw']:>10,.0f} verdicts/s")

    with Sandbox(workers=args.workers, timeout=args.timeout) as sb:
        best = None
        for rep in range(args.repeats):
            dt, sb_out = timed(lambda s: [v.match for v in sb.compare_many(s, mode="bird")], steps)
            best = dt if best is None else min(best, dt)
            if rep == 0:
                print(f"(b) sandbox, pass 1        {n / dt:>10,.0f} verdicts/s "
                      f"(workers started, gold cache cold)")
        rates["sandbox"] = n / best
        print(f"(b) sandbox, best          {rates['sandbox']:>10,.0f} verdicts/s ({args.workers} workers)")

    agree = sum(a == b for a, b in zip(sb_out, raw_out))
    print(f"matches: sandbox {sum(sb_out)}, raw {sum(raw_out)}; verdicts agree on {agree}/{n}")
    if "naive" in rates:
        print(f"naive matches {sum(naive_out)}")
        print(f"ratio sandbox / naive: {rates['sandbox'] / rates['naive']:.1f}x (target >= 25x)")
    print(f"ratio sandbox / raw:   {rates['sandbox'] / rates['raw']:.2f}x (target >= 0.8x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
