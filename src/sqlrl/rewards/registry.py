"""The reward registry: named factories of TRL reward functions, and the bad-input counters.

A reward is registered as a *factory* `make(template, mode, timeout, **params)` that returns a
batch scorer `score(texts, columns) -> list[float | None]`. `get_reward` wraps that scorer in
TRL's signature (`fn(prompts, completions, **dataset_columns)`), turns chat completions into
text, and guarantees the training loop never sees an exception: a completion that cannot be
scored gets the reward's documented lowest value and is counted (see `stats`). A reward that
keeps failing would leave a run training on no signal: `error_share` tells the trainer, which
stops the run with the first error (`RewardsFailing`, `reward.max_error_share`).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from sqlrl.errors import UserError
from sqlrl.prompts import get_template

log = logging.getLogger(__name__)

Scorer = Callable[[list, dict], list]


@dataclass(frozen=True)
class RewardSpec:
    """One registered reward: its factory, its value range and a one-line summary."""

    name: str
    make: Callable[..., Scorer]
    lowest: float
    highest: float
    summary: str
    params: dict = field(default_factory=dict)  # tunable parameters and their defaults


REWARDS: dict[str, RewardSpec] = {}

_COUNTS: Counter = Counter()
_WINDOW: Counter = Counter()  # the same counts for the failure guard, reset by it (not by logging)
_FIRST_ERRORS: dict[str, str] = {}  # reward -> its first internal error in the window, with where it came from
_LOCK = threading.Lock()

# Kinds of bad input, each counted per reward function that meets it.
BAD_KINDS = ("no_sql", "multiple_statements", "hostile", "non_text", "internal_error")


def register(name: str, *, lowest: float, highest: float, summary: str, **params):
    """Decorator registering a reward factory under `name` (see the module docstring)."""

    def deco(make):
        if name in REWARDS:
            raise ValueError(f"reward {name!r} registered twice")
        REWARDS[name] = RewardSpec(name, make, lowest, highest, summary, dict(params))
        return make

    return deco


def count(name: str, kind: str, n: int = 1) -> None:
    """Record `n` completions of a bad-input `kind` met by reward `name`."""
    if n:
        with _LOCK:
            _COUNTS[f"{name}/{kind}"] += n
            _WINDOW[f"{name}/{kind}"] += n


def count_scored(name: str, n: int) -> None:
    """Record `n` completions scored by reward `name` (bad ones included)."""
    with _LOCK:
        _COUNTS[f"{name}/scored"] += n
        _WINDOW[f"{name}/scored"] += n


def _record_failure(name: str, error: BaseException) -> None:
    """Keep the first internal error of reward `name` in the window: type, message and the line that raised."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (raised at {frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""
    text = str(error).strip().splitlines()
    with _LOCK:
        _FIRST_ERRORS.setdefault(name, f"{type(error).__name__}: {text[0] if text else ''}{where}")


class RewardsFailing(UserError):
    """A run stopped because a reward function failed internally on too many completions of a step."""


@dataclass(frozen=True)
class ErrorShare:
    """Internal reward errors since the last look: the worst reward's share of completions it failed on."""

    reward: str | None  # the reward with the largest share (None: nothing was scored)
    errors: int
    completions: int
    first_error: str | None  # that reward's first error, with the file and line that raised it

    @property
    def share(self) -> float:
        return self.errors / self.completions if self.completions else 0.0


def error_share(reset: bool = True) -> ErrorShare:
    """How much of the work since the last call ended in internal reward errors (see `ErrorShare`).

    A reward function that raises scores its batch at its lowest value (training never sees the
    exception) and counts `internal_error`; the training loop calls this once a step to stop a
    run whose rewards keep failing instead of training on no signal.
    """
    with _LOCK:
        window, first = dict(_WINDOW), dict(_FIRST_ERRORS)
        if reset:
            _WINDOW.clear()
            _FIRST_ERRORS.clear()
    worst = ErrorShare(None, 0, 0, None)
    for name in sorted({key.rsplit("/", 1)[0] for key in window}):
        errors = window.get(f"{name}/internal_error", 0)
        done = ErrorShare(name, errors, errors + window.get(f"{name}/scored", 0), first.get(name))
        if worst.reward is None or done.share > worst.share:
            worst = done
    return worst


def stats(reset: bool = True) -> dict[str, int]:
    """Counters since the last call: `{"<reward>/<kind>": n}` plus `"<reward>/scored"`.

    Kinds are those of `BAD_KINDS`. The trainer calls this once per logging step (it resets
    by default) and logs the values, so a user sees how many completions were malformed.
    """
    with _LOCK:
        out = dict(_COUNTS)
        if reset:
            _COUNTS.clear()
    return out


@lru_cache(maxsize=32)
def template_named(name: str):
    """The prompt template `name`, or None when there is none (its rewards then find no SQL)."""
    try:
        return get_template(name)
    except UserError:
        return None


def completion_text(completion: Any) -> str | None:
    """The text of one TRL completion, or None when it holds no text.

    A completion is a string, or (chat datasets) a list of messages whose assistant turns are
    joined; a message content may be a string or a list of `{"type": "text", "text": ...}`
    parts. Anything else (images, numbers, None) is non-text.
    """
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        completion = [completion]
    if not isinstance(completion, (list, tuple)) or not completion:
        return None
    parts: list[str] = []
    for msg in completion:
        if not isinstance(msg, dict):
            return None
        if msg.get("role", "assistant") != "assistant":
            continue
        content = msg.get("content")
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                    parts.append(part["text"])
                else:
                    return None
        else:
            return None
    return "".join(parts) if parts else None


def _columns(kwargs: dict, n: int) -> dict:
    """Dataset columns as lists of length n (TRL passes one value per completion)."""
    cols = {}
    for key, value in kwargs.items():
        if key in ("completion_ids", "trainer_state", "log_extra", "log_metric", "environments"):
            continue
        if isinstance(value, (list, tuple)) and len(value) == n:
            cols[key] = list(value)
    return cols


def get_reward(name: str, template: str = "plain", mode: str = "bird", timeout: float = 5.0, **params):
    """A TRL reward function for registered reward `name`, with `fn.__name__ == name`.

    `template` picks the answer format (and the SQL extractor), `mode` the result comparison
    (bird | spider_ts | strict), `timeout` the per-query limit in seconds; `params` override
    the reward's tunable parameters (listed in docs/rewards.md). Unknown names or parameters
    raise `UserError` naming the valid ones.
    """
    spec = REWARDS.get(name)
    if spec is None:
        raise UserError(
            f"unknown reward {name!r} (reward.functions / get_reward). Valid rewards: {', '.join(sorted(REWARDS))}."
        )
    unknown = set(params) - set(spec.params)
    if unknown:
        raise UserError(
            f"reward {name!r} has no parameter(s) {', '.join(sorted(unknown))}; "
            f"valid: {', '.join(sorted(spec.params)) or '(none)'}."
        )
    score = spec.make(template=template, mode=mode, timeout=timeout, **{**spec.params, **params})

    def fn(prompts=None, completions=None, **kwargs):
        completions = list(completions or [])
        n = len(completions)
        if n == 0:
            return []
        tmpl = template_named(template)  # rewards read whole assistant turns, prefix included
        texts = [t if t is None or tmpl is None else tmpl.full_turn(t) for t in map(completion_text, completions)]
        bad = sum(t is None for t in texts)
        count(name, "non_text", bad)
        try:
            values = score(texts, _columns(kwargs, n))
            if len(values) != n:
                raise RuntimeError(f"{name} returned {len(values)} values for {n} completions")
        except UserError:  # a setup mistake (missing column, bad config): say so, do not hide it
            raise
        except Exception as e:  # one failing batch must not stop training: log it, score lowest, count it
            log.exception("reward %s failed on a batch of %d; scoring it %s", name, n, spec.lowest)
            _record_failure(name, e)
            count(name, "internal_error", n)
            return [spec.lowest] * n
        count_scored(name, n)
        return [None if v is None else float(v) for v in values]

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{spec.summary} (sqlrl reward {name!r}, template={template}, mode={mode})"
    fn.spec = spec
    return fn
