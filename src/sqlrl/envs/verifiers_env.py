"""The SQL environment as a Verifiers env (optional `verifiers` extra, v0.4 `verifiers.v1` API).

Verifiers v1 has no `MultiTurnEnv`; a multi-turn env is a `vf.Env` whose `run` relays turns
through an agent interaction. Here each model reply is one turn of `SQLEnv` (the same
episode logic as training): a `<sql>` reply gets its observation back as the next user
message, a `<solution>` reply ends the exchange, and the final reply is what the task's
rewards score (use the rewards taskset with template `skyrl`). Episode facts (turns, queries,
database use, end reason) are recorded as trace metrics.

    from sqlrl.envs.verifiers_env import play
    env = await play(task, agent, EnvConfig(name="sql"))   # any task with db_path / gold_sql data
"""

from __future__ import annotations

import asyncio

from sqlrl.config import EnvConfig
from sqlrl.envs.sql_env import REASONS, SQLEnv
from sqlrl.rewards.verifiers_env import vf  # None when the optional extra is missing


def episode_trace_metrics(env: SQLEnv) -> dict[str, float]:
    """The numbers one episode adds to its trace."""
    rec = env.record()
    return {"turns": float(rec["turns"]), "sql_calls": float(rec["sql_calls"]), "used_db": float(rec["used_db"]),
            "sql_errors": float(rec["sql_errors"]), **{f"end_{r}": float(rec["reason"] == r) for r in REASONS}}


async def play(task, agent, settings: EnvConfig, sandbox=None) -> SQLEnv:
    """Play one episode of `task` (its data has db_path and gold_sql) with a Verifiers agent."""
    env = SQLEnv(settings, sandbox)
    env.reset(db_path=task.data.db_path, gold_sql=task.data.gold_sql)
    async with agent.interaction(task) as chat:
        segment = await chat.turn()  # a prompted task speaks first
        while not segment.terminated:
            step = await asyncio.to_thread(env.step, segment.last_reply)  # the sandbox call blocks
            if step.done:
                break
            segment = await chat.turn(step.observation.strip())
        if not env.done:  # the harness ended the run (its own limits) before an answer
            env.end("length")
        chat.trace.record_metrics(episode_trace_metrics(env))
    return env


if vf is not None:

    class SqlMultiTurnEnvConfig(vf.EnvConfig):
        """The multi-turn SQL env: one `agent` seat and the episode limits of sqlrl's EnvConfig."""

        agent: vf.AgentConfig = vf.AgentConfig()
        """The policy that writes <sql> / <solution> turns."""
        max_turns: int = 5
        """Model turns per episode, the final <solution> turn included."""
        timeout: float = 5.0
        """Seconds per <sql> query."""
        max_rows: int = 10
        """Rows of a result shown in an observation."""
        max_chars: int = 1000
        """Characters of a result shown in an observation."""

    class SqlMultiTurnEnv(vf.Env[SqlMultiTurnEnvConfig]):
        """Relays an agent's <sql> turns to the sandbox until it gives a <solution>."""

        def settings(self) -> EnvConfig:
            c = self.config
            return EnvConfig(name="sql", max_turns=c.max_turns, timeout=c.timeout, max_rows=c.max_rows,
                             max_chars=c.max_chars).check()

        async def run(self, task, agents) -> None:
            await play(task, agents.agent, self.settings())
