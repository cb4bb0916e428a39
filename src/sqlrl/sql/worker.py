"""The sandbox worker: runs SQL on read-only SQLite connections, one process per worker.

The pool (`sqlrl.sql.pool`) starts this file as a script in a bare interpreter
(`python -S -P worker.py ...`), so a worker imports only the standard library: it starts in
~20 ms, holds ~12 MB, and inherits none of the parent's memory, threads, CUDA state or file
descriptors, even when the parent is a training process with torch loaded. The parent imports
this module too, for the message framing and the result tuple layout.

Layers of defence, each enough on its own for the attack it names:
- the URI `mode=ro` and `PRAGMA query_only` make SQLite refuse to write the database file;
- an authorizer allows only reads, recursive CTEs, functions other than `load_extension` and
  `fts3_tokenizer`, and schema-introspection PRAGMAs; everything else (writes, DDL,
  transactions, ATTACH, VACUUM, PRAGMAs that change state) is denied while the statement is
  prepared, before anything runs;
- `SQLITE_LIMIT_ATTACHED = 0` makes ATTACH (and `VACUUM INTO`, which attaches its target) fail
  even before the authorizer sees it;
- a progress handler stops a query when its deadline passes; the parent kills the worker if
  it overruns anyway;
- `SQLITE_LIMIT_LENGTH` caps any single value (`randomblob(1e9)` fails at once), a heap limit
  caps SQLite's memory, temp storage is in memory (nothing spills to disk), and rows fetched
  and result bytes are capped.
"""

from __future__ import annotations

import mmap
import os
import pickle
import re
import signal
import sqlite3
import struct
import sys
import time

# Message framing on a pipe: 8-byte little-endian length, then a pickle.
HEADER = struct.Struct("<Q")
# Shared progress slot, one per worker: (index in the current chunk of the task running or -1,
# that task's deadline on CLOCK_MONOTONIC, which is system-wide, so the parent can compare).
SLOT = struct.Struct("<qd")

# A result travels as a plain tuple (cheap to pickle), in this order:
# (ok, columns, rows, error, error_type, elapsed_s, truncated, nbytes)
ERROR_TYPES = ("syntax", "no_such_table", "no_such_column", "timeout", "too_large", "denied",
               "bad_input", "other")

PROGRESS_OPS = 1000  # VM instructions between deadline checks (~20-50 us of work)
FETCH_BATCH = 512
MAX_CONNECTIONS = 64  # per worker; least recently used connections are closed beyond this
MAX_SQL_CHARS = 1_000_000

# Leading whitespace, comments, semicolons and parentheses, then the first word.
_LEAD = re.compile(r"(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?(?:\*/|\Z)|;|\()*", re.S)
_WORD = re.compile(r"[A-Za-z_]+")
# The one deny-list: `rewards.sqlcheck` classifies predictions with the same lists, so a reward and
# the sandbox never disagree about what counts as an attempt to change or escape the database.
#
# First words of statements that cannot be read-only (the non-SQLite ones are hostile in intent:
# a model that writes them is trying to change data, whatever the dialect).
WRITE_WORDS = frozenset(
    "INSERT UPDATE DELETE REPLACE UPSERT CREATE DROP ALTER ATTACH DETACH VACUUM REINDEX ANALYZE "
    "BEGIN COMMIT END ROLLBACK SAVEPOINT RELEASE LOAD INSTALL COPY TRUNCATE MERGE GRANT REVOKE".split())

# PRAGMAs that only describe the schema; every other PRAGMA is denied.
READ_PRAGMAS = frozenset(
    "table_info table_xinfo table_list index_info index_xinfo index_list foreign_key_list "
    "collation_list function_list module_list pragma_list database_list".split())

# SQL functions that reach outside the database file (the shell's file functions included).
DENIED_FUNCTIONS = frozenset(("load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"))

_TABLE_PRAGMAS = ("table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list")
_ALLOWED_ACTIONS = frozenset((sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE))


class BadInput(Exception):
    """The request itself is unusable: no SQL, a missing or non-SQLite database file."""


class Denied(Exception):
    """The statement cannot be read-only."""


def _authorize(action, arg1, arg2, _db, _trigger):
    if action in _ALLOWED_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION:
        return sqlite3.SQLITE_DENY if arg2 and arg2.lower() in DENIED_FUNCTIONS else sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and arg1 and arg1.lower() in READ_PRAGMAS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def error_kind(message: str) -> str:
    """The error class of an SQLite (or sqlite3 module) error message."""
    m = message.lower()
    if "interrupted" in m:
        return "timeout"
    if "no such table" in m:
        return "no_such_table"
    if "no such column" in m:
        return "no_such_column"
    if "syntax error" in m or "incomplete input" in m or "unrecognized token" in m:
        return "syntax"
    if ("not authorized" in m or "authorization denied" in m or "prohibited" in m or "readonly database" in m
            or "attached databases" in m or "query_only" in m):
        return "denied"
    if "too big" in m or "too large" in m or "out of memory" in m:
        return "too_large"
    if ("one statement at a time" in m or "null character" in m or "not a database" in m
            or "unable to open" in m):
        return "bad_input"
    return "other"


def first_word(sql: str) -> str:
    """The first keyword of `sql` after comments, semicolons and parentheses ('' if no statement)."""
    start = _LEAD.match(sql).end()
    if start == len(sql):
        return ""
    m = _WORD.match(sql, start)
    return m.group(0).upper() if m else sql[start]  # e.g. '`' of a markdown fence: SQLite says why


def read_only_uri(path) -> str:
    """The `file:` URI that opens `path` read-only (`sqlite3.connect(uri, uri=True)`).

    SQLite's URI parser gives `%`, `?` and `#` a meaning, so they are percent-encoded: a database
    whose path holds them still opens, read-only.
    """
    quoted = str(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    return f"file:{quoted}?mode=ro"


def _lenient_text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


class Executor:
    """Read-only connections per database file, reused across queries, and the query runner."""

    def __init__(self):
        self._conns: dict[str, sqlite3.Connection] = {}
        self._deadline = [0.0]
        self._length_limit: dict[str, int] = {}
        deadline, now = self._deadline, time.monotonic

        def progress():  # non-zero return value interrupts the running statement
            return now() > deadline[0]

        self._progress = progress

    def _connect(self, path: str) -> sqlite3.Connection:
        conn = self._conns.pop(path, None)
        if conn is not None:
            self._conns[path] = conn  # move to the most recently used end
            return conn
        if not os.path.isfile(path):
            raise BadInput(f"database file not found: {path}")
        conn = None
        try:
            # timeout: wait at most 1 s for a lock held by a writer elsewhere, then fail.
            conn = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None, timeout=1.0,
                                   check_same_thread=False, cached_statements=512)
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
            for name in _TABLE_PRAGMAS:
                # SQLite registers a table-valued pragma with an internal schema update the
                # first time a connection uses it; do that now, before the authorizer would
                # (rightly) deny it.
                conn.execute(f"SELECT * FROM pragma_{name}('sqlite_master') LIMIT 0").fetchall()
        except sqlite3.DatabaseError as e:
            if conn is not None:
                conn.close()
            if error_kind(str(e)) != "bad_input":  # e.g. locked by a writer: a real SQLite error
                raise
            raise BadInput(f"cannot open {path} as an SQLite database: {e}") from None
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_CHARS)
        conn.set_authorizer(_authorize)
        conn.set_progress_handler(self._progress, PROGRESS_OPS)
        self._conns[path] = conn
        if len(self._conns) > MAX_CONNECTIONS:
            old = next(iter(self._conns))
            self._conns.pop(old).close()
            self._length_limit.pop(old, None)
        return conn

    def _drop(self, path: str) -> None:
        conn = self._conns.pop(path, None)
        self._length_limit.pop(path, None)
        if conn is not None:
            conn.close()

    def run(self, path: str, sql: str, timeout: float, max_rows: int, max_bytes: int) -> tuple:
        """Execute one query; return the result tuple (see the module header). Never raises."""
        start = time.perf_counter()
        try:
            if not isinstance(sql, str):
                raise BadInput(f"SQL must be text, got {type(sql).__name__}")
            word = first_word(sql)
            if not word:
                raise BadInput("empty SQL: no statement to run")
            if word in WRITE_WORDS:
                raise Denied(f"only read-only queries are allowed (SELECT, WITH, VALUES, "
                             f"EXPLAIN, schema PRAGMAs); this statement starts with {word}")
            self._deadline[0] = time.monotonic() + timeout  # opening a connection counts too
            conn = self._connect(path)
            if self._length_limit.get(path) != max_bytes:
                # No single value (string, blob, group_concat, ...) may exceed the byte cap.
                conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max(1, min(max_bytes, 1_000_000_000)))
                self._length_limit[path] = max_bytes
            try:
                out = self._fetch(conn, sql, max_rows, max_bytes)
            except sqlite3.OperationalError as e:
                if "decode to UTF-8" not in str(e):
                    raise
                # A database with text that is not UTF-8: decode it with replacement characters.
                conn.text_factory = _lenient_text
                try:
                    out = self._fetch(conn, sql, max_rows, max_bytes)
                finally:
                    conn.text_factory = str
            columns, rows, truncated, nbytes, error = out
            elapsed = time.perf_counter() - start
            if error:
                return (False, columns, [], error, "too_large", elapsed, False, 0)
            return (True, columns, rows, None, None, elapsed, truncated, nbytes)
        except BadInput as e:
            return (False, [], [], str(e), "bad_input", time.perf_counter() - start, False, 0)
        except Denied as e:
            return (False, [], [], str(e), "denied", time.perf_counter() - start, False, 0)
        except MemoryError:
            self._drop(path)  # after SQLITE_NOMEM, start the next query on a fresh connection
            return (False, [], [], "out of memory: the query needs more memory than the sandbox "
                    "allows", "too_large", time.perf_counter() - start, False, 0)
        except UnicodeError as e:
            return (False, [], [], f"SQL is not valid UTF-8 text: {e}", "bad_input",
                    time.perf_counter() - start, False, 0)
        except (sqlite3.Error, ValueError, OverflowError) as e:
            message = str(e)
            kind = error_kind(message)
            if kind == "timeout":
                message = f"query exceeded the {timeout:g} s time limit (SQLite: {message})"
            return (False, [], [], message, kind, time.perf_counter() - start, False, 0)

    @staticmethod
    def _fetch(conn, sql, max_rows, max_bytes):
        cur = conn.execute(sql)
        columns = [d[0] for d in cur.description] if cur.description else []
        rows: list = []
        nbytes = 0
        truncated = False
        while True:
            want = min(FETCH_BATCH, max_rows + 1 - len(rows))
            batch = cur.fetchmany(want)
            for row in batch:
                for v in row:
                    t = v.__class__
                    nbytes += len(v) if (t is str or t is bytes) else 8
            if nbytes > max_bytes:
                cur.close()
                return columns, [], False, nbytes, (
                    f"result is larger than the {max_bytes:,} byte limit after {len(rows) + len(batch):,} rows")
            rows.extend(batch)
            if len(rows) > max_rows:
                del rows[max_rows:]
                truncated = True
                cur.close()
                break
            if len(batch) < want:
                break
        return columns, rows, truncated, nbytes, None


def write_message(fd: int, obj) -> None:
    """Send `obj` as one framed pickle on a blocking pipe."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def read_exact(fd: int, n: int) -> bytes | None:
    """Read exactly `n` bytes; None at end of file."""
    data = os.read(fd, n)
    if len(data) == n or not data:
        return data or (None if n else b"")
    parts = [data]
    got = len(data)
    while got < n:
        more = os.read(fd, min(n - got, 1 << 20))
        if not more:
            return None
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def read_message(fd: int):
    """Receive one framed pickle; None at end of file."""
    head = read_exact(fd, HEADER.size)
    if head is None:
        return None
    data = read_exact(fd, HEADER.unpack(head)[0])
    return None if data is None else pickle.loads(data)


def _set_heap_limit(nbytes: int) -> None:
    # hard_heap_limit is process-wide: one pragma on a throwaway connection covers them all.
    conn = sqlite3.connect(":memory:")
    conn.execute(f"PRAGMA hard_heap_limit = {int(nbytes)}")
    conn.close()


def main(argv: list[str]) -> int:
    """Serve chunks of tasks until the parent closes the pipe.

    argv: READ_FD WRITE_FD SLOT_FD HEAP_LIMIT_BYTES. A chunk is (chunk_id, [(path, sql,
    timeout, max_rows, max_bytes), ...]); the reply is (chunk_id, [result tuple, ...]).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    rfd, wfd, slot_fd, heap = (int(a) for a in argv[1:5])
    slot = mmap.mmap(slot_fd, SLOT.size)
    if heap > 0:
        _set_heap_limit(heap)
    executor = Executor()
    write_message(wfd, ("ready", os.getpid()))
    pack, now, run = SLOT.pack_into, time.monotonic, executor.run
    while True:
        msg = read_message(rfd)
        if msg is None:
            return 0
        chunk_id, tasks = msg
        results = []
        for i, (path, sql, timeout, max_rows, max_bytes) in enumerate(tasks):
            pack(slot, 0, i, now() + timeout)
            results.append(run(path, sql, timeout, max_rows, max_bytes))
        pack(slot, 0, -1, 0.0)
        write_message(wfd, (chunk_id, results))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
