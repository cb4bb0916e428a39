"""The multi-turn SQL environment, at the level of text: one episode per question.

The model writes turns in the `skyrl` template's format (sqlrl.prompts). A turn that closes
`</sql>` is a query: it runs in the sandbox (read-only, time-limited, row-capped) and the
environment answers with an observation, appended to the same assistant turn:

    <think>...</think>
    <sql>SELECT count(*) FROM singer</sql>
    <observation>
    count(*)
    6

    4 turns left.
    </observation>
    <think>...</think>
    <solution>SELECT count(*) FROM singer</solution>

A turn that closes `</solution>` ends the episode; only that final turn is scored (reward
on the final solution only, as in SkyRL-SQL). Every way an episode can end has a reason:

| reason | when | answer scored |
|---|---|---|
| solution | a turn closed `</solution>` | that turn |
| no_closing_tag | a turn ended (EOS or the per-turn token limit) with neither `</sql>` nor `</solution>` | nothing |
| max_turns | the last allowed turn ran a `<sql>` query instead of answering | nothing |
| length | the completion token budget ran out (observations count against it) | nothing |

"Nothing" means the reward functions see an empty answer: the `skyrl` preset gives -1.
Query errors (syntax, unknown table, denied writes, several statements, time limit) are
not endings: the observation carries the error and the episode goes on. An observation is
cut at `max_chars` characters and `max_rows` rows, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlrl.config import EnvConfig
from sqlrl.sql.result import result_text

REASONS = ("solution", "no_closing_tag", "max_turns", "length")
SQL_CLOSE, SOLUTION_CLOSE = "</sql>", "</solution>"
CLOSING_TAGS = (SQL_CLOSE, SOLUTION_CLOSE)


def first_closing_tag(text: str) -> tuple[str | None, int]:
    """The closing tag that comes first in `text` and the index just after it ((None, -1) if none)."""
    found = [(text.find(tag), tag) for tag in CLOSING_TAGS if tag in text]
    if not found:
        return None, -1
    pos, tag = min(found)
    return tag, pos + len(tag)


def query_of(turn: str) -> str:
    """The query of a turn that closed </sql>: the text after the last <sql> before the close."""
    body = turn[:turn.find(SQL_CLOSE)]
    start = body.rfind("<sql>")
    return (body[start + len("<sql>"):] if start >= 0 else body).strip().strip(";").strip()


def render_result(result, max_rows: int, max_chars: int) -> str:
    """A sandbox Result as observation text: a header and rows, or the error; capped."""
    return result_text(result, max_rows, max_chars)


@dataclass
class Step:
    """What the environment answers to one model turn."""

    done: bool
    observation: str | None = None  # text to append after the turn (None when done)
    reason: str | None = None  # one of REASONS when done


@dataclass
class SQLEnv:
    """One episode over one database. `reset(**row)` starts it, `step(turn)` answers each turn."""

    config: EnvConfig = field(default_factory=EnvConfig)
    sandbox: object = None  # a sqlrl.sql.Sandbox; the shared one by default

    def __post_init__(self):
        self.config.check()
        self.reset()

    def reset(self, db_path: str | None = None, gold_sql: str | None = None, **row) -> None:
        """Start a new episode on `db_path` (the other row fields are kept in `row`)."""
        self.db_path, self.gold_sql, self.row = db_path, gold_sql, row
        self.turns = 0
        self.queries: list[dict] = []  # {"sql", "ok", "error_type"} per <sql> turn
        self.transcript: list[str] = []  # model turns and observations, in order
        self.final_turn: str | None = None
        self.reason: str | None = None

    @property
    def done(self) -> bool:
        return self.reason is not None

    def turns_left(self) -> int:
        return self.config.max_turns - self.turns

    def step(self, turn: str) -> Step:
        """Take one model turn (its text up to the stop); return the observation or the end."""
        if self.done:
            raise RuntimeError(f"episode already ended ({self.reason}); call reset() first")
        self.turns += 1
        self.transcript.append(turn)
        tag, _ = first_closing_tag(turn)
        if tag == SOLUTION_CLOSE:
            self.final_turn = turn
            return self.end("solution")
        if tag is None:
            return self.end("no_closing_tag")
        if self.turns_left() <= 0:
            return self.end("max_turns")
        observation = self.observe(query_of(turn))
        self.transcript.append(observation)
        return Step(False, observation)

    def observe(self, sql: str) -> str:
        """Run `sql` in the sandbox and return the observation text (reminder included)."""
        from sqlrl.sql import Result, get_sandbox

        cfg = self.config
        if not sql:
            result = Result.failure("empty query: put one SQLite query between <sql> and </sql>", "bad_input")
        elif not self.db_path:
            result = Result.failure("this episode has no database", "bad_input")
        else:
            sb = self.sandbox or get_sandbox()
            result = sb.run(self.db_path, sql, timeout=cfg.timeout, max_rows=cfg.max_rows)
        self.queries.append({"sql": sql, "ok": result.ok, "error_type": result.error_type})
        left = self.turns_left()
        reminder = (f"{left} turns left." if left > 1 else
                    "1 turn left: give your final query inside <solution> ... </solution> now.")
        return f"\n<observation>\n{render_result(result, cfg.max_rows, cfg.max_chars)}\n\n{reminder}\n</observation>\n"

    def end(self, reason: str) -> Step:
        """End the episode for `reason` (one of REASONS); the rollout calls it for `length`."""
        assert reason in REASONS, reason
        if reason != "solution":
            self.final_turn = None
        self.reason = reason
        return Step(True, None, reason)

    def answer(self) -> str:
        """The text the reward functions score: the final turn, or "" when no solution came."""
        return self.final_turn if self.reason == "solution" and self.final_turn else ""

    def record(self) -> dict:
        """A JSON-able summary of the episode, for logs and reports."""
        return {"turns": self.turns, "sql_calls": len(self.queries),
                "sql_errors": sum(not q["ok"] for q in self.queries), "used_db": bool(self.queries),
                "reason": self.reason, "queries": list(self.queries)}

    def reward(self, preset: str = "skyrl", mode: str = "bird", template: str = "skyrl") -> float:
        """The preset's weighted reward of this episode's answer (what training would give)."""
        from sqlrl.rewards import build_rewards, score_completions

        funcs, weights = build_rewards(preset=preset, template=template, mode=mode, timeout=self.config.timeout)
        cols = {"db_path": [self.db_path], "gold_sql": [self.gold_sql],
                **{k: [v] for k, v in self.row.items() if k not in ("prompt",)}}
        totals, _ = score_completions(funcs, weights, [self.answer()], cols)
        return totals[0]
