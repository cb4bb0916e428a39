"""`sqlrl sql run` and `sqlrl sql compare`: the sandbox from the command line.

Exit codes: `run` 0 when the query ran, 1 when it failed; `compare` 0 on a match, 1 otherwise;
2 for usage errors (a path that is missing, a folder, or not an SQLite file included). `--json`
prints one object in the shape docs/sql.md documents.
"""

from __future__ import annotations

import json
import sys

from sqlrl.errors import UserError

SHOW_ROWS = 50  # rows printed in the readable table; --json prints all of them


def add_sql_parser(subparsers, name: str = "sql", help: str = "run and compare SQL in the sandbox"):
    """Register `sqlrl sql {run,compare}` on `subparsers`."""
    p = subparsers.add_parser(
        name, help=help,
        description="Run SQL read-only in the sandbox (time limit, row and size caps), or compare a "
                    "predicted query with a gold query the way rewards and evaluation do.")
    sub = p.add_subparsers(dest="sql_command", metavar="{run,compare}", required=True)

    run = sub.add_parser("run", help="execute one query and print its result",
                         description="Execute one read-only query on an SQLite file in the sandbox.")
    run.add_argument("db", help="path to the SQLite database file")
    run.add_argument("sql", help="the query (use - to read it from standard input)")
    _limits(run)
    run.add_argument("--max-rows", type=int, default=10_000, metavar="N",
                     help="rows to fetch at most; the result is marked truncated beyond (default 10000)")
    run.set_defaults(func=_run)

    cmp = sub.add_parser("compare", help="compare a predicted query's result with a gold query's",
                         description="Execute a gold and a predicted query and say whether their results "
                                     "match under a comparison mode (see docs/sql.md).")
    cmp.add_argument("db", help="path to the SQLite database file")
    cmp.add_argument("--gold", required=True, metavar="SQL", help="the gold (reference) query")
    cmp.add_argument("--pred", required=True, metavar="SQL", help="the predicted query")
    cmp.add_argument("--mode", default="bird", choices=("bird", "spider_ts", "strict"),
                     help="bird: set of rows; spider_ts: multiset, columns in any order, order only "
                          "with ORDER BY; strict: ordered rows and columns (default bird)")
    _limits(cmp)
    cmp.set_defaults(func=_compare)
    return p


def _limits(p) -> None:
    p.add_argument("--timeout", type=float, default=5.0, metavar="S",
                   help="seconds the query may run (default 5)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")


def _check(args) -> None:
    from sqlrl.sql import sqlite_file_problem

    problem = sqlite_file_problem(args.db)
    if problem:
        raise UserError(f"database {problem} Pass the path to an SQLite file, "
                        f"e.g. data/spider/database/concert_singer/concert_singer.sqlite.")
    if args.timeout <= 0:
        raise UserError(f"--timeout must be a positive number of seconds, got {args.timeout}.")
    if getattr(args, "max_rows", 1) <= 0:
        raise UserError(f"--max-rows must be a positive whole number, got {args.max_rows}.")


def _run(args) -> int:
    from sqlrl.sql.executor import Sandbox

    _check(args)
    sql = sys.stdin.read() if args.sql == "-" else args.sql
    with Sandbox(workers=1, timeout=args.timeout, max_rows=args.max_rows) as sb:
        result = sb.run(args.db, sql)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        _print_result(result, "result")
    return 0 if result.ok else 1


def _compare(args) -> int:
    from sqlrl.sql.executor import Sandbox

    _check(args)
    with Sandbox(workers=2, timeout=args.timeout) as sb:
        verdict = sb.compare(args.db, args.gold, args.pred, mode=args.mode)
    if args.json:
        print(json.dumps(verdict.to_dict(), ensure_ascii=False))
    else:
        from rich.console import Console

        word = "[bold green]MATCH[/]" if verdict.match else "[bold red]NO MATCH[/]"
        Console().print(f"{word} (mode {verdict.mode})")
        _print_result(verdict.gold, "gold")
        _print_result(verdict.pred, "pred")
    return 0 if verdict.match else 1


def _print_result(result, title: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    console = Console()
    if not result.ok:
        console.print(f"[bold]{title}[/]: [red]{result.error_type}[/] {escape(str(result.error))}",
                      highlight=False)
        return
    console.print(f"[bold]{title}[/]: {len(result.rows)} row(s){' (truncated)' if result.truncated else ''}, "
                  f"{result.elapsed_s * 1000:.1f} ms", highlight=False)
    table = Table()
    for col in result.columns:
        table.add_column(Text(str(col)), overflow="fold")
    shown = result.to_dict()["rows"][:SHOW_ROWS]
    for row in shown:
        # Text, not str: a value like "[red]" is data, never rich markup.
        table.add_row(*(Text("NULL", style="dim") if v is None else Text(str(v)) for v in row))
    console.print(table)
    if len(result.rows) > SHOW_ROWS:
        console.print(f"... {len(result.rows) - SHOW_ROWS} more row(s); --json prints all")
