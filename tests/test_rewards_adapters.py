"""The verl adapter and the Verifiers environment score like the trainer does."""

from __future__ import annotations

import asyncio
import importlib.util

import pytest

from sqlrl.prompts import get_template
from sqlrl.rewards import build_rewards

GOLD = "SELECT count(*) FROM authors"


@pytest.fixture(scope="module")
def db(bookshop_db):
    return bookshop_db


def test_verl_compute_score(db):
    from sqlrl.rewards.verl import compute_score, compute_score_batch

    tpl = get_template("arctic")
    right = tpl.answer(GOLD, "count")
    wrong = tpl.answer("SELECT count(*) FROM authors WHERE birth_year > 1950", "count")
    gt = {"sql": GOLD, "db_path": db}
    assert compute_score("spider", right, gt) == pytest.approx(1.0)
    assert compute_score("spider", wrong, gt) == pytest.approx(0.1)
    assert compute_score("spider", "no answer at all", gt) == 0.0
    # skyrl preset, its own template: an arctic-formatted answer fails the format
    assert compute_score("spider", right, GOLD, {"db_path": db, "preset": "skyrl"}) == -1.0
    assert compute_score("spider", right, GOLD, {"db_path": db, "preset": "skyrl", "template": "arctic"}) == 1.0
    root = str(db).rsplit("/bookshop/", 1)[0]
    assert compute_score("spider", right, {"sql": GOLD, "db_id": "bookshop", "db_root": root}) == pytest.approx(1.0)
    out = compute_score_batch(["spider"] * 2, [right, wrong], [gt, gt], [None, {"weights": {"executable": 0.5}}])
    assert out[0] == {"score": pytest.approx(1.0), "execution": 1.0, "executable": 1.0}
    assert out[1]["score"] == pytest.approx(0.5)


def test_verl_missing_database_is_a_user_error():
    from sqlrl.errors import UserError
    from sqlrl.rewards.verl import compute_score

    with pytest.raises(UserError, match="db_root"):
        compute_score("spider", "x", {"sql": GOLD, "db_id": "bookshop"})


@pytest.mark.skipif(importlib.util.find_spec("verifiers") is None,
                    reason="optional extra 'verifiers' not installed (pip install 'sqlrl[verifiers]')")
def test_verifiers_taskset_scores_like_the_rubric_preset(db):
    import verifiers.v1 as vf
    from verifiers.v1.trace import AgentInfo, TraceTask

    from sqlrl.rewards.verifiers_env import load_taskset

    row = {"id": "dev-0", "db_id": "bookshop", "db_path": db, "question": "How many authors do we have?",
           "gold_sql": GOLD, "schema": "CREATE TABLE authors (author_id int, name text, country text)"}
    tasks = list(load_taskset([row], template="plain"))
    assert len(tasks) == 1
    task = tasks[0]
    assert task.data.prompt[-1] == {"role": "assistant", "content": "```sql\nSELECT"} or \
        task.data.prompt[-1].content == "```sql\nSELECT"
    funcs, weights = build_rewards("rubric", template="plain")
    hooks = {f.__name__: f._vf_weight for f in task.hooks("reward")}
    assert hooks == {f.__name__: w for f, w in zip(funcs, weights)}

    tpl = get_template("plain")
    for sql, want in [(GOLD, 1.0), ("SELECT count(*) FROM authors WHERE birth_year > 1950", 0.4),
                      ("SELECT count(nope) FROM authors", 0.2)]:
        # a real Verifiers trace, built as its rollout builds one, with the reply as the agent's answer
        trace = vf.Trace(task=TraceTask(type=type(task).__name__, data=task.data, key=task.key, hash=task.hash),
                         agent=AgentInfo(config=vf.AgentConfig()), root_reply=tpl.answer(sql))
        asyncio.run(task.score(trace))  # Verifiers' own scoring path: discovers and weights the rewards
        total = sum(r.score * r.weight for r in trace.rewards.values())
        assert total == pytest.approx(want), (sql, trace.rewards)
        assert task.parse(trace.last_reply) == sql
