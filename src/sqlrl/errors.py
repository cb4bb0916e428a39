"""The one exception type for mistakes a user can fix (bad input, missing files, bad config).

The CLI prints a `UserError` as one paragraph without a traceback (`--debug` shows it);
anything else is a bug and keeps its traceback.

Checks that can find several mistakes at once collect `Problem`s and raise them together
(`raise_problems`), so a user fixes everything in one round instead of one error per run.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterable


class UserError(Exception):
    """An error caused by user input; the message says what is wrong and how to fix it."""


_UNSET = object()


@dataclass(frozen=True)
class Problem:
    """One mistake in a setting: where (`field`), what was given, what is allowed, the closest valid value.

    `machine` marks problems of this machine rather than of the config (no GPU, a package or a
    file missing here): the same config may be right elsewhere.
    """

    field: str
    value: Any
    allowed: str
    closest: Any = None
    machine: bool = False

    def __str__(self) -> str:
        given = "" if self.value is _UNSET else f"={_show(self.value)}"
        hint = f" Did you mean: {self.closest!r}?" if self.closest is not None else ""
        return f"{self.field}{given}: {self.allowed}{hint}"


def _show(value: Any) -> str:
    """A value as it would be written in a recipe: true/false/null, strings quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else repr(value)


def no_value() -> Any:
    """The `value` of a Problem about a field as a whole (nothing to quote)."""
    return _UNSET


def closest(value: Any, choices: Iterable, cutoff: float = 0.6) -> Any:
    """The valid choice nearest to `value` by spelling (difflib), or None when none is near."""
    choices = [str(c) for c in choices]
    match = difflib.get_close_matches(str(value), choices, n=1, cutoff=cutoff)
    return match[0] if match else None


def choice(field: str, value: Any, choices: Iterable, what: str = "") -> Problem | None:
    """A Problem when `value` is not one of `choices` (listing them and the closest), else None."""
    choices = list(choices)
    if value in choices:
        return None
    return Problem(field, value, f"{what or 'not a valid value'}; choose one of {', '.join(map(str, choices))}.",
                   closest(value, choices))


def problems_error(problems: list[Problem], where: str) -> UserError:
    """One UserError listing every problem, one a line, each with what to change."""
    n = len(problems)
    lines = [f"{n} problem{'s' if n != 1 else ''} in {where} (found before loading any model or data):"]
    lines += [f"  - {p}" for p in problems]
    return UserError("\n".join(lines))


def raise_problems(problems: list[Problem], where: str) -> None:
    """Raise all `problems` at once (nothing when the list is empty)."""
    if problems:
        raise problems_error(problems, where)
