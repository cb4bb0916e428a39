"""An evaluation's finished work, kept on disk as it happens, so an interrupted run can continue.

With an output directory, an evaluation writes, beside the report it writes at the end:
- `run.json`: the run's fingerprint (model, data, prompts, settings), written first;
- `partial.jsonl`: one line per finished example of each generation pass, appended as each
  batch ends (flushed and fsync'ed), holding its completions and its judged record.

Resuming checks the fingerprint (a difference is refused, naming the settings), reads the
finished examples back and generates only the batches still missing. A kill can cut the last
line short: that line is dropped (and cut off the file) and its batch generated again.
Generation is deterministic per batch (greedy; sampling is seeded per batch), so a resumed
run's report equals an uninterrupted run's.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from sqlrl.errors import UserError
from sqlrl.eval.meta import databases_checksum, dataset_checksum

FORMAT = 1
RUN, PARTIAL = "run.json", "partial.jsonl"
# Settings that change what is generated or how it is judged; the sampling ones only count when sampling.
RESULT_SETTINGS = ("decode", "pass_at", "num_samples", "batch_size", "max_new_tokens", "share_prefix", "timeout",
                   "grounded")
SAMPLING_SETTINGS = ("temperature", "top_p", "seed")
# What the caller's metadata says about the model and the data, when it says it.
META_KEYS = ("model", "model_path", "backend", "dataset", "split", "data_dir", "limit", "schema_format",
             "schema_prune")


def _sha(items) -> str:
    h = hashlib.sha256()
    for it in items:
        h.update(str(it).encode("utf-8", errors="replace"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def fingerprint(settings, prompts: list[str], rows: list[dict], *, template: str, mode: str, sampling: bool,
                meta: dict | None = None, identity: dict | None = None) -> dict:
    """Everything a finished example depends on: equal fingerprints, equal examples."""
    meta = meta or {}
    fp = {k: meta[k] for k in META_KEYS if meta.get(k) is not None}
    fp.update(identity or {})
    fp.update(template=template, mode=mode, n_examples=len(rows), dataset_checksum=dataset_checksum(rows),
              databases_checksum=databases_checksum(rows), prompts_checksum=_sha(prompts))
    for key in RESULT_SETTINGS + (SAMPLING_SETTINGS if sampling else ()):
        fp[key] = getattr(settings, key)
    return fp


def differences(old: dict, new: dict) -> list[str]:
    """'key: old -> new' for every key whose value differs."""
    return [f"{k}: {old.get(k)!r} -> {new.get(k)!r}" for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]


def _fsync_write(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all (a temporary file renamed over it)."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_run(out_dir: str | Path) -> dict | None:
    """The run.json of `out_dir`, or None when there is none (or it cannot be read)."""
    try:
        data = json.loads((Path(out_dir) / RUN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_partial(path: Path) -> tuple[dict[str, dict[int, dict]], int]:
    """Finished entries by pass and example index (the last line for an index wins), and the byte
    length of the file's complete, readable lines (a line cut short by a kill is not among them)."""
    done: dict[str, dict[int, dict]] = {}
    good = 0
    if not path.is_file():
        return done, 0
    with path.open("rb") as f:
        for raw in f:
            if not raw.endswith(b"\n"):
                break
            try:
                entry = json.loads(raw)
                done.setdefault(entry["pass"], {})[int(entry["index"])] = entry
            except (ValueError, KeyError, TypeError):
                break
            good += len(raw)
    return done, good


def unfinished(out_dir: str | Path) -> int | None:
    """How many examples an unfinished run in `out_dir` has finished; None when there is no unfinished run."""
    run = read_run(out_dir)
    if run is None or run.get("finished"):
        return None
    done, _ = read_partial(Path(out_dir) / PARTIAL)
    return len(done.get("decode", {}))


class RunLog:
    """run.json and partial.jsonl of one evaluation in `out_dir`.

    A fresh run replaces whatever an earlier run left there; with `resume`, a run started with
    the same fingerprint continues (a different fingerprint is a UserError naming what differs).
    """

    def __init__(self, out_dir: str | Path, fp: dict, resume: bool = False):
        self.dir = Path(out_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.fingerprint = fp
        self.done: dict[str, dict[int, dict]] = {}
        partial = self.dir / PARTIAL
        old = read_run(self.dir) if resume else None
        if old is not None:
            diff = differences(old.get("fingerprint") or {}, fp)
            if old.get("format") != FORMAT or diff:
                raise UserError(
                    f"--resume: the run in {self.dir} was started with other settings ("
                    + ("; ".join(diff) or f"format {old.get('format')} -> {FORMAT}")
                    + "). Run the same command as before to continue it, or drop --resume (or choose "
                    "another --out) to start over.")
            self.done, good = read_partial(partial)
            with partial.open("ab") as f:  # cut off a line a kill left half-written
                f.truncate(good)
            self._write_run(old.get("started"), finished=False)
        else:
            partial.unlink(missing_ok=True)
            self._write_run(time.strftime("%Y-%m-%dT%H:%M:%S%z"), finished=False)
            partial.touch()
        self._file = partial.open("a", encoding="utf-8")

    def _write_run(self, started, finished: bool) -> None:
        self._started = started
        _fsync_write(self.dir / RUN, json.dumps({"format": FORMAT, "started": started, "finished": finished,
                                                  "fingerprint": self.fingerprint}, indent=1, default=str) + "\n")

    def finished(self, pass_name: str) -> dict[int, dict]:
        """Entries read back for `pass_name` ('decode' or 'samples'), by example index."""
        return self.done.get(pass_name, {})

    def add(self, pass_name: str, entries: list[dict]) -> None:
        """Append a finished batch's entries (each with its "index") and make them durable."""
        text = "".join(json.dumps({"pass": pass_name, **e}, ensure_ascii=False, default=str) + "\n" for e in entries)
        self._file.write(text)
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self, finished: bool = False) -> None:
        """Close partial.jsonl; `finished` marks the run complete in run.json (its report is written)."""
        if not self._file.closed:
            self._file.close()
        if finished:
            self._write_run(self._started, finished=True)
