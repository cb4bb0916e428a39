"""Spider's query hardness (easy / medium / hard / extra), computed from the gold SQL.

The rules are those of Spider's official evaluation (Yu et al., 2018), re-implemented on a
sqlglot parse instead of Spider's own parser. Three counts decide the level:

- component 1: WHERE, GROUP BY, ORDER BY, LIMIT, one per extra table in FROM (joins),
  one per OR and one per LIKE in the ON / WHERE / HAVING conditions;
- component 2: nested queries in those conditions, plus one for UNION / INTERSECT / EXCEPT;
- others: more than one aggregation, more than one selected column, more than one WHERE
  condition, more than one GROUP BY column (each adds 1).

The official counter has two quirks that we keep so labels match published splits: a
NOT (``NOT IN``, ``NOT LIKE``) in WHERE counts as an aggregation, and so does every AND/OR
joining HAVING conditions, while an aggregate inside HAVING itself does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot
from sqlglot import exp

LEVELS = ("easy", "medium", "hard", "extra")


@dataclass(frozen=True)
class HardnessCounts:
    """The three counts behind a hardness label."""

    component1: int
    component2: int
    others: int


def _walk_local(node: exp.Expression | None):
    """Yield the nodes of `node` without entering nested queries (they are counted apart)."""
    if node is None:
        return
    stack = [node]
    while stack:
        cur = stack.pop()
        yield cur
        for child in cur.iter_expressions():
            if isinstance(child, (exp.Subquery, exp.Select, exp.SetOperation)):
                yield child  # reported, but not entered
                continue
            stack.append(child)


def _connectors(cond: exp.Expression | None) -> tuple[int, int]:
    """(number of AND, number of OR) joining the conditions of `cond` at its top level."""
    ands = ors = 0
    stack = [cond] if cond is not None else []
    while stack:
        cur = stack.pop()
        if isinstance(cur, exp.Paren):
            stack.append(cur.this)
        elif isinstance(cur, exp.And):
            ands += 1
            stack += [cur.left, cur.right]
        elif isinstance(cur, exp.Or):
            ors += 1
            stack += [cur.left, cur.right]
    return ands, ors


def _nested_in(cond: exp.Expression | None) -> int:
    """Nested queries used as values in a condition (each counted once, not entered)."""
    return sum(
        1
        for n in _walk_local(cond)
        if n is not cond and isinstance(n, (exp.Subquery, exp.Select, exp.SetOperation))
    )


def _count(node: exp.Expression | None, kinds) -> int:
    return sum(1 for n in _walk_local(node) if isinstance(n, kinds))


def _leftmost_select(tree: exp.Expression) -> exp.Expression:
    while isinstance(tree, (exp.SetOperation, exp.Subquery, exp.Paren)):
        tree = tree.this
    return tree


def hardness_counts(sql: str | exp.Expression) -> HardnessCounts:
    """Count Spider's hardness components of one query (raises sqlglot.ParseError on bad SQL)."""
    tree = sql if isinstance(sql, exp.Expression) else sqlglot.parse_one(sql, read="sqlite")
    comp2 = 0
    if isinstance(tree, exp.SetOperation):
        comp2 += 1  # Spider keeps the right-hand side as one nested query
    select = _leftmost_select(tree)
    if not isinstance(select, exp.Select):
        return HardnessCounts(0, comp2, 0)

    where = select.args.get("where")
    having = select.args.get("having")
    group = select.args.get("group")
    order = select.args.get("order")
    joins = select.args.get("joins") or []
    on_conds = [j.args.get("on") for j in joins if j.args.get("on") is not None]
    where_cond = where.this if where else None
    having_cond = having.this if having else None
    conds = [*on_conds, where_cond, having_cond]

    comp1 = 0
    comp1 += where is not None
    comp1 += group is not None
    comp1 += order is not None
    comp1 += select.args.get("limit") is not None
    comp1 += len(joins)
    for c in conds:
        comp1 += _connectors(c)[1]  # OR
        comp1 += _count(c, (exp.Like, exp.ILike))
        comp2 += _nested_in(c)

    selected = select.expressions
    aggs = sum(1 for e in selected if isinstance(e.unalias(), exp.AggFunc))
    aggs += _count(where_cond, exp.Not)
    group_cols = group.expressions if group else []
    aggs += sum(_count(g, exp.AggFunc) for g in group_cols)
    if order is not None:
        aggs += sum(_count(o, exp.AggFunc) for o in order.expressions)
    if having_cond is not None:
        aggs += _count(having_cond, exp.Not) + sum(_connectors(having_cond))
    where_ands, where_ors = _connectors(where_cond)

    others = 0
    others += aggs > 1
    others += len(selected) > 1
    others += (where_ands + where_ors) > 0
    others += len(group_cols) > 1
    return HardnessCounts(comp1, comp2, others)


def hardness_of_counts(counts: HardnessCounts) -> str:
    """Map the three counts to Spider's level with the official thresholds."""
    c1, c2, o = counts.component1, counts.component2, counts.others
    if c1 <= 1 and o == 0 and c2 == 0:
        return "easy"
    if (o <= 2 and c1 <= 1 and c2 == 0) or (c1 <= 2 and o < 2 and c2 == 0):
        return "medium"
    if (o > 2 and c1 <= 2 and c2 == 0) or (2 < c1 <= 3 and o <= 2 and c2 == 0) or (
        c1 <= 1 and o == 0 and c2 <= 1
    ):
        return "hard"
    return "extra"


def spider_hardness(sql: str) -> str:
    """Spider hardness of a gold query; "unknown" when sqlglot cannot parse it."""
    try:
        return hardness_of_counts(hardness_counts(sql))
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return "unknown"
