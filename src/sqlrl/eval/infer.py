"""Answer questions about a database with a model: one question, a batch file, or a session.

Same prompt, stopping and extraction as training and evaluation: the schema is rendered from
the database with the template's schema format, the prompt goes through the model's chat
template, and the SQL is read from the completion by the template's extractor.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Collection

from sqlrl.errors import UserError
from sqlrl.eval.generate import generate
from sqlrl.prompts import render_prompt
from sqlrl.sql import get_sandbox
from sqlrl.sql.result import result_text


class Answerer:
    """A loaded model with its template, ready to turn questions into SQL."""

    def __init__(self, model, tokenizer, template: str = "plain", schema_format: str = "compact",
                 max_new_tokens: int = 128, batch_size: int = 8, grounded: bool = False,
                 schema_prune: bool = False):
        from sqlrl.prompts import get_template
        from sqlrl.stopping import configure_stopping

        self.model, self.tokenizer = model, tokenizer
        self.template = get_template(template)
        self.schema_format, self.schema_prune = schema_format, schema_prune
        self.max_new_tokens, self.batch_size = max_new_tokens, batch_size
        self.grounded = grounded  # schema-grounded decoding (sqlrl.eval.grounded)
        self._schemas: dict[str, str] = {}
        configure_stopping(model, tokenizer, list(getattr(self.template, "stop_strings", None) or []))

    def example(self, db: str | Path, question: str, evidence: str = "") -> dict:
        """The dataset-shaped example for a question on database file `db`."""
        from sqlrl.data import add_schemas

        path = Path(db).expanduser()
        if not path.is_file():
            raise UserError(f"database file {path} does not exist; give the path of a SQLite file with --db.")
        key = str(path.resolve())
        ex = {"id": None, "db_id": path.stem, "db_path": key, "question": question, "gold_sql": None,
              "evidence": evidence or "", "difficulty": None}
        if self.schema_prune:  # the tables this question likely needs: rendered per question
            return {**ex, "schema": add_schemas([dict(ex)], self.schema_format, schema_prune=True)[0]["schema"]}
        if key not in self._schemas:
            self._schemas[key] = add_schemas([dict(ex)], self.schema_format)[0]["schema"]
        return {**ex, "schema": self._schemas[key]}

    def answer(self, examples: list[dict], on_batch: Callable[[list[int], list[dict]], None] | None = None,
               skip: Collection[int] = ()) -> list[dict]:
        """{"sql", "completion", "error"} per example; a prompt too long for the model is an error.

        `on_batch(positions, answers)` is called as each generation batch finishes (positions in
        `examples`), so a caller can keep answers before the whole list is done. `skip` lists
        positions answered before (a resumed run): their batches are not generated again (their
        answers here are None), and the other batches are those of a run without `skip`.
        """
        prompts = [render_prompt(self.tokenizer, self.template, ex) for ex in examples]
        hook = None
        if on_batch:
            def hook(idx, texts):
                on_batch(idx, [self._answer(t) for t in texts])
        processors = None
        if self.grounded:
            from sqlrl.eval.grounded import grounded_processor

            processors = [grounded_processor(self.model, self.tokenizer, self.template, examples)]
        texts = generate(self.model, self.tokenizer, prompts, batch_size=self.batch_size,
                         max_new_tokens=self.max_new_tokens, on_batch=hook, skip=skip, logits_processor=processors)
        skip = set(skip)
        return [None if k in skip else self._answer(t) for k, t in enumerate(texts)]

    def _answer(self, texts: list[str] | None) -> dict:
        if texts is None:
            return {"sql": None, "completion": None,
                    "error": "question and schema are longer than the model's context window"}
        sql = self.template.completion_sql(texts[0])
        return {"sql": sql, "completion": texts[0], "error": None if sql else "no SQL found in the answer"}


def execute(db_path: str, sql: str, timeout: float | None = None):
    """Run `sql` on `db_path` in the sandbox; returns its Result."""
    return get_sandbox(timeout=timeout).run_many([(db_path, sql)])[0]


def format_table(result, max_rows: int = 20) -> str:
    """A result as a plain-text table with aligned columns and a row count (or its error)."""
    return result_text(result, max_rows, aligned=True)


def read_questions(path: str | Path, default_db: str | None) -> tuple[list[dict], list[str]]:
    """Questions from a JSONL file (`{"question", "db"|"db_path"?, "evidence"?}`) or one per line.

    Returns (items, problems): a line that cannot be used is a problem naming its line, and
    its item carries an error so the output keeps one answer per input line.
    """
    p = Path(path)
    if not p.is_file():
        raise UserError(f"input file {p} does not exist.")
    items, problems = [], []
    raw = p.read_bytes().decode("utf-8", errors="replace").splitlines()
    as_jsonl = p.suffix in (".jsonl", ".json") or next((x.strip() for x in raw if x.strip()), "").startswith("{")
    for no, text in enumerate(raw, start=1):
        if not text.strip():
            continue
        item = {"line": no, "question": None, "db": default_db, "evidence": "", "error": None}
        if "\ufffd" in text:
            item["error"] = f"{p}:{no}: not valid UTF-8"
        elif as_jsonl:
            try:
                obj = json.loads(text)
                if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
                    raise ValueError("expected an object with a string 'question'")
                item.update(question=obj["question"], db=obj.get("db") or obj.get("db_path") or default_db,
                            evidence=obj.get("evidence") or "")
                for k in ("id", "db_id"):
                    if k in obj:
                        item[k] = obj[k]
            except (json.JSONDecodeError, ValueError) as e:
                item["error"] = f"{p}:{no}: {e}"
        else:
            item["question"] = text.strip()
        if item["error"] is None and not item["db"]:
            item["error"] = f"{p}:{no}: no database: give --db or a 'db' field"
        if item["error"]:
            problems.append(item["error"])
        items.append(item)
    return items, problems


def read_answers(output: str | Path, items: list[dict]) -> dict[int, dict]:
    """Answers already in `output` (an interrupted run's), by input line number.

    A line cut short by a kill is dropped. An answer whose question is not the one on its
    input line means `output` belongs to another input: a UserError, before anything is written.
    """
    path = Path(output)
    if not path.is_file():
        return {}
    by_line = {it["line"]: it for it in items}
    done: dict[int, dict] = {}
    for no, raw in enumerate(path.read_bytes().split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            ans = json.loads(raw)
            line = int(ans["line"])
        except (ValueError, KeyError, TypeError):
            continue  # a line a kill cut short: answered again
        item = by_line.get(line)
        if item is None or (ans.get("question"), ans.get("id")) != (item.get("question"), item.get("id")):
            raise UserError(f"--resume: {path}:{no} answers a question that is not line {line} of the input; "
                            "it belongs to another input file. Choose another --output, or drop --resume to "
                            "answer everything again.")
        done[line] = ans
    return done


class _Appender:
    """Answers appended to a JSONL file as they exist: flushed at once, fsync'ed per batch."""

    def __init__(self, path: Path, keep: list[dict]):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # Rewrite what is kept (whole lines only) and go on appending after it.
        _write_lines(path, keep)
        self.file = path.open("a", encoding="utf-8")

    def add(self, items: list[dict]) -> None:
        self.file.write("".join(_line(it) for it in items))
        self.file.flush()
        os.fsync(self.file.fileno())

    def close(self) -> None:
        self.file.close()


def _line(item: dict) -> str:
    item.setdefault("sql", None)
    return json.dumps(item, ensure_ascii=False, default=str) + "\n"


def _write_lines(path: Path, items: list[dict]) -> None:
    """Replace `path` with `items`, one JSON line each, whole or not at all."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.write("".join(_line(it) for it in items))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def answer_file(answerer: Answerer, path: str, output: str, default_db: str | None, run: bool = False,
                timeout: float | None = None, resume: bool = False) -> dict:
    """Answer every question in `path` into `output` (JSONL, one line per input line).

    Each answer is appended to `output` as soon as its batch is generated (flushed, fsync'ed
    per batch), so an interruption keeps every finished answer; when all are done the file is
    rewritten in input order. `resume` keeps the answers `output` already holds and answers
    only the rest.
    """
    items, problems = read_questions(path, default_db)
    done = read_answers(output, items) if resume else {}
    # Every usable line is prepared, answered or not, so the batches are an uninterrupted run's.
    todo = []
    for it in items:
        if it["error"] is None:
            try:
                todo.append((it, answerer.example(it["db"], it["question"], it["evidence"])))
            except UserError as e:
                it["error"] = f"{path}:{it['line']}: {e}"
                problems.append(it["error"])
    out = _Appender(Path(output), [done[it["line"]] for it in items if it["line"] in done])
    try:
        out.add([it for it in items if it["error"] is not None and it["line"] not in done])  # unusable: at once

        def finished(positions: list[int], answers: list[dict]) -> None:
            batch = []
            for k, ans in zip(positions, answers):
                it, ex = todo[k]
                it.update(sql=ans["sql"], completion=ans["completion"], error=ans["error"])
                if run and ans["sql"]:
                    it["result"] = execute(ex["db_path"], ans["sql"], timeout).to_dict()
                batch.append(it)
            out.add(batch)

        skip = [k for k, (it, _) in enumerate(todo) if it["line"] in done]
        answers = answerer.answer([ex for _, ex in todo], on_batch=finished, skip=skip) if todo else []
        # Questions too long for the model were not generated: they are answered now, with their error.
        late = [(k, a) for k, a in enumerate(answers) if a is not None and a["completion"] is None]
        if late:
            finished([k for k, _ in late], [a for _, a in late])
    finally:
        out.close()
    items = [done.get(it["line"], it) for it in items]
    _write_lines(Path(output), items)
    return {"n": len(items), "answered": sum(1 for it in items if it.get("sql")),
            "errors": sum(1 for it in items if it.get("error")), "problems": problems,
            "resumed": len(done)}
