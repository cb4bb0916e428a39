"""Static checks on one extracted SQL string: parse it (sqlglot, SQLite dialect) and classify it.

`classify` sorts a prediction into ok | no_sql | multiple_statements | hostile before anything
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

# Statement heads that change or escape the database; any of them at the top level is hostile.
_HOSTILE_HEADS = {
    "insert", "update", "delete", "drop", "create", "alter", "attach", "detach", "pragma",
    "vacuum", "replace", "reindex", "begin", "commit", "rollback", "savepoint", "release",
    "end", "upsert", "load", "install", "copy", "truncate", "merge", "grant", "revoke",
}
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?(\*/|$)", re.S)
_QUERY_TYPES = (exp.Query,)
# SQLite functions that reach outside the database file (the sandbox denies them as well).
_HOSTILE_FUNCS = {"load_extension", "readfile", "writefile", "fts3_tokenizer", "edit"}


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


def _head(sql: str) -> str:
    text = _COMMENTS.sub(" ", sql).strip().lstrip("(").strip()
    m = re.match(r"[A-Za-z_]+", text)
    return m.group(0).lower() if m else ""


@lru_cache(maxsize=16384)
def classify(sql: str | None) -> str:
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
                if isinstance(node, exp.Func) and (node.sql_name() or "").lower() in _HOSTILE_FUNCS:
                    return "hostile"
                if isinstance(node, exp.Anonymous) and str(node.this).lower() in _HOSTILE_FUNCS:
                    return "hostile"
            return "ok"
        if isinstance(tree, (exp.Insert, exp.Update, exp.Delete, exp.Drop, exp.Create, exp.Alter,
                             exp.Pragma, exp.Attach, exp.Detach, exp.Transaction, exp.Commit, exp.Rollback)):
            return "hostile"
    return "hostile" if _head(sql) in _HOSTILE_HEADS else "ok"


def syntax_ok(sql: str | None) -> bool:
    """True when sqlglot parses `sql` as exactly one SQLite statement."""
    return sql is not None and parse(sql) is not None
