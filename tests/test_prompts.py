"""Prompt templates: messages, prefixes, and extractors (lenient and strict)."""

from __future__ import annotations

import pytest

from sqlrl.prompts import TEMPLATES, get_template

EXAMPLE = {"schema": "singer(id INT, name TEXT)", "question": "How many singers?", "evidence": ""}
SQLS = ["SELECT count(*) FROM singer",
        "SELECT name FROM singer WHERE id IN (SELECT id FROM singer WHERE name LIKE '%a%')",
        "WITH t AS (SELECT 1 AS x) SELECT x FROM t"]


@pytest.mark.parametrize("name", sorted(TEMPLATES))
@pytest.mark.parametrize("sql", SQLS)
def test_ideal_answer_round_trips(name, sql):
    t = get_template(name)
    if name == "plain" and sql.startswith("WITH"):
        return  # plain pre-starts with SELECT: a WITH query cannot follow that prefix
    answer = t.answer(sql)
    assert answer.startswith(t.prefix)
    assert t.extract(answer, strict=True) == sql
    assert t.extract(answer) == sql
    for stop in t.stop_strings:  # vLLM drops the stop string; strict still accepts
        if answer.endswith(stop):
            assert t.extract(answer[: -len(stop)], strict=True) == sql


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_strict_rejects_wrong_format_lenient_still_reads(name):
    t = get_template(name)
    bare = "I think the answer is SELECT count(*) FROM singer"
    assert t.extract(bare, strict=True) is None
    assert t.extract(bare) == "SELECT count(*) FROM singer"
    assert t.extract("", strict=True) is None and t.extract("no sql here") is None


def test_plain_prefix_is_part_of_the_answer():
    t = get_template("plain")
    msgs = t.messages(EXAMPLE)
    assert [m["role"] for m in msgs] == ["system", "user", "assistant"]
    assert msgs[-1]["content"] == t.prefix == "```sql\nSELECT"
    assert "SQLite expert" in msgs[0]["content"]
    assert msgs[1]["content"].index("singer(id") < msgs[1]["content"].index("How many singers?")
    completion = " count(*) FROM singer;\n```"
    assert t.extract(t.prefix + completion, strict=True) == "SELECT count(*) FROM singer"
    assert t.stop_strings == ["```"]
    # the prefix alone (the model stopped at once) is no answer under strict
    assert t.extract(t.prefix, strict=True) is None


def test_lenient_takes_the_last_block_and_strict_wants_one_clean_turn():
    t = get_template("arctic")
    text = ("<think>first try ```sql\nSELECT 1\n``` then better</think>\n<answer>\n```sql\n"
            "SELECT name FROM singer\n```\n</answer>")
    assert t.extract(text) == "SELECT name FROM singer"
    assert t.extract(text, strict=True) == "SELECT name FROM singer"
    assert t.extract(text + "\nextra chatter", strict=True) is None
    r = get_template("reasoning_tags")
    assert r.extract("<start_working_out>hm<end_working_out><SOLUTION>SELECT 2</SOLUTION>", strict=True) == "SELECT 2"
    assert r.extract("<start_working_out>hm<SOLUTION>SELECT 2</SOLUTION>", strict=True) is None


def test_skyrl_multi_turn_reads_solution_not_exploration():
    t = get_template("skyrl")
    text = "<think>look</think>\n<sql>SELECT * FROM singer LIMIT 3</sql>"
    assert t.extract(text) == "SELECT * FROM singer LIMIT 3"  # lenient: the last query tried
    assert t.extract(text, strict=True) is None
    done = "<think>ok</think>\n<solution>SELECT count(*) FROM singer</solution>"
    assert t.extract(done, strict=True) == "SELECT count(*) FROM singer"
    assert set(t.stop_strings) == {"</sql>", "</solution>"}


def test_bare_select_finds_the_whole_statement():
    t = get_template("plain")
    assert t.extract("Answer: SELECT a FROM x UNION SELECT a FROM y") == "SELECT a FROM x UNION SELECT a FROM y"
    assert t.extract("so WITH c AS (SELECT 1) SELECT * FROM c;") == "WITH c AS (SELECT 1) SELECT * FROM c"


def test_evidence_is_shown_as_a_hint_and_unknown_template_errors():
    from sqlrl.errors import UserError

    msgs = get_template("sqlr1").messages({**EXAMPLE, "evidence": "singers are people"})
    assert "Hint: singers are people" in msgs[1]["content"]
    assert len(msgs) == 2  # no prefix: no assistant message
    with pytest.raises(UserError, match="unknown prompt template"):
        get_template("nope")
