"""Interrupted evaluation and inference: SIGINT or SIGKILL a real `python -m sqlrl.cli` run (tiny
model, the demo test split) once its first batch is on disk, resume it, and compare with an
uninterrupted run: the same records, and every answer that was on disk at the interruption kept.

Slow (each case runs the command line three times): `pytest -m slow tests/test_reliability_resume.py`.
The in-process versions, fast, are in tests/test_eval_resume.py.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reliability_figures import record

pytestmark = pytest.mark.slow

BATCH = 4  # the demo test split's 40 questions: 10 batches
EVAL_CASES = {
    # name: (decoding flags, signal, the pass whose first batch must be on disk before the signal)
    "greedy-sigint": ([], signal.SIGINT, "decode"),
    "greedy-sigkill": ([], signal.SIGKILL, "decode"),
    "maj-sigint": (["--decode", "maj@2", "--pass-at", "3"], signal.SIGINT, "decode"),
    "passk-sigkill": (["--decode", "maj@2", "--pass-at", "3"], signal.SIGKILL, "samples"),  # in the pass@K pass
}


def cli(*args) -> list[str]:
    return [sys.executable, "-m", "sqlrl.cli", *map(str, args)]


def eval_command(model: Path, out: Path, decoding: list[str], resume: bool = False) -> list[str]:
    return cli("eval", "--model", model, "--dataset", "demo", "--split", "test", "--batch-size", BATCH,
               "--max-new-tokens", 8, "--no-progress", "--out", out, *decoding, *(["--resume"] if resume else []))


def run(cmd: list[str], log: Path) -> None:
    with log.open("w") as f:
        done = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, timeout=900)
    assert done.returncode == 0, log.read_text()[-3000:]


def interrupt(cmd: list[str], sig: int, ready, log: Path) -> int:
    """Start `cmd`, send `sig` once `ready()` is true, and return its exit status."""
    with log.open("w") as f:
        proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT)
        deadline = time.time() + 900
        while not ready():
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                proc.wait()
                pytest.fail(f"the run ended before the interruption point:\n{log.read_text()[-3000:]}")
            time.sleep(0.02)
        proc.send_signal(sig)
        return proc.wait(timeout=300)


def complete_lines(path: Path) -> list[dict]:
    """The JSON lines of `path` a reader can use (a line cut short by a kill is not one)."""
    if not path.is_file():
        return []
    out = []
    for raw in path.read_bytes().split(b"\n")[:-1]:
        try:
            out.append(json.loads(raw))
        except ValueError:
            pass
    return out


def report(out: Path) -> dict:
    summary = json.loads((out / "summary.json").read_text())
    summary["meta"].pop("date"), summary["meta"].pop("elapsed_s")
    md = [line for line in (out / "report.md").read_text().splitlines()
          if not line.startswith(("| date |", "| elapsed_s |"))]
    return {"summary": summary, "report.md": md,
            **{n: (out / n).read_text() for n in ("examples.jsonl", "predictions.jsonl", "predictions.sql")}}


def same_answer(entry: dict, final: dict) -> bool:
    """Whether an example finished before the interruption is in the final report as it was."""
    completions = final.get("completions") or [final.get("completion")]
    return completions == entry["completions"] and all(
        final[k] == entry["record"][k] for k in ("id", "question", "prediction", "match", "error_type"))


@pytest.fixture(scope="module")
def references(tiny_model_dir, tmp_path_factory):
    """Uninterrupted runs, one per decoding."""
    cache = {}

    def get(decoding: list[str]) -> Path:
        key = " ".join(decoding)
        if key not in cache:
            out = tmp_path_factory.mktemp("reference") / "run"
            run(eval_command(tiny_model_dir, out, decoding), out.parent / "log.txt")
            cache[key] = out
        return cache[key]

    return get


@pytest.mark.parametrize("case", list(EVAL_CASES))
def test_interrupted_eval_resumes_to_the_uninterrupted_report(tiny_model_dir, tmp_path, references, case):
    decoding, sig, pass_name = EVAL_CASES[case]
    ref = references(decoding)
    out = tmp_path / "run"
    partial = out / "partial.jsonl"
    code = interrupt(eval_command(tiny_model_dir, out, decoding), sig,
                     lambda: any(e["pass"] == pass_name for e in complete_lines(partial)), tmp_path / "cut.txt")
    assert code == (130 if sig == signal.SIGINT else -signal.SIGKILL), (code, (tmp_path / "cut.txt").read_text())
    if sig == signal.SIGINT:
        assert "--resume" in (tmp_path / "cut.txt").read_text()  # the user is told how to go on
    assert not (out / "summary.json").exists()
    kept = complete_lines(partial)

    run(eval_command(tiny_model_dir, out, decoding, resume=True), tmp_path / "resume.txt")
    assert report(out) == report(ref)
    final = [json.loads(x) for x in (out / "examples.jsonl").read_text().splitlines()]
    lost = sum(1 for e in kept if e["pass"] == "decode" and not same_answer(e, final[e["index"]]))
    assert lost == 0
    # the resumed run generated only what was missing: an example appears twice at most for a batch a kill cut
    entries = complete_lines(partial)
    for name in ("decode", "samples"):
        indices = [e["index"] for e in entries if e["pass"] == name]
        assert len(indices) - len(set(indices)) < BATCH, name
    record("resume", eval_runs=1, sigint=int(sig == signal.SIGINT), sigkill=int(sig == signal.SIGKILL),
           resumed_identical=1, answers_on_disk=len(kept), answers_lost=lost)


@pytest.fixture(scope="module")
def questions(tmp_path_factory):
    from sqlrl.data import load_dataset

    rows = load_dataset("demo", "test")
    path = tmp_path_factory.mktemp("questions") / "q.jsonl"
    path.write_text("".join(json.dumps({"id": r["id"], "question": r["question"], "db": r["db_path"]}) + "\n"
                            for r in rows))
    return path


def infer_command(model: Path, questions: Path, output: Path, resume: bool = False) -> list[str]:
    return cli("infer", "--model", model, "--input", questions, "--output", output, "--batch-size", BATCH,
               "--max-new-tokens", 8, *(["--resume"] if resume else []))


def answers(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["sigint", "sigkill"])
def test_interrupted_infer_keeps_every_answer_and_resumes(tiny_model_dir, tmp_path, questions, sig):
    ref = tmp_path / "ref.jsonl"
    with (tmp_path / "ref.txt").open("w") as f:  # exit status 1 when an answer has no SQL: still a full run
        subprocess.run(infer_command(tiny_model_dir, questions, ref), stdout=f, stderr=subprocess.STDOUT, timeout=900)
    n = len(questions.read_text().splitlines())
    assert len(answers(ref)) == n
    out = tmp_path / "a.jsonl"
    code = interrupt(infer_command(tiny_model_dir, questions, out), sig, lambda: len(complete_lines(out)) >= BATCH,
                     tmp_path / "cut.txt")
    assert code == (130 if sig == signal.SIGINT else -signal.SIGKILL), code
    kept = complete_lines(out)
    assert BATCH <= len(kept) < n
    with (tmp_path / "resume.txt").open("w") as f:
        subprocess.run(infer_command(tiny_model_dir, questions, out, resume=True), stdout=f,
                       stderr=subprocess.STDOUT, timeout=900)
    assert f"{len(kept)} kept from the interrupted run" in (tmp_path / "resume.txt").read_text()
    final = answers(out)
    assert final == answers(ref)  # no --execute: no timings in the answers, the files are equal
    lost = sum(1 for a in kept if final[a["line"] - 1] != a)
    assert lost == 0
    record("resume", infer_runs=1, sigint=int(sig == signal.SIGINT), sigkill=int(sig == signal.SIGKILL),
           resumed_identical=1, answers_on_disk=len(kept), answers_lost=lost)
