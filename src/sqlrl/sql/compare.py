"""Result comparison: when does a predicted query's result count as the gold one's?

Three modes (docs/sql.md has examples of each):
- `bird`: the rows as a set of tuples, the BIRD official rule (duplicates and row order are
  ignored; column order counts).
- `spider_ts`: test-suite-sql-eval's rule: the rows as a multiset (duplicates count), columns
  matched up to a permutation, row order compared only when the gold SQL has ORDER BY.
- `strict`: the rows as an ordered list of tuples in column order.

Shared rules, in every mode:
- both results empty (no rows) match, whatever their columns, as the official scripts do;
- a failed gold or pred never matches; a truncated result (more rows than max_rows) never
  matches, since the comparison would rest on part of the result;
- NULL equals NULL and nothing else (Python's None); 1 equals 1.0 (as in the official
  scripts), but never '1';
- floats are compared rounded to 12 significant digits, so summation-order noise such as
  0.30000000000000004 vs 0.3 does not decide a verdict; any difference a person could see does.
- column names never matter (aliases are free).
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import permutations
from operator import itemgetter

from sqlrl.sql.result import Result

MODES = ("bird", "spider_ts", "strict")
FLOAT_DIGITS = 12
MAX_PERMUTATIONS = 5040  # column permutations tried in spider_ts (7 interchangeable columns)

_LITERALS = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.S)
_ORDER_BY = re.compile(r"\border\s+by\b", re.I)


def has_order_by(sql: str) -> bool:
    """True when `sql` has ORDER BY anywhere outside string literals and comments.

    test-suite-sql-eval checks `'order by' in sql.lower()`; this is the same test without
    being fooled by literals, comments or line breaks between the two words.
    """
    return bool(_ORDER_BY.search(_LITERALS.sub(" ", sql or "")))


_EXACT_INT = 10 ** FLOAT_DIGITS  # ints this large are rounded like floats, so 10**15 equals 1e15


def normalize_value(v):
    """A value as every comparison, vote and reward sees it: floats (and huge ints) to FLOAT_DIGITS digits."""
    c = v.__class__
    if c is float or (c is int and not -_EXACT_INT < v < _EXACT_INT):
        return float(f"{v:.{FLOAT_DIGITS}g}")
    return v


def normalize_row(row) -> tuple:
    """A result row with every value normalized (see normalize_value)."""
    return tuple(normalize_value(v) for v in row)


def _has_float(rows: list) -> bool:
    return any(v.__class__ is float for row in rows for v in row)


def _normalized(rows: list, rounding: bool) -> list:
    """Rows as tuples, numbers rounded when `rounding` (either side has a float, so both sides
    are rounded alike); the same list object when nothing needs changing."""
    if not rows:
        return rows
    as_tuples = rows[0].__class__ is tuple
    if as_tuples and not rounding:
        return rows
    if not rounding:
        return [tuple(row) for row in rows]
    return [tuple(normalize_value(v) for v in row) for row in rows]


def _bag_match(gold: list, pred: list, ordered: bool) -> bool:
    """test-suite equivalence: some column permutation of `pred` equals `gold` as a multiset
    of rows (as a list when `ordered`)."""
    if len(gold) != len(pred):
        return False
    ncols = len(gold[0])
    if len(pred[0]) != ncols:
        return False
    target = gold if ordered else Counter(gold)
    if (pred == gold) if ordered else (Counter(pred) == target):
        return True
    if ncols == 1:
        return False
    # A column of pred can stand for a column of gold only if both hold the same multiset of
    # values: this prunes the permutations to try, usually down to none or one.
    gold_cols = [Counter(col) for col in zip(*gold)]
    pred_cols = [Counter(col) for col in zip(*pred)]
    options = [[j for j, pc in enumerate(pred_cols) if pc == gc] for gc in gold_cols]
    if any(not o for o in options):
        return False
    tried = 0
    for perm in _assignments(options):
        tried += 1
        if tried > MAX_PERMUTATIONS:
            return False
        if perm == tuple(range(ncols)):
            continue  # the identity was checked above
        pick = itemgetter(*perm)
        moved = [pick(row) for row in pred]
        if (moved == gold) if ordered else (Counter(moved) == target):
            return True
    return False


def _assignments(options: list[list[int]]):
    """Every way to give gold column i a distinct pred column taken from options[i]."""
    if all(len(o) == 1 for o in options):
        perm = tuple(o[0] for o in options)
        if len(set(perm)) == len(perm):
            yield perm
        return
    n = len(options)
    if all(len(o) == n for o in options):
        yield from permutations(range(n))
        return
    chosen: list[int] = []
    used: set[int] = set()

    def walk(i):
        if i == n:
            yield tuple(chosen)
            return
        for j in options[i]:
            if j not in used:
                used.add(j)
                chosen.append(j)
                yield from walk(i + 1)
                chosen.pop()
                used.discard(j)

    yield from walk(0)


def results_match(gold: Result, pred: Result, mode: str, gold_sql: str = "") -> bool:
    """Whether `pred` counts as the same answer as `gold` under `mode` (see the module doc).

    Pure: no database is touched. `gold_sql` is only read by `spider_ts` (ORDER BY decides
    whether row order matters).
    """
    if mode not in MODES:
        raise ValueError(f"unknown comparison mode {mode!r}; choose one of {', '.join(MODES)}")
    if not (gold.ok and pred.ok) or gold.truncated or pred.truncated:
        return False
    if not gold.rows and not pred.rows:
        return True
    if not gold.rows or not pred.rows:
        return False
    if mode == "bird":
        g, p = gold.rows, pred.rows
        try:
            if set(g) == set(p):  # the common case, with no copying at all
                return True
        except TypeError:  # rows given as lists (e.g. read back from JSON)
            pass
        rounding = _has_float(g) or _has_float(p)
        if not rounding and g[0].__class__ is tuple and p[0].__class__ is tuple:
            return False
        return set(_normalized(g, rounding)) == set(_normalized(p, rounding))
    rounding = _has_float(gold.rows) or _has_float(pred.rows)
    g, p = _normalized(gold.rows, rounding), _normalized(pred.rows, rounding)
    if mode == "strict":
        return g == p
    return _bag_match(g, p, has_order_by(gold_sql))
