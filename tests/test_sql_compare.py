"""The comparison rules of each mode, one edge case per test (pure: no database)."""

from __future__ import annotations

import pytest

from sqlrl.sql import MODES, Result, has_order_by, results_match


def R(*rows, columns=None):
    width = len(rows[0]) if rows else 1
    return Result(True, columns or [f"c{i}" for i in range(width)], list(rows))


def verdicts(gold, pred, gold_sql=""):
    return {m: results_match(gold, pred, m, gold_sql) for m in MODES}


def test_modes_are_the_three_documented():
    assert MODES == ("bird", "spider_ts", "strict")


def test_row_order_ignored_by_bird_and_spider_ts_without_order_by_only():
    gold, pred = R((1,), (2,), (3,)), R((3,), (1,), (2,))
    assert verdicts(gold, pred, "SELECT a FROM t") == {"bird": True, "spider_ts": True, "strict": False}


def test_row_order_matters_in_spider_ts_when_gold_has_order_by():
    gold, pred = R((1,), (2,), (3,)), R((3,), (1,), (2,))
    sql = "SELECT a FROM t ORDER BY a"
    assert verdicts(gold, pred, sql) == {"bird": True, "spider_ts": False, "strict": False}
    assert results_match(gold, R((1,), (2,), (3,)), "spider_ts", sql)


def test_duplicates_ignored_by_bird_only():
    gold, pred = R((1,), (2,)), R((1,), (1,), (2,))
    assert verdicts(gold, pred) == {"bird": True, "spider_ts": False, "strict": False}


def test_duplicate_counts_matter_in_spider_ts_even_with_same_length():
    gold, pred = R((1,), (1,), (2,)), R((1,), (2,), (2,))
    assert verdicts(gold, pred) == {"bird": True, "spider_ts": False, "strict": False}


def test_column_order_free_in_spider_ts_only():
    gold = R((1, "a"), (2, "b"))
    pred = R(("a", 1), ("b", 2))
    assert verdicts(gold, pred) == {"bird": False, "spider_ts": True, "strict": False}


def test_column_permutation_must_keep_rows_together():
    # Each column holds the same values, but no permutation of pred's columns pairs them
    # the way gold's rows do.
    gold = R((1, "a"), (2, "b"))
    pred = R(("b", 1), ("a", 2))
    assert not results_match(gold, pred, "spider_ts")


def test_column_permutation_with_interchangeable_columns_and_order_by():
    gold = R((1, 1, "x"), (2, 2, "y"))
    pred = R(("x", 1, 1), ("y", 2, 2))
    assert results_match(gold, pred, "spider_ts", "SELECT a, b, c FROM t ORDER BY a")
    assert not results_match(gold, R(("y", 2, 2), ("x", 1, 1)), "spider_ts", "SELECT a FROM t ORDER BY a")


def test_extra_column_never_matches():
    gold, pred = R((1,), (2,)), R((1, 1), (2, 2))
    assert verdicts(gold, pred) == {"bird": False, "spider_ts": False, "strict": False}


def test_column_names_do_not_matter():
    gold = R((1,), columns=["count(*)"])
    pred = R((1,), columns=["n"])
    assert all(verdicts(gold, pred).values())


def test_both_empty_match_in_every_mode_even_with_different_columns():
    gold = Result(True, ["a"], [])
    pred = Result(True, ["x", "y", "z"], [])
    assert all(verdicts(gold, pred, "SELECT a FROM t ORDER BY a").values())


def test_empty_against_non_empty_never_matches():
    assert not any(verdicts(Result(True, ["a"], []), R((1,))).values())
    assert not any(verdicts(R((1,)), Result(True, ["a"], [])).values())


def test_all_null_row_is_not_empty():
    assert not any(verdicts(R((None,)), Result(True, ["a"], [])).values())


def test_null_equals_null_only():
    assert all(verdicts(R((None, 1)), R((None, 1))).values())
    assert not any(verdicts(R((None,)), R((0,))).values())
    assert not any(verdicts(R((None,)), R(("",))).values())
    assert not any(verdicts(R((None,)), R(("NULL",))).values())


def test_float_noise_below_12_significant_digits_is_ignored():
    assert 0.1 + 0.2 != 0.3
    assert all(verdicts(R((0.1 + 0.2, "x")), R((0.3, "x"))).values())
    assert 1 / 3 != 0.333333333333333
    assert all(verdicts(R((1 / 3,)), R((0.333333333333333,))).values())


def test_visible_float_differences_count():
    assert not any(verdicts(R((0.3,)), R((0.3000001,))).values())
    assert not any(verdicts(R((2.5,)), R((2.0,))).values())
    assert not any(verdicts(R((1e-13,)), R((2e-13,))).values())


def test_int_equals_float_but_never_text():
    assert all(verdicts(R((1,)), R((1.0,))).values())
    assert not any(verdicts(R((1,)), R(("1",))).values())
    assert not any(verdicts(R((b"1",)), R(("1",))).values())


def test_failed_gold_or_pred_never_matches():
    ok = R((1,))
    failed = Result.failure("no such table: t", "no_such_table")
    for mode in MODES:
        assert not results_match(failed, ok, mode)
        assert not results_match(ok, failed, mode)
        assert not results_match(failed, failed, mode)


def test_truncated_results_never_match():
    gold = R((1,), (2,))
    pred = Result(True, ["a"], [(1,), (2,)], truncated=True)
    assert not any(verdicts(gold, pred).values())
    assert not any(verdicts(pred, pred).values())


def test_rows_given_as_lists_compare_like_tuples():
    gold = R((1, "a"), (2, "b"))
    pred = Result(True, ["a", "b"], [[2, "b"], [1, "a"]])
    assert verdicts(gold, pred) == {"bird": True, "spider_ts": True, "strict": False}


def test_unknown_mode_is_an_error():
    with pytest.raises(ValueError, match="unknown comparison mode"):
        results_match(R((1,)), R((1,)), "exact")


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT a FROM t ORDER BY a", True),
    ("select a from t order\n  by a desc", True),
    ("SELECT a FROM t WHERE x = (SELECT max(x) FROM t ORDER BY x LIMIT 1)", True),  # as test-suite
    ("SELECT a FROM t WHERE name = 'order by'", False),
    ("SELECT a FROM t -- order by a", False),
    ("SELECT border, byline FROM t", False),
    ("", False),
])
def test_order_by_detection(sql, expected):
    assert has_order_by(sql) is expected
