"""Read a predictions file and line its predictions up with the dataset's examples.

Two formats:
- JSONL: one object per line, `{"db_id", "question", "sql"}` or `{"id", "sql"}`, in any
  order. An object is matched by `id` when it has one, else by (db_id, question) with
  whitespace collapsed; a question asked twice on one database is matched in file order.
- Spider's format: one SQL per line in dataset order, optionally followed by a TAB and the
  db_id (as in Spider's gold files), which is then checked against the example.

Nothing is dropped silently: every line that cannot be used becomes an `Issue` naming the
file and line, and every example without a usable prediction gets an error type. The caller
decides whether issues are fatal (`--allow-missing` makes them count as wrong instead).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from sqlrl.errors import UserError
from sqlrl.jsonl import read_lines

SQL_KEYS = ("sql", "prediction", "pred", "predicted_sql")


@dataclass
class Issue:
    """One problem in a predictions file; `index` is the example it affects, when known."""

    line: int | None
    kind: str  # malformed | encoding | unknown_db | unknown_example | duplicate | missing | db_mismatch
    message: str
    index: int | None = None

    def to_dict(self) -> dict:
        return {"line": self.line, "kind": self.kind, "message": self.message, "index": self.index}


@dataclass
class LoadedPredictions:
    """Predictions aligned with the dataset: `sql[i]` for example i (None if absent or unusable)."""

    path: str
    format: str  # jsonl | spider
    sql: list[str | None]
    errors: list[str | None]  # per example: None, or the error type that makes it count as wrong
    issues: list[Issue]

    def affected(self) -> int:
        """Number of examples without a usable prediction."""
        return sum(e is not None for e in self.errors)


def _norm_question(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lower()


def detect_format(path: Path, lines: list[tuple[int, str, str | None]]) -> str:
    """'jsonl' when the file is named .jsonl/.json or its first non-empty line is an object."""
    if path.suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    if path.suffix == ".sql":
        return "spider"
    first = next((t.strip() for _, t, _ in lines if t.strip()), "")
    return "jsonl" if first.startswith("{") else "spider"


def load_predictions(path: str | Path, rows: list[dict], fmt: str | None = None) -> LoadedPredictions:
    """Align the predictions in `path` with `rows` (dataset examples); see the module doc."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"predictions file {path} does not exist.")
    lines = list(read_lines(path, keep_blank=True))
    fmt = fmt or detect_format(path, lines)
    if fmt == "jsonl":
        return _load_jsonl(path, lines, rows)
    if fmt == "spider":
        return _load_spider(path, lines, rows)
    raise UserError(f"unknown predictions format '{fmt}': use jsonl or spider.")


def _finish(path, fmt, rows, sql, errors, issues) -> LoadedPredictions:
    for i, s in enumerate(sql):
        if s is None and errors[i] is None:
            errors[i] = "missing_prediction"
            row = rows[i]
            issues.append(Issue(None, "missing", f"{path}: no prediction for example {i} "
                                f"(id={row.get('id')!r}, db_id={row.get('db_id')!r}, "
                                f"question={str(row.get('question'))[:80]!r})", i))
    return LoadedPredictions(str(path), fmt, sql, errors, issues)


def _load_spider(path: Path, lines, rows) -> LoadedPredictions:
    n = len(rows)
    sql: list[str | None] = [None] * n
    errors: list[str | None] = [None] * n
    issues: list[Issue] = []
    for pos, (no, text, bad) in enumerate(lines):
        if pos >= n:
            issues.append(Issue(no, "unknown_example", f"{path}:{no}: extra line: the dataset has only {n} examples "
                                "(Spider's format is one SQL per line in dataset order)"))
            continue
        if bad:
            issues.append(Issue(no, "encoding", f"{path}:{no}: {bad}", pos))
            errors[pos] = "bad_encoding"
            continue
        # A trailing TAB + identifier is Spider's db_id column; a TAB inside the SQL is not.
        query, sep, db_id = text.rpartition("\t")
        db_id = db_id.strip()
        if not sep or not re.fullmatch(r"[\w.-]+", db_id):
            query, db_id = text, ""
        if db_id and db_id != rows[pos].get("db_id"):
            issues.append(Issue(no, "db_mismatch", f"{path}:{no}: line names database '{db_id}' but example {pos} "
                                f"is on '{rows[pos].get('db_id')}': the file is not in dataset order", pos))
            errors[pos] = "db_mismatch"
            continue
        # An empty line is a prediction that says nothing: it is counted as no SQL, not missing.
        sql[pos] = query.strip()
        if not sql[pos]:
            errors[pos] = "no_sql"
    return _finish(path, "spider", rows, sql, errors, issues)


def _load_jsonl(path: Path, lines, rows) -> LoadedPredictions:
    n = len(rows)
    sql: list[str | None] = [None] * n
    errors: list[str | None] = [None] * n
    issues: list[Issue] = []
    by_id: dict[str, int] = {}
    by_question: dict[tuple[str, str], list[int]] = {}
    dbs = set()
    for i, r in enumerate(rows):
        if r.get("id") is not None:
            by_id[str(r["id"])] = i
        by_question.setdefault((str(r.get("db_id")), _norm_question(r.get("question", ""))), []).append(i)
        dbs.add(str(r.get("db_id")))
    taken: set[int] = set()

    for no, text, bad in lines:
        if not text.strip():
            continue  # blank lines carry nothing in JSONL
        # A line with bad bytes says so whatever else is wrong with it (e.g. a question that no longer matches).
        where = f"{path}:{no}" + (f" ({bad})" if bad else "")
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            issues.append(Issue(no, "malformed", f"{where}: not valid JSON ({e.msg} at column {e.colno})"))
            continue
        if not isinstance(obj, dict):
            issues.append(Issue(no, "malformed", f"{where}: expected a JSON object, got {type(obj).__name__}"))
            continue
        key = next((k for k in SQL_KEYS if k in obj), None)
        if key is None:
            issues.append(Issue(no, "malformed", f"{where}: no 'sql' field (fields: {', '.join(obj) or 'none'})"))
            continue
        query = obj[key]
        # Find the example this line answers.
        idx = None
        if obj.get("id") is not None and str(obj["id"]) in by_id:
            idx = by_id[str(obj["id"])]
        elif "db_id" in obj and "question" in obj:
            if str(obj["db_id"]) not in dbs:
                issues.append(Issue(no, "unknown_db", f"{where}: db_id '{obj['db_id']}' is not a database of this "
                                    f"dataset split (it has {len(dbs)}: {', '.join(sorted(dbs)[:8])}"
                                    f"{', ...' if len(dbs) > 8 else ''})"))
                continue
            candidates = by_question.get((str(obj["db_id"]), _norm_question(obj["question"])), [])
            free = [i for i in candidates if i not in taken]
            if not candidates:
                issues.append(Issue(no, "unknown_example", f"{where}: no example on '{obj['db_id']}' asks "
                                    f"{str(obj['question'])[:80]!r}"))
                continue
            if not free:
                issues.append(Issue(no, "duplicate", f"{where}: a second prediction for example {candidates[0]} "
                                    f"({str(obj['question'])[:60]!r}); only the first is used", candidates[0]))
                continue
            idx = free[0]
        elif obj.get("id") is not None:
            issues.append(Issue(no, "unknown_example", f"{where}: id {obj['id']!r} is not in this dataset split"))
            continue
        else:
            issues.append(Issue(no, "malformed", f"{where}: needs 'id', or both 'db_id' and 'question'"))
            continue
        if idx in taken:
            issues.append(Issue(no, "duplicate", f"{where}: a second prediction for example {idx}; "
                                "only the first is used", idx))
            continue
        taken.add(idx)
        if bad:
            issues.append(Issue(no, "encoding", f"{path}:{no}: {bad}", idx))
            errors[idx] = "bad_encoding"
            continue
        if query is None or (isinstance(query, str) and not query.strip()):
            sql[idx], errors[idx] = "", "no_sql"
            continue
        if not isinstance(query, str):
            issues.append(Issue(no, "malformed", f"{where}: '{key}' must be a string, got {type(query).__name__}",
                                idx))
            errors[idx] = "bad_line"
            continue
        sql[idx] = query.strip()
    return _finish(path, "jsonl", rows, sql, errors, issues)


def issues_error(loaded: LoadedPredictions, limit: int = 10) -> UserError:
    """A UserError listing the first issues, for runs without --allow-missing."""
    shown = "\n  ".join(i.message for i in loaded.issues[:limit])
    more = f"\n  ... and {len(loaded.issues) - limit} more" if len(loaded.issues) > limit else ""
    return UserError(f"{len(loaded.issues)} problem(s) in predictions file {loaded.path} "
                     f"({loaded.affected()} example(s) without a usable prediction):\n  {shown}{more}\n"
                     "Fix the file, or pass --allow-missing to score anyway (affected examples count as wrong).")
