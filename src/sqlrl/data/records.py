"""Reading dataset files item by item, with the file and line of each item for error messages.

Every loader reads through here, so bad input fails the same way everywhere: an
`InvalidItem` naming the file, the line and the field, or (with ``skip_invalid``) a count of
items left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sqlrl.errors import UserError
from sqlrl.jsonl import parse_line, read_lines


class InvalidItem(UserError):
    """One dataset item that cannot be used; says where it is and what is wrong."""

    def __init__(self, path: Path | str, line: int | None, field_name: str | None, problem: str):
        self.path, self.line, self.field, self.problem = str(path), line, field_name, problem
        where = f"{path}" + (f", line {line}" if line else "")
        what = f"field {field_name!r}: " if field_name else ""
        super().__init__(
            f"{where}: {what}{problem}. Fix the item, or pass --skip-invalid "
            "(skip_invalid=True) to leave such items out and count them."
        )


@dataclass
class Skipped:
    """Items left out under skip_invalid, with the reason of each."""

    items: list[InvalidItem] = field(default_factory=list)

    def add(self, err: InvalidItem) -> None:
        self.items.append(err)

    def __len__(self) -> int:
        return len(self.items)

    def summary(self, limit: int = 5) -> str:
        lines = [f"{len(self.items)} invalid item(s) skipped"]
        lines += [f"  {e}".split(". Fix the item")[0] for e in self.items[:limit]]
        if len(self.items) > limit:
            lines.append(f"  ... and {len(self.items) - limit} more")
        return "\n".join(lines)


def require_file(path: Path, what: str) -> Path:
    """`path` if it is a file, else a UserError saying what was expected there."""
    if not path.is_file():
        raise UserError(f"{what} not found: {path} does not exist. Check --data-dir (or SQLRL_DATA_DIR).")
    return path


def iter_json_array(path: Path) -> Iterator[tuple[int, object]]:
    """Yield (line, item) for each element of a JSON file holding one top-level list."""
    text = _utf8(require_file(path, "dataset file").read_bytes(), path, 1)
    dec = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] != "[":
        raise InvalidItem(path, text.count("\n", 0, pos) + 1, None, "expected a JSON list of items")
    pos = _skip_ws(text, pos + 1)
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        line = text.count("\n", 0, pos) + 1
        try:
            item, pos = dec.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            raise InvalidItem(path, e.lineno, None, f"malformed JSON ({e.msg}, column {e.colno})") from None
        except RecursionError:
            raise InvalidItem(path, line, None, "malformed JSON (nested too deeply)") from None
        yield line, item
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            return
        raise InvalidItem(path, text.count("\n", 0, pos) + 1, None, "malformed JSON (expected ',' or ']')")


def _utf8(data: bytes, path: Path, first_line: int) -> str:
    """`data` decoded as UTF-8 (a leading byte-order mark is dropped), else InvalidItem with the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = first_line + data.count(b"\n", 0, e.start)
        column = e.start - data.rfind(b"\n", 0, e.start)
        raise InvalidItem(path, line, None, f"not valid UTF-8 (byte {data[e.start]:#04x} at column {column}); "
                          "re-save the file as UTF-8") from None


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def iter_jsonl(path: Path, skipped: Skipped | None = None) -> Iterator[tuple[int, object]]:
    """Yield (line, item) for each non-blank line of a JSONL file.

    A malformed line (bad JSON, not UTF-8) raises `InvalidItem`, or is counted in `skipped`
    when one is given. A leading byte-order mark is accepted.
    """
    for lineno, text, problem in read_lines(require_file(path, "dataset file")):
        try:
            if problem:
                raise InvalidItem(path, lineno, None, problem)
            try:
                item = parse_line(text)
            except ValueError as e:
                raise InvalidItem(path, lineno, None, str(e)) from None
        except InvalidItem as err:
            if skipped is None:
                raise
            skipped.add(err)
            continue
        yield lineno, item


def get_text(item: object, names: str | tuple[str, ...], path: Path, line: int,
             required: bool = True) -> str:
    """The first present, non-empty string field among `names` (aliases), else InvalidItem."""
    names = (names,) if isinstance(names, str) else names
    if not isinstance(item, dict):
        raise InvalidItem(path, line, None, f"expected a JSON object, got {type(item).__name__}")
    for name in names:
        v = item.get(name)
        if v is None:
            continue
        if not isinstance(v, str):
            raise InvalidItem(path, line, name, f"expected a string, got {type(v).__name__}")
        if v.strip():
            return v.strip()
    if required:
        raise InvalidItem(path, line, names[0], "missing or empty")
    return ""


def example_row(id_: str, db_id: str, db_path: Path, question: str, gold: str, **extra) -> dict:
    """One dataset row in sqlrl's shape; difficulty by Spider's hardness rules unless `extra` gives one."""
    from sqlrl.data.hardness import spider_hardness

    row = {"id": id_, "db_id": db_id, "db_path": str(db_path.resolve()), "question": question, "gold_sql": gold,
           "evidence": ""}
    row.update(extra)
    row["difficulty"] = row.get("difficulty") or spider_hardness(gold)
    return row


def collect_rows(items, make_row, skipped: Skipped, skip_invalid: bool) -> list[dict]:
    """`make_row(i, line, item)` for each (line, item): the rows it returns (None leaves the item out).

    An `InvalidItem` stops the load, or with `skip_invalid` is counted in `skipped`.
    """
    rows = []
    for i, (line, item) in enumerate(items):
        try:
            row = make_row(i, line, item)
        except InvalidItem as e:
            if not skip_invalid:
                raise
            skipped.add(e)
            continue
        if row is not None:
            rows.append(row)
    return rows


def existing_db(db_path: Path, db_id: str, path: Path, line: int) -> Path:
    """`db_path`, or InvalidItem on the item's `db_id` when there is no file there."""
    if not db_path.is_file():
        raise InvalidItem(path, line, "db_id", f"no database for {db_id!r} (expected {db_path})")
    return db_path


def first_use(seen: dict[str, int], key, path: Path, line: int, field_name: str) -> None:
    """Record that `key` (an item's id) is used on `line`; InvalidItem if an earlier line used it:
    reports and predictions are keyed by id, so two items must never share one."""
    first = seen.setdefault(str(key), line)
    if first != line:
        raise InvalidItem(path, line, field_name, f"duplicate {field_name} {key!r} (first used on line {first})")
