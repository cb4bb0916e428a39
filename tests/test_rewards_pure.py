"""Rewards: the parts that need no database (classification, structure, format, registry, presets)."""

from __future__ import annotations

import pytest

from sqlrl.errors import UserError
from sqlrl.rewards import PRESETS, REWARDS, build_rewards, completion_text, get_reward, stats
from sqlrl.rewards.answer_format import full_format, length_score, tag_count
from sqlrl.rewards.execution import normalize_sql, row_f1_of
from sqlrl.rewards.sqlcheck import prediction_kind, statement_count
from sqlrl.rewards.sqlr1 import length_reward, parse_response
from sqlrl.rewards.structure import jaccard, parts


@pytest.mark.parametrize("sql,kind", [
    ("SELECT name FROM singer", "ok"),
    ("SELECT name FROM singer;", "ok"),
    ("WITH a AS (SELECT 1) SELECT * FROM a", "ok"),
    ("SELECT ';' FROM singer", "ok"),
    ("SELECT 1; DROP TABLE singer", "multiple_statements"),
    ("SELECT 1; SELECT 2", "multiple_statements"),
    ("DROP TABLE singer", "hostile"),
    ("DELETE FROM singer", "hostile"),
    ("ATTACH DATABASE '/tmp/x.db' AS x", "hostile"),
    ("PRAGMA writable_schema = 1", "hostile"),
    ("SELECT load_extension('/tmp/evil')", "hostile"),
    ("/* hi */ INSERT INTO singer VALUES (1)", "hostile"),
    ("", "no_sql"),
    ("   ;  ", "no_sql"),
    (None, "no_sql"),
])
def test_classify(sql, kind):
    assert prediction_kind(sql) == kind


def test_statement_count_ignores_semicolons_in_strings():
    assert statement_count("SELECT 'a;b' FROM t") == 1
    assert statement_count("SELECT 1; ; SELECT 2;") == 2


def test_parts_and_jaccard():
    t, c, k = parts("SELECT T1.name, count(*) FROM singer AS T1 JOIN concert AS T2 ON T1.id = T2.sid "
                    "WHERE T2.year > 2014 GROUP BY T1.name")
    assert t == {"singer", "concert"}
    assert c == {"name", "id", "sid", "year"}
    assert {"join", "where", "group by", "count"} <= k
    assert parts("SELEC nonsense FROM") is None
    # a CTE is the query's own name, not a table of the database
    assert parts("WITH big AS (SELECT * FROM singer WHERE age > 30) SELECT name FROM big")[0] == {"singer"}
    assert jaccard(frozenset(), frozenset()) == 1.0
    assert jaccard(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)


def test_row_f1():
    assert row_f1_of([(1,), (2,)], [(1,), (2,)]) == 1.0
    assert row_f1_of([(1,), (2,)], [(1,)]) == pytest.approx(2 / 3)
    assert row_f1_of([(1,)], [(3,)]) == 0.0
    assert row_f1_of([], []) == 1.0
    assert row_f1_of([(0.1 + 0.2,)], [(0.3,)]) == 1.0


def test_normalize_sql():
    assert normalize_sql("select  Name\nfrom Singer ;") == normalize_sql("SELECT name FROM singer")


def test_format_helpers():
    good = "<think>plan</think>\n<answer>\n```sql\nSELECT 1\n```\n</answer>\n"
    assert full_format(good, "arctic")
    assert full_format(good.replace("</answer>\n", ""), "arctic")  # the stop string may be dropped
    assert not full_format("<answer>\n```sql\nSELECT 1\n```</answer><think>x</think>", "arctic")
    assert not full_format("<think>a</think><think>b</think><answer>\n```sql\nSELECT 1\n```</answer>", "arctic")
    assert not full_format("<think>a</think><answer>SELECT 1</answer>", "arctic")  # no sql block
    assert full_format("```sql\nSELECT 1\n```", "plain")
    fence = ("```sql", "```")
    assert tag_count("```sql\nSELECT 1\n```", "```", fence) == 1
    assert tag_count("```sql\nSELECT 1\n```", "```sql", fence) == 1


def test_length_score_is_bounded():
    kw = dict(min_chars=50, max_chars=1000, bonus=0.5, penalty=0.5)
    assert length_score(0, **kw) == -0.5
    assert length_score(25, **kw) == pytest.approx(0.0)
    assert length_score(50, **kw) == 0.5 and length_score(1000, **kw) == 0.5
    assert length_score(1500, **kw) == pytest.approx(0.0)
    assert length_score(10**6, **kw) == -0.5


def test_sqlr1_parse_and_length():
    text = "<think>x</think> <answer>```sql\nSELECT  name\nFROM singer\n```</answer>"
    p = parse_response(text)
    assert p.format_ok and p.pred.sql == "SELECT name FROM singer"
    assert length_reward(p.think, p.answer, p.pred.sql) == pytest.approx(
        0.5 * (len("x") + len(p.answer)) / 2048 + len("SELECT name FROM singer") / len(p.answer))
    assert not parse_response("<answer>```sql SELECT 1```</answer>").format_ok  # no think
    assert not parse_response("<think>x</think><answer>SELECT 1</answer>").format_ok  # no sql block
    bad = parse_response("<think>x</think><answer>```sql DROP TABLE singer```</answer>")
    assert not bad.format_ok and bad.pred.kind == "hostile"
    assert not parse_response(None).format_ok


def test_completion_text():
    assert completion_text("abc") == "abc"
    assert completion_text([{"role": "assistant", "content": "SELECT 1"}]) == "SELECT 1"
    assert completion_text([{"role": "assistant", "content": [{"type": "text", "text": "a"}]}]) == "a"
    assert completion_text([{"role": "assistant", "content": [{"type": "image", "url": "x"}]}]) is None
    assert completion_text(None) is None and completion_text(42) is None and completion_text([]) is None


def test_registry_names_and_errors():
    for name in ["execution", "executable", "syntax", "format_exact", "format_approx", "answer_check",
                 "partial_structure", "row_f1", "keywords", "length"]:
        assert name in REWARDS
        assert get_reward(name).__name__ == name
    with pytest.raises(UserError, match="Valid rewards"):
        get_reward("nope")
    with pytest.raises(UserError, match="no parameter"):
        get_reward("length", bogus=1)


def test_presets_and_weight_overrides():
    assert set(PRESETS) == {"arctic", "sqlr1", "sqlr1_paper", "skyrl", "reasoning_tags", "rubric"}
    funcs, weights = build_rewards("arctic")
    assert [f.__name__ for f in funcs] == ["execution", "executable"] and weights == [0.9, 0.1]
    _, weights = build_rewards("arctic", weights={"executable": 0.5})
    assert weights == [0.9, 0.5]
    with pytest.raises(UserError, match="valid names: execution, executable"):
        build_rewards("arctic", weights={"format_exact": 1.0})
    with pytest.raises(UserError, match="Valid presets"):
        build_rewards("nope")
    funcs, _ = build_rewards("reasoning_tags", params={"answer_check": {"exact": 5.0}})
    assert [f.__name__ for f in funcs] == ["format_exact", "format_approx", "answer_check"]


def test_internal_error_scores_lowest_and_is_counted(monkeypatch):
    fn = get_reward("syntax")
    stats()

    def boom(*a, **k):
        raise RuntimeError("extractor exploded")

    monkeypatch.setattr("sqlrl.rewards.structure.predictions", boom)
    assert fn(prompts=["q"] * 2, completions=["a", "b"]) == [0.0, 0.0]
    assert stats()["syntax/internal_error"] == 2
