"""The `sqlrl` command line. Each command group registers itself from its own module."""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings

from sqlrl import __version__, envfile
from sqlrl.errors import UserError

# (command, module, help). A module exposes `add_parser(subparsers)` which registers its
# command(s) and sets `func` on the parser; imports are deferred so `sqlrl --help` is fast.
COMMANDS = [
    ("train", "sqlrl.cli.train", "GRPO training from a recipe"),
    ("sft", "sqlrl.cli.train", "supervised warm start on gold SQL"),
    ("eval", "sqlrl.cli.eval", "execution accuracy of a model or a predictions file"),
    ("infer", "sqlrl.cli.eval", "answer questions with a model"),
    ("export", "sqlrl.cli.train", "merge a LoRA checkpoint into a full model"),
    ("curves", "sqlrl.cli.train", "training curves of runs side by side, and the reward trend of each"),
    ("data", "sqlrl.cli.data", "get, list, inspect, check and preview datasets"),
    ("sql", "sqlrl.cli.sql", "run and compare SQL in the sandbox"),
    ("models", "sqlrl.cli.models", "pull and list cached models"),
    ("config", "sqlrl.cli.config", "show, check and list recipes"),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sqlrl",
        description="Fine-tune language models for text-to-SQL with GRPO and execution rewards.",
    )
    parser.add_argument("--version", action="version", version=f"sqlrl {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for user errors")
    parser.add_argument("--env-file", metavar="FILE",
                        help="read secrets and settings (HF_TOKEN, WANDB_API_KEY, ...) from FILE instead of ./.env; "
                             "variables already in the environment win")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module, help_text in COMMANDS:
        mod = importlib.import_module(module)
        getattr(mod, f"add_{name}_parser", getattr(mod, "add_parser", None))(sub, name, help_text)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Library deprecation notices (transformers 5 renames, TRL internals) are not the user's to act on.
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", message=".*pin_memory.*")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        envfile.load(args.env_file)  # before any library reads HF_TOKEN / WANDB_*
        return args.func(args) or 0
    except UserError as e:
        if args.debug:
            raise
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130

