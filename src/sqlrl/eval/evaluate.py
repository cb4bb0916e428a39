"""`evaluate`: generate, extract, execute, compare and summarize, for a loaded model.

Training calls this for periodic validation (the model may be a PEFT model in train mode:
generation runs under no_grad in eval mode and the mode is restored), and `sqlrl eval
--model` calls it after loading. Scoring runs after every batch so the progress bar shows
the running EX.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from sqlrl.errors import UserError
from sqlrl.eval import score as scoring
from sqlrl.eval.generate import generate
from sqlrl.eval.meta import run_meta
from sqlrl.prompts import render_prompt
from sqlrl.sql import get_sandbox


def parse_decode(decode: str) -> tuple[str, int]:
    """'greedy' -> ('greedy', 1); 'maj@8' -> ('maj', 8)."""
    decode = (decode or "greedy").strip().lower()
    if decode == "greedy":
        return "greedy", 1
    m = re.fullmatch(r"maj@(\d+)", decode)
    if m and int(m.group(1)) >= 1:
        return "maj", int(m.group(1))
    raise UserError(f"--decode must be 'greedy' or 'maj@K' with K >= 1 (e.g. maj@8), got '{decode}'.")


class RunningEX:
    """A progress bar (rich, on stderr) showing examples done and the EX so far."""

    def __init__(self, total: int, label: str, enabled: bool = True):
        self.done = self.correct = 0
        self.enabled = enabled
        self.progress = None
        if enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("EX {task.fields[ex]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                                     console=Console(stderr=True))
            self.progress.start()
            self.task = self.progress.add_task(label, total=total, ex="-")

    def update(self, records: list[dict]) -> None:
        self.done += len(records)
        self.correct += sum(r["match"] for r in records)
        if self.progress:
            self.progress.update(self.task, advance=len(records),
                                 ex=f"{100 * self.correct / max(self.done, 1):.1f}%")

    def close(self) -> None:
        if self.progress:
            self.progress.stop()


def evaluate(model, tokenizer, rows, template: str = "plain", mode: str = "bird", batch_size: int = 16,
             max_new_tokens: int = 128, decode: str = "greedy", out_dir: str | Path | None = None,
             progress: bool = True, *, pass_at: int | None = None, num_samples: int | None = None,
             temperature: float = 0.8, top_p: float = 0.95, seed: int = 0, timeout: float | None = None,
             sandbox=None, meta: dict | None = None, share_prefix: bool = True) -> dict:
    """Execution accuracy of `model` on `rows` (dataset dicts or a Dataset); returns the summary.

    decode: 'greedy' or 'maj@K' (K samples at `temperature`, voted by execution result).
    pass_at: also report unbiased pass@K from max(K, num_samples) samples per example.
    share_prefix: run the prompt prefix a batch shares (system prompt, schema) once.
    Writes predictions.jsonl / predictions.sql / examples.jsonl / summary.json / report.md
    into `out_dir` when given. The model's train/eval mode is restored afterwards.
    """
    from sqlrl.prompts import get_template
    from sqlrl.stopping import configure_stopping

    tmpl = get_template(template)
    configure_stopping(model, tokenizer, list(getattr(tmpl, "stop_strings", None) or []))

    def gen(prompts, num_samples, do_sample, seed, on_batch=None, main=True):
        return generate(model, tokenizer, prompts, batch_size=batch_size, max_new_tokens=max_new_tokens,
                        num_samples=num_samples, do_sample=do_sample, temperature=temperature, top_p=top_p,
                        seed=seed, on_batch=on_batch, share_prefix=share_prefix)

    info = {"model": model_name(model), "batch_size": batch_size, "share_prefix": share_prefix, **(meta or {})}
    return score_generations(gen, tokenizer, rows, tmpl, template=template, mode=mode, decode=decode, out_dir=out_dir,
                progress=progress, pass_at=pass_at, num_samples=num_samples, temperature=temperature, top_p=top_p,
                seed=seed, timeout=timeout, sandbox=sandbox, max_new_tokens=max_new_tokens, meta=info)


def evaluate_vllm(model_name: str, rows, template: str = "plain", mode: str = "bird", max_new_tokens: int = 128,
                  decode: str = "greedy", out_dir: str | Path | None = None, progress: bool = True, *,
                  pass_at: int | None = None, num_samples: int | None = None, temperature: float = 0.8,
                  top_p: float = 0.95, seed: int = 0, timeout: float | None = None, meta: dict | None = None) -> dict:
    """`evaluate` with vLLM generating (GPU): same prompts, stop strings, extraction and scoring."""
    from sqlrl.eval.generate import generate_vllm
    from sqlrl.models import load_tokenizer, resolve
    from sqlrl.prompts import get_template

    path = resolve(model_name)
    tokenizer = load_tokenizer(model_name)
    tmpl = get_template(template)
    stop = list(getattr(tmpl, "stop_strings", None) or [])

    def gen(prompts, num_samples, do_sample, seed, on_batch=None, main=True):
        out = generate_vllm(path, prompts, max_new_tokens=max_new_tokens, num_samples=num_samples,
                            do_sample=do_sample, temperature=temperature, top_p=top_p, seed=seed, stop=stop)
        if on_batch:
            done = [j for j, t in enumerate(out) if t is not None]
            on_batch(done, [out[j] for j in done])
        return out

    info = {"model": model_name, "backend": "vllm", **(meta or {})}
    return score_generations(gen, tokenizer, rows, tmpl, template=template, mode=mode, decode=decode, out_dir=out_dir,
                progress=progress, pass_at=pass_at, num_samples=num_samples, temperature=temperature, top_p=top_p,
                seed=seed, timeout=timeout, sandbox=None, max_new_tokens=max_new_tokens, meta=info)


def score_generations(gen, tokenizer, rows, tmpl, *, template, mode, decode, out_dir, progress, pass_at, num_samples,
         temperature, top_p, seed, timeout, sandbox, max_new_tokens, meta) -> dict:
    """generate -> extract -> sandbox -> EX, the scoring every evaluation shares, with any generator.

    `gen(prompts, n, do_sample, seed, on_batch=None, main=True)` returns n completions per prompt
    (None where it generated nothing) and calls `on_batch(indices, completions)` as batches finish;
    `main` is True for the decoding pass that is scored and False for the extra pass@K sampling.
    """
    rows = [dict(r) for r in rows]
    kind, k = parse_decode(decode)
    decode = "greedy" if kind == "greedy" else f"maj@{k}"
    if pass_at is not None and pass_at < 1:
        raise UserError(f"--pass-at must be at least 1, got {pass_at}.")
    sb = sandbox or get_sandbox(timeout=timeout)
    started = time.time()

    pre_errors: list[str | None] = [None] * len(rows)
    for i, r in enumerate(rows):
        if not r.get("db_path") or not Path(r["db_path"]).is_file():
            pre_errors[i] = "missing_db"
    live = [i for i in range(len(rows)) if pre_errors[i] is None]
    prompts = [render_prompt(tokenizer, tmpl, rows[i]) for i in live]

    n_main = k if kind == "maj" else 1
    completions: list[list[str] | None] = [None] * len(rows)
    records: list[dict | None] = [None] * len(rows)
    bar = RunningEX(len(rows), f"eval {decode}", enabled=progress)

    def on_batch(local_idx, texts):
        idx = [live[j] for j in local_idx]
        cands = []
        for i, t in zip(idx, texts):
            completions[i] = t
            cands.append([tmpl.completion_sql(c) for c in t])
        recs = scoring.judge([rows[i] for i in idx], cands, mode=mode, decode=decode, sandbox=sb)
        for i, rec in zip(idx, recs):
            rec["index"] = i
            records[i] = rec
        bar.update(recs)

    try:
        gen(prompts, n_main, kind == "maj", seed, on_batch, main=True)
        # Whatever was not generated (missing db, prompt too long) is scored as wrong, with its reason.
        rest = [i for i in range(len(rows)) if records[i] is None]
        for i in rest:
            pre_errors[i] = pre_errors[i] or "prompt_too_long"
        if rest:
            recs = scoring.judge([rows[i] for i in rest], [[None]] * len(rest), mode=mode,
                                 pre_errors=[pre_errors[i] for i in rest], sandbox=sb)
            for i, rec in zip(rest, recs):
                rec["index"] = i
                rec["error"] = _pre_error_message(pre_errors[i], rows[i])
                records[i] = rec
            bar.update(recs)
    finally:
        bar.close()

    if pass_at:
        n_samples = max(pass_at, num_samples or 0)
        if kind == "maj" and n_main >= n_samples:
            samples = {i: completions[i] for i in live if completions[i] is not None}
        else:
            sampled = gen(prompts, n_samples, True, seed + 1, main=False)
            samples = {live[j]: t for j, t in enumerate(sampled) if t is not None}
        idx = sorted(samples)
        cands = [[tmpl.completion_sql(c) for c in samples[i]] for i in idx]
        sample_recs = scoring.judge([rows[i] for i in idx], cands, mode=mode, pass_at=pass_at, sandbox=sb)
        for i, rec in zip(idx, sample_recs):
            records[i]["sample_match"] = rec.get("sample_match", [rec["match"]])
            records[i][f"pass@{pass_at}"] = rec.get(f"pass@{pass_at}", float(rec["match"]))
        for rec in records:
            rec.setdefault(f"pass@{pass_at}", 0.0)  # never generated: counts as failed

    for i, rec in enumerate(records):
        rec["completion"] = completions[i][0] if completions[i] and kind == "greedy" else None
        if kind == "maj" and completions[i]:
            rec["completions"] = completions[i]

    sampling = kind == "maj" or bool(pass_at)
    meta = dict(meta or {})
    info = run_meta(model=meta.pop("model", None), rows=rows, template=template, mode=mode, decode=decode,
                    timeout=getattr(sb, "timeout", timeout), max_new_tokens=max_new_tokens,
                    temperature=temperature if sampling else None, top_p=top_p if sampling else None,
                    seed=seed if sampling else None, pass_at=pass_at, extra=meta, elapsed_s=time.time() - started)
    summary = scoring.summarize(records, mode=mode, decode=decode, pass_at=pass_at, meta=info)
    if out_dir is not None:
        from sqlrl.eval.report import write_run

        write_run(out_dir, records, summary)
    return summary


def _pre_error_message(kind: str, row: dict) -> str:
    if kind == "missing_db":
        return f"database file {row.get('db_path')!r} of db_id {row.get('db_id')!r} does not exist"
    if kind == "prompt_too_long":
        return "the prompt with max_new_tokens does not fit in the model's context window"
    return kind


def model_name(model) -> str:
    """A readable name for a loaded model (its path or hub id), for reports."""
    cfg = getattr(model, "config", None)
    return str(getattr(model, "name_or_path", None) or getattr(cfg, "_name_or_path", None) or type(model).__name__)


def score_predictions(path: str | Path, rows, mode: str = "bird", *, allow_missing: bool = False,
                      fmt: str | None = None, timeout: float | None = None, out_dir: str | Path | None = None,
                      progress: bool = False, sandbox=None, meta: dict | None = None, chunk: int = 256) -> dict:
    """Score a predictions file against `rows` without a model; returns the summary.

    Problems in the file (malformed lines, unknown db_ids, bad encoding, missing or extra
    predictions) raise a UserError listing them, unless `allow_missing`: then the affected
    examples count as wrong and the summary counts the problems.
    """
    from sqlrl.eval.predictions import issues_error, load_predictions

    rows = [dict(r) for r in rows]
    loaded = load_predictions(path, rows, fmt)
    if loaded.issues and not allow_missing:
        raise issues_error(loaded)
    pre = list(loaded.errors)
    for i, r in enumerate(rows):
        if pre[i] is None and (not r.get("db_path") or not Path(r["db_path"]).is_file()):
            pre[i] = "missing_db"
    sb = sandbox or get_sandbox(timeout=timeout)
    started = time.time()
    bar = RunningEX(len(rows), "scoring", enabled=progress)
    records: list[dict] = []
    try:
        for start in range(0, len(rows), chunk):
            part = range(start, min(start + chunk, len(rows)))
            recs = scoring.judge([rows[i] for i in part], [[loaded.sql[i]] for i in part], mode=mode,
                                 pre_errors=[pre[i] for i in part], sandbox=sb)
            for i, rec in zip(part, recs):
                rec["index"] = i
                if rec["error_type"] in scoring.PRE_ERRORS and rec["error"] is None:
                    rec["error"] = _pre_error_message(rec["error_type"], rows[i])
                    rec["prediction"] = loaded.sql[i]
            records += recs
            bar.update(recs)
    finally:
        bar.close()
    # Attach each line's problem to the example it affects, so examples.jsonl explains itself.
    for issue in loaded.issues:
        if issue.index is not None:
            records[issue.index]["error"] = issue.message
    info = run_meta(model=None, rows=rows, template=None, mode=mode, decode="predictions",
                    timeout=getattr(sb, "timeout", timeout), extra={"predictions": str(path),
                                                                    "predictions_format": loaded.format,
                                                                    **(meta or {})},
                    elapsed_s=time.time() - started)
    summary = scoring.summarize(records, mode=mode, decode="predictions", issues=loaded.issues, meta=info)
    if out_dir is not None:
        from sqlrl.eval.report import write_run

        write_run(out_dir, records, summary)
    return summary
