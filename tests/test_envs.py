"""The SQL environment at the text level: scripted episodes on a real database (the demo bookshop)."""

from __future__ import annotations

import pytest

from conftest import sqlite_rows, sqlite_value
from sqlrl.envs import EnvConfig, SQLEnv, render_result
from sqlrl.errors import UserError
from sqlrl.sql import get_sandbox

GOLD = "SELECT count(*) FROM authors"
THINK = "<think>I count the authors.</think>\n"


@pytest.fixture(scope="module")
def db(bookshop_db):
    return bookshop_db


@pytest.fixture(scope="module")
def authors(db) -> int:
    return sqlite_value(db, GOLD)


def play(env: SQLEnv, turns: list[str]) -> list:
    """Feed fixed completions turn by turn until the episode ends; returns the steps."""
    steps = []
    for turn in turns:
        steps.append(env.step(turn))
        if steps[-1].done:
            break
    return steps


def test_scripted_episode_transcript_and_reward(db, authors):
    env = SQLEnv(EnvConfig(name="sql", max_turns=3))
    env.reset(db_path=db, gold_sql=GOLD)
    first_two = "SELECT name FROM authors ORDER BY name LIMIT 2"
    steps = play(env, [THINK + f"<sql>{first_two}</sql>",
                       THINK + "<sql>SELECT count(*) FROM authors</sql>",
                       THINK + f"<solution>{GOLD}</solution>"])
    assert [s.done for s in steps] == [False, False, True]
    (a,), (b,) = sqlite_rows(db, first_two)
    assert steps[0].observation == f"\n<observation>\nname\n{a}\n{b}\n\n2 turns left.\n</observation>\n"
    assert steps[1].observation == (f"\n<observation>\ncount(*)\n{authors}\n\n1 turn left: give your final query "
                                    "inside <solution> ... </solution> now.\n</observation>\n")
    assert env.reason == "solution" and env.turns == 3
    assert env.transcript == [THINK + f"<sql>{first_two}</sql>", steps[0].observation,
                              THINK + "<sql>SELECT count(*) FROM authors</sql>", steps[1].observation,
                              THINK + f"<solution>{GOLD}</solution>"]
    assert env.record()["sql_calls"] == 2 and env.record()["used_db"]
    assert env.reward() == 1.0


def test_wrong_solution_scores_zero_and_bad_format_minus_one(db):
    env = SQLEnv(EnvConfig(name="sql"))
    env.reset(db_path=db, gold_sql=GOLD)
    play(env, [THINK + "<solution>SELECT count(*) FROM books</solution>"])
    assert env.reason == "solution" and env.reward() == 0.0
    env.reset(db_path=db, gold_sql=GOLD)
    play(env, [f"<solution>{GOLD}</solution>"])  # no <think>: the skyrl format is not followed
    assert env.reason == "solution" and env.reward() == -1.0


@pytest.mark.parametrize("sql, error_type", [
    ("DROP TABLE authors", "denied"),
    ("SELECT * FROM authors; DELETE FROM authors", None),
    ("SELEC name FROM authors", "syntax"),
    ("SELECT nope FROM authors", "no_such_column"),
    ("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM r) SELECT count(*) FROM r", "timeout"),
    ("", "bad_input"),
])
def test_hostile_or_broken_sql_is_an_observation_and_the_episode_goes_on(db, authors, sql, error_type):
    env = SQLEnv(EnvConfig(name="sql", max_turns=3, timeout=0.5))
    env.reset(db_path=db, gold_sql=GOLD)
    step = env.step(THINK + f"<sql>{sql}</sql>")
    assert not step.done
    assert "<observation>\nError (" in step.observation
    if error_type:
        assert f"Error ({error_type})" in step.observation
    assert env.record()["sql_errors"] == 1
    final = env.step(THINK + f"<solution>{GOLD}</solution>")
    assert final.done and env.reward() == 1.0
    assert get_sandbox().run(db, GOLD).rows == [(authors,)]  # nothing was changed


def test_turn_without_closing_tag_ends_with_minus_one(db):
    env = SQLEnv(EnvConfig(name="sql"))
    env.reset(db_path=db, gold_sql=GOLD)
    (step,) = play(env, [THINK + f"<solution>{GOLD}"])  # cut by the token limit: no </solution>
    assert step.done and step.reason == "no_closing_tag"
    assert env.answer() == "" and env.reward() == -1.0


def test_more_turns_than_allowed_ends_with_minus_one(db):
    env = SQLEnv(EnvConfig(name="sql", max_turns=2))
    env.reset(db_path=db, gold_sql=GOLD)
    steps = play(env, [THINK + "<sql>SELECT 1</sql>"] * 5)
    assert [s.done for s in steps] == [False, True]
    assert env.reason == "max_turns" and env.reward() == -1.0
    with pytest.raises(RuntimeError, match="already ended"):
        env.step(THINK + f"<solution>{GOLD}</solution>")


def test_observation_is_capped_in_rows_and_characters(db):
    env = SQLEnv(EnvConfig(name="sql", max_rows=3, max_chars=60))
    env.reset(db_path=db, gold_sql=GOLD)
    obs = env.step(THINK + "<sql>SELECT * FROM authors</sql>").observation
    body = obs.split("<observation>\n", 1)[1].split("\n\n", 1)[0]
    assert body.endswith("... (cut at 60 characters)")
    assert len(body) == 60 + len("\n... (cut at 60 characters)")
    env = SQLEnv(EnvConfig(name="sql", max_rows=2, max_chars=5000))
    env.reset(db_path=db, gold_sql=GOLD)
    obs = env.step(THINK + "<sql>SELECT name FROM authors</sql>").observation
    assert obs.count("\n") == 9 and "... (only the first 2 rows are shown)" in obs


def test_only_the_first_closing_tag_counts(db):
    env = SQLEnv(EnvConfig(name="sql"))
    env.reset(db_path=db, gold_sql=GOLD)
    step = env.step(THINK + "<sql>SELECT 42</sql> then <solution>SELECT 1</solution>")
    assert not step.done and "\n42\n" in step.observation


def test_render_result_error_and_empty():
    from sqlrl.sql import Result

    assert render_result(Result.failure("boom", "other"), 5, 100) == "Error (other): boom"
    assert render_result(Result(True, ["a"], []), 5, 100) == "a\n(no rows)"


@pytest.mark.parametrize("field, value", [("max_turns", 0), ("timeout", 0), ("max_rows", 0), ("name", "gym"),
                                          ("max_chars", 10)])
def test_bad_settings_name_the_field(field, value):
    with pytest.raises(UserError, match=f"env.{field}"):
        EnvConfig(**{field: value}).check()


def test_recipe_skyrl_multiturn_turns_the_environment_on():
    from types import SimpleNamespace

    from sqlrl import config
    from sqlrl.envs import trainer_kwargs
    from sqlrl.envs.trl_rollout import env_settings

    raw = config._compose(config.find_recipe("skyrl_multiturn"))
    assert (raw["data"]["dataset"], raw["data"]["template"], raw["reward"]["preset"]) == ("spider", "skyrl", "skyrl")
    assert env_settings(SimpleNamespace(env=raw["env"])) == EnvConfig(name="sql", max_turns=5, timeout=5.0,
                                                                      max_rows=10, max_chars=1000)
    cfg = config.load("skyrl_multiturn")
    assert set(trainer_kwargs(cfg)) == {"rollout_func"}


# ---------------------------------------------------------------- token level: the episode loop
@pytest.fixture(scope="module")
def tok():
    from sqlrl.models import load_tokenizer

    return load_tokenizer()


def scripted(tok, turns, seen):
    """A `Generate` answering every episode with turns[k] at its k-th call; records the inputs."""

    def generate(batch):
        seen.append([list(x) for x in batch])
        return [tok.encode(turns[len(seen) - 1], add_special_tokens=False) for _ in batch], None

    return generate


def test_token_episode_masks_observations_and_cuts_after_the_close(db, authors, tok):
    from sqlrl.envs.rollout import run_episodes

    env = SQLEnv(EnvConfig(name="sql", max_turns=3))
    env.reset(db_path=db, gold_sql=GOLD)
    prompt = tok.encode("Question: how many authors?", add_special_tokens=False)
    turns = [THINK + "<sql>SELECT count(*) FROM authors</sql> and then some", THINK + f"<solution>{GOLD}</solution>"]
    seen = []
    (ep,) = run_episodes([env], [prompt], scripted(tok, turns, seen), tok, max_completion_tokens=200)
    assert env.reason == "solution" and env.reward() == 1.0
    model_ids = [t for t, m in zip(ep.completion_ids, ep.env_mask) if m]
    env_ids = [t for t, m in zip(ep.completion_ids, ep.env_mask) if not m]
    assert tok.decode(model_ids) == THINK + "<sql>SELECT count(*) FROM authors</sql>" + turns[1]
    assert tok.decode(env_ids) == env.transcript[1] and f"\n{authors}\n" in env.transcript[1]
    # the second turn saw the prompt, the first turn cut at </sql>, and the observation
    assert seen[1][0] == prompt + ep.completion_ids[:len(seen[1][0]) - len(prompt)]
    assert tok.decode(seen[1][0][len(prompt):]).endswith("</observation>\n")


@pytest.mark.parametrize("budget, reason", [(30, "length"), (200, "max_turns")])
def test_a_solution_that_never_comes_ends_with_minus_one(db, tok, budget, reason):
    from sqlrl.envs.rollout import run_episodes

    env = SQLEnv(EnvConfig(name="sql", max_turns=2))
    env.reset(db_path=db, gold_sql=GOLD)
    query = THINK + "<sql>SELECT name FROM authors</sql>"
    (ep,) = run_episodes([env], [[1, 2]], scripted(tok, [query] * 3, []), tok, max_completion_tokens=budget)
    assert env.reason == reason and env.answer() == "" and env.reward() == -1.0
    assert len(ep.completion_ids) <= budget and len(ep.env_mask) == len(ep.completion_ids)


def test_generation_pauses_at_the_closing_sql_tag(tiny_model_dir, tok):
    """Real transformers generate with the skyrl stop strings, forced to write past </sql>."""
    import torch
    from transformers import AutoModelForCausalLM, LogitsProcessor, LogitsProcessorList

    from sqlrl.envs.rollout import cut_after_close
    from sqlrl.prompts import get_template
    from sqlrl.stopping import configure_stopping

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    configure_stopping(model, tok, get_template("skyrl").stop_strings)
    prompt = torch.tensor([tok.encode("Question: how many authors?", add_special_tokens=False)])
    script = tok.encode(THINK + "<sql>SELECT count(*) FROM authors</sql> and on and on until the limit",
                        add_special_tokens=False)

    class Force(LogitsProcessor):
        def __call__(self, input_ids, scores):
            forced = torch.full_like(scores, -float("inf"))
            forced[:, script[input_ids.shape[1] - prompt.shape[1]]] = 0.0
            return forced

    out = model.generate(prompt, max_new_tokens=len(script) - 1, do_sample=False,
                         logits_processor=LogitsProcessorList([Force()]))[0, prompt.shape[1]:].tolist()
    assert len(out) < len(script) - 3  # it stopped, well before the token limit
    assert tok.decode(cut_after_close(tok, out)) == THINK + "<sql>SELECT count(*) FROM authors</sql>"
