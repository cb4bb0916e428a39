"""`sqlrl infer`: one question, a batch file with per-line errors, result tables."""

from __future__ import annotations

import json

import pytest
import torch

from conftest import sqlite_value
from sqlrl.eval.infer import Answerer, answer_file, execute, format_table, read_questions


class Fixed(torch.nn.Module):
    """A 'model' that always continues the prompt with the same text."""

    def __init__(self, tokenizer, text):
        super().__init__()
        from types import SimpleNamespace

        from transformers import GenerationConfig

        self.w = torch.nn.Parameter(torch.zeros(1))
        self.config = SimpleNamespace(max_position_embeddings=100_000)
        self.generation_config = GenerationConfig(eos_token_id=tokenizer.eos_token_id)
        self.new = tokenizer(text, add_special_tokens=False)["input_ids"]
        self.prompts = []
        self.tok = tokenizer

    def forward(self, input_ids, **kw):  # the shared-prefix pass: a cache that repeats nothing
        from types import SimpleNamespace

        return SimpleNamespace(past_key_values=SimpleNamespace(batch_repeat_interleave=lambda n: None))

    def generate(self, input_ids, attention_mask, **kw):
        self.prompts += [self.tok.decode(i[m.bool()]) for i, m in zip(input_ids, attention_mask)]
        return torch.cat([input_ids, torch.tensor([self.new] * len(input_ids))], dim=1)


@pytest.fixture(scope="module")
def answerer():
    from sqlrl.models import load_tokenizer

    tok = load_tokenizer()
    return Answerer(Fixed(tok, " count(*) FROM authors\n```"), tok)


@pytest.fixture(scope="module")
def db(bookshop_db):
    return bookshop_db


@pytest.fixture(scope="module")
def authors(db) -> int:
    return sqlite_value(db, "SELECT count(*) FROM authors")


def test_one_question_uses_training_prompt_and_extraction(answerer, db, authors):
    ex = answerer.example(db, "How many authors are there?")
    assert "authors" in ex["schema"]
    a = answerer.answer([ex])[0]
    assert a["sql"] == "SELECT count(*) FROM authors"
    assert "How many authors are there?" in answerer.model.prompts[-1]
    assert answerer.model.prompts[-1].endswith("```sql\nSELECT")  # the template's assistant prefix
    table = format_table(execute(db, a["sql"]))
    assert table.splitlines()[-1] == "(1 row(s))" and str(authors) in table


def test_batch_file_keeps_one_answer_per_line_and_reports_bad_lines(tmp_path, answerer, db, authors):
    inp = tmp_path / "q.jsonl"
    inp.write_bytes(b"\n".join([json.dumps({"question": "How many authors?"}).encode(),
                                b"{broken",
                                json.dumps({"question": "x", "db": str(tmp_path / "missing.sqlite")}).encode(),
                                b'{"question": "caf\xe9"}',
                                json.dumps({"question": "Count authors", "id": 7}).encode()]) + b"\n")
    out = tmp_path / "a.jsonl"
    res = answer_file(answerer, str(inp), str(out), db, run=True)
    answers = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(answers) == 5 and res["n"] == 5 and res["answered"] == 2 and res["errors"] == 3
    assert [a["line"] for a in answers if a["error"]] == [2, 3, 4]
    assert answers[4]["id"] == 7 and answers[4]["result"]["rows"] == [[authors]]
    assert "not valid UTF-8" in answers[3]["error"] and "does not exist" in answers[2]["error"]


def test_plain_text_questions_need_a_database(tmp_path):
    inp = tmp_path / "q.txt"
    inp.write_text("How many singers?\n\nList all stadiums.\n")
    items, problems = read_questions(inp, None)
    assert [i["question"] for i in items] == ["How many singers?", "List all stadiums."]
    assert len(problems) == 2 and "no database" in problems[0]


def test_question_longer_than_the_context_window_is_an_error(db):
    from sqlrl.models import load_tokenizer

    tok = load_tokenizer()
    small = Fixed(tok, " 1\n```")
    small.config.max_position_embeddings = 512
    a = Answerer(small, tok, max_new_tokens=16)
    out = a.answer([a.example(db, "How many authors? " * 200), a.example(db, "How many authors?")])
    assert out[0]["sql"] is None and "context window" in out[0]["error"]
    assert out[1]["sql"] == "SELECT 1" and len(small.prompts) == 1  # the long one was never generated


def test_cli_interactive_keeps_one_model_for_the_session_and_executes(tiny_model_dir, db, tmp_path, monkeypatch,
                                                                       capsys):
    import io

    import sqlrl.models
    from sqlrl.cli import main

    loads = []
    real = sqlrl.models.load_model
    monkeypatch.setattr(sqlrl.models, "load_model", lambda *a, **k: loads.append(a) or real(*a, **k))
    monkeypatch.setattr("sys.stdin", io.StringIO("How many authors are there?\nList the books.\n\nignored\n"))
    common = ["infer", "--model", str(tiny_model_dir), "--db", db, "--max-new-tokens", "8"]
    assert main(common + ["--interactive", "--execute", "--show-completion"]) == 0
    out = capsys.readouterr()
    # one model load, two questions answered, and the empty line ended the session before "ignored"
    assert len(loads) == 1 and out.err.count("-- completion:") == 2
    # every answer with SQL was run: a result table, or the sandbox's error (the random model's SQL may not run)
    answered = 2 - out.err.count("error: no SQL found")
    assert out.out.count(" row(s))") + out.out.lower().count("error (") == answered

    inp = tmp_path / "q.txt"
    inp.write_text("How many authors are there?\nList the books.\n")
    code = main(common + ["--input", str(inp), "--output", str(tmp_path / "a.jsonl")])
    answers = [json.loads(x) for x in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert [a["question"] for a in answers] == ["How many authors are there?", "List the books."]
    assert code == (1 if any(a["error"] for a in answers) else 0)
