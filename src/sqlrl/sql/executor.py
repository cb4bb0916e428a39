"""The sandbox: run model-written SQL safely and fast, and judge it against gold SQL.

`Sandbox` is the one entry point. It deduplicates each batch (every distinct (db, SQL) pair
runs once), answers gold queries from a cache keyed by (database file and its mtime/size,
SQL, caps), and spreads the rest over a `WorkerPool` of read-only SQLite worker processes
(see `worker.py` for the defences, `pool.py` for the time-limit backstop).
A prediction whose SQL is the gold SQL reuses the gold result instead of running again.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import threading
from collections import OrderedDict

from sqlrl.sql.compare import MODES, has_order_by, results_match
from sqlrl.sql.pool import WorkerPool
from sqlrl.sql.result import Result, Verdict

# Gold errors worth remembering: re-running the same SQL on the same file gives the same error.
# Timeouts and lost workers depend on load, so they are retried on the next call.
_STABLE_ERRORS = frozenset(("syntax", "no_such_table", "no_such_column", "denied", "too_large"))


def default_workers() -> int:
    """Worker count for the shared sandbox: $SQLRL_SANDBOX_WORKERS, else half the CPUs (2..8)."""
    env = os.environ.get("SQLRL_SANDBOX_WORKERS")
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise ValueError(f"SQLRL_SANDBOX_WORKERS must be a whole number, got {env!r}") from None
    return min(8, max(2, (os.cpu_count() or 2) // 2))


class _Shared:
    """What every view of one sandbox shares: the worker pool and the gold cache."""

    def __init__(self, workers: int, max_memory: int, cache_entries: int, cache_bytes: int):
        self.pool = WorkerPool(workers, max_memory)
        self.gold: OrderedDict = OrderedDict()  # key -> (Result, nbytes)
        self.gold_bytes = 0
        self.cache_entries = cache_entries
        self.cache_bytes = cache_bytes
        self.lock = threading.Lock()
        self.suites: dict = {}  # folder -> (folder mtime, sorted .sqlite paths)

    def remember(self, key, result: Result, nbytes: int) -> None:
        with self.lock:
            if key in self.gold:
                return
            self.gold[key] = (result, nbytes)
            self.gold_bytes += nbytes
            while self.gold and (len(self.gold) > self.cache_entries or self.gold_bytes > self.cache_bytes):
                _, (_, old_bytes) = self.gold.popitem(last=False)
                self.gold_bytes -= old_bytes

    def recall(self, key):
        with self.lock:
            hit = self.gold.get(key)
            if hit is not None:
                self.gold.move_to_end(key)
            return hit


def _check_positive(name: str, value) -> None:
    if value is None or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")


class Sandbox:
    """Read-only, time-limited SQL execution over a pool of worker processes.

    Args:
        workers: worker processes (started lazily on first use).
        timeout: seconds per query, enforced inside SQLite; a worker that overruns is killed.
        max_rows: rows fetched per query; beyond it the result is `truncated`.
        max_bytes: bytes per result (strings and blobs by length, numbers as 8); beyond it the
            query fails with `too_large`. It also caps any single value SQLite builds.
        gold_timeout: seconds per gold query (default max(timeout, 30)): a gold query runs
            once and is cached, and a slow gold must not turn every rollout into a zero.
        max_memory: SQLite heap limit per worker, in bytes.
        gold_cache_entries, gold_cache_bytes: bounds of the gold result cache (LRU).

    Use as a context manager, or call `close()`; `get_sandbox()` gives a shared instance.
    Thread-safe: calls from several threads (or async tasks) are served one batch at a time,
    each batch using every worker.
    """

    def __init__(self, workers: int = 2, timeout: float = 5.0, max_rows: int = 10_000,
                 max_bytes: int = 50_000_000, *, gold_timeout: float | None = None,
                 max_memory: int = 1_000_000_000, gold_cache_entries: int = 100_000,
                 gold_cache_bytes: int = 1_000_000_000):
        for name, value in (("workers", workers), ("timeout", timeout), ("max_rows", max_rows),
                            ("max_bytes", max_bytes), ("max_memory", max_memory)):
            _check_positive(name, value)
        self.timeout = float(timeout)
        self.gold_timeout = float(gold_timeout) if gold_timeout is not None else max(self.timeout, 30.0)
        _check_positive("gold_timeout", self.gold_timeout)
        self.max_rows = int(max_rows)
        self.max_bytes = int(max_bytes)
        self.workers = int(workers)
        self._shared = _Shared(self.workers, int(max_memory), gold_cache_entries, gold_cache_bytes)

    # ----------------------------------------------------------------- lifecycle
    def with_options(self, *, timeout: float | None = None, max_rows: int | None = None,
                     max_bytes: int | None = None, gold_timeout: float | None = None) -> "Sandbox":
        """A view of this sandbox with other limits; it shares the workers and the gold cache."""
        view = object.__new__(Sandbox)
        view.__dict__.update(self.__dict__)
        for name, value in (("timeout", timeout), ("max_rows", max_rows), ("max_bytes", max_bytes),
                            ("gold_timeout", gold_timeout)):
            if value is not None:
                _check_positive(name, value)
                setattr(view, name, type(getattr(self, name))(value))
        return view

    def close(self) -> None:
        """Stop the worker processes (shared by every view). Using the sandbox again restarts them."""
        self._shared.pool.close()

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def workers_replaced(self) -> int:
        """How many workers were killed (overran) or lost (died) and replaced so far."""
        return self._shared.pool.replaced

    # ----------------------------------------------------------------- execution
    def run(self, db_path, sql, timeout: float | None = None, max_rows: int | None = None) -> Result:
        """Execute one query on the SQLite file `db_path`; never raises for bad SQL or files."""
        return self.run_many([(db_path, sql)], timeout=timeout, max_rows=max_rows)[0]

    def run_many(self, pairs, timeout: float | None = None, max_rows: int | None = None) -> list[Result]:
        """Execute many (db_path, sql) pairs; each distinct pair runs once, results keep the order."""
        timeout = self.timeout if timeout is None else float(timeout)
        max_rows = self.max_rows if max_rows is None else int(max_rows)
        _check_positive("timeout", timeout)
        _check_positive("max_rows", max_rows)
        batch = _Batch(self, max_rows)
        keys = [batch.want(*_pair(p), timeout) for p in pairs]
        batch.execute()
        return [batch.result(k) for k in keys]

    def compare(self, db_path, gold_sql: str, pred_sql: str, mode: str = "bird",
                timeout: float | None = None) -> Verdict:
        """Run `pred_sql` (and `gold_sql`, cached) on `db_path` and compare the results under `mode`."""
        return self.compare_many([(db_path, gold_sql, pred_sql)], mode=mode, timeout=timeout)[0]

    def compare_many(self, triples, mode: str = "bird", timeout: float | None = None) -> list[Verdict]:
        """Verdicts for many (db_path, gold_sql, pred_sql) triples in one batch (one GRPO step).

        Gold results come from the cache when present; every distinct (db, SQL) pair not in
        it runs once. In `spider_ts` mode, when the database's folder holds several `.sqlite`
        files (a test suite), both queries run on each and must match on all; the verdict
        shows the results on `db_path`. A gold query that fails makes the item a non-match.
        """
        if mode not in MODES:
            raise ValueError(f"unknown comparison mode {mode!r}; choose one of {', '.join(MODES)}")
        timeout = self.timeout if timeout is None else float(timeout)
        _check_positive("timeout", timeout)
        batch = _Batch(self, self.max_rows)
        plans = []
        seen: dict = {}  # identical triples (common inside a GRPO group) share one plan
        suites: dict = {}
        for t in triples:
            try:
                plan = seen.get(t)
            except TypeError:  # unhashable (e.g. a list): plan it on its own
                plan = None
            if plan is None:
                db, gold, pred = _triple(t)
                if mode != "spider_ts":
                    dbs = [db]
                else:
                    dbs = suites.get(db) if isinstance(db, str) else None
                    if dbs is None:
                        dbs = self._suite(db)
                        if isinstance(db, str):
                            suites[db] = dbs
                plan = (gold, [(batch.want(d, gold, self.gold_timeout, gold=True),
                                batch.want(d, pred, timeout)) for d in dbs], [None])
                try:
                    seen[t] = plan
                except TypeError:
                    pass
            plans.append(plan)
        batch.execute()
        memo: dict = {}
        verdicts = []
        for gold_sql, pairs, done in plans:
            if done[0] is not None:
                verdicts.append(done[0])
                continue
            ordered = mode == "spider_ts" and has_order_by(gold_sql if isinstance(gold_sql, str) else "")
            match = True
            for gk, pk in pairs:
                g, p = batch.results[gk], batch.results[pk]
                key = (id(g), id(p), ordered)
                found = memo.get(key)
                if found is None:
                    found = memo[key] = results_match(g, p, mode, "ORDER BY" if ordered else "")
                if not found:
                    match = False
                    break
            gk, pk = pairs[0]
            done[0] = Verdict(match, mode, batch.results[pk], batch.results[gk])
            verdicts.append(done[0])
        return verdicts

    async def arun_many(self, pairs, timeout: float | None = None, max_rows: int | None = None) -> list[Result]:
        """`run_many` for async code: runs in a thread, so the event loop keeps going."""
        return await asyncio.to_thread(self.run_many, pairs, timeout, max_rows)

    async def acompare_many(self, triples, mode: str = "bird", timeout: float | None = None) -> list[Verdict]:
        """`compare_many` for async code (e.g. TRL's async reward functions)."""
        return await asyncio.to_thread(self.compare_many, triples, mode, timeout)

    def _suite(self, db) -> list[str]:
        """`db` first, then the other databases of its test suite, sorted.

        A test suite is the Spider / test-suite-sql-eval layout: `<db_id>/<db_id>.sqlite` plus
        more `<db_id>*.sqlite` files in the same folder. A file whose folder is not named
        after it (e.g. several unrelated DBs in one folder) is never treated as a suite.
        """
        path = _abspath(db)
        folder, name = os.path.split(path)
        stem = name[:-len(".sqlite")] if name.endswith(".sqlite") else None
        if stem != os.path.basename(folder):
            return [path]
        try:
            stamp = os.stat(folder).st_mtime_ns
        except OSError:
            return [path]
        cached = self._shared.suites.get(folder)
        if cached is None or cached[0] != stamp:
            try:
                names = sorted(n for n in os.listdir(folder) if n.endswith(".sqlite") and n.startswith(stem))
            except OSError:
                names = []
            cached = (stamp, [os.path.join(folder, n) for n in names])
            self._shared.suites[folder] = cached
        return [path] + [p for p in cached[1] if p != path]


def _abspath(db) -> str:
    return os.path.abspath(os.fspath(db))


def _pair(p) -> tuple:
    try:
        db, sql = p
    except (TypeError, ValueError):
        raise ValueError(f"run_many expects (db_path, sql) pairs, got {p!r:.200}") from None
    return db, sql


def _triple(t) -> tuple:
    try:
        db, gold, pred = t
    except (TypeError, ValueError):
        raise ValueError(f"compare_many expects (db_path, gold_sql, pred_sql) triples, got {t!r:.200}") from None
    return db, gold, pred


class _Batch:
    """The distinct executions one call needs, deduplicated, run together on the pool."""

    def __init__(self, sandbox: Sandbox, max_rows: int):
        self.sb = sandbox
        self.max_rows = max_rows
        self.max_bytes = sandbox.max_bytes
        self.stats: dict = {}  # path -> (mtime_ns, size) or None when not a file
        self.results: dict = {}  # key -> Result
        self.todo: dict = {}  # key -> [path, sql, timeout, is_gold]
        self.paths: dict = {}
        self.keys: dict = {}  # (db, sql) as given -> key

    def path(self, db) -> str:
        p = self.paths.get(db) if isinstance(db, str) else None
        if p is None:
            p = _abspath(db)
            if isinstance(db, str):
                self.paths[db] = p
        return p

    def _stat(self, path: str):
        if path not in self.stats:
            try:
                st = os.stat(path)
                self.stats[path] = (st.st_mtime_ns, st.st_size) if os.path.isfile(path) else None
            except (OSError, ValueError):
                self.stats[path] = None
        return self.stats[path]

    def want(self, db, sql, timeout: float, gold: bool = False):
        """Register one execution; returns the key to read its result with."""
        try:
            key = self.keys[(db, sql)]
        except (KeyError, TypeError):
            key = self._want(db, sql, timeout, gold)
            try:
                self.keys[(db, sql)] = key
            except TypeError:
                pass
            return key
        entry = self.todo.get(key)
        if entry is not None:  # asked for twice (e.g. a prediction equal to its gold): run once
            entry[2] = max(entry[2], timeout)  # under the longer limit
            entry[3] = entry[3] or gold
        return key

    def _want(self, db, sql, timeout: float, gold: bool):
        try:
            path = db if isinstance(db, str) and os.path.isabs(db) else self.path(db)
        except TypeError:
            key = ("bad-db", repr(db))
            self.results[key] = Result.failure(f"database path must be a string or path, got {db!r:.100}",
                                               "bad_input")
            return key
        if isinstance(sql, (bytes, bytearray)):
            try:
                sql = bytes(sql).decode("utf-8")
            except UnicodeDecodeError as e:
                key = ("bad-sql", path, bytes(sql))
                self.results[key] = Result.failure(f"SQL is not valid UTF-8 text: {e}", "bad_input")
                return key
        elif not isinstance(sql, str):
            key = ("bad-sql", path, repr(sql))
            self.results[key] = Result.failure(f"SQL must be text, got {type(sql).__name__}", "bad_input")
            return key
        stat = self._stat(path)
        key = (path, stat, sql, self.max_rows, self.max_bytes)
        if key in self.results:
            return key
        if stat is None:
            what = "is not a file" if os.path.exists(path) else "not found"
            self.results[key] = Result.failure(f"database file {what}: {path}", "bad_input")
            return key
        hit = self.sb._shared.recall(key)
        if hit is not None:
            self.results[key] = hit[0]
            return key
        entry = self.todo.get(key)
        if entry is None:
            self.todo[key] = [path, sql, timeout, gold]
        else:  # asked for twice (e.g. a prediction equal to its gold): run once, the longer limit
            entry[2] = max(entry[2], timeout)
            entry[3] = entry[3] or gold
        return key

    def execute(self) -> None:
        if not self.todo:
            return
        keys = list(self.todo)
        tasks = [(e[0], e[1], e[2], self.max_rows, self.max_bytes) for e in self.todo.values()]
        out = self.sb._shared.pool.execute(tasks)
        shared = self.sb._shared
        for key, entry, t in zip(keys, self.todo.values(), out):
            r = Result(t[0], t[1], t[2], t[3], t[4], t[5], t[6])
            self.results[key] = r
            if entry[3] and (r.ok or r.error_type in _STABLE_ERRORS):
                shared.remember(key, r, t[7] + 64)
        self.todo.clear()

    def result(self, key) -> Result:
        return self.results[key]


_SHARED: Sandbox | None = None
_SHARED_LOCK = threading.Lock()


def get_sandbox(**options) -> Sandbox:
    """The process-wide sandbox, created on first use and closed at exit.

    Options (timeout, max_rows, max_bytes, gold_timeout) give a view with those limits that
    shares the same workers and gold cache; an option given as None keeps the default. The
    worker count is `default_workers()`. This is the one way sqlrl code gets a sandbox.
    """
    options = {k: v for k, v in options.items() if v is not None}
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = Sandbox(workers=default_workers())
            atexit.register(_SHARED.close)
    return _SHARED.with_options(**options) if options else _SHARED
