"""Nothing lost on interruption: an evaluation or an inference batch interrupted mid-run (the model
raises KeyboardInterrupt inside generation, as Ctrl-C does) and resumed ends with exactly the files
an uninterrupted run writes; a resume with other settings is refused, naming them.

The subprocess versions (SIGINT and SIGKILL on `python -m sqlrl.cli`) are in
tests/test_reliability_resume.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sqlrl.errors import UserError
from sqlrl.eval import evaluate

BATCH, N = 4, 16  # 4 batches


@pytest.fixture(scope="module")
def tiny(tiny_model_dir):
    from sqlrl.models import load_model, load_tokenizer

    return load_model(str(tiny_model_dir)), load_tokenizer(str(tiny_model_dir))


@pytest.fixture(scope="module")
def rows():
    from sqlrl.data import load_dataset

    return [dict(r) for r in load_dataset("demo", "test", limit=N)]


class Interrupt:
    """Counts the model's generate calls and raises KeyboardInterrupt at call `at` (0: never)."""

    def __init__(self, model, at: int = 0):
        self.model, self.at, self.calls = model, at, 0
        self.original = model.generate

    def __enter__(self):
        def patched(*a, **k):
            self.calls += 1
            if self.calls == self.at:
                raise KeyboardInterrupt
            return self.original(*a, **k)

        self.model.generate = patched
        return self

    def __exit__(self, *exc):
        self.model.generate = self.original
        return False


def report(out: Path) -> dict:
    """Every file a run leaves, without what legitimately differs (its date and elapsed time)."""
    summary = json.loads((out / "summary.json").read_text())
    summary["meta"].pop("date"), summary["meta"].pop("elapsed_s")
    md = [line for line in (out / "report.md").read_text().splitlines()
          if not line.startswith(("| date |", "| elapsed_s |"))]
    files = {name: (out / name).read_text() for name in ("examples.jsonl", "predictions.jsonl", "predictions.sql")}
    return {"summary": summary, "report.md": md, **files}


def answers(path: Path) -> list[dict]:
    """An answers file's lines, without the time each query took."""
    out = [json.loads(x) for x in path.read_text().splitlines()]
    for a in out:
        (a.get("result") or {}).pop("elapsed_s", None)
    return out


def partial_lines(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "partial.jsonl").read_text().splitlines()]


CASES = {
    "greedy": ({}, 3),  # interrupted in the 3rd batch of 4
    "maj@2": ({"decode": "maj@2"}, 2),
    # greedy, then a sampling pass of 3 per question: interrupted in that pass's 2nd batch
    "pass@2": ({"pass_at": 2, "num_samples": 3}, 4 + 2),
}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c != "greedy" else c for c in CASES])
def test_interrupted_evaluation_resumes_to_the_uninterrupted_report(tiny, rows, tmp_path, case):
    model, tok = tiny
    overrides, at = CASES[case]
    kw = dict(batch_size=BATCH, max_new_tokens=6, progress=False, **overrides)
    with Interrupt(model) as ref_calls:
        evaluate(model, tok, rows, out_dir=tmp_path / "ref", **kw)
    with Interrupt(model, at=at) as cut, pytest.raises(KeyboardInterrupt):
        evaluate(model, tok, rows, out_dir=tmp_path / "run", **kw)
    kept = partial_lines(tmp_path / "run")
    assert len(kept) == (at - 1) * BATCH  # one line per example of every finished batch, of either pass
    assert not (tmp_path / "run" / "summary.json").exists()
    with Interrupt(model) as resumed:
        evaluate(model, tok, rows, out_dir=tmp_path / "run", resume=True, **kw)
    assert report(tmp_path / "run") == report(tmp_path / "ref")
    # only the missing batches were generated: the interrupted call, and those after it
    assert resumed.calls == ref_calls.calls - (cut.at - 1)
    assert json.loads((tmp_path / "run" / "run.json").read_text())["finished"] is True


def test_a_line_cut_short_is_dropped_and_its_batch_generated_again(tiny, rows, tmp_path):
    model, tok = tiny
    kw = dict(batch_size=BATCH, max_new_tokens=6, progress=False)
    evaluate(model, tok, rows, out_dir=tmp_path / "ref", **kw)
    with Interrupt(model, at=3), pytest.raises(KeyboardInterrupt):
        evaluate(model, tok, rows, out_dir=tmp_path / "run", **kw)
    partial = tmp_path / "run" / "partial.jsonl"
    lines = partial.read_text().splitlines(keepends=True)
    # a kill in the middle of writing the 2nd batch: its last line is half there
    partial.write_text("".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])
    with Interrupt(model) as resumed:
        evaluate(model, tok, rows, out_dir=tmp_path / "run", resume=True, **kw)
    assert resumed.calls == 3  # the 2nd batch again, then the 3rd and 4th
    assert report(tmp_path / "run") == report(tmp_path / "ref")


def test_resume_with_other_settings_is_refused_naming_them(tiny, rows, tmp_path):
    model, tok = tiny
    kw = dict(batch_size=BATCH, max_new_tokens=6, progress=False)
    with Interrupt(model, at=2), pytest.raises(KeyboardInterrupt):
        evaluate(model, tok, rows, out_dir=tmp_path, **kw)
    with pytest.raises(UserError) as e:
        evaluate(model, tok, rows, out_dir=tmp_path, resume=True, **{**kw, "batch_size": 2, "decode": "maj@2"})
    assert "batch_size: 4 -> 2" in str(e.value) and "decode: 'greedy' -> 'maj@2'" in str(e.value)
    with pytest.raises(UserError, match="template: 'plain' -> 'chat'"):
        evaluate(model, tok, rows, out_dir=tmp_path, resume=True, template="chat", **kw)
    with pytest.raises(UserError, match=f"n_examples: {N} -> {N - 1}"):
        evaluate(model, tok, rows[:-1], out_dir=tmp_path, resume=True, **kw)
    import torch

    p = next(model.parameters())
    saved = p.detach().clone()
    with torch.no_grad():
        p.add_(1.0)  # other weights: another model under the same name
    try:
        with pytest.raises(UserError, match="model_weights"):
            evaluate(model, tok, rows, out_dir=tmp_path, resume=True, **kw)
    finally:
        with torch.no_grad():
            p.copy_(saved)
    # sampling settings do not matter to greedy decoding: not a difference
    with Interrupt(model) as resumed:
        evaluate(model, tok, rows, out_dir=tmp_path, resume=True, **{**kw, "seed": 5})
    assert resumed.calls == 3


def test_a_fresh_run_starts_over(tiny, rows, tmp_path):
    from sqlrl.eval.resume import unfinished

    model, tok = tiny
    kw = dict(batch_size=BATCH, max_new_tokens=6, progress=False)
    with Interrupt(model, at=3), pytest.raises(KeyboardInterrupt):
        evaluate(model, tok, rows, out_dir=tmp_path, **kw)
    assert unfinished(tmp_path) == 2 * BATCH
    with Interrupt(model) as fresh:
        evaluate(model, tok, rows, out_dir=tmp_path, **kw)
    assert fresh.calls == 4 and unfinished(tmp_path) is None
    assert len(partial_lines(tmp_path)) == len(rows)


def test_interrupted_inference_keeps_every_answer_and_resumes(tiny, rows, tmp_path):
    from sqlrl.eval.infer import Answerer, answer_file

    model, tok = tiny
    inp = tmp_path / "q.jsonl"
    lines = [{"question": r["question"], "db": r["db_path"], "id": r["id"]} for r in rows]
    lines.insert(3, {"question": "no database here", "db": str(tmp_path / "missing.sqlite")})
    inp.write_text("".join(json.dumps(x) + "\n" for x in lines) + "{broken\n")
    ans = Answerer(model, tok, max_new_tokens=8, batch_size=4)
    ref = answer_file(ans, str(inp), str(tmp_path / "ref.jsonl"), None, run=True)
    out = tmp_path / "a.jsonl"
    with Interrupt(model, at=3), pytest.raises(KeyboardInterrupt):
        answer_file(ans, str(inp), str(out), None, run=True)
    kept = [json.loads(x) for x in out.read_text().splitlines()]
    # the two unusable lines at once, then two batches of 4 answers
    assert len(kept) == 2 + 2 * 4 and all("sql" in k for k in kept)
    with Interrupt(model) as resumed:
        res = answer_file(ans, str(inp), str(out), None, run=True, resume=True)
    assert resumed.calls == 2  # batches 3 and 4 of 4
    assert answers(out) == answers(tmp_path / "ref.jsonl")
    assert {k: res[k] for k in ("n", "answered", "errors", "problems")} == \
        {k: ref[k] for k in ("n", "answered", "errors", "problems")} and res["resumed"] == len(kept)
    # the answers of another input file are not taken for this one's
    other = tmp_path / "other.jsonl"
    other.write_text("".join(json.dumps({**x, "question": x["question"] + "?"}) + "\n" for x in lines))
    with pytest.raises(UserError, match="another input file"):
        answer_file(ans, str(other), str(out), None, resume=True)
