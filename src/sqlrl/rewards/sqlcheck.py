"""Static checks on one extracted SQL string: parse it (sqlglot, SQLite dialect) and prediction_kind it.

`prediction_kind` sorts a prediction into ok | no_sql | multiple_statements | hostile before anything
executes it. The sandbox would refuse writes anyway; classifying first lets every reward give
bad input its documented lowest value and count it, whether or not it executes SQL.
"""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType

from sqlrl.sql import DENIED_FUNCTIONS, READ_PRAGMAS, WRITE_WORDS

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?(\*/|$)", re.S)
_QUERY_TYPES = (exp.Query,)


@lru_cache(maxsize=16384)
def parse(sql: str) -> exp.Expression | None:
    """The sqlglot tree of a single SQLite statement, or None when sqlglot cannot parse it."""
    try:
        trees = [t for t in sqlglot.parse(sql, read="sqlite") if t is not None]
    except (SqlglotError, RecursionError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    return trees[0] if len(trees) == 1 else None


def statement_count(sql: str) -> int:
    """How many non-empty statements `sql` holds (semicolons inside strings do not split)."""
    try:
        tokens = sqlglot.tokenize(sql, read="sqlite")
    except (SqlglotError, ValueError, IndexError):
        # the tokenizer rejects some garbage; fall back to a quote-unaware split, which can only
        # over-count, i.e. err on the side of calling the input malformed
        return sum(1 for piece in sql.split(";") if piece.strip())
    n, pending = 0, False
    for tok in tokens:
        if tok.token_type == TokenType.SEMICOLON:
            n += pending
            pending = False
        else:
            pending = True
    return n + pending


def _hostile_head(sql: str) -> bool:
    """The statement starts with a word the sandbox's deny-list refuses (a PRAGMA that is not read-only too)."""
    text = _COMMENTS.sub(" ", sql).strip().lstrip("(").strip()
    m = re.match(r"([A-Za-z_]+)\s*([A-Za-z_]*)", text)
    if not m:
        return False
    head = m.group(1).upper()
    return head in WRITE_WORDS or (head == "PRAGMA" and m.group(2).lower() not in READ_PRAGMAS)


@lru_cache(maxsize=16384)
def prediction_kind(sql: str | None) -> str:
    """ok | no_sql | multiple_statements | hostile for one extracted prediction."""
    if sql is None or not _COMMENTS.sub(" ", sql).strip().strip(";").strip():
        return "no_sql"
    if statement_count(sql) > 1:
        return "multiple_statements"
    tree = parse(sql)
    if tree is not None:
        if isinstance(tree, _QUERY_TYPES):
            # a read-only query may still hide a write in a CTE (`WITH x AS (DELETE ...)`)
            for node in tree.walk():
                if isinstance(node, (exp.Insert, exp.Update, exp.Delete, exp.Drop, exp.Create, exp.Command)):
                    return "hostile"
                if isinstance(node, exp.Func) and (node.sql_name() or "").lower() in DENIED_FUNCTIONS:
                    return "hostile"
                if isinstance(node, exp.Anonymous) and str(node.this).lower() in DENIED_FUNCTIONS:
                    return "hostile"
            return "ok"
        if isinstance(tree, (exp.Insert, exp.Update, exp.Delete, exp.Drop, exp.Create, exp.Alter,
                             exp.Attach, exp.Detach, exp.Transaction, exp.Commit, exp.Rollback)):
            return "hostile"
    return "hostile" if _hostile_head(sql) else "ok"


def syntax_ok(sql: str | None) -> bool:
    """True when sqlglot parses `sql` as exactly one SQLite statement."""
    return sql is not None and parse(sql) is not None
