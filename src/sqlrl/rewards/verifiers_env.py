"""A Verifiers environment (the optional `verifiers` extra, v0.4 `verifiers.v1` API) for sqlrl.

It exposes the same pieces GRPO training uses: the dataset rows (question, db_path, gold_sql,
schema), the template's answer parser, and the `rubric` preset's components as weighted
`@vf.reward` methods, so a Verifiers run and an sqlrl run score a reply identically.

    from sqlrl.rewards.verifiers_env import load_taskset
    taskset = load_taskset(rows, template="plain", mode="bird")   # rows: dicts or a datasets.Dataset

Without the extra installed, importing this module works and `load_taskset` raises a UserError
saying how to install it (`pip install 'sqlrl[verifiers]'`).
"""

from __future__ import annotations

import asyncio
from typing import Iterable

from sqlrl.errors import UserError
from sqlrl.rewards import PRESETS, get_reward
from sqlrl.rewards.prediction import extract

try:
    import verifiers.v1 as vf
except ImportError as e:  # the optional extra is missing
    vf = None
    IMPORT_ERROR: ImportError | None = e
else:
    IMPORT_ERROR = None

RUBRIC = PRESETS["rubric"]

if vf is not None:

    class SqlTaskConfig(vf.TaskConfig):
        """Scoring settings of a text-to-SQL task."""

        template: str = "plain"
        """Answer template whose parser extracts the SQL (plain, arctic, sqlr1, reasoning_tags, skyrl)."""
        mode: str = "bird"
        """Result comparison: bird | spider_ts | strict."""
        timeout: float = 5.0
        """Per-query time limit in seconds."""

    class SqlTaskData(vf.TaskData):
        """One text-to-SQL question with what is needed to judge an answer by execution."""

        question: str = ""
        db_id: str = ""
        db_path: str = ""
        gold_sql: str = ""
        evidence: str = ""
        schema_text: str = ""

    def _component(name: str, weight: float):
        """A weighted Verifiers reward method scoring the reply with sqlrl's reward `name`."""

        async def method(self, task, trace) -> float:
            fn = get_reward(name, template=self.config.template, mode=self.config.mode, timeout=self.config.timeout)
            cols = {"db_path": [task.db_path], "gold_sql": [task.gold_sql], "db_id": [task.db_id]}
            # the sandbox call blocks: run it off the event loop Verifiers scores rollouts on
            values = await asyncio.to_thread(fn, prompts=[task.prompt_text], completions=[trace.last_reply], **cols)
            return 0.0 if values[0] is None else values[0]

        method.__name__ = name
        return vf.reward(method, weight=weight)

    _WEIGHTS = {name: weight for name, weight, _ in RUBRIC.components}

    class SqlTask(vf.Task[SqlTaskData, vf.State, SqlTaskConfig]):
        """A text-to-SQL task scored by sqlrl's rubric preset, with the preset's weights."""

        syntax = _component("syntax", _WEIGHTS["syntax"])  # valid SQL
        keywords = _component("keywords", _WEIGHTS["keywords"])  # the clauses the gold needs
        executable = _component("executable", _WEIGHTS["executable"])  # execution validity
        execution = _component("execution", _WEIGHTS["execution"])  # semantic correctness

        def parse(self, reply: str) -> str | None:
            """The SQL in a reply, by the template's strict parser (the one rewards use)."""
            return extract(reply, self.config.template, strict=True)

    class SqlTasksetConfig(vf.TasksetConfig):
        task: SqlTaskConfig = SqlTaskConfig()

    class SqlTaskset(vf.Taskset[SqlTask, SqlTasksetConfig]):
        """Tasks built from sqlrl dataset rows (the columns GRPO training uses)."""

        def __init__(self, config: SqlTasksetConfig, rows: Iterable[dict] = ()):
            super().__init__(config)
            self.rows = list(rows)

        def load(self):
            from sqlrl.rewards.registry import template_named as template

            tpl = template(self.config.task.template)
            for i, row in enumerate(self.rows):
                prompt = tpl.messages(row) if hasattr(tpl, "messages") else row.get("question", "")
                yield SqlTask(
                    SqlTaskData(
                        id=str(row.get("id", i)), prompt=prompt, question=row.get("question", ""),
                        db_id=row.get("db_id", ""), db_path=str(row.get("db_path", "")),
                        gold_sql=row.get("gold_sql", ""), evidence=row.get("evidence") or "",
                        schema_text=row.get("schema") or "",
                    ),
                    self.config.task,
                )


def load_taskset(rows: Iterable[dict], template: str = "plain", mode: str = "bird", timeout: float = 5.0):
    """A Verifiers taskset over sqlrl dataset rows, scored by the rubric preset."""
    if vf is None:
        raise UserError(
            f"the Verifiers environment needs the optional 'verifiers' package ({IMPORT_ERROR}). "
            "Install it with: pip install 'sqlrl[verifiers]'."
        )
    config = SqlTasksetConfig(task=SqlTaskConfig(template=template, mode=mode, timeout=timeout))
    return SqlTaskset(config, rows)
