"""The bundled demo data: three small SQLite databases and 162 questions, CC0.

The databases ship as readable SQL text (`demo/<db>.sql`); on first use they are built into
`$SQLRL_HOME/build/demo/<db>/<db>.sqlite` (default `~/.cache/sqlrl`). A build writes a
temporary file and renames it, so a reader never sees half a database and two processes
building at once do no harm. The SHA-256 of the source is stored beside the database and a
changed source is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from pathlib import Path

from sqlrl.data import DATASETS
from sqlrl.errors import UserError
from sqlrl.paths import build_dir

SOURCE_DIR = Path(__file__).resolve().parent / "demo"
QUESTIONS_FILE = SOURCE_DIR / "questions.json"
# `val` (every 4th train question, 30 of 122) is for tuning recipes, `fit` (the other 92) for training
# while tuning; `test` is for reporting only. fit and val share the three databases, as train and test do.
VAL_EVERY = 4


def demo_db_ids() -> list[str]:
    """Names of the bundled databases (one per `demo/<db>.sql`)."""
    return sorted(p.stem for p in SOURCE_DIR.glob("*.sql"))


def _build(source: Path, target: Path, digest: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.executescript(source.read_text(encoding="utf-8"))
            con.commit()
        except sqlite3.Error as e:
            raise UserError(f"{source}: the demo SQL does not execute ({e}); fix the file.") from e
        finally:
            con.close()
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    hash_file = target.with_suffix(".sha256")
    tmp_hash = hash_file.with_name(f".{hash_file.name}.{os.getpid()}.tmp")
    tmp_hash.write_text(digest + "\n")
    os.replace(tmp_hash, hash_file)


def demo_db_path(db_id: str) -> Path:
    """Path of one demo database, building it first if it is missing or out of date."""
    source = SOURCE_DIR / f"{db_id}.sql"
    if not source.is_file():
        raise UserError(f"no demo database named {db_id!r}; known: {', '.join(demo_db_ids())}.")
    target = build_dir("demo") / db_id / f"{db_id}.sqlite"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    hash_file = target.with_suffix(".sha256")
    current = hash_file.read_text().strip() if hash_file.is_file() else None
    if not target.is_file() or current != digest:
        _build(source, target, digest)
    return target


def ensure_demo_databases() -> dict[str, Path]:
    """Build (if needed) every demo database; returns {db_id: path}."""
    return {db_id: demo_db_path(db_id) for db_id in demo_db_ids()}


def demo_questions(split: str | None = None) -> list[dict]:
    """The demo items `{id, db_id, question, query, difficulty, split}`, optionally one split.

    `fit` and `val` divide `train` (their items keep `split: train`).
    """
    splits = DATASETS["demo"].splits
    if split is not None and split not in splits:
        raise UserError(f"demo has splits {', '.join(splits)}, not {split!r}.")
    items = json.loads(QUESTIONS_FILE.read_text(encoding="utf-8"))
    if split in ("fit", "val"):
        train = [it for it in items if it["split"] == "train"]
        return [it for i, it in enumerate(train) if (i % VAL_EVERY == VAL_EVERY - 1) == (split == "val")]
    return [it for it in items if split is None or it["split"] == split]


def load(split: str, data_dir=None, skipped=None, skip_invalid: bool = False, **_) -> list[dict]:
    """Rows of one demo split (the loader behind `load_dataset("demo", split)`)."""
    paths = ensure_demo_databases()
    return [
        {
            "id": it["id"],
            "db_id": it["db_id"],
            "db_path": str(paths[it["db_id"]].resolve()),
            "question": it["question"],
            "gold_sql": it["query"],
            "evidence": "",
            "difficulty": it["difficulty"],
        }
        for it in demo_questions(split)
    ]
