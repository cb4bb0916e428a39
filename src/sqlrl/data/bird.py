"""BIRD (Li et al., 2023): `{dev,train}.json` with evidence and difficulty,
`{split}_databases/<db>/<db>.sqlite`, and optional `database_description/*.csv` per DB,
whose column descriptions become schema comments in the omnisql format. `sqlrl data pull
bird` installs each split in its own folder (`dev/dev.json`, ...); Mini-Dev's SQLite file
becomes `minidev/minidev.json` over `minidev/minidev_databases/`."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlrl.data.records import (
    Skipped,
    collect_rows,
    example_row,
    existing_db,
    first_use,
    get_text,
    iter_json_array,
    require_file,
)


def _split_file(data_dir: Path, split: str) -> Path:
    # Releases ship either `dev.json` at the top or inside a `dev/` folder.
    for cand in (data_dir / f"{split}.json", data_dir / split / f"{split}.json"):
        if cand.is_file():
            return cand
    return require_file(data_dir / f"{split}.json",
                        f"BIRD {split} file (`sqlrl data pull bird --part {split}` installs it)")


def db_path_for(split_file: Path, split: str, db_id: str) -> Path:
    return split_file.parent / f"{split}_databases" / db_id / f"{db_id}.sqlite"


def column_comments(db_path: Path) -> dict:
    """{(table, column): description} from BIRD's database_description CSVs, if present."""
    out = {}
    desc_dir = Path(db_path).parent / "database_description"
    for csv_path in sorted(desc_dir.glob("*.csv")) if desc_dir.is_dir() else []:
        with open(csv_path, encoding="utf-8", errors="replace", newline="") as f:
            for row in csv.DictReader(f):
                col = (row.get("original_column_name") or "").strip()
                desc = (row.get("column_description") or row.get("column_name") or "").strip()
                if col and desc:
                    out[(csv_path.stem, col)] = " ".join(desc.split())
    return out


def load(split: str, data_dir: Path, skipped: Skipped, skip_invalid: bool = False, **_) -> list[dict]:
    """Rows of one BIRD split, keeping BIRD's own difficulty (simple / moderate / challenging)."""
    path = _split_file(data_dir, split)
    seen: dict[str, int] = {}  # question_id -> line it was first used on

    def row(i, line, item):
        qid = item.get("question_id", i) if isinstance(item, dict) else i
        first_use(seen, qid, path, line, "question_id")  # ids are bird-<split>-<question_id>
        db_id = get_text(item, "db_id", path, line)
        db_path = existing_db(db_path_for(path, split, db_id), db_id, path, line)
        question = get_text(item, "question", path, line)
        return example_row(f"bird-{split}-{qid}", db_id, db_path, question,
                           get_text(item, ("SQL", "sql", "query"), path, line),
                           evidence=get_text(item, "evidence", path, line, required=False),
                           difficulty=get_text(item, "difficulty", path, line, required=False) or "unknown")

    return collect_rows(iter_json_array(path), row, skipped, skip_invalid)
