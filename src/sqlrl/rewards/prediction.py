"""From completion text to a classified SQL prediction, the first step of every reward."""

from __future__ import annotations

from dataclasses import dataclass

from sqlrl.rewards import registry
from sqlrl.rewards.registry import template_named
from sqlrl.rewards.sqlcheck import prediction_kind


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




def extract(text: str | None, template_name: str, strict: bool = True) -> str | None:
    """The SQL in `text` under the template's format (strict: the format must be followed)."""
    tmpl = template_named(template_name)
    return None if tmpl is None else tmpl.completion_sql(text, strict=strict)


def predictions(name: str, texts: list, template_name: str, strict: bool = True) -> list[Prediction]:
    """Extract and prediction_kind each text, counting bad kinds under reward `name` (non_text is
    counted by the registry wrapper)."""
    out = []
    for text in texts:
        if text is None:
            out.append(Prediction(None, None, "non_text"))
            continue
        sql = extract(text, template_name, strict)
        kind = prediction_kind(sql)
        if kind != "ok":
            registry.count(name, kind)
        out.append(Prediction(text, sql, kind))
    return out
