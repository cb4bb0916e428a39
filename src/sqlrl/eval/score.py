"""Execution accuracy: judge candidate SQL against gold in the sandbox, vote, and summarize.

Every example has one or more candidates (1 for greedy, K for maj@K / pass@K). All of them
are executed in one `compare_many` call, so the sandbox runs each distinct (db, SQL) once and
caches gold results. The verdict of an example is that of its chosen candidate:
- greedy: the only candidate;
- maj@K: candidates are grouped by their execution result (rows compared as a set in `bird`
  mode, as a multiset otherwise); candidates that fail to execute or have no SQL do not vote;
  the largest group wins, ties go to the group whose first member was sampled first.
pass@K is the unbiased estimator of Chen et al. (2021) over the n >= K samples drawn.
"""

from __future__ import annotations

import math
from collections import Counter

from sqlrl.eval.schema_size import bucket_order, size_bucket, table_count
from sqlrl.sql import get_sandbox
from sqlrl.sql.compare import normalize_row

# Error types that mean "no prediction was executed" (set before scoring).
PRE_ERRORS = ("missing_prediction", "bad_line", "bad_encoding", "db_mismatch", "missing_db",
              "prompt_too_long", "no_sql")


def _result_key(result, mode: str):
    """Hashable form of an execution result for voting; equal keys = same answer."""
    # Floats rounded as the comparator rounds them, so summation noise does not split a vote.
    rows = [normalize_row(r) for r in (result.rows or [])]
    if mode == "bird":
        return ("set", frozenset(rows))
    return ("bag", tuple(sorted(rows, key=repr)))


def vote(verdicts: list, mode: str) -> int | None:
    """Index of the chosen candidate among `verdicts` (None where no candidate executed)."""
    groups: dict = {}
    for j, v in enumerate(verdicts):
        if v is None or not v.pred.ok:
            continue
        groups.setdefault(_result_key(v.pred, mode), []).append(j)
    if not groups:
        return None
    best = max(groups.values(), key=lambda members: (len(members), -members[0]))
    return best[0]


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k from n samples of which c are correct."""
    if n < k:
        raise ValueError(f"pass@{k} needs at least {k} samples, got {n}")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def _result_dict(result) -> dict | None:
    if result is None:
        return None
    return {"ok": result.ok, "error": result.error, "error_type": result.error_type,
            "n_rows": len(result.rows or []), "truncated": getattr(result, "truncated", False)}


def judge(rows: list[dict], candidates: list[list[str | None]], *, mode: str = "bird", decode: str = "greedy",
          pass_at: int | None = None, pre_errors: list[str | None] | None = None, sandbox=None,
          timeout: float | None = None) -> list[dict]:
    """One record per example: chosen prediction, match, executable, error type, and votes.

    `candidates[i]` lists the SQL candidates of example i (None = nothing extracted);
    `pre_errors[i]`, when set, is why example i has no usable prediction (it counts as wrong
    and nothing is executed for it).
    """
    pre_errors = pre_errors or [None] * len(rows)
    sb = sandbox or get_sandbox(timeout=timeout)
    triples, where = [], []
    for i, (row, cands) in enumerate(zip(rows, candidates)):
        if pre_errors[i] is not None:
            continue
        for j, sql in enumerate(cands):
            if sql:
                triples.append((row["db_path"], row["gold_sql"], sql))
                where.append((i, j))
    verdicts_flat = sb.compare_many(triples, mode=mode) if triples else []
    verdicts: list[list] = [[None] * len(c) for c in candidates]
    for (i, j), v in zip(where, verdicts_flat):
        verdicts[i][j] = v

    records = []
    for i, (row, cands) in enumerate(zip(rows, candidates)):
        rec = {"index": i, "id": row.get("id"), "db_id": row.get("db_id"), "difficulty": row.get("difficulty"),
               "n_tables": table_count(row.get("db_path")),
               "question": row.get("question"), "gold": row.get("gold_sql"),
               "prediction": None, "match": False, "executable": False, "error_type": None, "error": None}
        vs = verdicts[i]
        if pre_errors[i] is not None:
            rec["error_type"] = pre_errors[i]
        else:
            chosen = 0 if len(cands) == 1 else vote(vs, mode)
            if chosen is None:  # no sample executed: report the first one's failure
                chosen = next((j for j, s in enumerate(cands) if s), 0)
            rec["prediction"] = cands[chosen] if cands else None
            v = vs[chosen] if vs else None
            if v is None:
                rec["error_type"] = "no_sql"
            else:
                rec["match"] = bool(v.match)
                rec["executable"] = bool(v.pred.ok)
                if v.gold is not None and not v.gold.ok:
                    rec["error_type"], rec["error"] = "gold_error", v.gold.error
                elif not v.pred.ok:
                    rec["error_type"], rec["error"] = v.pred.error_type or "error", v.pred.error
                elif not v.match:
                    rec["error_type"] = "wrong_result"
                rec["pred_result"] = _result_dict(v.pred)
        if len(cands) > 1:
            n_ok = [bool(v is not None and v.match) for v in vs]
            rec["samples"] = list(cands)
            rec["sample_match"] = n_ok
            if pass_at:
                rec[f"pass@{pass_at}"] = pass_at_k(len(cands), sum(n_ok), pass_at)
        records.append(rec)
    return records


def _bucket(records: list[dict], pass_at: int | None = None) -> dict:
    n = len(records)
    correct = sum(r["match"] for r in records)
    out = {"n": n, "correct": correct, "ex": correct / n if n else 0.0,
           "executable": sum(r["executable"] for r in records) / n if n else 0.0}
    if pass_at:
        out[f"pass@{pass_at}"] = mean_pass_at(records, pass_at)
    return out


def mean_pass_at(records: list[dict], k: int) -> float:
    """Mean pass@k of `records`; an example scored without samples counts its own match (0 or 1)."""
    vals = [r.get(f"pass@{k}", float(r["match"])) for r in records]
    return sum(vals) / len(vals) if vals else 0.0


DIFFICULTY_ORDER = ("easy", "medium", "hard", "extra", "simple", "moderate", "challenging")


def summarize(records: list[dict], *, mode: str, decode: str, pass_at: int | None = None,
              issues: list | None = None, meta: dict | None = None) -> dict:
    """EX overall, per difficulty, per database and per schema size, error types, issues, and run metadata.

    With `pass_at` K, pass@K is reported overall and in each difficulty bucket.
    """
    overall = _bucket(records)
    by_diff: dict[str, list] = {}
    by_db: dict[str, list] = {}
    by_size: dict[str, list] = {}
    for r in records:
        by_diff.setdefault(str(r.get("difficulty") or "unknown"), []).append(r)
        by_db.setdefault(str(r.get("db_id")), []).append(r)
        by_size.setdefault(size_bucket(r.get("n_tables")), []).append(r)
    order = {d: k for k, d in enumerate(DIFFICULTY_ORDER)}
    summary = {
        "ex": overall["ex"], "n": overall["n"], "correct": overall["correct"], "executable": overall["executable"],
        "mode": mode, "decode": decode,
        "by_difficulty": {d: _bucket(by_diff[d], pass_at)
                          for d in sorted(by_diff, key=lambda d: (order.get(d, 99), d))},
        "by_db": {d: _bucket(by_db[d]) for d in sorted(by_db)},
        # tables in the question's database: 1-2 / 3-5 / 6+
        "by_tables": {t: _bucket(by_size[t]) for t in sorted(by_size, key=bucket_order)},
        "error_types": dict(Counter(r["error_type"] or "correct" for r in records).most_common()),
    }
    if pass_at:
        summary[f"pass@{pass_at}"] = mean_pass_at(records, pass_at)
    pre = Counter(r["error_type"] for r in records if r["error_type"] in PRE_ERRORS and r["error_type"] != "no_sql")
    summary["affected"] = {"examples": sum(pre.values()), "by_type": dict(pre)}
    if issues is not None:
        summary["issues"] = {"count": len(issues), "by_kind": dict(Counter(i.kind for i in issues)),
                             "first": [i.to_dict() for i in issues[:20]]}
    if meta:
        summary["meta"] = meta
    return summary


def ex_line(summary: dict) -> str:
    """The one line a Makefile shows: `EX = 16.0% (24/150, mode=bird, decode=greedy)`."""
    extra = "".join(f", {k}={summary[k] * 100:.1f}%" for k in summary if k.startswith("pass@"))
    return (f"EX = {summary['ex'] * 100:.1f}% ({summary['correct']}/{summary['n']}, "
            f"mode={summary['mode']}, decode={summary['decode']}{extra})")

