"""Settings of the multi-turn SQL environment: the `env:` section of a recipe.

Kept free of heavy imports so `sqlrl.config` can import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlrl.errors import UserError

ENV_NAMES = ("none", "sql")


@dataclass
class EnvConfig:
    name: str = field(default="none", metadata={
        "help": "multi-turn environment: none (single turn) | sql (the model may run <sql> queries and read "
                "<observation> results before its <solution>; use data.template=skyrl)"})
    max_turns: int = field(default=5, metadata={
        "help": "most model turns in an episode, the final <solution> turn included"})
    timeout: float = field(default=5.0, metadata={"help": "time limit in seconds for one <sql> query"})
    max_rows: int = field(default=10, metadata={"help": "rows of a result shown in an observation"})
    max_chars: int = field(default=1000, metadata={
        "help": "characters of a result shown in an observation (longer text is cut and marked)"})

    def check(self, where: str = "env") -> "EnvConfig":
        """Raise UserError naming the field when a setting is out of range; returns self."""
        if self.name not in ENV_NAMES:
            raise UserError(f"{where}.name={self.name!r}: choose one of {', '.join(ENV_NAMES)}.")
        for key, low in (("max_turns", 1), ("max_rows", 1), ("max_chars", 50)):
            value = getattr(self, key)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise UserError(f"{where}.{key}={value!r}: must be an integer of at least {low}.")
        if not isinstance(self.timeout, (int, float)) or isinstance(self.timeout, bool) or self.timeout <= 0:
            raise UserError(f"{where}.timeout={self.timeout!r}: must be a positive number of seconds.")
        return self
