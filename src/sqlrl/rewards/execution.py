"""Rewards judged by executing the prediction: execution, executable, row_f1, answer_check.

All of them get their verdicts from `judge.verdicts` (one batched sandbox call per step, shared
through a memo), so using several of them in one preset executes each distinct query once.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from sqlrl.rewards.answer_format import full_format
from sqlrl.rewards.judge import verdicts
from sqlrl.rewards.prediction import Prediction, predictions
from sqlrl.rewards.registry import register
from sqlrl.rewards.sqlcheck import syntax_ok
from sqlrl.sql.compare import normalize_row


@register("execution", lowest=0.0, highest=1.0, strict=True, format_required=False,
          summary="1 when the result matches the gold result under the comparison mode, else 0")
def make_execution(template, mode, timeout, strict, format_required):
    def score(texts, cols):
        preds = predictions("execution", texts, template, strict)
        if format_required:  # SkyRL: an answer outside the exact format is not judged at all
            preds = [p if p.ok and full_format(p.text, template) else Prediction(p.text, None, "no_sql")
                     for p in preds]
        out = []
        for p, v in zip(preds, verdicts(preds, cols, mode, timeout)):
            if v is None:
                out.append(0.0)
            elif not v.gold.ok:
                out.append(None)  # the gold query fails: the reward does not apply
            else:
                out.append(1.0 if v.match else 0.0)
        return out

    return score


@register("executable", lowest=0.0, highest=1.0, strict=True,
          summary="1 when the SQL runs without error in the sandbox, else 0")
def make_executable(template, mode, timeout, strict):
    def score(texts, cols):
        preds = predictions("executable", texts, template, strict)
        return [1.0 if v is not None and v.pred.ok else 0.0 for v in verdicts(preds, cols, mode, timeout)]

    return score


def row_f1_of(gold_rows, pred_rows) -> float:
    """Row-level F1 between two result sets, rows compared as multisets of tuples."""
    gold, pred = Counter(map(normalize_row, gold_rows)), Counter(map(normalize_row, pred_rows))
    if not gold and not pred:
        return 1.0
    common = sum((gold & pred).values())
    if common == 0:
        return 0.0
    precision, recall = common / sum(pred.values()), common / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


@register("row_f1", lowest=0.0, highest=1.0, strict=True,
          summary="F1 of predicted vs gold result rows (1 on a match, 0 on error)")
def make_row_f1(template, mode, timeout, strict):
    def score(texts, cols):
        preds = predictions("row_f1", texts, template, strict)
        out = []
        for v in verdicts(preds, cols, mode, timeout):
            if v is None or not v.pred.ok:
                out.append(0.0)
            elif not v.gold.ok:
                out.append(None)
            elif v.match:
                out.append(1.0)  # the comparison mode (e.g. column permutation) already said equal
            else:
                out.append(row_f1_of(v.gold.rows or [], v.pred.rows or []))
        return out

    return score


def normalize_sql(sql: str) -> str:
    """SQL text up to whitespace, letter case and a trailing semicolon."""
    return re.sub(r"\s+", " ", sql).strip().rstrip(";").strip().lower()


def single_number(rows) -> float | None:
    """The value of a result that is exactly one numeric cell (one row, one column), else None."""
    if rows is None or len(rows) != 1 or len(rows[0]) != 1:
        return None
    value = rows[0][0]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def number_text(text: str | None) -> float | None:
    """The value of an answer text that is a bare number ("41", "-3.5", "1e3;"), else None."""
    if text is None:
        return None
    try:
        value = float(text.strip().rstrip(";").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def numeric_proximity(pred: float | None, gold: float | None, near: float, nearish: float) -> float | None:
    """The reasoning-tags recipe's partial credit for a close number: `near` when pred / gold is within
    [0.9, 1.1], `nearish` within [0.8, 1.2], None otherwise (the caller's wrong-answer value applies).

    A ratio is defined only for a non-zero gold: with gold 0 only 0 itself is credited (as ratio 1).
    A ratio is signed, so a negative prediction of a positive gold (or the reverse) is never close.
    """
    if pred is None or gold is None:
        return None
    if pred == gold:  # "42.0" for "42" without a database; with one, equal results already matched
        return near
    if gold == 0:
        return None
    ratio = pred / gold
    if 0.9 <= ratio <= 1.1:
        return near
    if 0.8 <= ratio <= 1.2:
        return nearish
    return None


@register("answer_check", lowest=-1.0, highest=3.0, strict=True,
          exact=3.0, close=1.5, near=0.5, nearish=0.25, wrong=-0.5, error=-1.0,
          summary="reasoning-tags answer check: 3 result match, 1.5 same SQL up to space/case, "
                  "0.5 / 0.25 a single number within 10 % / 20 % of the gold, -0.5 runs but wrong, -1 error or no SQL")
def make_answer_check(template, mode, timeout, strict, exact, close, near, nearish, wrong, error):
    def score(texts, cols):
        preds = predictions("answer_check", texts, template, strict)
        golds = cols.get("gold_sql") or [None] * len(preds)
        has_db = "db_path" in cols and all(cols["db_path"])
        vs = verdicts(preds, cols, mode, timeout) if has_db else [None] * len(preds)
        out = []
        for p, gold, v in zip(preds, golds, vs):
            if not p.ok:
                out.append(error)
            elif v is not None:  # judged on execution, where a database exists
                if v.pred.ok and v.gold.ok and v.match:
                    out.append(exact)
                elif gold and normalize_sql(p.sql) == normalize_sql(gold):
                    out.append(close)
                elif not v.pred.ok:
                    out.append(error)
                else:
                    gold_value = single_number(v.gold.rows) if v.gold.ok else None
                    partial = numeric_proximity(single_number(v.pred.rows), gold_value, near, nearish)
                    out.append(wrong if partial is None else partial)
            else:  # no database: the recipe's text comparison
                if gold is not None and p.sql == gold.strip():
                    out.append(exact)
                elif gold is not None and normalize_sql(p.sql) == normalize_sql(gold):
                    out.append(close)
                else:
                    partial = numeric_proximity(number_text(p.sql), number_text(gold), near, nearish)
                    out.append(partial if partial is not None else wrong if syntax_ok(p.sql) else error)
        return out

    return score
