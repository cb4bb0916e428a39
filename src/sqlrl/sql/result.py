"""What the sandbox returns: `Result` for one execution, `Verdict` for one gold/pred comparison."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlrl.sql.worker import ERROR_TYPES  # error_type values; docs/sql.md says what each means

__all__ = ["ERROR_TYPES", "Result", "Verdict", "cell_text", "result_text"]


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


def cell_text(value) -> str:
    """One result value as text: NULL, a BLOB as its SQL literal (first 16 bytes), a float to 6 digits."""
    if isinstance(value, (bytes, bytearray)):
        return f"X'{bytes(value[:16]).hex().upper()}{'...' if len(value) > 16 else ''}'"
    if isinstance(value, float):
        return repr(round(value, 6))
    return "NULL" if value is None else str(value)


def result_text(result: Result, max_rows: int = 20, max_chars: int | None = None, aligned: bool = False) -> str:
    """A Result as plain text: a header and rows (aligned columns and a row count for people, `a | b`
    lines for a model's observation), or its error; at most `max_rows` rows and `max_chars` characters."""
    if not result.ok:
        text = f"Error ({result.error_type}): {result.error}"
    elif not result.rows and not aligned:
        text = " | ".join(map(str, result.columns)) + "\n(no rows)"
    else:
        header = [str(c) for c in result.columns]
        rows = [[cell_text(v) for v in r] for r in result.rows[:max_rows]]
        more = len(result.rows) - max_rows
        if aligned:
            widths = [max([len(c)] + [len(r[k]) for r in rows]) for k, c in enumerate(header)]
            lines = [" | ".join(c.ljust(w) for c, w in zip(cells, widths)) for cells in [header, *rows]]
            lines.insert(1, "-+-".join("-" * w for w in widths))
            if more > 0 or result.truncated:
                lines.append(f"... {more if more > 0 else 'more'} more row(s)")
            lines.append(f"({len(result.rows)} row(s))")
        else:
            lines = [" | ".join(cells) for cells in [header, *rows]]
            if result.truncated or more > 0:
                lines.append(f"... (only the first {max_rows} rows are shown)")
        text = "\n".join(lines)
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars] + f"\n... (cut at {max_chars} characters)"
    return text
