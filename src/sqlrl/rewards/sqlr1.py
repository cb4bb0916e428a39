"""The SQL-R1 paper's reward (Ma et al. 2025, arXiv 2504.08600), as four separately logged parts.

Format +1 / -1; execution +2 / -2 (0 when the format fails or the gold query fails); result
+3 / -3 (0 unless the SQL executed); length, only on a correct result:
0.5 * min(len(think) + len(answer), 2048) / 2048 + len(sql) / len(answer), in characters.
The format rule is the paper's: <think>, </think>, <answer>, </answer> once each and in that
order, and a ```sql block inside the answer; the SQL is the last such block, whitespace
collapsed. A completion with no SQL, several statements or a hostile statement fails the
format (-1, then 0 + 0 + 0): the lowest total the method gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlrl.rewards import registry
from sqlrl.rewards.judge import verdicts
from sqlrl.rewards.prediction import Prediction
from sqlrl.rewards.registry import register
from sqlrl.rewards.sqlcheck import prediction_kind

LIMIT_LENGTH = 2048
_TAGS = ("<think>", "</think>", "<answer>", "</answer>")


@dataclass(frozen=True)
class Parsed:
    pred: Prediction
    think: str
    answer: str
    format_ok: bool


def parse_response(text: str | None) -> Parsed:
    """Split a completion the paper's way and check its format."""
    if text is None:
        return Parsed(Prediction(None, None, "non_text"), "", "", False)
    answers = re.findall(r"<answer>(.*?)</answer>", text, re.S)
    thinks = re.findall(r"<think>(.*?)</think>", text, re.S)
    answer = answers[-1].strip() if answers else ""
    think = thinks[-1].strip() if thinks else ""
    pos = [text.find(t) for t in _TAGS]
    ok = all(text.count(t) == 1 for t in _TAGS) and pos == sorted(pos)
    sqls = re.findall(r"```sql(.*?)```", answer, re.S)
    sql = re.sub(r"\s+", " ", sqls[-1]).strip() if sqls else None
    kind = prediction_kind(sql)
    return Parsed(Prediction(text, sql, kind), think, answer, ok and kind == "ok")


def _parse_all(name: str, texts: list) -> list[Parsed]:
    out = [parse_response(t) for t in texts]
    for p in out:
        if p.pred.kind not in ("ok", "non_text"):
            registry.count(name, p.pred.kind)
    return out


def _judged(name, texts, cols, mode, timeout):
    parsed = _parse_all(name, texts)
    # only well-formatted answers execute; the rest score 0 for execution, result and length
    preds = [p.pred if p.format_ok else Prediction(p.pred.text, None, "no_sql") for p in parsed]
    return parsed, verdicts(preds, cols, mode, timeout)


@register("sqlr1_format", lowest=-1.0, highest=1.0, summary="SQL-R1 format reward: +1 / -1")
def make_format(template, mode, timeout):
    return lambda texts, cols: [1.0 if p.format_ok else -1.0 for p in _parse_all("sqlr1_format", texts)]


@register("sqlr1_execution", lowest=-2.0, highest=2.0,
          summary="SQL-R1 execution reward: +2 executes, -2 fails, 0 on bad format or gold error")
def make_execution(template, mode, timeout):
    def score(texts, cols):
        parsed, vs = _judged("sqlr1_execution", texts, cols, mode, timeout)
        out = []
        for v in vs:
            if v is None or not v.gold.ok:
                out.append(0.0)
            else:
                out.append(2.0 if v.pred.ok else -2.0)
        return out

    return score


@register("sqlr1_result", lowest=-3.0, highest=3.0,
          summary="SQL-R1 result reward: +3 match, -3 mismatch, 0 unless the SQL executed")
def make_result(template, mode, timeout):
    def score(texts, cols):
        parsed, vs = _judged("sqlr1_result", texts, cols, mode, timeout)
        out = []
        for v in vs:
            if v is None or not v.gold.ok or not v.pred.ok:
                out.append(0.0)
            else:
                out.append(3.0 if v.match else -3.0)
        return out

    return score


def length_reward(think: str, answer: str, sql: str) -> float:
    """The paper's length term for a correct answer."""
    total = len(think) + len(answer)
    return 0.5 * min(total, LIMIT_LENGTH) / LIMIT_LENGTH + len(sql) / len(answer)


@register("sqlr1_length", lowest=0.0, highest=1.5,
          summary="SQL-R1 length reward on a correct result: 0.5*min(think+answer, 2048)/2048 + sql/answer")
def make_length(template, mode, timeout):
    def score(texts, cols):
        parsed, vs = _judged("sqlr1_length", texts, cols, mode, timeout)
        out = []
        for p, v in zip(parsed, vs):
            ok = v is not None and v.gold.ok and v.pred.ok and v.match
            out.append(length_reward(p.think, p.answer, p.pred.sql) if ok else 0.0)
        return out

    return score
