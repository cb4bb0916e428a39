"""Secrets and settings from a `.env` file: HF_TOKEN, WANDB_API_KEY, WANDB_PROJECT and the like.

The command line reads `./.env` (or `--env-file FILE`) into the environment before a command
runs, so the libraries that look for these variables (huggingface_hub, wandb) find them. A
variable already set in the environment wins over the file. Values are never printed or
returned in messages: an error names the file and line, never the text on it.

The format is the common subset: `KEY=VALUE` lines, an optional `export ` in front, blank
lines and `#` comments, values in single quotes (taken as is) or double quotes (`\\n`, `\\"`
and `\\\\` escapes); an unquoted value ends at ` #`. No variable expansion, no multi-line values.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlrl.errors import UserError

# Old names some tools still write, and the name the libraries read today.
ALIASES = {"HUGGINGFACE_TOKEN": "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN": "HF_TOKEN"}
_LINE = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _value(raw: str, where: str) -> str:
    if raw[:1] in ("'", '"'):
        quote, out, i = raw[0], [], 1
        while i < len(raw) and raw[i] != quote:
            if quote == '"' and raw[i] == "\\" and i + 1 < len(raw):
                out.append(_ESCAPES.get(raw[i + 1], "\\" + raw[i + 1]))
                i += 2
                continue
            out.append(raw[i])
            i += 1
        rest = raw[i + 1:].strip()
        if i >= len(raw) or (rest and not rest.startswith("#")):
            raise UserError(f"{where}: the quoted value is not closed on its line, or text follows the closing "
                            f"quote. Write KEY=\"value\" on one line.")
        return "".join(out)
    return re.split(r"\s#", raw, maxsplit=1)[0].strip()


def parse(text: str, source: str = ".env") -> dict[str, str]:
    """The variables of a .env text, in order; a malformed line is a UserError naming `source` and the line."""
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINE.fullmatch(line)
        if not m:
            raise UserError(f"{source} line {number} is not KEY=VALUE (a name of letters, digits and _, then =). "
                            "Fix or comment out that line.")
        out[m.group(1)] = _value(m.group(2), f"{source} line {number}")
    return out


def load(path: str | Path | None = None) -> list[str]:
    """Set the variables of `path` (default `./.env`, skipped when absent) that the environment lacks.

    An explicit `path` that does not exist is a UserError. Returns the names set, never values.
    """
    file = Path(path).expanduser() if path else Path.cwd() / ".env"
    if not file.is_file():
        if path:
            raise UserError(f"--env-file {file}: no such file.")
        return []
    try:
        values = parse(file.read_text(encoding="utf-8"), str(file))
    except UnicodeDecodeError as e:
        raise UserError(f"{file}: not UTF-8 text ({e.reason} at byte {e.start}).") from e
    set_names = []
    for name, value in values.items():
        if name not in os.environ:
            os.environ[name] = value
            set_names.append(name)
    for old, new in ALIASES.items():
        if old in os.environ and new not in os.environ:
            os.environ[new] = os.environ[old]
            set_names.append(new)
    return set_names
