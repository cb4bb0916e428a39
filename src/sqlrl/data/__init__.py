"""Datasets for text-to-SQL: loaders, schema rendering and the bundled demo data.

    from sqlrl.data import load_dataset
    ds = load_dataset("spider", "dev", schema_format="compact")

Every dataset becomes rows with the same columns: ``id, db_id, db_path, question, gold_sql,
evidence, difficulty, schema`` plus ``dataset``, ``schema_truncated`` and ``db_source``
("original", or "built_from_context" for sql-create-context items with no database).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from sqlrl.data.records import InvalidItem, Skipped
from sqlrl.errors import UserError
from sqlrl.paths import data_root

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DatasetSpec:
    """A dataset family: its loader module, its splits, and whether it lives in the data root."""

    module: str
    splits: tuple[str, ...]
    pulled: bool  # True: installed by `sqlrl data pull` into <data root>/<name>


DATASETS: dict[str, DatasetSpec] = {
    "demo": DatasetSpec("sqlrl.data.demo", ("train", "test", "fit", "val"), False),
    "spider": DatasetSpec("sqlrl.data.spider", ("train", "dev", "fit", "val"), True),
    "bird": DatasetSpec("sqlrl.data.bird", ("dev", "train", "minidev"), True),
    "sql_create_context": DatasetSpec("sqlrl.data.create_context", ("train", "val"), True),
    "kaggledbqa": DatasetSpec("sqlrl.data.kaggledbqa", ("test", "fewshot", "all"), True),
    "jsonl": DatasetSpec("sqlrl.data.jsonl", (), False),  # the split is the file path
}


def default_data_dir(name: str) -> Path | None:
    """`<data root>/<name>` (`$SQLRL_DATA_DIR`, default `$SQLRL_HOME/data`); None for bundled data."""
    return data_root() / name if DATASETS[name].pulled else None


def data_dir_problem(name: str, data_dir: str | Path | None = None) -> str | None:
    """Why dataset `name` cannot be read from `data_dir` (default: its folder in the data root), or None."""
    folder = Path(data_dir).expanduser() if data_dir else default_data_dir(name)
    if folder is not None and name != "jsonl" and not folder.is_dir():
        return (f"dataset {name!r} not found at {folder}. Install it with `sqlrl data pull {name}`, "
                "or point SQLRL_DATA_DIR (or --data-dir) at a folder that holds it.")
    return None


def load_examples(name: str, split: str, data_dir: str | Path | None = None,
                  limit: int | None = None, skip_invalid: bool = False, **kw) -> tuple[list[dict], Skipped]:
    """Raw rows (without schema text) and the items skipped as invalid."""
    if name not in DATASETS:
        raise UserError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}.")
    spec = DATASETS[name]
    if spec.splits and split not in spec.splits:
        raise UserError(f"dataset {name!r} has splits {', '.join(spec.splits)}, not {split!r}.")
    problem = data_dir_problem(name, data_dir)
    if problem:
        raise UserError(problem)
    data_dir = Path(data_dir).expanduser() if data_dir else default_data_dir(name)
    skipped = Skipped()
    rows = import_module(spec.module).load(split, data_dir, skipped, skip_invalid=skip_invalid, **kw)
    if limit is not None:
        rows = rows[:limit]
    for r in rows:
        r.setdefault("db_source", "original")
        r["dataset"] = name
    if skipped:
        log.warning("%s/%s: %s", name, split, skipped.summary())
    return rows, skipped


def column_comments(name: str, db_path: str, data_dir: Path | None) -> dict:
    """Column descriptions the dataset ships, for the omnisql schema format."""
    if name == "bird":
        from sqlrl.data.bird import column_comments as bird_comments

        return bird_comments(Path(db_path))
    if name == "kaggledbqa" and data_dir is not None:
        from sqlrl.data.kaggledbqa import column_comments as kaggle_comments

        return kaggle_comments(data_dir, Path(db_path).stem)
    return {}


def add_schemas(rows: list[dict], schema_format: str = "compact", max_schema_tokens: int | None = None,
                tokenizer=None, data_dir: Path | None = None, example_values: int = 3,
                schema_prune: bool = False) -> list[dict]:
    """Fill `schema` and `schema_truncated` in place, rendering each database (or pruned table set) once.

    `schema_prune`: each row shows only the tables its question likely needs (`sqlrl.data.prune`).
    """
    from sqlrl.data.prune import kept_tables
    from sqlrl.data.schema import read_tables, render_schema_info

    cache, tables = {}, {}
    for r in rows:
        key = r["db_path"]
        kept = None
        if schema_prune:
            if key not in tables:
                tables[key] = read_tables(key)
            kept = kept_tables(r["question"], tables[key])
            key = (key, tuple(t.name for t in kept))
        if key not in cache:
            omnisql = schema_format == "omnisql"
            comments = column_comments(r.get("dataset"), r["db_path"], data_dir) if omnisql else None
            cache[key] = render_schema_info(
                r["db_path"], schema_format, max_schema_tokens, tokenizer,
                comments=comments, example_values=example_values, tables=kept)
        r["schema"] = cache[key].text
        r["schema_truncated"] = cache[key].truncated
    return rows


def load_dataset(name: str, split: str, data_dir: str | Path | None = None,
                 schema_format: str = "compact", limit: int | None = None,
                 skip_invalid: bool = False, **kw):
    """Load a text-to-SQL dataset split as a HF `datasets.Dataset`.

    `name` is one of DATASETS; for "jsonl" the split is the file path. `schema_format` is
    one of compact / ddl / ddl_keys / omnisql. Extra keywords: `max_schema_tokens` and
    `tokenizer` (token budget for the schema), `example_values` (omnisql), `schema_prune`
    (each question sees only the tables it likely needs, `sqlrl.data.prune`), and loader
    options (`spider_dir`, `from_context` for sql_create_context; `db_dir` for jsonl).
    Invalid items raise a UserError naming file, line and field, unless `skip_invalid`.
    """
    from datasets import Dataset

    render = {k: kw.pop(k) for k in ("max_schema_tokens", "tokenizer", "example_values", "schema_prune") if k in kw}
    rows, _ = load_examples(name, split, data_dir, limit, skip_invalid, **kw)
    if not rows:
        raise UserError(f"dataset {name!r} split {split!r} has no usable items.")
    resolved = Path(data_dir).expanduser() if data_dir else default_data_dir(name)
    add_schemas(rows, schema_format, data_dir=resolved, **render)
    return Dataset.from_list(rows)


__all__ = ["DATASETS", "DatasetSpec", "InvalidItem", "load_dataset", "load_examples", "add_schemas",
           "default_data_dir", "data_dir_problem"]
