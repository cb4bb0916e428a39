"""Answer questions about a database with a model: one question, a batch file, or a session.

Same prompt, stopping and extraction as training and evaluation: the schema is rendered from
the database with the template's schema format, the prompt goes through the model's chat
template, and the SQL is read from the completion by the template's extractor.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlrl.errors import UserError
from sqlrl.eval.generate import generate
from sqlrl.jsonl import write_jsonl
from sqlrl.prompts import render_prompt
from sqlrl.sql import get_sandbox
from sqlrl.sql.result import result_text


class Answerer:
    """A loaded model with its template, ready to turn questions into SQL."""

    def __init__(self, model, tokenizer, template: str = "plain", schema_format: str = "compact",
                 max_new_tokens: int = 128, batch_size: int = 8):
        from sqlrl.prompts import get_template
        from sqlrl.stopping import configure_stopping

        self.model, self.tokenizer = model, tokenizer
        self.template = get_template(template)
        self.schema_format = schema_format
        self.max_new_tokens, self.batch_size = max_new_tokens, batch_size
        self._schemas: dict[str, str] = {}
        configure_stopping(model, tokenizer, list(getattr(self.template, "stop_strings", None) or []))

    def example(self, db: str | Path, question: str, evidence: str = "") -> dict:
        """The dataset-shaped example for a question on database file `db`."""
        from sqlrl.data.schema import render_schema

        path = Path(db).expanduser()
        if not path.is_file():
            raise UserError(f"database file {path} does not exist; give the path of a SQLite file with --db.")
        key = str(path.resolve())
        if key not in self._schemas:
            self._schemas[key] = render_schema(key, self.schema_format)
        return {"id": None, "db_id": path.stem, "db_path": key, "question": question, "gold_sql": None,
                "evidence": evidence or "", "difficulty": None, "schema": self._schemas[key]}

    def answer(self, examples: list[dict]) -> list[dict]:
        """{"sql", "completion", "error"} per example; a prompt too long for the model is an error."""
        prompts = [render_prompt(self.tokenizer, self.template, ex) for ex in examples]
        texts = generate(self.model, self.tokenizer, prompts, batch_size=self.batch_size,
                         max_new_tokens=self.max_new_tokens)
        out = []
        for t in texts:
            if t is None:
                out.append({"sql": None, "completion": None,
                            "error": "question and schema are longer than the model's context window"})
                continue
            sql = self.template.completion_sql(t[0])
            out.append({"sql": sql, "completion": t[0], "error": None if sql else "no SQL found in the answer"})
        return out


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


def answer_file(answerer: Answerer, path: str, output: str, default_db: str | None, run: bool = False,
                timeout: float | None = None) -> dict:
    """Answer every question in `path` into `output` (JSONL, one line per input line)."""
    items, problems = read_questions(path, default_db)
    todo = []
    for it in items:
        if it["error"] is None:
            try:
                todo.append((it, answerer.example(it["db"], it["question"], it["evidence"])))
            except UserError as e:
                it["error"] = f"{path}:{it['line']}: {e}"
                problems.append(it["error"])
    answers = answerer.answer([ex for _, ex in todo]) if todo else []
    for (it, ex), ans in zip(todo, answers):
        it.update(sql=ans["sql"], completion=ans["completion"], error=ans["error"])
        if run and ans["sql"]:
            res = execute(ex["db_path"], ans["sql"], timeout)
            it["result"] = res.to_dict()
    for it in items:
        it.setdefault("sql", None)
    write_jsonl(output, items)
    return {"n": len(items), "answered": sum(1 for it in items if it.get("sql")),
            "errors": sum(1 for it in items if it.get("error")), "problems": problems}
