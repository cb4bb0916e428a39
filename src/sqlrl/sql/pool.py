"""A pool of sandbox worker processes: chunks of tasks go out, result tuples come back.

Workers start lazily on the first batch. Each is a bare interpreter running `worker.py`
(see there for why not fork); it talks over two pipes with length-prefixed pickles and
publishes which task it is running, and that task's deadline, in a 16-byte shared slot. The
pool hands chunks to idle workers until the batch is done; a worker whose task runs past its
deadline plus a grace period (the in-SQLite limit failed) is killed and replaced, that task
gets a `timeout` error and the rest of its chunk is run again elsewhere. A worker that dies
(killed by the OS, a crash) is handled the same way, with an `other` error.
"""

from __future__ import annotations

import math
import mmap
import os
import select
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections import deque

from sqlrl.sql.worker import SLOT, read_message, write_message

WORKER_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker.py")
START_TIMEOUT_S = 60.0
MAX_CHUNK = 64  # tasks per message: big enough to amortise the round trip, small enough to balance
CHUNKS_PER_WORKER = 2  # chunks per worker per batch: few round trips, still some balancing


def backstop_grace(timeout: float) -> float:
    """Seconds past a task's deadline before the parent kills its worker."""
    return 1.0 + 0.25 * timeout


class _Worker:
    """One worker process and its pipes."""

    def __init__(self, heap_limit: int):
        p2c_r, p2c_w = os.pipe()
        c2p_r, c2p_w = os.pipe()
        self._slot_file = tempfile.TemporaryFile()  # unnamed file: shared memory via mmap
        self._slot_file.write(b"\0" * SLOT.size)
        self._slot_file.flush()
        self.slot = mmap.mmap(self._slot_file.fileno(), SLOT.size)
        SLOT.pack_into(self.slot, 0, -1, 0.0)
        slot_fd = self._slot_file.fileno()
        # -S: no site-packages (the worker needs only the standard library); -P: the script's
        # folder is not put on sys.path, so no module of ours can shadow a standard one.
        flags = ["-S", "-P"] if sys.version_info >= (3, 11) else ["-S"]
        cmd = [sys.executable, *flags, WORKER_FILE, str(p2c_r), str(c2p_w), str(slot_fd), str(heap_limit)]
        try:
            self.proc = subprocess.Popen(cmd, pass_fds=(p2c_r, c2p_w, slot_fd), stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, start_new_session=True)
        finally:
            os.close(p2c_r)
            os.close(c2p_w)
        self.wfd, self.rfd = p2c_w, c2p_r
        self.chunk: list[int] | None = None  # task indices in flight
        self.chunk_id = 0
        self.ready = False

    def wait_ready(self) -> None:
        poller = select.poll()
        poller.register(self.rfd, select.POLLIN)
        if not poller.poll(START_TIMEOUT_S * 1000):
            self.kill()
            raise RuntimeError(f"sandbox worker did not start within {START_TIMEOUT_S:g} s ({WORKER_FILE})")
        msg = read_message(self.rfd)
        if not (isinstance(msg, tuple) and msg[0] == "ready"):
            code = self.proc.poll()
            self.kill()
            raise RuntimeError(f"sandbox worker failed to start (exit code {code}); "
                               f"run `{sys.executable} -S {WORKER_FILE}` to see why")
        self.ready = True

    def running(self) -> tuple[int, float]:
        """(index in the chunk of the task running or -1, its deadline on the monotonic clock)."""
        # The worker rewrites the 16-byte slot as each task starts; a read racing that write can
        # pair the new index with the reset deadline (0.0) and blame a task that just began.
        # Two equal reads in a row are a whole record; a deadline of 0 with a task is a torn one.
        for _ in range(1000):
            first = SLOT.unpack_from(self.slot, 0)
            if first == SLOT.unpack_from(self.slot, 0) and (first[0] < 0 or first[1] > 0.0):
                return first
        return first[0], math.inf  # a worker killed mid-write: its closed pipe reports it

    def close_pipes(self) -> None:
        for fd in (self.wfd, self.rfd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.wfd = self.rfd = -1
        self.slot.close()
        self._slot_file.close()

    def kill(self) -> int | None:
        """Kill the process, reap it, free its pipes; returns its exit code."""
        if self.proc.poll() is None:
            self.proc.kill()
        code = self.proc.wait()
        self.close_pipes()
        return code


def _shutdown(workers: list) -> None:
    """Ask workers to exit (closing their input), then kill any that linger."""
    live = [w for w in workers if w is not None]
    workers[:] = [None] * len(workers)
    for w in live:
        try:
            os.close(w.wfd)
        except OSError:
            pass
    deadline = time.monotonic() + 1.0
    for w in live:
        try:
            w.proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            w.proc.kill()
            w.proc.wait()
        try:
            os.close(w.rfd)
        except OSError:
            pass
        w.slot.close()
        w._slot_file.close()


class WorkerPool:
    """`workers` sandbox processes; `execute` runs a list of tasks and keeps their order."""

    def __init__(self, workers: int, heap_limit: int):
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.size = workers
        self.heap_limit = heap_limit
        self._workers: list[_Worker | None] = [None] * workers
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self.replaced = 0  # workers killed or lost and replaced (read by tests)
        self.executed = 0  # tasks sent to workers (read by tests and benchmarks)
        self._sent = 0  # chunk ids: a reply must name the chunk it answers
        self._finalizer = weakref.finalize(self, _shutdown, self._workers)

    def _start_missing(self) -> None:
        if self._pid != os.getpid():
            # This is a forked child (e.g. a DataLoader worker): the processes belong to the
            # parent. Forget them without touching them and start our own.
            for w in self._workers:
                if w is not None:
                    for fd in (w.wfd, w.rfd):
                        try:
                            os.close(fd)
                        except OSError:
                            pass
            self._workers[:] = [None] * self.size
            self._pid = os.getpid()
        fresh = []
        for i, w in enumerate(self._workers):
            if w is None:
                self._workers[i] = w = _Worker(self.heap_limit)
                fresh.append(w)
        for w in fresh:  # started together, awaited together: the start-up costs overlap
            w.wait_ready()

    def close(self) -> None:
        """Stop all workers; the pool starts new ones if used again."""
        with self._lock:
            _shutdown(self._workers)

    def execute(self, tasks: list[tuple]) -> list[tuple]:
        """Run (path, sql, timeout, max_rows, max_bytes) tasks; result tuples in the same order."""
        results: list = [None] * len(tasks)
        if not tasks:
            return results
        with self._lock:
            self._start_missing()
            self.executed += len(tasks)
            try:
                self._dispatch(tasks, results)
            except BaseException:
                # Interrupted (Ctrl-C, a bug): replies still in flight would be read as the
                # answers to the next batch, so workers with work outstanding are replaced.
                for i, w in enumerate(self._workers):
                    if w is not None and w.chunk is not None:
                        w.kill()
                        self._workers[i] = None
                raise
        return results

    def _dispatch(self, tasks: list[tuple], results: list) -> None:
        n = len(tasks)
        size = max(1, min(MAX_CHUNK, math.ceil(n / (CHUNKS_PER_WORKER * self.size))))
        pending = deque(list(range(i, min(i + size, n))) for i in range(0, n, size))
        attempts: dict[int, int] = {}
        idle = list(range(self.size))
        busy: dict[int, int] = {}  # read fd -> worker index
        poller = select.poll()
        while pending or busy:
            while pending and idle:
                i = idle.pop()
                w = self._workers[i]
                if w is None:
                    self._start_missing()
                    w = self._workers[i]
                chunk = pending.popleft()
                w.chunk = chunk
                self._sent += 1
                w.chunk_id = self._sent
                try:
                    write_message(w.wfd, (w.chunk_id, [tasks[j] for j in chunk]))
                except OSError:  # the worker died while idle; its chunk goes back to the queue
                    self._lost(i, pending, results, tasks, attempts, None)
                    idle.append(i)
                    continue
                busy[w.rfd] = i
                poller.register(w.rfd, select.POLLIN)
            events = poller.poll(self._wait_ms(busy, tasks))
            for fd, _ in events:
                i = busy.pop(fd)
                poller.unregister(fd)
                w = self._workers[i]
                try:
                    msg = read_message(fd)
                except (OSError, EOFError, ValueError):
                    msg = None
                if msg is None or msg[0] != w.chunk_id:  # no reply, or not to what was asked
                    self._lost(i, pending, results, tasks, attempts, "died")
                else:
                    for j, res in zip(w.chunk, msg[1]):
                        results[j] = res
                    w.chunk = None
                idle.append(i)
            now = time.monotonic()
            for fd, i in list(busy.items()):
                idx, deadline = self._workers[i].running()
                if idx >= 0 and now > deadline + backstop_grace(tasks[self._workers[i].chunk[idx]][2]):
                    busy.pop(fd)
                    poller.unregister(fd)
                    self._lost(i, pending, results, tasks, attempts, "overran", idx)
                    idle.append(i)

    def _wait_ms(self, busy: dict, tasks: list) -> int:
        """How long to block for replies: until the earliest backstop deadline, at most 0.5 s."""
        wait = 0.5
        now = time.monotonic()
        for i in busy.values():
            w = self._workers[i]
            idx, deadline = w.running()
            if 0 <= idx < len(w.chunk):
                wait = min(wait, deadline + backstop_grace(tasks[w.chunk[idx]][2]) - now)
        return max(1, int(wait * 1000))

    def _lost(self, i: int, pending: deque, results: list, tasks: list, attempts: dict, why,
              idx: int | None = None) -> None:
        """Worker `i` overran or died: blame its running task, requeue the rest, replace it.

        `idx`: the task seen overrunning. Not read again here: the worker may have finished it
        and started the next one since, and that one would be blamed for a limit it never hit.
        """
        w = self._workers[i]
        if idx is None:
            idx, _ = w.running()
        code = w.kill()
        self._workers[i] = None
        self.replaced += 1
        chunk = w.chunk or []
        culprit = chunk[idx] if 0 <= idx < len(chunk) else None
        if culprit is not None:
            timeout = tasks[culprit][2]
            if why == "overran":
                results[culprit] = (False, [], [], f"query exceeded the {timeout:g} s time limit; the "
                                    f"sandbox worker running it was stopped and replaced",
                                    "timeout", timeout, False, 0)
            else:
                results[culprit] = (False, [], [], f"the sandbox worker running this query died "
                                    f"(exit code {code}); it was replaced", "other", 0.0, False, 0)
        retry = []
        for j in chunk:
            if j == culprit:
                continue
            attempts[j] = attempts.get(j, 0) + 1
            if attempts[j] > 2:  # lost twice without being blamed: give up on it, never loop
                results[j] = (False, [], [], "the sandbox worker was lost repeatedly while this "
                              "query was queued", "other", 0.0, False, 0)
            else:
                retry.append(j)
        if retry:
            pending.appendleft(retry)
