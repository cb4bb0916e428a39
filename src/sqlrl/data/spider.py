"""Spider (Yu et al., 2018): `{train,dev}.json`, `tables.json`, `database/<db>/<db>.sqlite`."""

from __future__ import annotations

from pathlib import Path

from sqlrl.data.records import InvalidItem, Skipped, example_row, get_text, iter_json_array, require_file

SPLITS = ("train", "dev")


def db_path_for(data_dir: Path, db_id: str) -> Path:
    """Where Spider keeps the database `db_id`."""
    return data_dir / "database" / db_id / f"{db_id}.sqlite"


def load(split: str, data_dir: Path, skipped: Skipped, skip_invalid: bool = False, **_) -> list[dict]:
    """Rows of one Spider split; difficulty is Spider hardness of the gold SQL."""
    path = require_file(data_dir / f"{split}.json", f"Spider {split} file")
    rows = []
    for i, (line, item) in enumerate(iter_json_array(path)):
        try:
            db_id = get_text(item, "db_id", path, line)
            db_path = db_path_for(data_dir, db_id)
            if not db_path.is_file():
                raise InvalidItem(path, line, "db_id", f"no database for {db_id!r} (expected {db_path})")
            gold = get_text(item, ("query", "SQL", "sql"), path, line)
            rows.append(example_row(f"spider-{split}-{i}", db_id, db_path, get_text(item, "question", path, line), gold))
        except InvalidItem as e:
            if not skip_invalid:
                raise
            skipped.add(e)
    return rows
