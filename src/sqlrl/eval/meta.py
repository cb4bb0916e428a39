"""What a reported number depends on, recorded beside it: model, data, prompt, decoding, judge.

The dataset checksum covers what is judged (id, db_id, question, gold SQL of every example,
in order) and the database checksum the SQLite files those examples run on, so two reports
with equal checksums were scored on the same data whatever the files were called. The
dataset version identifies the release the examples were read from (its question and schema
files), so a `--limit` run and a full run of the same release share it.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from pathlib import Path

from sqlrl import __version__


def dataset_checksum(rows: list[dict]) -> str:
    """SHA-256 (first 16 hex digits) of the examples' id, db_id, question and gold SQL, in order."""
    h = hashlib.sha256()
    for r in rows:
        h.update(json.dumps([r.get("id"), r.get("db_id"), r.get("question"), r.get("gold_sql")],
                            ensure_ascii=False, default=str).encode())
        h.update(b"\n")
    return h.hexdigest()[:16]


def dataset_version(name: str, split: str, data_dir: str | Path | None = None) -> str | None:
    """SHA-256 (first 16 hex digits) of the dataset's source files, SQLite databases left out.

    The files are those of the dataset folder (`data_dir` or the default one), the bundled
    demo folder, or the JSONL file that is the split; None when there is none to read.
    """
    from sqlrl.data import default_data_dir

    if name == "jsonl":
        root = Path(split)
    elif name == "demo":
        from sqlrl.data.demo import SOURCE_DIR as root
    else:
        root = Path(data_dir).expanduser() if data_dir else default_data_dir(name)
    if root is None or not root.exists():
        return None
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".sqlite")
    h = hashlib.sha256()
    for p in files:
        h.update(str(p.relative_to(root) if p != root else p.name).encode())
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()[:16]


def databases_checksum(rows: list[dict]) -> str | None:
    """SHA-256 (first 16 hex digits) over the database files the examples use (None if none exist)."""
    paths = sorted({str(r.get("db_path")) for r in rows if r.get("db_path") and Path(r["db_path"]).is_file()})
    if not paths:
        return None
    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).name.encode())
        h.update(hashlib.sha256(Path(p).read_bytes()).digest())
    return h.hexdigest()[:16]


def run_meta(*, model: str | None, rows: list[dict], template: str | None, mode: str, decode: str,
             timeout: float | None, max_new_tokens: int | None = None, batch_size: int | None = None,
             temperature: float | None = None, top_p: float | None = None, seed: int | None = None,
             pass_at: int | None = None, extra: dict | None = None, elapsed_s: float | None = None) -> dict:
    """The metadata block every summary and report carries."""
    meta = {
        "sqlrl_version": __version__,
        "model": model,
        "dataset": None, "split": None,
        "dataset_checksum": dataset_checksum(rows),
        "databases_checksum": databases_checksum(rows),
        "n_examples": len(rows),
        "template": template,
        "decode": decode,
        "temperature": temperature, "top_p": top_p, "seed": seed,
        "pass_at": pass_at,
        "max_new_tokens": max_new_tokens, "batch_size": batch_size,
        "mode": mode,
        "timeout_s": timeout,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
    }
    if elapsed_s is not None:
        meta["elapsed_s"] = round(elapsed_s, 2)
    meta.update(extra or {})
    return meta


def model_fingerprint(model, samples: int = 64) -> str | None:
    """SHA-256 (first 16 hex digits) of a loaded model's weights: every parameter's name, shape and
    dtype and `samples` values spread over it. Cheap (no full pass over the weights), and it tells
    two checkpoints apart, since training moves every weight it touches (LoRA ones included)."""
    params = getattr(model, "named_parameters", None)
    if params is None:
        return None
    h = hashlib.sha256()
    for name, p in params():
        flat = p.detach().reshape(-1)
        step = max(1, flat.numel() // samples)
        h.update(f"{name}:{tuple(p.shape)}:{p.dtype}".encode())
        h.update(flat[::step][:samples].float().cpu().numpy().tobytes())
    return h.hexdigest()[:16]
