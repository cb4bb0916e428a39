"""Users' own data as JSONL, one item a line:

    {"question": "...", "sql": "SELECT ...", "db_path": "dbs/shop.sqlite"}
    {"question": "...", "sql": "SELECT ...", "db_id": "shop"}

Optional fields: "id", "evidence" (a hint shown with the question), "difficulty" (else
Spider hardness of the SQL). A relative `db_path` is relative to the JSONL file; a `db_id`
is looked up as `<db_dir>/<db_id>/<db_id>.sqlite` or `<db_dir>/<db_id>.sqlite`, where
`db_dir` defaults to the JSONL file's folder.
"""

from __future__ import annotations

from pathlib import Path

from sqlrl.data.records import InvalidItem, Skipped, collect_rows, example_row, first_use, get_text, iter_jsonl


def _resolve_db(item: dict, path: Path, line: int, db_dir: Path) -> tuple[str, Path]:
    db_path = get_text(item, "db_path", path, line, required=False)
    if db_path:
        p = Path(db_path).expanduser()
        p = p if p.is_absolute() else path.parent / p
        if not p.is_file():
            raise InvalidItem(path, line, "db_path", f"no database at {p}")
        return get_text(item, "db_id", path, line, required=False) or p.stem, p
    db_id = get_text(item, "db_id", path, line, required=False)
    if not db_id:
        raise InvalidItem(path, line, "db_path", "missing: give 'db_path' or 'db_id'")
    for p in (db_dir / db_id / f"{db_id}.sqlite", db_dir / f"{db_id}.sqlite"):
        if p.is_file():
            return db_id, p
    raise InvalidItem(path, line, "db_id", f"no database for {db_id!r} under {db_dir}")


def load(split: str, data_dir: Path | None, skipped: Skipped, skip_invalid: bool = False,
         db_dir: Path | str | None = None, **_) -> list[dict]:
    """Rows of the JSONL file `split` (a path); `db_dir` resolves `db_id` items."""
    path = Path(split).expanduser().resolve()
    db_dir = Path(db_dir) if db_dir else (Path(data_dir) if data_dir else path.parent)
    seen: dict[str, int] = {}  # id -> line it was first used on

    def row(_, line, item):
        if not isinstance(item, dict):
            raise InvalidItem(path, line, None, f"expected a JSON object, got {type(item).__name__}")
        if "id" in item:
            first_use(seen, str(item["id"]), path, line, "id")
        db_id, db_path = _resolve_db(item, path, line, db_dir)
        gold = get_text(item, ("sql", "query", "gold_sql"), path, line)
        return example_row(str(item.get("id", f"{path.stem}-{line}")), db_id, db_path,
                           get_text(item, "question", path, line), gold,
                           evidence=get_text(item, "evidence", path, line, required=False),
                           difficulty=get_text(item, "difficulty", path, line, required=False))

    return collect_rows(iter_jsonl(path, skipped if skip_invalid else None), row, skipped, skip_invalid)
