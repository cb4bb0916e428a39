"""What the sandbox returns: `Result` for one execution, `Verdict` for one gold/pred comparison."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlrl.sql.worker import ERROR_TYPES  # error_type values; docs/sql.md says what each means

__all__ = ["ERROR_TYPES", "Result", "Verdict"]


def _json_value(v):
    # JSON has no bytes; show a BLOB as the SQL literal that would produce it.
    return f"X'{v.hex().upper()}'" if isinstance(v, (bytes, bytearray)) else v


@dataclass
class Result:
    """One execution: rows and column names when `ok`, else `error` (SQLite's message) and
    `error_type` (one of ERROR_TYPES). `truncated` means more than max_rows rows existed and
    only the first max_rows are in `rows`. Results are shared between identical requests of
    a batch: treat them as read-only."""

    ok: bool
    columns: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    error: str | None = None
    error_type: str | None = None
    elapsed_s: float = 0.0
    truncated: bool = False

    def to_dict(self) -> dict:
        """The JSON shape of `sqlrl sql run --json` (rows as lists; BLOBs as X'..' strings)."""
        return {
            "ok": self.ok,
            "columns": list(self.columns),
            "rows": [[_json_value(v) for v in row] for row in self.rows],
            "error": self.error,
            "error_type": self.error_type,
            "elapsed_s": self.elapsed_s,
            "truncated": self.truncated,
        }

    @classmethod
    def failure(cls, error: str, error_type: str, elapsed_s: float = 0.0) -> "Result":
        """A failed execution."""
        return cls(False, [], [], error, error_type, elapsed_s, False)


@dataclass
class Verdict:
    """A comparison of a predicted query's result with the gold query's result under `mode`."""

    match: bool
    mode: str
    pred: Result
    gold: Result

    def to_dict(self) -> dict:
        """The JSON shape of `sqlrl sql compare --json`."""
        return {"match": self.match, "mode": self.mode, "pred": self.pred.to_dict(),
                "gold": self.gold.to_dict()}
