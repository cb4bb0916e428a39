"""Rewards judged on the SQL text alone (sqlglot, SQLite dialect): syntax, partial_structure, keywords.

They execute nothing, so they give partial credit to a prediction that is close in shape to the
gold query even when its result is wrong, and they work where no database is at hand.
"""

from __future__ import annotations

from functools import lru_cache

from sqlglot import exp

from sqlrl.rewards.prediction import predictions
from sqlrl.rewards.registry import register
from sqlrl.rewards.sqlcheck import parse, syntax_ok

# clause name -> sqlglot node types whose presence means the query uses that clause
_CLAUSES = {
    "where": (exp.Where,), "group by": (exp.Group,), "having": (exp.Having,), "order by": (exp.Order,),
    "limit": (exp.Limit,), "join": (exp.Join,), "distinct": (exp.Distinct,), "union": (exp.Union,),
    "intersect": (exp.Intersect,), "except": (exp.Except,), "count": (exp.Count,), "sum": (exp.Sum,),
    "avg": (exp.Avg,), "min": (exp.Min,), "max": (exp.Max,), "like": (exp.Like,), "in": (exp.In,),
    "between": (exp.Between,), "case": (exp.Case,), "not": (exp.Not,), "exists": (exp.Exists,),
}


@lru_cache(maxsize=16384)
def parts(sql: str) -> tuple[frozenset, frozenset, frozenset] | None:
    """(tables, columns, clauses) of `sql` in lower case, or None if sqlglot cannot parse it.

    Tables are the database's: names the query declares itself (CTEs) are left out. Columns are
    compared by name only: table aliases (T1, T2) differ between equivalent queries.
    """
    tree = parse(sql)
    if tree is None:
        return None
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    tables = frozenset(t.name.lower() for t in tree.find_all(exp.Table) if t.name) - ctes
    columns = frozenset(c.name.lower() for c in tree.find_all(exp.Column) if c.name)
    clauses = {name for name, types in _CLAUSES.items() if tree.find(*types) is not None}
    if sum(1 for _ in tree.find_all(exp.Select)) > 1 and not tree.find(exp.Union, exp.Intersect, exp.Except):
        clauses.add("subquery")
    return tables, columns, frozenset(clauses)


def jaccard(a: frozenset, b: frozenset) -> float:
    """|a & b| / |a | b|, and 1.0 when both are empty."""
    return 1.0 if not a and not b else len(a & b) / len(a | b)


@register("syntax", lowest=0.0, highest=1.0, strict=True,
          summary="1 when sqlglot parses the SQL as one SQLite statement, else 0")
def make_syntax(template, mode, timeout, strict):
    def score(texts, cols):
        return [1.0 if p.ok and syntax_ok(p.sql) else 0.0 for p in predictions("syntax", texts, template, strict)]

    return score


@register("partial_structure", lowest=0.0, highest=1.0, strict=True,
          summary="mean Jaccard overlap of tables, columns and clauses with the gold SQL")
def make_partial_structure(template, mode, timeout, strict):
    def score(texts, cols):
        preds = predictions("partial_structure", texts, template, strict)
        out = []
        for p, gold in zip(preds, cols.get("gold_sql") or [None] * len(preds)):
            g = parts(gold) if gold else None
            if g is None:
                out.append(None)  # no parseable gold: nothing to compare with
                continue
            s = parts(p.sql) if p.ok else None
            out.append(0.0 if s is None else sum(jaccard(a, b) for a, b in zip(s, g)) / 3)
        return out

    return score


@register("keywords", lowest=0.0, highest=1.0, strict=True,
          summary="share of the gold query's clauses (WHERE, GROUP BY, JOIN, COUNT, ...) the SQL uses")
def make_keywords(template, mode, timeout, strict):
    def score(texts, cols):
        preds = predictions("keywords", texts, template, strict)
        out = []
        for p, gold in zip(preds, cols.get("gold_sql") or [None] * len(preds)):
            g = parts(gold) if gold else None
            if g is None:
                out.append(None)
                continue
            s = parts(p.sql) if p.ok else None
            if s is None:
                out.append(0.0)
            else:
                need = g[2]
                out.append(1.0 if not need else len(need & s[2]) / len(need))
        return out

    return score
