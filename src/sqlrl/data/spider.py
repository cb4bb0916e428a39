"""Spider (Yu et al., 2018): `{train,dev}.json`, `tables.json`, `database/<db>/<db>.sqlite`.

The official release names the train file `train_spider.json`; it is read when `train.json` is absent.
"""

from __future__ import annotations

from pathlib import Path

from sqlrl.data.records import Skipped, collect_rows, example_row, existing_db, get_text, iter_json_array, require_file


def val_dbs(train_db_ids) -> set[str]:
    """The `val` split's databases: every 12th train database in sorted order (12 of 138, 604 questions).

    Spider dev is for reporting only; `val` (train questions of these databases) is for tuning,
    `fit` (the rest of train) for training, so the two share no database, as dev and train do not.
    """
    return set(sorted(set(train_db_ids))[3::12])


def db_path_for(data_dir: Path, db_id: str) -> Path:
    """Where Spider keeps the database `db_id`."""
    return data_dir / "database" / db_id / f"{db_id}.sqlite"


def load(split: str, data_dir: Path, skipped: Skipped, skip_invalid: bool = False, **_) -> list[dict]:
    """Rows of one Spider split; difficulty is Spider hardness of the gold SQL.

    `fit` and `val` divide `train` by database (see `val_dbs`); their ids are train's.
    """
    file_split = "train" if split in ("fit", "val") else split
    path = data_dir / f"{file_split}.json"
    if file_split == "train" and not path.is_file() and (data_dir / "train_spider.json").is_file():
        path = data_dir / "train_spider.json"
    path = require_file(path, f"Spider {file_split} file")
    items = list(iter_json_array(path))
    keep = None  # databases of a fit / val split; None: every item
    if split != file_split:
        db_ids = {item.get("db_id") for _, item in items
                  if isinstance(item, dict) and isinstance(item.get("db_id"), str)}
        keep = val_dbs(db_ids) if split == "val" else db_ids - val_dbs(db_ids)

    def row(i, line, item):
        if keep is not None and not (isinstance(item, dict) and item.get("db_id") in keep):
            return None
        db_id = get_text(item, "db_id", path, line)
        db_path = existing_db(db_path_for(data_dir, db_id), db_id, path, line)
        gold = get_text(item, ("query", "SQL", "sql"), path, line)
        return example_row(f"spider-{file_split}-{i}", db_id, db_path, get_text(item, "question", path, line), gold)

    return collect_rows(items, row, skipped, skip_invalid)
