"""Prompt templates (chat messages) and their answer extractors, one per published style.

    t = get_template("plain")
    msgs = t.messages(example)          # [system, user] (+ assistant prefix, see below)
    sql = t.extract(t.prefix + completion)              # lenient: for evaluation
    ok = t.extract(t.prefix + completion, strict=True)  # exact format only: for rewards

A template may pre-start the assistant turn (`prefix`, e.g. "```sql\\nSELECT" for plain);
`messages` then ends with {"role": "assistant", "content": prefix} and the model continues
it. `extract` is always given the whole assistant turn, prefix included.

Generation may or may not keep the stop string at the end (transformers keeps it, vLLM
drops it by default), so a final stop string is optional for strict extraction too; a
caller that must tell a finished answer from a length-truncated one should look at the
finish reason.

Styles:
- ``plain``: schema then question, answer is only the SQL in a ```sql block; the best
  start for a small model (the prefix alone doubled EX of SmolLM2-135M, docs/measurements.md).
- ``chat``: ``plain`` without the prefix (the assistant turn left open), for comparison.
- ``arctic``: Arctic-Text2SQL-R1 / OmniSQL style: think in <think>, then <answer> with a
  ```sql block.
- ``sqlr1``: SQL-R1 style: R1 conversation preamble, <think> ... </think> <answer> with a
  ```sql block </answer>.
- ``reasoning_tags``: the Gemma / Unsloth GRPO recipe: <start_working_out> ...
  <end_working_out> then <SOLUTION> SQL </SOLUTION>.
- ``skyrl``: SkyRL-SQL multi-turn: <think>, optional <sql> queries answered by the
  environment in <observation>, final <solution> SQL </solution>.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Callable

from sqlrl.errors import UserError

_FENCE = re.compile(r"```[ \t]*(?:sql|sqlite)?[ \t]*\n?(.*?)(?:```|\Z)", re.S | re.I)
_BARE = re.compile(r"\b(SELECT|WITH)\b.*", re.S | re.I)


def clean_sql(sql: str | None) -> str | None:
    """Strip whitespace and trailing semicolons; None for nothing left."""
    if sql is None:
        return None
    sql = sql.strip().rstrip(";").strip()
    return sql or None


def _last_tag(text: str, tag: str) -> str | None:
    """Content of the last <tag>...</tag> (an unclosed last tag runs to the end)."""
    opens = [m.end() for m in re.finditer(re.escape(f"<{tag}>"), text)]
    if not opens:
        return None
    start = opens[-1]
    end = text.find(f"</{tag}>", start)
    return text[start:] if end < 0 else text[start:end]


def _last_fence(text: str) -> str | None:
    blocks = [m.group(1) for m in _FENCE.finditer(text) if m.group(1).strip()]
    return blocks[-1] if blocks else None


def _bare_select(text: str) -> str | None:
    # The last statement starting with SELECT / WITH, up to a semicolon or a blank line.
    starts = [m.start() for m in re.finditer(r"(?:^|(?<=[\s(>]))(SELECT|WITH)\b", text, re.I)]
    for start in reversed(starts):
        before = text[:start].rstrip()
        # A SELECT after "(", after a CTE's ")" or after UNION / INTERSECT / EXCEPT is part of
        # a larger statement: keep looking for where that statement starts.
        if before.endswith(("(", ")")) or re.search(r"\b(UNION|INTERSECT|EXCEPT|ALL)\Z", before, re.I):
            continue
        chunk = re.split(r";|\n\s*\n|</", text[start:], maxsplit=1)[0]
        return chunk
    return None


def lenient_extract(text: str, tags: tuple[str, ...] = ()) -> str | None:
    """Best-effort SQL: the last of the given tags, else the last ```sql block, else a bare SELECT."""
    for tag in tags:
        inner = _last_tag(text, tag)
        if inner is not None and inner.strip():
            return clean_sql(_last_fence(inner) or _bare_select(inner) or inner)
    return clean_sql(_last_fence(text) or _bare_select(text))


def _optional_end(pattern: str, stop: str) -> str:
    """Regex for `pattern` followed by `stop` or by the end of the text (stop was dropped)."""
    return pattern + r"(?:" + re.escape(stop) + r")?\s*\Z"


@dataclass(frozen=True)
class Template:
    """A prompt style: how to ask, how the answer starts and ends, how to read it back."""

    name: str
    system: str
    user: str  # format string over schema, question, hint
    prefix: str = ""
    stop_strings: list[str] = field(default_factory=list)
    strict_pattern: str = ""  # full-match regex over the assistant turn; group 1 is the SQL
    tags: tuple[str, ...] = ()  # tags the lenient extractor looks in first
    render_answer: Callable[[str, str], str] | None = None  # (sql, reasoning) -> ideal turn

    def messages(self, example: dict) -> list[dict]:
        """Chat messages for one example (uses schema, question, optional evidence)."""
        evidence = (example.get("evidence") or "").strip()
        hint = f"\nHint: {evidence}" if evidence else ""
        user = self.user.format(schema=example["schema"].strip(), question=example["question"].strip(),
                                hint=hint)
        msgs = [{"role": "system", "content": self.system}, {"role": "user", "content": user}]
        if self.prefix:
            msgs.append({"role": "assistant", "content": self.prefix})
        return msgs

    def extract(self, text: str | None, strict: bool = False) -> str | None:
        """The SQL in a whole assistant turn (prefix included); strict: exact format or None."""
        if not text:
            return None
        if strict:
            m = re.fullmatch(self.strict_pattern, text, re.S)
            return clean_sql(m.group(1)) if m else None
        return lenient_extract(text, self.tags)

    def answer(self, sql: str, reasoning: str = "") -> str:
        """The ideal assistant turn for `sql` (prefix included), e.g. as an SFT target."""
        return self.render_answer(sql.strip(), reasoning.strip() or "I look at the tables the question needs.")

    def full_turn(self, completion: str) -> str:
        """The whole assistant turn for a generated completion: the prefix put back in front.

        Generation (TRL's, ours, vLLM's, verl's `solution_str`) returns only what the model wrote
        after the pre-started prefix. A text that already starts with the prefix is taken to be a
        whole turn (from a test or a caller that kept it) and left as it is.
        """
        if not self.prefix or completion.lstrip().startswith(self.prefix):
            return completion
        return self.prefix + completion

    def completion_sql(self, completion: str | None, strict: bool = False) -> str | None:
        """THE completion -> SQL step: training rewards, evaluation, inference and the envs all call it.

        `strict` asks for the template's exact format (format rewards, Verifiers parsers); lenient
        reading is what evaluation scores. An extractor failure is this completion's failure (None),
        never the caller's.
        """
        if not isinstance(completion, str):
            return None
        try:
            sql = self.extract(self.full_turn(completion), strict=strict)
        except Exception:
            return None
        return sql.strip() if isinstance(sql, str) and sql.strip() else None

    def completion(self, sql: str, reasoning: str = "") -> str:
        """`answer` without the prefix: what the model itself should generate."""
        full = self.answer(sql, reasoning)
        assert full.startswith(self.prefix), (self.name, full[:40])
        return full[len(self.prefix):]


_SCHEMA_Q = "Database schema:\n{schema}\n\nQuestion: {question}{hint}"

PLAIN = Template(
    name="plain",
    system=(
        "You are a SQLite expert. Given a database schema and a question, write one SQLite "
        "query that answers the question. Use only tables and columns from the schema. "
        "Reply with the query only, in a ```sql code block."
    ),
    user=_SCHEMA_Q,
    prefix="```sql\nSELECT",
    stop_strings=["```"],
    strict_pattern=_optional_end(r"```sql\n((?:SELECT|WITH)\b(?:(?!```).)+?)\s*", "```"),
    render_answer=lambda sql, _r: f"```sql\n{sql}\n```",
)

# plain with the assistant turn left open: the base line the "```sql\nSELECT" prefix is measured against.
# No stop string: "```" would fire on the opening fence the model writes itself; it ends on EOS.
CHAT = replace(PLAIN, name="chat", prefix="", stop_strings=[])

ARCTIC = Template(
    name="arctic",
    system="You are a data science expert who writes correct SQLite queries.",
    user=(
        "Database engine: SQLite\n\nDatabase schema:\n{schema}\n\n"
        "This schema lists the tables, columns, primary keys and foreign keys.\n\n"
        "Question: {question}{hint}\n\n"
        "Instructions:\n"
        "- Return only the columns the question asks for.\n"
        "- Think step by step inside <think> ... </think>.\n"
        "- Then give the final query inside <answer> ... </answer>, as a code block:\n"
        "```sql\n-- your SQL query\n```"
    ),
    stop_strings=["</answer>"],
    strict_pattern=_optional_end(
        r"\s*<think>(?:(?!</?think>).)+</think>\s*<answer>\s*```sql\n((?:(?!```).)+?)```\s*", "</answer>"),
    tags=("answer",),
    render_answer=lambda sql, r: f"<think>\n{r}\n</think>\n<answer>\n```sql\n{sql}\n```\n</answer>",
)

SQLR1 = Template(
    name="sqlr1",
    system=(
        "A conversation between User and Assistant. The user asks a question and the "
        "assistant answers it. The assistant first thinks about the reasoning process and "
        "then gives the answer. The reasoning is enclosed in <think> </think> and the answer "
        "in <answer> </answer> tags: <think> reasoning here </think> <answer> answer here </answer>."
    ),
    user=(
        "Task: write a SQLite query that answers the question over this database.\n\n"
        "Database schema:\n{schema}\n\nQuestion: {question}{hint}\n\n"
        "Put the final query in the answer as ```sql\n...\n```."
    ),
    stop_strings=["</answer>"],
    strict_pattern=_optional_end(
        r"\s*<think>(?:(?!</?think>).)+</think>\s*<answer>\s*```sql\n((?:(?!```).)+?)```\s*", "</answer>"),
    tags=("answer",),
    render_answer=lambda sql, r: f"<think> {r} </think> <answer>\n```sql\n{sql}\n```\n</answer>",
)

REASONING_TAGS = Template(
    name="reasoning_tags",
    system=(
        "You are given a database schema and a question. Think about the problem and write "
        "your working out between <start_working_out> and <end_working_out>. Then give your "
        "solution, one SQLite query, between <SOLUTION> and </SOLUTION>."
    ),
    user=_SCHEMA_Q,
    prefix="<start_working_out>",
    stop_strings=["</SOLUTION>"],
    strict_pattern=_optional_end(
        r"<start_working_out>(?:(?!<end_working_out>).)*<end_working_out>\s*<SOLUTION>((?:(?!</?SOLUTION>).)+?)",
        "</SOLUTION>"),
    tags=("SOLUTION",),
    render_answer=lambda sql, r: f"<start_working_out>{r}<end_working_out><SOLUTION>{sql}</SOLUTION>",
)

SKYRL = Template(
    name="skyrl",
    system=(
        "You are a SQLite expert. Answer the question by writing a SQL query. Think inside "
        "<think> ... </think>. You may run exploratory queries by writing one query inside "
        "<sql> ... </sql>; its result comes back inside <observation> ... </observation>. "
        "When you are sure, give the final query inside <solution> ... </solution>."
    ),
    user=_SCHEMA_Q,
    stop_strings=["</sql>", "</solution>"],
    strict_pattern=_optional_end(
        r"\s*<think>(?:(?!</?think>).)+</think>\s*<solution>((?:(?!</?solution>).)+?)", "</solution>"),
    tags=("solution", "sql"),
    render_answer=lambda sql, r: f"<think>{r}</think>\n<solution>{sql}</solution>",
)

TEMPLATES: dict[str, Template] = {t.name: t for t in (PLAIN, CHAT, ARCTIC, SQLR1, REASONING_TAGS, SKYRL)}


def get_template(name: str) -> Template:
    """The template called `name` (one of TEMPLATES)."""
    try:
        return TEMPLATES[name]
    except KeyError:
        raise UserError(f"unknown prompt template {name!r}; choose one of {', '.join(TEMPLATES)}.") from None


def render_messages(messages: list[dict], tokenizer=None) -> str:
    """Chat messages as the model sees them: the tokenizer's chat template, continuing a pre-started
    assistant turn; without a tokenizer (or template), a readable role-tagged text."""
    if tokenizer is None or not getattr(tokenizer, "chat_template", None):
        return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in messages)
    cont = bool(messages) and messages[-1].get("role") == "assistant"
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=not cont,
                                         continue_final_message=cont)


def render_prompt(tokenizer, template: Template, example: dict) -> str:
    """The exact prompt text training, evaluation and inference use for `example`."""
    return render_messages(template.messages(example), tokenizer)


def default_counter(text: str) -> int:
    """Token estimate when no tokenizer is given: about 3.5 characters per token."""
    return math.ceil(len(text) / 3.5)


def token_counter(tokenizer) -> Callable[[str], int]:
    """A str -> token count function from a HF tokenizer, a callable, or None."""
    if tokenizer is None:
        return default_counter
    if hasattr(tokenizer, "encode"):
        return lambda s: len(tokenizer.encode(s, add_special_tokens=False))
    if callable(tokenizer):
        return tokenizer
    raise TypeError("tokenizer must be a HF tokenizer, a callable str -> int, or None")


def context_limit(model, tokenizer) -> int | None:
    """Longest sequence the model takes (prompt + answer), if it says."""
    cfg = getattr(model, "config", None)
    n = getattr(cfg, "max_position_embeddings", None)
    tok_n = getattr(tokenizer, "model_max_length", None)
    if tok_n and tok_n < 10**8:  # tokenizers without a limit report a huge sentinel
        n = min(n, tok_n) if n else tok_n
    return n
