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
from sqlrl.prompts import render_prompt


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
    from sqlrl.eval.score import get_sandbox

    return get_sandbox(timeout).run_many([(db_path, sql)])[0]


def format_table(result, max_rows: int = 20) -> str:
    """A result as a plain-text table (or its error)."""
    if not result.ok:
        return f"error ({result.error_type}): {result.error}"
    cols = [str(c) for c in result.columns]
    rows = [["NULL" if v is None else str(v) for v in r] for r in result.rows[:max_rows]]
    widths = [max([len(c)] + [len(r[k]) for r in rows]) for k, c in enumerate(cols)]
    line = lambda cells: " | ".join(c.ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    out = [line(cols), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    more = len(result.rows) - max_rows
    if more > 0 or result.truncated:
        out.append(f"... {more if more > 0 else 'more'} more row(s)")
    out.append(f"({len(result.rows)} row(s))")
    return "\n".join(out)


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
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", encoding="utf-8") as f:
        for it in items:
            it.setdefault("sql", None)
            f.write(json.dumps(it, ensure_ascii=False, default=str) + "\n")
    return {"n": len(items), "answered": sum(1 for it in items if it.get("sql")),
            "errors": sum(1 for it in items if it.get("error")), "problems": problems}
