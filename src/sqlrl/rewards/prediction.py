"""From completion text to a classified SQL prediction, the first step of every reward."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlrl.rewards import registry
from sqlrl.rewards.sqlcheck import classify


@dataclass(frozen=True)
class Prediction:
    """One completion: its text (None if non-text), extracted SQL and classification.

    `kind` is ok | no_sql | multiple_statements | hostile | non_text; only `ok` predictions
    are ever executed.
    """

    text: str | None
    sql: str | None
    kind: str

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


@lru_cache(maxsize=32)
def template(name: str):
    """The prompt template `name` (imported lazily: prompts.py is shared with training and eval)."""
    from sqlrl.prompts import get_template

    return get_template(name)


def full_turn(text: str, template_name: str) -> str:
    """The whole assistant turn for a completion.

    TRL (1.16) hands rewards only what the model generated after a prompt that ended with the
    template's pre-started prefix, for chat and string completions alike (as does verl's
    `solution_str`), so the prefix is put back in front. A text that already starts with it
    (a whole turn, e.g. from evaluation or a test) is left as it is.
    """
    try:
        prefix = getattr(template(template_name), "prefix", "") or ""
    except Exception:  # unknown template: the extractor will say so (and score no SQL)
        return text
    return text if not prefix or text.lstrip().startswith(prefix) else prefix + text


def extract(text: str | None, template_name: str, strict: bool = True) -> str | None:
    """The SQL answer in `text` under the template's format (strict: the format must be followed)."""
    if text is None:
        return None
    try:
        sql = template(template_name).extract(text, strict=strict)
    except Exception:  # an extractor bug must not stop training; treat as no answer
        return None
    return sql.strip() if isinstance(sql, str) and sql.strip() else None


def predictions(name: str, texts: list, template_name: str, strict: bool = True) -> list[Prediction]:
    """Extract and classify each text, counting bad kinds under reward `name` (non_text is
    counted by the registry wrapper)."""
    out = []
    for text in texts:
        if text is None:
            out.append(Prediction(None, None, "non_text"))
            continue
        sql = extract(text, template_name, strict)
        kind = classify(sql)
        if kind != "ok":
            registry.count(name, kind)
        out.append(Prediction(text, sql, kind))
    return out
