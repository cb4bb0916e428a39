"""Command-line flags generated from the config dataclasses, so a setting is declared once.

A flag's name comes from the field name (`batch_size` -> `--batch-size`), its type from the
annotation, its default from the field and its help from the field's `help` metadata (plus
`metavar`), so what `--help` says is what the recipe reference says. Choices come from the
registries that define them (comparison modes, datasets, templates, schema formats,
backends), imported from their one home. A bool that defaults to True becomes `--no-NAME`
(help: the field's `off_help`).
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from typing import Any


def registry_choices() -> dict[str, tuple]:
    """Field name -> the values the registry defining it allows."""
    from sqlrl.config import BACKENDS
    from sqlrl.data import DATASETS
    from sqlrl.data.schema import FORMATS
    from sqlrl.prompts import TEMPLATES
    from sqlrl.sql import MODES

    return {"mode": tuple(MODES), "dataset": tuple(DATASETS), "template": tuple(TEMPLATES),
            "schema_format": tuple(FORMATS), "backend": tuple(BACKENDS)}


def _scalar(annotation) -> type:
    """int for `int`, `int | None` or `Optional[int]`; the same for float, str and bool."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _scalar(args[0])
    if annotation in (int, float, str, bool):
        return annotation
    raise TypeError(f"no command-line type for annotation {annotation!r}")


def _also(text: str, more: str | None) -> str:
    """`text` with `more` in parentheses, inside the closing one when `text` already ends with one."""
    if not more:
        return text
    if not text:
        return more
    return f"{text[:-1]}; {more})" if text.endswith(")") else f"{text} ({more})"


def add_dataclass_arguments(parser, cls, fields: list[str], *, defaults: dict[str, Any] | None = None,
                            choices: dict[str, tuple] | None = None, flags: dict[str, tuple[str, ...]] | None = None,
                            notes: dict[str, str] | None = None) -> None:
    """Add one flag per named field of dataclass `cls` to `parser` (a parser or an argument group).

    defaults: a command's own default for a field (e.g. no split: the dataset's held-out one); a field given
        None here is filled and checked by the command itself (with every other problem at once), so its
        choices are listed in the help rather than enforced by argparse;
    choices: values replacing the registry's (e.g. "all" added to the schema formats);
    flags: option strings replacing the generated one (the first long one names the attribute);
    notes: a command-specific sentence added to the field's help, such as what its default means there.
    """
    hints = typing.get_type_hints(cls)
    by_name = {f.name: f for f in dataclasses.fields(cls)}
    known = registry_choices()
    for name in fields:
        f = by_name[name]  # a KeyError here is a typo in the calling module, not a user mistake
        kind = _scalar(hints[name])
        default = (defaults or {}).get(name, f.default)
        if default is dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{name} has no plain default to show on the command line")
        option = (flags or {}).get(name) or (f"--{name.replace('_', '-')}",)
        dest = next(o for o in option if o.startswith("--"))[2:].replace("-", "_")
        help_text = _also(f.metadata.get("help", ""), (notes or {}).get(name))
        if kind is bool:
            if default:
                option = tuple(o.replace("--", "--no-", 1) for o in option if o.startswith("--"))
                parser.add_argument(*option, dest=dest, action="store_false",
                                    help=f.metadata.get("off_help") or f"turn off: {help_text}")
            else:
                # default None: unset, filled from the recipe by the command (see `defaults`)
                parser.add_argument(*option, dest=dest, action="store_true", default=default, help=help_text or None)
            continue
        if default is not None and "default" not in help_text:
            help_text = _also(help_text, "default: %(default)s")
        elif default is None and name in (defaults or {}) and f.default is not None and "default" not in help_text:
            help_text = _also(help_text, f"default: the recipe's with --recipe, else {f.default}")
        allowed = (choices or {}).get(name, known.get(name))
        deferred = default is None and name in (defaults or {})  # checked later, with every other problem
        if allowed and deferred:
            help_text = _also(help_text, f"one of: {', '.join(map(str, allowed))}")
        kwargs: dict[str, Any] = {"dest": dest, "type": kind, "default": default, "help": help_text or None}
        if allowed and not deferred:
            kwargs["choices"] = allowed
        if f.metadata.get("metavar"):
            kwargs["metavar"] = f.metadata["metavar"]
        parser.add_argument(*option, **kwargs)


def settings_from_args(cls, args: argparse.Namespace, **extra):
    """An instance of dataclass `cls` from the parsed flags named like its fields, others at their defaults."""
    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(cls) if hasattr(args, f.name)}
    return cls(**{**values, **extra})
