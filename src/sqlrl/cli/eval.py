"""`sqlrl eval` (score a model or a predictions file; `sqlrl eval compare RUN...`) and `sqlrl infer`.

Defaults come from the config dataclasses, so evaluation sees what training sees. Nothing
heavy is imported at module level: `sqlrl --help` must stay fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sqlrl.cli.args import add_dataclass_arguments, settings_from_args
from sqlrl.config import DataConfig, EnvConfig, EvalConfig, ModelConfig, RewardConfig
from sqlrl.errors import UserError

# The split evaluated when --split is not given: each dataset's held-out split.
DEFAULT_SPLIT = {"demo": "test", "spider": "dev", "bird": "dev", "kaggledbqa": "test",
                 "sql_create_context": "val"}

EVAL_DESCRIPTION = """\
Execution accuracy (EX): a prediction is right when its result on the database matches the
gold query's result under --mode. Score a model (--model) or a predictions file
(--predictions: JSONL {"db_id","question","sql"} or {"id","sql"} in any order, or Spider's
one-SQL-per-line format in dataset order). Compare runs with
`sqlrl eval compare RUN_A RUN_B [RUN ...] [--out DIR]`. Prints `EX = xx.x% (k/n, mode=..., decode=...)`.
With --out DIR, finished batches are on disk as they end; after an interruption, the same
command with --resume continues from the last finished batch.
"""


def _d(cls, name):
    return cls.__dataclass_fields__[name].default


def _UNSET(*names) -> dict:
    """Flag defaults of None: an unset flag takes the value of --recipe, else the config default (`_settle`)."""
    return {n: None for n in names}


def _add_data_args(p) -> None:
    add_dataclass_arguments(p, DataConfig, ["dataset"], defaults=_UNSET("dataset"))
    add_dataclass_arguments(p, EvalConfig, ["split"], defaults=_UNSET("split"),
                            notes={"split": "default: the recipe's eval split, else the dataset's dev/test split"})
    add_dataclass_arguments(p, DataConfig, ["data_dir"])
    add_dataclass_arguments(p, EvalConfig, ["limit"])
    add_dataclass_arguments(p, DataConfig, ["schema_format", "schema_prune"], defaults=_UNSET("schema_format",
                                                                                               "schema_prune"))


def _add_gen_args(p) -> None:
    add_dataclass_arguments(p, DataConfig, ["template"], defaults=_UNSET("template"))
    add_dataclass_arguments(p, EvalConfig, ["batch_size", "max_new_tokens"],
                            defaults=_UNSET("batch_size", "max_new_tokens"))
    add_dataclass_arguments(p, ModelConfig, ["dtype"], defaults=_UNSET("dtype"))
    p.add_argument("--device", default=None, help="torch device, e.g. cpu or cuda (default: model's)")
    add_dataclass_arguments(p, EvalConfig, ["timeout"], defaults=_UNSET("timeout"))
    add_dataclass_arguments(p, EvalConfig, ["grounded"])


# Flags standing for a config field. Unset, they take the value of --recipe (with its overrides), else the
# config's default, so evaluation sees what training sees; problems are named by the flag when it was given.
FLAG_FIELDS = {"dataset": "data.dataset", "split": "data.split", "data_dir": "data.data_dir", "limit": "eval.limit",
               "schema_format": "data.schema_format", "schema_prune": "data.schema_prune",
               "template": "data.template", "batch_size": "eval.batch_size",
               "max_new_tokens": "eval.max_new_tokens", "dtype": "model.dtype", "timeout": "reward.timeout",
               "mode": "reward.mode", "model": "model.name"}


def _config_values(cfg) -> dict:
    """The values a run config gives evaluation: its eval section first, then its data, model and reward."""
    own_data = cfg.eval.dataset in (None, cfg.data.dataset)
    return {"dataset": cfg.eval.dataset or cfg.data.dataset,
            "split": cfg.eval.split or (cfg.data.eval_split if own_data else None),
            "data_dir": cfg.data.data_dir if own_data else None, "limit": cfg.eval.limit,
            "schema_format": cfg.data.schema_format, "schema_prune": cfg.data.schema_prune,
            "template": cfg.data.template,
            "batch_size": cfg.eval.batch_size, "max_new_tokens": cfg.eval.max_new_tokens, "dtype": cfg.model.dtype,
            "timeout": cfg.reward.timeout, "mode": cfg.reward.mode}


def _settle(args, overrides=(), with_model: bool = True) -> None:
    """Fill unset flags from --recipe (or the config defaults), then check every value at once.

    Raises one UserError listing every problem (recipe values, flags, the model name, the
    dataset's folder) before any model or dataset loads.
    """
    from sqlrl.cli.checks import load_with_problems, section_problems
    from sqlrl.config import RunConfig
    from sqlrl.data import DATASETS
    from sqlrl.errors import Problem, raise_problems

    given = {k for k in FLAG_FIELDS if getattr(args, k, None) is not None}
    found: list[Problem] = []
    if getattr(args, "recipe", None):
        cfg, found, where = load_with_problems(args.recipe, overrides, training=False)
        found = [p for p in found if p.field != "model.name"]  # the model evaluated is --model
        where += " and the command line"
    else:
        if overrides:
            raise UserError(f"KEY=VALUE overrides ({' '.join(overrides)}) need --recipe.")
        cfg, where = RunConfig(), "the command line"
    for key, value in _config_values(cfg).items():
        if hasattr(args, key) and getattr(args, key) is None:
            setattr(args, key, value)
    if hasattr(args, "split") and args.split is None:
        args.split = DEFAULT_SPLIT.get(args.dataset)
        if args.split is None and args.dataset in DATASETS:  # (an unknown dataset is a problem of its own)
            found.append(Problem("--split", None, f"dataset {args.dataset!r} has no default split: pass --split."))
    used = RunConfig()
    used.model.dtype = args.dtype
    used.model.name = args.model if with_model and getattr(args, "model", None) else used.model.name
    used.data.dataset = getattr(args, "dataset", used.data.dataset)
    used.data.split = getattr(args, "split", None) or used.data.split
    used.data.data_dir = getattr(args, "data_dir", None)
    used.data.schema_format, used.data.template = args.schema_format, args.template
    used.eval.limit = getattr(args, "limit", None)
    used.eval.batch_size, used.eval.max_new_tokens = args.batch_size, args.max_new_tokens
    used.reward.timeout = args.timeout
    used.reward.mode = getattr(args, "mode", used.reward.mode)
    flags = {field: f"--{key.replace('_', '-')}" for key, field in FLAG_FIELDS.items()
             if key in given or not getattr(args, "recipe", None)}
    for p in section_problems(used):
        if p.field == "model.name" and not (with_model and getattr(args, "model", None)):
            continue
        p = Problem(flags.get(p.field, p.field), p.value, p.allowed, p.closest, p.machine)
        if str(p) not in map(str, found):
            found.append(p)
    found += _flag_problems(args)
    raise_problems(found, where)


def _flag_problems(args) -> list:
    """Problems of the flags that stand for no config field (decoding, sampling)."""
    from sqlrl.errors import Problem

    out = []
    decode = getattr(args, "decode", None)
    if decode is not None:
        from sqlrl.eval.evaluate import parse_decode

        try:
            parse_decode(decode)
        except UserError as e:
            out.append(Problem("--decode", decode, str(e)))
    for flag in ("pass_at", "num_samples", "max_turns"):
        value = getattr(args, flag, None)
        if value is not None and value < 1:
            out.append(Problem(f"--{flag.replace('_', '-')}", value, "must be at least 1."))
    return out


def add_eval_parser(subparsers, name, help_text):
    p = subparsers.add_parser(name, help=help_text, description=EVAL_DESCRIPTION)
    p.add_argument("action", nargs="*", metavar="compare RUN_A RUN_B [RUN ...] | KEY=VALUE",
                   help="compare runs (directories written by --out, or their summary.json), in the order given: "
                        "one table of EX by difficulty, a column per run, and a bar chart; or, with --recipe, "
                        "dotted overrides of the recipe")
    p.add_argument("--recipe", "-r", default=None,
                   help="take dataset, eval split, schema format, template, limits, comparison mode and timeout from "
                        "this recipe (flags given explicitly win); its values are checked before anything loads")
    src = p.add_mutually_exclusive_group()
    add_dataclass_arguments(src, ModelConfig, ["name"], defaults={"name": None}, flags={"name": ("--model", "-m")},
                            notes={"name": "the model to evaluate"})
    src.add_argument("--predictions", "-p", help="score this predictions file instead of running a model")
    p.add_argument("--format", choices=("jsonl", "spider"), default=None,
                   help="predictions file format (default: guessed from the name and first line)")
    p.add_argument("--allow-missing", action="store_true",
                   help="score a predictions file with missing, extra or broken lines: affected examples count "
                        "as wrong (default: such a file is an error)")
    _add_data_args(p)
    _add_gen_args(p)
    add_dataclass_arguments(p, RewardConfig, ["mode"], defaults=_UNSET("mode"))
    add_dataclass_arguments(p, EvalConfig, ["decode", "pass_at", "num_samples", "temperature", "top_p", "seed",
                                            "share_prefix", "backend"])
    p.add_argument("--out", "-o", default=None, help="write predictions, per-example JSONL, report.md, plots and "
                                                      "summary.json here (finished batches as they end)")
    p.add_argument("--resume", action="store_true",
                   help="continue the interrupted run in --out DIR from its last finished batch (the settings must "
                        "be the same)")
    p.add_argument("--json", default=None, metavar="FILE", help="write the summary JSON to FILE ('-': stdout)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--multi-turn", action="store_true",
                   help="the model may run <sql> queries and read the results before its <solution> "
                        "(always the skyrl template; --max-new-tokens is then the budget of a whole episode; "
                        "docs/envs.md)")
    add_dataclass_arguments(p, EnvConfig, ["max_turns"], notes={"max_turns": "with --multi-turn"})
    p.set_defaults(func=_cmd_eval)
    return p


def eval_settings(args) -> EvalConfig:
    """The EvalConfig the flags describe, checked (a bad value is a UserError naming its flag)."""
    return settings_from_args(EvalConfig, args).check("cli")


def _load_rows(args, with_schema: bool = True) -> tuple[list[dict], dict]:
    from sqlrl.data import load_dataset, load_examples
    from sqlrl.eval.meta import dataset_version

    split = args.split
    if with_schema:
        ds = load_dataset(args.dataset, split, data_dir=args.data_dir, schema_format=args.schema_format,
                          limit=args.limit, schema_prune=args.schema_prune)
    else:  # scoring predictions needs no prompt, so no schema rendering
        ds, _ = load_examples(args.dataset, split, data_dir=args.data_dir, limit=args.limit)
    rows = [dict(r) for r in ds]
    if not rows:
        raise UserError(f"dataset '{args.dataset}' split '{split}' has no examples.")
    info = {"dataset": args.dataset, "split": split, "data_dir": args.data_dir, "limit": args.limit,
            "schema_format": args.schema_format, "schema_prune": args.schema_prune or None}
    info["dataset_version"] = dataset_version(args.dataset, split, args.data_dir)
    return rows, info


def _finish(summary: dict, args) -> int:
    from sqlrl.eval.score import ex_line

    aff = summary.get("affected", {}).get("examples", 0)
    if aff:
        kinds = ", ".join(f"{k} {v}" for k, v in summary["affected"]["by_type"].items())
        print(f"note: {aff} example(s) had no usable prediction and count as wrong ({kinds})", file=sys.stderr)
    if summary.get("issues", {}).get("count"):
        print(f"note: {summary['issues']['count']} problem(s) in the predictions file: "
              + ", ".join(f"{k} {v}" for k, v in summary["issues"]["by_kind"].items()), file=sys.stderr)
    if args.out:
        print(f"report: {Path(args.out) / 'report.md'}", file=sys.stderr)
    if args.json == "-":
        print(json.dumps(summary, indent=2, default=str))
    elif args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(summary, indent=2, default=str) + "\n")
    _print_table(summary)
    print(ex_line(summary), flush=True)
    return 0


def _print_table(summary: dict) -> None:
    from sqlrl.eval.report import pass_at_key

    key = pass_at_key(summary)
    lines = [f"{'difficulty':<12} {'n':>5} {'correct':>8} {'EX':>7}" + (f" {key:>8}" if key else "")]
    for d, b in summary["by_difficulty"].items():
        lines.append(f"{d:<12} {b['n']:>5} {b['correct']:>8} {100 * b['ex']:>6.1f}%"
                     + (f" {100 * b.get(key, 0.0):>7.1f}%" if key else ""))
    print("\n".join(lines), file=sys.stderr)


def _cmd_eval(args) -> int:
    overrides = [a for a in args.action if "=" in a]
    if args.action and len(overrides) < len(args.action):
        return _cmd_compare(args)
    if not args.predictions and not args.model:
        raise UserError("give --model M to evaluate a model, or --predictions FILE to score predictions "
                        "(or `sqlrl eval compare RUN_A RUN_B [RUN ...]`).")
    _settle(args, overrides, with_model=not args.predictions)
    settings = eval_settings(args)  # a bad value fails here, before any data or model is loaded
    if args.resume and not args.out:
        raise UserError("--resume continues the run in an --out DIR: give the --out of the interrupted run.")
    if settings.grounded and (args.predictions or args.multi_turn):
        raise UserError(f"--grounded constrains a model's single-turn generation: drop it with "
                        f"{'--predictions' if args.predictions else '--multi-turn'}.")
    if args.resume and (args.predictions or args.multi_turn):
        raise UserError(f"--resume continues a model's single-turn evaluation; "
                        f"{'--predictions' if args.predictions else '--multi-turn'} runs start over: drop --resume.")
    rows, info = _load_rows(args, with_schema=not args.predictions)
    if args.predictions:
        info.pop("schema_format")
    progress = not args.no_progress
    if args.predictions:
        from sqlrl.eval.evaluate import score_predictions

        summary = score_predictions(args.predictions, rows, args.mode, allow_missing=args.allow_missing,
                                    fmt=args.format, timeout=args.timeout, out_dir=args.out, progress=progress,
                                    meta=info)
        return _finish(summary, args)
    from sqlrl.models import resolve

    # the name asked for, and what it resolved to ("default" names whatever model is bundled now)
    info.update(backend=settings.backend, model=args.model, model_path=resolve(args.model))
    if args.multi_turn:
        return _finish(_eval_multi_turn(args, settings, rows, info, progress), args)
    _note_unfinished(args)
    try:
        if settings.backend == "vllm":
            from sqlrl.eval.evaluate import evaluate_vllm

            summary = evaluate_vllm(args.model, rows, settings, template=args.template, mode=args.mode,
                                    out_dir=args.out, progress=progress, meta=info, resume=args.resume)
        else:
            from sqlrl.eval.evaluate import evaluate
            from sqlrl.models import load_model, load_tokenizer

            model = load_model(args.model, dtype=args.dtype, device=args.device)
            tokenizer = load_tokenizer(args.model)
            summary = evaluate(model, tokenizer, rows, settings, template=args.template, mode=args.mode,
                               out_dir=args.out, progress=progress, meta=info, resume=args.resume)
    except KeyboardInterrupt:
        if args.out:
            from sqlrl.eval.resume import unfinished

            print(f"interrupted: {unfinished(args.out) or 0} of {len(rows)} example(s) finished are kept in "
                  f"{Path(args.out) / 'partial.jsonl'}; run the same command with --resume to continue.",
                  file=sys.stderr)
        raise
    return _finish(summary, args)


def _note_unfinished(args) -> None:
    """Say so when a fresh run is about to replace an interrupted one's finished work."""
    if args.out and not args.resume:
        from sqlrl.eval.resume import unfinished

        done = unfinished(args.out)
        if done:
            print(f"note: {args.out} held an interrupted run ({done} example(s) finished); starting over. "
                  "Add --resume to continue it instead.", file=sys.stderr)


def _eval_multi_turn(args, settings, rows, info, progress) -> dict:
    """Episodes in the SQL environment (sqlrl.envs), scored like single-turn answers."""
    from sqlrl.envs import evaluate_multi_turn
    from sqlrl.models import load_model, load_tokenizer

    if settings.backend == "vllm":
        raise UserError("--multi-turn runs on the transformers backend only; drop --backend vllm.")
    if args.template not in ("skyrl", _d(DataConfig, "template")):
        raise UserError(f"--multi-turn always uses the skyrl template (the environment's tags); "
                        f"drop --template {args.template}.")
    env = EnvConfig(name="sql", max_turns=args.max_turns, timeout=args.timeout).check("--max-turns/--timeout")
    model = load_model(args.model, dtype=args.dtype, device=args.device)
    summary = evaluate_multi_turn(model, load_tokenizer(args.model), rows, env, settings, mode=args.mode,
                                  out_dir=args.out, progress=progress, meta=info)
    mt = summary.get("multi_turn", {})
    print(f"multi-turn: {json.dumps(mt, default=str)}", file=sys.stderr)
    return summary


def _cmd_compare(args) -> int:
    from sqlrl.eval.compare import USAGE, compare_runs, table

    if len(args.action) < 3 or args.action[0] != "compare":
        raise UserError(f"unexpected arguments {' '.join(args.action)!r}: the only action is {USAGE}.")
    runs = args.action[1:]
    last = Path(runs[-1])
    out = args.out or str(last if last.is_dir() else last.parent)
    res = compare_runs(runs, out)
    for w in res["warnings"]:
        print(f"warning: {w}", file=sys.stderr)
    print("\n".join(table(res)))
    if res.get("by_tables"):
        print("\n" + "\n".join(table(res, "by_tables", "tables")))
    flips = "".join(f", {c['fixed']} fixed, {c['broken']} broken, sign test p = {c['p_sign']:.3g}"
                    for c in res["changes"]) if len(runs) == 2 else ""
    ex = " -> ".join(f"{100 * r['ex']:.1f}%" for r in res["runs"])
    print(f"EX {ex} ({100 * res['delta']:+.1f} points{flips}); report: {Path(out) / 'compare.md'}")
    return 0


def add_infer_parser(subparsers, name, help_text):
    p = subparsers.add_parser(name, help=help_text, description=(
        "Turn questions about a SQLite database into SQL with a model, using the same prompt, stopping and "
        "extraction as training. One question: sqlrl infer --db DB 'question'. A batch: --input FILE "
        "(JSONL with 'question' and optional 'db', or one question per line) --output FILE; each answer is "
        "on disk as soon as it exists, and --resume answers only what an interrupted run left. A session: "
        "--interactive."))
    p.add_argument("question", nargs="?", help="the question (omit with --input or --interactive)")
    add_dataclass_arguments(p, ModelConfig, ["name"], flags={"name": ("--model", "-m")})
    p.add_argument("--db", help="SQLite database file the question is about")
    p.add_argument("--execute", "-x", action="store_true", help="run the SQL and print the result table")
    p.add_argument("--evidence", default="", help="extra knowledge for the prompt (BIRD-style evidence)")
    p.add_argument("--input", "-i", help="answer every question in this file")
    p.add_argument("--output", "-o", help="where --input answers go (JSONL; default: INPUT.answers.jsonl)")
    p.add_argument("--resume", action="store_true",
                   help="with --input: keep the answers --output already holds and answer only the rest")
    p.add_argument("--interactive", action="store_true", help="ask questions one after another (empty line ends)")
    add_dataclass_arguments(p, DataConfig, ["schema_format", "schema_prune"])
    p.add_argument("--show-completion", action="store_true", help="also print the raw model output")
    _add_gen_args(p)
    p.set_defaults(func=_cmd_infer)
    return p


def _cmd_infer(args) -> int:
    modes = sum(bool(x) for x in (args.question, args.input, args.interactive))
    if modes != 1:
        raise UserError("give exactly one of: a question, --input FILE, or --interactive.")
    if (args.question or args.interactive) and not args.db:
        raise UserError("--db PATH is needed: the SQLite database the question is about.")
    if args.db:
        from sqlrl.sql import sqlite_file_problem

        problem = sqlite_file_problem(Path(args.db).expanduser())
        if problem:
            raise UserError(f"--db {args.db}: {problem}")
    if args.input and not Path(args.input).is_file():
        raise UserError(f"input file {args.input} does not exist.")
    if args.resume and not args.input:
        raise UserError("--resume continues an --input FILE run: give its --input (and --output).")
    _settle(args)
    eval_settings(args)  # batch size, token limit and timeout are checked like sqlrl eval's
    from sqlrl.eval.infer import Answerer, answer_file, execute, format_table
    from sqlrl.models import load_model, load_tokenizer

    model = load_model(args.model, dtype=args.dtype, device=args.device)
    tokenizer = load_tokenizer(args.model)
    ans = Answerer(model, tokenizer, template=args.template, schema_format=args.schema_format,
                   max_new_tokens=args.max_new_tokens, batch_size=args.batch_size, grounded=args.grounded,
                   schema_prune=args.schema_prune)

    if args.input:
        output = args.output or str(Path(args.input).with_suffix("")) + ".answers.jsonl"
        try:
            res = answer_file(ans, args.input, output, args.db, run=args.execute, timeout=args.timeout,
                              resume=args.resume)
        except KeyboardInterrupt:
            print(f"interrupted: every finished answer is in {output}; run the same command with --resume to "
                  "answer the rest.", file=sys.stderr)
            raise
        for prob in res["problems"]:
            print(f"error: {prob}", file=sys.stderr)
        kept = f", {res['resumed']} kept from the interrupted run" if res["resumed"] else ""
        print(f"answered {res['answered']}/{res['n']} question(s) ({res['errors']} with errors{kept}) -> {output}")
        return 0 if res["errors"] == 0 else 1

    def one(question: str) -> int:
        ex = ans.example(args.db, question, args.evidence)
        a = ans.answer([ex])[0]
        if args.show_completion and a["completion"] is not None:
            print(f"-- completion:\n{a['completion']}\n--", file=sys.stderr)
        if not a["sql"]:
            print(f"error: {a['error']}", file=sys.stderr)
            return 1
        print(a["sql"])
        if args.execute:
            print(format_table(execute(ex["db_path"], a["sql"], args.timeout)))
        return 0

    if args.question:
        return one(args.question)
    print(f"model {args.model} on {args.db}; ask a question (empty line or Ctrl-D ends)", file=sys.stderr)
    while True:
        try:
            q = input("? ").strip()
        except EOFError:
            break
        if not q:
            break
        one(q)
    return 0
