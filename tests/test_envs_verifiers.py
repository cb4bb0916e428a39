"""The Verifiers export relays the same episodes (a scripted agent stands in for a model)."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from types import SimpleNamespace

import pytest

from conftest import sqlite_value
from sqlrl.envs import EnvConfig
from sqlrl.envs.verifiers_env import play

THINK = "<think>I count the authors.</think>\n"
GOLD = "SELECT count(*) FROM authors"


class ScriptedAgent:
    """Replies with fixed turns; records the user messages it receives."""

    def __init__(self, replies):
        self.replies, self.received = list(replies), []
        self.trace = SimpleNamespace(metrics={}, record_metrics=lambda m: self.trace.metrics.update(m))

    @asynccontextmanager
    async def interaction(self, task):
        agent = self

        class Chat:
            trace = agent.trace

            async def turn(self, message=None):
                agent.received.append(message)
                if not agent.replies:
                    return SimpleNamespace(terminated=True, last_reply="")
                return SimpleNamespace(terminated=False, last_reply=agent.replies.pop(0))

        yield Chat()


@pytest.fixture(scope="module")
def task(bookshop_db):
    return SimpleNamespace(data=SimpleNamespace(db_path=bookshop_db, gold_sql=GOLD))


def test_relayed_episode_gets_observations_and_ends_on_solution(task):
    agent = ScriptedAgent([THINK + f"<sql>{GOLD}</sql>", THINK + "<sql>DROP TABLE authors</sql>",
                           THINK + f"<solution>{GOLD}</solution>", "never read"])
    env = asyncio.run(play(task, agent, EnvConfig(name="sql", max_turns=4)))
    assert env.reason == "solution" and env.reward() == 1.0
    assert agent.received[0] is None
    authors = sqlite_value(task.data.db_path, GOLD)
    assert agent.received[1].startswith(f"<observation>\ncount(*)\n{authors}\n")
    assert "3 turns left." in agent.received[1]
    assert "Error (denied)" in agent.received[2]
    assert agent.trace.metrics["turns"] == 3 and agent.trace.metrics["end_solution"] == 1.0
    assert agent.replies == ["never read"]


def test_harness_ending_early_counts_as_length(task):
    agent = ScriptedAgent([THINK + f"<sql>{GOLD}</sql>"])
    env = asyncio.run(play(task, agent, EnvConfig(name="sql")))
    assert env.reason == "length" and env.reward() == -1.0
    assert agent.trace.metrics["end_length"] == 1.0


def test_verifiers_env_class_exports_the_settings():
    vf = pytest.importorskip("verifiers.v1")
    from sqlrl.envs.verifiers_env import SqlMultiTurnEnv, SqlMultiTurnEnvConfig

    assert issubclass(SqlMultiTurnEnv, vf.Env)
    cfg = SqlMultiTurnEnvConfig(max_turns=3, timeout=1.0)
    env = SqlMultiTurnEnv.__new__(SqlMultiTurnEnv)  # no seed taskset needed to read the settings
    env.config = cfg
    assert env.settings() == EnvConfig(name="sql", max_turns=3, timeout=1.0)
