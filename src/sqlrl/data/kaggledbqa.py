"""KaggleDBQA (Lee et al., 2021): `examples/<db>{,_fewshot,_test}.json`,
`databases/<db>/<db>.sqlite`, `KaggleDBQA_tables.json` (column descriptions)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlrl.data.records import Skipped, collect_rows, example_row, existing_db, get_text, iter_json_array
from sqlrl.errors import UserError

_SUFFIX = {"test": "_test", "fewshot": "_fewshot", "all": ""}


def column_comments(data_dir: Path, db_id: str) -> dict:
    """{(table, column): description} from KaggleDBQA_tables.json."""
    path = data_dir / "KaggleDBQA_tables.json"
    if not path.is_file():
        return {}
    for entry in json.loads(path.read_text(encoding="utf-8")):
        if entry.get("db_id") != db_id:
            continue
        tables = entry["table_names_original"]
        return {
            (tables[t], col): desc
            for (t, col), desc in zip(entry["column_names_original"], entry.get("column_descriptions", []))
            if t >= 0 and desc
        }
    return {}


def load(split: str, data_dir: Path, skipped: Skipped, skip_invalid: bool = False, **_) -> list[dict]:
    """Rows of one KaggleDBQA split over every database with an examples file."""
    ex_dir = data_dir / "examples"
    db_ids = sorted(p.name[: -len("_test.json")] for p in ex_dir.glob("*_test.json"))
    if not db_ids:
        raise UserError(f"no KaggleDBQA examples found: expected {ex_dir}/<db>_test.json files.")
    rows = []
    for db_id in db_ids:
        path = ex_dir / f"{db_id}{_SUFFIX[split]}.json"
        db_path = data_dir / "databases" / db_id / f"{db_id}.sqlite"

        def row(i, line, item):  # called below, within this iteration
            existing_db(db_path, db_id, path, line)
            gold = get_text(item, ("query", "sql"), path, line)
            question = get_text(item, "question", path, line)
            return example_row(f"kaggledbqa-{split}-{db_id}-{i}", db_id, db_path, question, gold)

        rows += collect_rows(iter_json_array(path), row, skipped, skip_invalid)
    return rows
