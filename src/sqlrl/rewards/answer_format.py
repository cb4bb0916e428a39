"""Rewards judged on the form of the answer: format_exact, format_approx, format_gate, length.

"Exact format" is the template's own strict extractor (sqlrl.prompts), so a template and its
format rewards cannot drift apart; the per-tag rewards use the tag table below. A completion with no SQL
is scored on its form as usual (per-tag credit is what teaches a model the format); a hostile or
multi-statement answer, or non-text content, gets the reward's lowest value.
"""

from __future__ import annotations

import re

from sqlrl.rewards.prediction import extract, predictions
from sqlrl.rewards.registry import register

# Ordered tags of each template's answer format (see sqlrl.prompts): (reasoning open, reasoning
# close, answer open, answer close), or (answer open, answer close) without a reasoning section.
# `Template.tags` names the tags its lenient extractor reads, which is a different thing.
FORMAT_TAGS = {
    "plain": ("```sql", "```"),
    "arctic": ("<think>", "</think>", "<answer>", "</answer>"),
    "sqlr1": ("<think>", "</think>", "<answer>", "</answer>"),
    "reasoning_tags": ("<start_working_out>", "<end_working_out>", "<SOLUTION>", "</SOLUTION>"),
    "skyrl": ("<think>", "</think>", "<solution>", "</solution>"),
}


def tags_for(template_name: str) -> tuple[str, ...]:
    """The ordered format tags of a template (plain's fence for templates not listed)."""
    return FORMAT_TAGS.get(template_name, FORMAT_TAGS["plain"])


def tag_count(text: str, tag: str, tags: tuple[str, ...]) -> int:
    """Occurrences of `tag`, not counting those inside a longer tag (``` inside ```sql)."""
    for longer in tags:
        if longer != tag and tag in longer:
            text = text.replace(longer, "\0")
    return text.count(tag)


def full_format(text: str | None, template_name: str) -> bool:
    """The template's exact format: its strict extractor finds an answer (the definition rewards
    and the SFT targets share, see sqlrl.prompts)."""
    return extract(text, template_name, strict=True) is not None


def reasoning_text(text: str, sql: str | None, tags: tuple[str, ...]) -> str:
    """The reasoning part of a completion: inside the reasoning tags, or else the text around the SQL."""
    if len(tags) == 4:
        m = re.search(rf"{re.escape(tags[0])}(.*?){re.escape(tags[1])}", text, re.S)
        if m:
            return m.group(1).strip()
        return text.split(tags[2], 1)[0].replace(tags[0], "").strip()
    rest = text.replace(sql, " ", 1) if sql else text
    for t in tags:
        rest = rest.replace(t, " ")
    return rest.strip()


_BAD = {"non_text", "hostile", "multiple_statements"}


@register("format_exact", lowest=0.0, highest=3.0, ok=3.0,
          summary="3 when the completion follows the template's exact format (its strict extractor finds the SQL)")
def make_format_exact(template, mode, timeout, ok):
    def score(texts, cols):
        preds = predictions("format_exact", texts, template, strict=True)
        return [ok if p.ok else 0.0 for p in preds]

    return score


@register("format_approx", lowest=-2.0, highest=2.0, strict=True, hit=0.5, miss=-0.5,
          summary="+0.5 for each template tag seen exactly once, -0.5 for each missing or repeated")
def make_format_approx(template, mode, timeout, strict, hit, miss):
    tags = tags_for(template)

    def score(texts, cols):
        preds = predictions("format_approx", texts, template, strict)
        out = []
        for p in preds:
            if p.kind in _BAD:
                out.append(miss * len(tags))
            else:
                out.append(sum(hit if tag_count(p.text, t, tags) == 1 else miss for t in tags))
        return out

    return score


@register("format_gate", lowest=-1.0, highest=0.0, bad=-1.0,
          summary="0 when the answer follows the template's exact format and holds one read-only query, else -1")
def make_format_gate(template, mode, timeout, bad):
    def score(texts, cols):
        preds = predictions("format_gate", texts, template, strict=True)
        return [0.0 if p.ok else bad for p in preds]

    return score


def length_score(n: int, min_chars: int, max_chars: int, bonus: float, penalty: float) -> float:
    """+bonus inside [min_chars, max_chars], falling linearly to -penalty at 0 chars and at 2*max_chars."""
    if n < min_chars:
        return -penalty + (bonus + penalty) * n / min_chars
    if n <= max_chars:
        return bonus
    return max(-penalty, bonus - (bonus + penalty) * (n - max_chars) / max_chars)


@register("length", lowest=-0.5, highest=0.5, strict=True, min_chars=50, max_chars=1000, bonus=0.5, penalty=0.5,
          summary="bounded bonus for reasoning between min_chars and max_chars characters, penalty outside")
def make_length(template, mode, timeout, strict, min_chars, max_chars, bonus, penalty):
    tags = tags_for(template)

    def score(texts, cols):
        preds = predictions("length", texts, template, strict)
        out = []
        for p in preds:
            if p.kind in _BAD:
                out.append(-penalty)
            else:
                out.append(length_score(len(reasoning_text(p.text, p.sql, tags)), min_chars, max_chars,
                                        bonus, penalty))
        return out

    return score
