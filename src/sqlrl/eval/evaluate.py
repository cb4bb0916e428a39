"""`evaluate`: generate, extract, execute, compare and summarize, for a loaded model.

Training calls this for periodic validation (the model may be a PEFT model in train mode:
generation runs under no_grad in eval mode and the mode is restored), and `sqlrl eval
--model` calls it after loading. Scoring runs after every batch so the progress bar shows
the running EX. Every option travels in one `EvalConfig` (the recipe's `eval` section);
keyword overrides name its fields. With an output directory, finished batches are on disk
as they end and `resume=True` continues an interrupted run (`sqlrl.eval.resume`).
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

from sqlrl.config import EvalConfig, parse_decode
from sqlrl.errors import UserError
from sqlrl.eval import score as scoring
from sqlrl.eval.generate import generate
from sqlrl.eval.meta import model_fingerprint, run_meta
from sqlrl.prompts import render_prompt
from sqlrl.sql import get_sandbox

__all__ = ["RunningEX", "evaluate", "evaluate_vllm", "model_name", "parse_decode", "score_generations",
           "score_predictions", "settings_with"]


def settings_with(settings: EvalConfig | None, overrides: dict, base: EvalConfig | None = None) -> EvalConfig:
    """`settings` (or `base`, or the defaults) with `overrides` applied, checked.

    An override must name an EvalConfig field: anything else is a TypeError listing them.
    """
    if settings is not None and not isinstance(settings, EvalConfig):
        raise TypeError(f"settings must be an EvalConfig, got {type(settings).__name__} {settings!r}; pass "
                        "template=... and mode=... as keywords")
    names = [f.name for f in dataclasses.fields(EvalConfig)]
    unknown = sorted(set(overrides) - set(names))
    if unknown:
        raise TypeError(f"unknown evaluation setting(s) {', '.join(unknown)}; EvalConfig fields are: "
                        f"{', '.join(names)}")
    chosen = settings if settings is not None else (base or EvalConfig())
    return dataclasses.replace(chosen, **overrides).check("eval")


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


def evaluate(model, tokenizer, rows, settings: EvalConfig | None = None, *, template: str = "plain",
             mode: str = "bird", out_dir: str | Path | None = None, progress: bool | str = True, sandbox=None,
             meta: dict | None = None, resume: bool = False, **overrides) -> dict:
    """Execution accuracy of `model` on `rows` (dataset dicts or a Dataset); returns the summary.

    settings: an EvalConfig (decode, pass_at, batch_size, temperature, ...; default: its defaults);
    overrides: EvalConfig fields replacing the settings' (`evaluate(m, t, rows, decode="maj@8")`).
    progress: a bar with the running EX; a string is the bar's label (validation during training names its step).
    The rows are given, so the settings' dataset, split and limit are not used here.
    Writes predictions.jsonl / predictions.sql / examples.jsonl / summary.json / report.md
    into `out_dir` when given, and finished batches as they end (`resume=True` continues an
    interrupted run there). The model's train/eval mode is restored afterwards.
    """
    from sqlrl.prompts import get_template
    from sqlrl.stopping import configure_stopping

    s = settings_with(settings, overrides)
    tmpl = get_template(template)
    configure_stopping(model, tokenizer, list(getattr(tmpl, "stop_strings", None) or []))

    info = {"model": model_name(model), "batch_size": s.batch_size, "share_prefix": s.share_prefix, **(meta or {})}
    processors = _grounded(model, tokenizer, tmpl, rows, info) if s.grounded else None

    def gen(prompts, num_samples, do_sample, seed, on_batch=None, main=True, skip=()):
        if processors:
            processors[0].configure({"do_sample": True, "temperature": s.temperature, "top_p": s.top_p}
                                    if do_sample else None)
        return generate(model, tokenizer, prompts, batch_size=s.batch_size, max_new_tokens=s.max_new_tokens,
                        num_samples=num_samples, do_sample=do_sample, temperature=s.temperature, top_p=s.top_p,
                        seed=seed, on_batch=on_batch, share_prefix=s.share_prefix, skip=skip,
                        logits_processor=processors)

    identity = {"model_weights": model_fingerprint(model)} if out_dir is not None else None
    return score_generations(gen, tokenizer, rows, tmpl, s, template=template, mode=mode, out_dir=out_dir,
                             progress=progress, sandbox=sandbox, meta=info, resume=resume, identity=identity)


def _grounded(model, tokenizer, tmpl, rows, info: dict) -> list:
    """The schema-grounded decoding processor for `rows`; its counters go in the run's metadata."""
    from sqlrl.eval.grounded import grounded_processor

    proc = grounded_processor(model, tokenizer, tmpl, rows)
    info["grounded"] = True
    info["grounded_stats"] = proc.stats  # filled in while generating, read when the summary is written
    return [proc]


def evaluate_vllm(model_name: str, rows, settings: EvalConfig | None = None, *, template: str = "plain",
                  mode: str = "bird", out_dir: str | Path | None = None, progress: bool = True,
                  meta: dict | None = None, resume: bool = False, **overrides) -> dict:
    """`evaluate` with vLLM generating (GPU): same prompts, stop strings, extraction and scoring."""
    from sqlrl.eval.generate import generate_vllm
    from sqlrl.models import load_tokenizer, resolve
    from sqlrl.prompts import get_template

    s = settings_with(settings, overrides)
    path = resolve(model_name)
    tokenizer = load_tokenizer(model_name)
    tmpl = get_template(template)
    stop = list(getattr(tmpl, "stop_strings", None) or [])

    def gen(prompts, num_samples, do_sample, seed, on_batch=None, main=True, skip=()):
        skipped = set(skip)
        keep = [j for j in range(len(prompts)) if j not in skipped]
        part = generate_vllm(path, [prompts[j] for j in keep], max_new_tokens=s.max_new_tokens,
                             num_samples=num_samples, do_sample=do_sample, temperature=s.temperature, top_p=s.top_p,
                             seed=seed, stop=stop) if keep else []
        out: list[list[str] | None] = [None] * len(prompts)
        for j, t in zip(keep, part):
            out[j] = t
        if on_batch:
            done = [j for j, t in enumerate(out) if t is not None]
            on_batch(done, [out[j] for j in done])
        return out

    info = {"model": model_name, "backend": "vllm", **(meta or {})}
    return score_generations(gen, tokenizer, rows, tmpl, s, template=template, mode=mode, out_dir=out_dir,
                             progress=progress, sandbox=None, meta=info, resume=resume)


def _normal(record: dict) -> dict:
    """The record as JSON gives it back, so a run's records equal those a resumed run reads from disk."""
    return json.loads(json.dumps(record, ensure_ascii=False, default=str))


def score_generations(gen, tokenizer, rows, tmpl, settings: EvalConfig, *, template: str, mode: str,
                      out_dir: str | Path | None = None, progress: bool | str = True, sandbox=None,
                      meta: dict | None = None, resume: bool = False, identity: dict | None = None) -> dict:
    """generate -> extract -> sandbox -> EX, the scoring every evaluation shares, with any generator.

    `gen(prompts, n, do_sample, seed, on_batch=None, main=True, skip=())` generates n completions
    per prompt and calls `on_batch(indices, completions)` as batches finish; `main` is True for
    the decoding pass that is scored and False for the extra pass@K sampling; `skip` holds prompt
    indices already finished (a resumed run), whose batches it need not generate again.
    With `out_dir`, finished batches go to its partial.jsonl as they end and `resume` reads them
    back; `identity` adds to the run's fingerprint what `meta` cannot tell (the weights).
    `progress` may be the bar's label instead of True.
    """
    from sqlrl.eval.resume import RunLog, fingerprint

    s = settings
    rows = [dict(r) for r in rows]
    kind, k = parse_decode(s.decode)
    decode = "greedy" if kind == "greedy" else f"maj@{k}"
    if s.pass_at is not None and s.pass_at < 1:
        raise UserError(f"--pass-at must be at least 1, got {s.pass_at}.")
    sampling = kind == "maj" or bool(s.pass_at)
    sb = sandbox or get_sandbox(timeout=s.timeout)
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
    log = None
    if out_dir is not None:
        fp = fingerprint(s, prompts, rows, template=template, mode=mode, sampling=sampling, meta=meta,
                         identity=identity)
        log = RunLog(out_dir, fp, resume=resume)
        for i, entry in log.finished("decode").items():
            completions[i], records[i] = entry["completions"], entry["record"]
    bar = RunningEX(len(rows), progress if isinstance(progress, str) else f"eval {decode}", enabled=bool(progress))
    bar.update([r for r in records if r is not None])

    def on_batch(local_idx, texts):
        idx = [live[j] for j in local_idx]
        cands = []
        for i, t in zip(idx, texts):
            completions[i] = t
            cands.append([tmpl.completion_sql(c) for c in t])
        recs = scoring.judge([rows[i] for i in idx], cands, mode=mode, decode=decode, sandbox=sb)
        for i, rec in zip(idx, recs):
            rec["index"] = i
            records[i] = _normal(rec)
        if log:
            log.add("decode", [{"index": i, "completions": completions[i], "record": records[i]} for i in idx])
        bar.update(recs)

    finished = False
    try:
        skip = [j for j, i in enumerate(live) if records[i] is not None]
        gen(prompts, n_main, kind == "maj", s.seed, on_batch, main=True, skip=skip)
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
                records[i] = _normal(rec)
            bar.update(recs)
    except BaseException:
        if log:
            log.close()
        raise
    finally:
        bar.close()

    try:
        if s.pass_at:
            samples = _pass_at_samples(gen, prompts, live, completions, kind, n_main, s, log)
            idx = sorted(samples)
            cands = [[tmpl.completion_sql(c) for c in samples[i]] for i in idx]
            sample_recs = scoring.judge([rows[i] for i in idx], cands, mode=mode, pass_at=s.pass_at, sandbox=sb)
            for i, rec in zip(idx, sample_recs):
                records[i]["sample_match"] = rec.get("sample_match", [rec["match"]])
                records[i][f"pass@{s.pass_at}"] = rec.get(f"pass@{s.pass_at}", float(rec["match"]))
            for rec in records:
                rec.setdefault(f"pass@{s.pass_at}", 0.0)  # never generated: counts as failed

        for i, rec in enumerate(records):
            rec["completion"] = completions[i][0] if completions[i] and kind == "greedy" else None
            if kind == "maj" and completions[i]:
                rec["completions"] = completions[i]

        meta = dict(meta or {})
        info = run_meta(model=meta.pop("model", None), rows=rows, template=template, mode=mode, decode=decode,
                        timeout=getattr(sb, "timeout", s.timeout), max_new_tokens=s.max_new_tokens,
                        temperature=s.temperature if sampling else None, top_p=s.top_p if sampling else None,
                        seed=s.seed if sampling else None, pass_at=s.pass_at, extra=meta,
                        elapsed_s=time.time() - started)
        summary = scoring.summarize(records, mode=mode, decode=decode, pass_at=s.pass_at, meta=info)
        if out_dir is not None:
            from sqlrl.eval.report import write_run

            write_run(out_dir, records, summary)
        finished = True
    finally:
        if log:
            log.close(finished=finished)
    return summary


def _pass_at_samples(gen, prompts, live, completions, kind, n_main, s: EvalConfig, log) -> dict[int, list[str]]:
    """The samples pass@K is computed from, by example index: the maj@K samples when there are
    enough, else a sampling pass of max(K, num_samples), resumable like the decoding pass."""
    n_samples = max(s.pass_at, s.num_samples or 0)
    if kind == "maj" and n_main >= n_samples:
        return {i: completions[i] for i in live if completions[i] is not None}
    samples = {i: e["completions"] for i, e in (log.finished("samples") if log else {}).items()}

    def on_samples(local_idx, texts):
        idx = [live[j] for j in local_idx]
        for i, t in zip(idx, texts):
            samples[i] = t
        if log:
            log.add("samples", [{"index": i, "completions": samples[i]} for i in idx])

    gen(prompts, n_samples, True, s.seed + 1, on_samples, main=False,
        skip=[j for j, i in enumerate(live) if i in samples])
    return samples


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
