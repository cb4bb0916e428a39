"""Rewards on a real database (the demo bookshop): every preset's values on hand-written completions equal its
definition (docs/rewards.md), bad input never raises and is counted, one sandbox call per step."""

from __future__ import annotations

import pytest

from sqlrl.prompts import get_template
from sqlrl.rewards import PRESETS, build_rewards, get_reward, judge, stats

GOLD = "SELECT country ,  count(*) FROM authors GROUP BY country"
SQL = {
    "right": GOLD,
    "reordered": "SELECT country, count(*) FROM authors GROUP BY country ORDER BY count(*) DESC, country DESC",
    "wrong": "SELECT country, count(*) FROM authors WHERE birth_year > 1950 GROUP BY country",
    "error": "SELECT country, count(*) FROM author GROUP BY country",
    "hostile": "DROP TABLE authors",
    "multiple": "SELECT country FROM authors; DELETE FROM authors",
}
REASONING = "Group the authors by country and count each group."

# preset -> case -> weighted total (docs/rewards.md, "Presets")
EXPECTED = {
    "arctic": {"right": 1.0, "reordered": 1.0, "wrong": 0.1, "error": 0.0, "bad": 0.0},
    "skyrl": {"right": 1.0, "reordered": 1.0, "wrong": 0.0, "error": 0.0, "bad": -1.0},
    "reasoning_tags": {"right": 8.0, "reordered": 8.0, "wrong": 4.5, "error": 4.0, "bad": None},
    "rubric": {"right": 1.0, "reordered": 1.0, "wrong": 0.4, "error": 0.2, "bad": 0.0},
    "sqlr1_paper": {"right": None, "reordered": None, "wrong": 0.0, "error": -1.0, "bad": -1.0},
    "sqlr1": {"right": 1.3, "reordered": None, "wrong": None, "error": None, "bad": 0.0},
}
BAD = ["hostile", "multiple", "malformed", "empty", "non_text"]


@pytest.fixture(scope="module")
def db(bookshop_db):
    return bookshop_db


def completions(template: str) -> dict:
    tpl = get_template(template)
    out = {case: [{"role": "assistant", "content": tpl.answer(sql, REASONING)}] for case, sql in SQL.items()}
    out["malformed"] = [{"role": "assistant", "content": "The answer is the number of authors per country."}]
    out["empty"] = [{"role": "assistant", "content": ""}]
    out["non_text"] = [{"role": "assistant", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]
    return out


def totals(preset: str, db: str, weights=None, mode="bird"):
    spec = PRESETS[preset]
    funcs, w = build_rewards(preset, weights=weights, template=spec.template, mode=mode)
    comps = completions(spec.template)
    names = list(comps)
    n = len(names)
    per = [f(prompts=["q"] * n, completions=[comps[c] for c in names], completion_ids=None, trainer_state=None,
             db_path=[db] * n, gold_sql=[GOLD] * n, db_id=["bookshop"] * n) for f in funcs]
    parts = {c: [v[i] for v in per] for i, c in enumerate(names)}
    return {c: sum(wi * vi for wi, vi in zip(w, parts[c]) if vi is not None) for c in names}, parts


@pytest.mark.parametrize("preset", sorted(EXPECTED))
def test_preset_values(preset, db):
    got, parts = totals(preset, db)
    for case, want in EXPECTED[preset].items():
        for c in (BAD if case == "bad" else [case]):
            if want is not None:
                assert got[c] == pytest.approx(want), (preset, c, parts[c])


def test_sqlr1_paper_length_term(db):
    got, parts = totals("sqlr1_paper", db)
    text = completions("sqlr1")["right"][0]["content"]
    answer = text.split("<answer>")[1].split("</answer>")[0].strip()
    think = text.split("<think>")[1].split("</think>")[0].strip()
    length = 0.5 * (len(think) + len(answer)) / 2048 + len(" ".join(GOLD.split())) / len(answer)
    assert parts["right"] == pytest.approx([1.0, 2.0, 3.0, length])
    assert got["right"] == pytest.approx(6.0 + length)


def test_sqlr1_partial_structure(db):
    got, parts = totals("sqlr1", db)
    assert parts["right"] == [1.0, 1.0]
    assert 0 < parts["wrong"][1] < 1 and got["wrong"] == pytest.approx(0.3 * parts["wrong"][1])
    assert parts["reordered"][0] == 1.0 and got["reordered"] > got["wrong"]


def test_reasoning_tags_bad_input(db):
    got, parts = totals("reasoning_tags", db)
    for c in ["hostile", "multiple", "non_text"]:
        assert parts[c] == [0.0, -2.0, -1.0], c
        assert got[c] == -3.0
    for c in ["empty", "malformed"]:
        # the turn holds only the pre-started <start_working_out> tag: +0.5 for it instead of -0.5
        assert parts[c] == [0.0, -1.0, -1.0], c
        assert got[c] == -2.0


def test_reordered_rows_depend_on_mode(db):
    got, _ = totals("arctic", db, mode="strict")
    assert got["reordered"] == pytest.approx(0.1)  # runs, but the order differs
    got, _ = totals("arctic", db, mode="spider_ts")
    assert got["reordered"] == pytest.approx(1.0)  # gold has no ORDER BY


def test_weight_in_recipe_changes_reward(db):
    from sqlrl import config

    # the arctic_r1 recipe (reward/arctic.yaml), as `sqlrl train` builds its rewards, with and without
    # the dotted override `reward.weights.executable=0.5`
    base = config.load("arctic_r1")
    cfg = config.load("arctic_r1", ["reward.weights.executable=0.5"])
    assert (base.reward.preset, base.reward.weights, cfg.reward.weights) == ("arctic", {}, {"executable": 0.5})
    _, w = build_rewards(cfg.reward.preset, weights=cfg.reward.weights, template=cfg.data.template)
    assert w == [0.9, 0.5]
    before, _ = totals("arctic", db, weights=base.reward.weights)
    after, _ = totals("arctic", db, weights=cfg.reward.weights)
    assert before["wrong"] == pytest.approx(0.1) and after["wrong"] == pytest.approx(0.5)
    assert before["right"] == pytest.approx(1.0) and after["right"] == pytest.approx(1.4)
    assert after["error"] == before["error"] == 0.0  # an erroring query earns neither weight


def test_bad_input_is_counted_and_never_raises(db):
    stats()
    fn = get_reward("execution", template="plain")
    comps = ["```sql\nSELECT 1; DROP TABLE authors\n```", None, 42, [{"role": "assistant", "content": None}],
             "no sql here", "```sql\nSELECT count(*) FROM authors\n```"]
    out = fn(prompts=["q"] * 6, completions=comps, db_path=[db] * 6, gold_sql=["SELECT count(*) FROM authors"] * 6)
    assert out == [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    s = stats()
    assert s["execution/multiple_statements"] == 1 and s["execution/non_text"] == 3
    assert s["execution/no_sql"] == 1 and s["execution/scored"] == 6
    assert stats() == {}  # reset


def test_answer_check_close_tier(db):
    fn = get_reward("answer_check", template="reasoning_tags")
    gold = "SELECT count(*) FROM authors WHERE country = 'Japan'"
    tpl = get_template("reasoning_tags")
    comps = [tpl.answer(gold.replace("Japan", "japan").lower()), tpl.answer(gold)]
    assert fn(prompts=[None] * 2, completions=comps, db_path=[db] * 2, gold_sql=[gold] * 2) == [1.5, 3.0]
    # without a database the recipe's text comparison applies
    assert fn(prompts=[None] * 2, completions=comps, gold_sql=[gold] * 2) == [1.5, 3.0]


def test_row_f1_and_keywords(db):
    tpl = get_template("plain")
    comps = [tpl.answer("SELECT country, count(*) FROM authors WHERE country != 'Japan' GROUP BY country"),
             tpl.answer(GOLD), tpl.answer("SELECT name FROM authors")]
    f1 = get_reward("row_f1")(prompts=[None] * 3, completions=comps, db_path=[db] * 3, gold_sql=[GOLD] * 3)
    assert 0 < f1[0] < 1 and f1[1] == 1.0 and f1[2] == 0.0
    kw = get_reward("keywords")(prompts=[None] * 3, completions=comps, db_path=[db] * 3, gold_sql=[GOLD] * 3)
    assert kw[1] == 1.0 and kw[2] == 0.0 and kw[0] == 1.0  # gold needs group by + count


def test_one_sandbox_call_per_step(db):
    judge.clear()
    funcs, _ = build_rewards("rubric", template="plain")
    tpl = get_template("plain")
    comps = [tpl.answer(sql) for sql in SQL.values()] * 16
    n = len(comps)
    before = judge.CALLS["sandbox_calls"]
    for f in funcs:
        f(prompts=[None] * n, completions=comps, db_path=[db] * n, gold_sql=[GOLD] * n)
    assert judge.CALLS["sandbox_calls"] - before == 1  # executable ran it; execution reused it


def test_missing_column_is_a_user_error(db):
    from sqlrl.errors import UserError

    with pytest.raises(UserError, match="db_path"):
        get_reward("execution")(prompts=[None], completions=["```sql\nSELECT 1\n```"], gold_sql=[GOLD])


@pytest.mark.parametrize("chat", [False, True])
def test_completions_get_the_template_prefix(db, chat):
    # TRL 1.16 hands over only the continuation of the pre-started assistant turn, chat or not
    fn = get_reward("execution", template="plain")
    gold = "SELECT count(*) FROM authors"
    comps = [" count(*) FROM authors\n```", "```sql\nSELECT count(*) FROM authors\n```", "I don't know"]
    if chat:
        comps = [[{"role": "assistant", "content": c}] for c in comps]
    assert fn(prompts=[None] * 3, completions=comps, db_path=[db] * 3, gold_sql=[gold] * 3) == [1.0, 1.0, 0.0]


def test_failing_gold_does_not_apply(db):
    tpl = get_template("plain")
    comps = [tpl.answer("SELECT count(*) FROM authors")]
    cols = dict(db_path=[db], gold_sql=["SELECT count(*) FROM no_such_table"])
    assert get_reward("execution")(prompts=[None], completions=comps, **cols) == [None]
    assert get_reward("row_f1")(prompts=[None], completions=comps, **cols) == [None]
    assert get_reward("executable")(prompts=[None], completions=comps, **cols) == [1.0]
