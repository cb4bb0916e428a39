"""answer_check's numeric proximity (the reasoning-tags recipe's ratio credit) on a real SQLite database."""

from __future__ import annotations

import sqlite3

import pytest

from sqlrl.prompts import get_template
from sqlrl.rewards import get_reward
from sqlrl.rewards.execution import numeric_proximity


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("numeric") / "shop.sqlite"
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, price REAL, stock INTEGER);
        INSERT INTO item VALUES (1, 'pen', 1.5, 10), (2, 'ink', -4.0, 0), (3, 'pad', 3.0, 32);
    """)
    con.commit()
    con.close()
    return str(path)


def score(db, gold: str, answers: list[str], with_db: bool = True) -> list[float]:
    fn = get_reward("answer_check", template="reasoning_tags")
    tpl = get_template("reasoning_tags")
    comps = [tpl.answer(a, "Count them.") for a in answers]
    cols = {"gold_sql": [gold] * len(answers)}
    if with_db:
        cols["db_path"] = [db] * len(answers)
    return fn(prompts=[None] * len(answers), completions=comps, **cols)


def test_the_briefs_example(db):
    assert score(db, "SELECT 42", ["SELECT 41", "SELECT 42", "SELECT 50", "SELECT 60"]) == [0.5, 3.0, 0.25, -0.5]


def test_ratio_bands_are_inclusive(db):
    # gold 10: 11 and 9 are ratio 1.1 / 0.9 (near), 12 and 8 ratio 1.2 / 0.8 (nearish), 13 and 7 wrong
    answers = ["SELECT 11", "SELECT 9", "SELECT 12", "SELECT 8", "SELECT 13", "SELECT 7"]
    assert score(db, "SELECT 10", answers) == [0.5, 0.5, 0.25, 0.25, -0.5, -0.5]


def test_results_from_tables(db):
    gold = "SELECT sum(stock) FROM item"  # 42
    answers = ["SELECT sum(stock) FROM item WHERE id > 1",  # 32: ratio 0.76, wrong
               "SELECT sum(stock) + 2 FROM item",  # 44: 1.05
               "SELECT max(stock) + 5 FROM item",  # 37: 0.88
               "SELECT sum(stock), 1 FROM item",  # two columns: not a single number
               "SELECT stock FROM item WHERE id = 1 UNION ALL SELECT 32",  # two rows
               "SELECT '41'",  # text, not a number
               "SELECT sum(stok) FROM item"]  # error
    assert score(db, gold, answers) == [-0.5, 0.5, 0.25, -0.5, -0.5, -0.5, -1.0]


def test_gold_zero_has_no_ratio(db):
    gold = "SELECT stock FROM item WHERE name = 'ink'"  # 0
    assert score(db, gold, ["SELECT 0", "SELECT 0.01", "SELECT -0.01"]) == [3.0, -0.5, -0.5]


def test_negative_numbers(db):
    gold = "SELECT price FROM item WHERE name = 'ink'"  # -4.0
    assert score(db, gold, ["SELECT -3.8", "SELECT -4.7", "SELECT 4.0", "SELECT -5.0"]) == [0.5, 0.25, -0.5, -0.5]


def test_without_a_database_numeric_answer_text():
    # the recipe's own case: the answer is a number, compared as text, then as a ratio;
    # "forty-two" is no number (it parses as SQL, so it gets the wrong-answer value)
    assert score(None, "42", ["42", "41", "37", "30", "42.0", "forty-two"], with_db=False) == \
        [3.0, 0.5, 0.25, -0.5, 0.5, -0.5]
    assert score(None, "0", ["0.0", "0.5"], with_db=False) == [0.5, -0.5]


def test_proximity_function_edges():
    assert numeric_proximity(None, 1.0, 0.5, 0.25) is None
    assert numeric_proximity(1.0, None, 0.5, 0.25) is None
    assert numeric_proximity(0.0, 0.0, 0.5, 0.25) == 0.5
    assert numeric_proximity(1.0, 0.0, 0.5, 0.25) is None
    assert numeric_proximity(-9.0, -10.0, 0.5, 0.25) == 0.5
    assert numeric_proximity(9.0, -10.0, 0.5, 0.25) is None


def test_parameters_change_the_credit(db):
    fn = get_reward("answer_check", template="reasoning_tags", near=1.0, nearish=0.1)
    tpl = get_template("reasoning_tags")
    comps = [tpl.answer(a) for a in ("SELECT 41", "SELECT 36")]
    assert fn(prompts=[None] * 2, completions=comps, gold_sql=["SELECT 42"] * 2, db_path=[db] * 2) == [1.0, 0.1]
