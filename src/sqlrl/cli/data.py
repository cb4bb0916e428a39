"""`sqlrl data check | stats | preview`: see what the model sees, and clean gold data."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from sqlrl.cli.args import add_dataclass_arguments, registry_choices
from sqlrl.config import DataConfig
from sqlrl.data.schema import FORMATS as SCHEMA_FORMATS
from sqlrl.errors import UserError


def _dataset_args(p: argparse.ArgumentParser, split_default: str | None = None) -> None:
    add_dataclass_arguments(p, DataConfig, ["split", "data_dir", "limit"], defaults={"split": split_default},
                            notes={"split": "default: the dataset's first: train, dev, test..."})
    p.add_argument("--skip-invalid", action="store_true",
                   help="leave out invalid items (bad JSON, missing fields or databases) and count them")


def _resolve(name: str, split: str | None) -> tuple[str, str]:
    """Dataset name and split; a path to a .jsonl file stands for ("jsonl", path)."""
    from sqlrl.data import DATASETS

    if name not in DATASETS and (name.endswith(".jsonl") or Path(name).is_file()):
        return "jsonl", name
    if name not in DATASETS:
        raise UserError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)} (or a .jsonl file).")
    if name == "jsonl" and not split:
        raise UserError("dataset jsonl needs --split PATH_TO_FILE.jsonl.")
    return name, split or DATASETS[name].splits[0]


def _load_rows(args) -> tuple[str, str, list[dict], int]:
    from sqlrl.data import load_examples

    name, split = _resolve(args.dataset, args.split)
    rows, skipped = load_examples(name, split, args.data_dir, args.limit, args.skip_invalid)
    if skipped:
        print(skipped.summary(), file=sys.stderr)
    return name, split, rows, len(skipped)


def _tokenizer(choice: str):
    """The default model's tokenizer, or None (a ~3.5 chars/token estimate) if unavailable."""
    if choice == "none":
        return None
    try:
        from sqlrl.models import load_tokenizer

        return load_tokenizer(None if choice == "default" else choice)
    except Exception as e:  # any failure: fall back to the estimate, and say so
        print(f"note: tokenizer unavailable ({e}); token counts are estimates (3.5 chars/token)",
              file=sys.stderr)
        return None


def cmd_check(args) -> int:
    """Execute every gold query; report errors, empty results and slow queries."""
    from sqlrl.data.check import check_gold, write_items

    name, split, rows, n_invalid = _load_rows(args)
    verdicts = check_gold(rows, timeout=args.timeout, slow_s=args.slow)
    counts = Counter(v.status for v in verdicts)
    report = {"dataset": name, "split": split, "items": len(rows), "invalid_skipped": n_invalid,
              **{k: counts.get(k, 0) for k in ("ok", "empty", "slow", "error")}}
    problems = [{"id": v.id, "status": v.status, "elapsed_s": v.elapsed_s, "error": v.error,
                 "db_id": r["db_id"], "sql": r["gold_sql"]}
                for v, r in zip(verdicts, rows) if v.status != "ok"]
    if args.json:
        print(json.dumps({**report, "problems": problems}, indent=1))
    else:
        print(f"{name}/{split}: {len(rows)} items: {report['ok']} ok, {report['empty']} empty, "
              f"{report['slow']} slow (> {args.slow:g} s), {report['error']} error"
              + (f", {n_invalid} invalid skipped" if n_invalid else ""))
        for p in problems[: args.show]:
            print(f"  {p['status']:5} {p['id']} [{p['db_id']}] {p['sql'][:100]}"
                  + (f"\n        {p['error']}" if p["error"] else ""))
        if len(problems) > args.show:
            print(f"  ... {len(problems) - args.show} more (use --json for all)")
    if args.filter:
        drop = {"error", "slow"} | ({"empty"} if not args.keep_empty else set())
        kept = [r for r, v in zip(rows, verdicts) if v.status not in drop]
        write_items(kept, Path(args.filter))
        print(f"wrote {len(kept)} of {len(rows)} items to {args.filter} "
              f"(load with: sqlrl ... --dataset jsonl --split {args.filter})", file=sys.stderr)
    return 1 if counts.get("error") else 0


def cmd_stats(args) -> int:
    """Counts, difficulty and prompt token statistics per schema format."""
    from sqlrl.data import add_schemas, default_data_dir
    from sqlrl.data.stats import difficulty_counts, summarize
    from sqlrl.prompts import get_template

    name, split, rows, n_invalid = _load_rows(args)
    template = get_template(args.template)
    tok = _tokenizer(args.tokenizer)
    from sqlrl.prompts import render_prompt, token_counter

    count = token_counter(tok)
    formats = SCHEMA_FORMATS if args.schema_format == "all" else (args.schema_format,)
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir(name)
    out = {"dataset": name, "split": split, "items": len(rows), "invalid_skipped": n_invalid,
           "databases": len({r["db_path"] for r in rows}), "difficulty": difficulty_counts(rows),
           "template": template.name, "tokenizer": getattr(tok, "name_or_path", None) or "estimate",
           "formats": {}}
    if args.schema_prune:
        out["schema_prune"] = True
    for fmt in formats:
        add_schemas(rows, fmt, data_dir=data_dir, schema_prune=args.schema_prune)
        schema_cache, prompts, answers = {}, [], []
        for r in rows:
            if r["schema"] not in schema_cache:  # one per database, or per kept table set when pruned
                schema_cache[r["schema"]] = count(r["schema"])
            prompts.append(count(render_prompt(tok, template, r)))
            answers.append(count(template.completion(r["gold_sql"])))
        out["formats"][fmt] = {
            "schema": summarize([schema_cache[r["schema"]] for r in rows], args.max_length),
            "prompt": summarize(prompts, args.max_length),
            "prompt_plus_answer": summarize([p + a for p, a in zip(prompts, answers)], args.max_length),
        }
    if args.json:
        print(json.dumps(out, indent=1))
        return 0
    print(f"{name}/{split}: {out['items']} items over {out['databases']} databases; "
          f"difficulty {out['difficulty']}")
    pruned = ", schemas pruned to the tables each question likely needs" if args.schema_prune else ""
    print(f"tokens ({out['tokenizer']}, template {template.name}{pruned}; share over {args.max_length}):")
    print(f"  {'format':9} {'schema mean':>11} {'prompt mean':>11} {'p50':>6} {'p90':>6} {'max':>6} "
          f"{'prompt>' + str(args.max_length):>11} {'+answer>' + str(args.max_length):>12}")
    key = f"over_{args.max_length}"
    for fmt, s in out["formats"].items():
        p = s["prompt"]
        print(f"  {fmt:9} {s['schema']['mean']:11.1f} {p['mean']:11.1f} {p['p50']:6} {p['p90']:6} "
              f"{p['max']:6} {p[key]:11.1%} {s['prompt_plus_answer'][key]:12.1%}")
    return 0


def cmd_preview(args) -> int:
    """Print the first N rendered prompts (as the model sees them) with their gold SQL."""
    from sqlrl.data import add_schemas, default_data_dir
    from sqlrl.prompts import get_template, render_prompt

    dataset, n = "demo", 3
    for tok in args.what:
        if tok.isdigit():
            n = int(tok)
        else:
            dataset = tok
    args.dataset, args.limit = dataset, n if args.limit is None else min(args.limit, n)
    name, split, rows, _ = _load_rows(args)
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir(name)
    add_schemas(rows, args.schema_format, args.max_schema_tokens, data_dir=data_dir)
    template = get_template(args.template)
    tok = _tokenizer(args.tokenizer)
    for r in rows:
        print(f"===== {r['id']} [{r['db_id']}] difficulty={r['difficulty']}"
              + (" (schema truncated)" if r["schema_truncated"] else ""))
        print(render_prompt(tok, template, r))
        print(f"----- gold: {r['gold_sql']}\n")
    return 0


def cmd_pull(args) -> int:
    """Download (or take --from), check and install a benchmark dataset under the data root."""
    from sqlrl.data.pull import pull

    parts = list(args.part or []) + (["test_suite"] if args.test_suite else [])
    if len(args.dataset) > 1 and (parts or args.url or args.from_archive):
        raise UserError("--part, --test-suite, --url and --from apply to one dataset: pull them one at a time.")
    for name in args.dataset:
        pull(name, parts, url=args.url, archive=args.from_archive, verify=not args.no_verify,
             force=args.force, progress=not args.quiet, say=lambda m: print(m, file=sys.stderr))
    return 0


def cmd_list(args) -> int:
    """Every dataset, where it is, whether it is installed, and its questions per split."""
    from sqlrl.data.inventory import format_inventory, inventory
    from sqlrl.paths import data_root

    entries = inventory()
    print(json.dumps(entries, indent=1) if args.json else format_inventory(entries, data_root()))
    return 0


def add_data_parser(subparsers, name: str = "data", help: str = "inspect, check and preview datasets"):
    """Register `sqlrl data` and its subcommands."""
    p = subparsers.add_parser(name, help=help, description="Inspect, check and preview text-to-SQL datasets.")
    sub = p.add_subparsers(dest="data_command", metavar="SUBCOMMAND", required=True)

    c = sub.add_parser("check", help="execute every gold query; report errors, empty and slow ones",
                       description="Execute every gold query through the sandbox and report errors, "
                                   "empty results and slow queries; --filter writes a cleaned JSONL copy.")
    c.add_argument("dataset", help=f"dataset name ({', '.join(registry_choices()['dataset'])}) or a .jsonl file")
    _dataset_args(c)
    c.add_argument("--timeout", type=float, default=30.0, help="seconds before a query is stopped (counts as error)")
    c.add_argument("--slow", type=float, default=5.0, help="seconds above which a query counts as slow")
    c.add_argument("--filter", metavar="OUT.jsonl", help="write the items that pass to this JSONL file")
    c.add_argument("--keep-empty", action="store_true", help="with --filter, keep items whose gold result is empty")
    c.add_argument("--show", type=int, default=20, help="problems listed in the text report")
    c.add_argument("--json", action="store_true", help="print the report as JSON")
    c.set_defaults(func=cmd_check)

    s = sub.add_parser("stats", help="counts, difficulty and prompt token counts per schema format",
                       description="Item counts, difficulty, and token counts of the rendered prompts "
                                   "for each schema format.")
    s.add_argument("dataset", help="dataset name or a .jsonl file")
    _dataset_args(s)
    add_dataclass_arguments(s, DataConfig, ["schema_format", "template", "schema_prune"],
                            defaults={"schema_format": "all"},
                            choices={"schema_format": ("all",) + SCHEMA_FORMATS},
                            notes={"schema_format": "to measure: one, or all of them"})
    s.add_argument("--tokenizer", default="default",
                   help="'default' (the default model's), a model path or id, or 'none' for a 3.5 chars/token "
                        "estimate")
    s.add_argument("--max-length", type=int, default=512, help="report the share of prompts over this many tokens")
    s.add_argument("--json", action="store_true", help="print the statistics as JSON")
    s.set_defaults(func=cmd_stats)

    v = sub.add_parser("preview", help="show the first N rendered prompts",
                       description="Show rendered prompts as the model sees them: `sqlrl data preview [DATASET] [N]`.")
    v.add_argument("what", nargs="*", metavar="DATASET|N", help="dataset (default demo) and/or how many (default 3)")
    _dataset_args(v)
    add_dataclass_arguments(v, DataConfig, ["schema_format"])
    v.add_argument("--max-schema-tokens", type=int, default=None, help="truncate schemas to this budget")
    add_dataclass_arguments(v, DataConfig, ["template"])
    v.add_argument("--tokenizer", default="none",
                   help="'none' prints the messages; 'default' applies the chat template")
    v.set_defaults(func=cmd_preview)

    pl = sub.add_parser("pull", help="download and install a benchmark dataset into the data root",
                        description="Download a benchmark dataset (spider, bird, kaggledbqa, sql_create_context), "
                                    "check it and install it into <data root>/<name> ($SQLRL_DATA_DIR, else "
                                    "$SQLRL_HOME/data) in one rename: a dataset folder is complete or absent. "
                                    "See docs/data.md, 'Getting the data'.")
    pl.add_argument("dataset", nargs="+", help="spider, bird, kaggledbqa or sql_create_context (several: one "
                                               "after the other)")
    pl.add_argument("--part", action="append", metavar="PART",
                    help="install this part instead of the default ones (repeatable): spider main|test_suite, "
                         "bird dev|minidev|train (default: dev)")
    pl.add_argument("--test-suite", action="store_true",
                    help="spider: also add test-suite-sql-eval's databases (~1.27 GB) beside each database")
    pl.add_argument("--from", dest="from_archive", metavar="ARCHIVE",
                    help="install this archive (downloaded by hand) instead of downloading")
    pl.add_argument("--url", help="download from this address instead (a mirror)")
    pl.add_argument("--no-verify", action="store_true",
                    help="accept an archive whose SHA-256 differs from the manifest's (a re-packed mirror); "
                         "its layout is still checked")
    pl.add_argument("--force", action="store_true", help="reinstall even if the dataset is already installed")
    pl.add_argument("--quiet", action="store_true", help="no progress bars")
    pl.set_defaults(func=cmd_pull)

    ls = sub.add_parser("list", help="every dataset: where it is, installed or not, questions per split",
                        description="List every dataset (demo included): its folder, whether it is installed, "
                                    "and its questions per split (the length of each split's JSON file).")
    ls.add_argument("--json", action="store_true", help="print the listing as JSON")
    ls.set_defaults(func=cmd_list)
    return p
