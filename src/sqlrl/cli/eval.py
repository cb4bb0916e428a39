"""`sqlrl eval` (score a model or a predictions file; `sqlrl eval compare A B`) and `sqlrl infer`.

Defaults come from the config dataclasses, so evaluation sees what training sees. Nothing
heavy is imported at module level: `sqlrl --help` must stay fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sqlrl.config import DataConfig, EvalConfig, ModelConfig, RewardConfig
from sqlrl.errors import UserError

MODES = ("bird", "spider_ts", "strict")
# The split evaluated when --split is not given: each dataset's held-out split.
DEFAULT_SPLIT = {"demo": "test", "spider": "dev", "bird": "dev", "kaggledbqa": "test",
                 "sql_create_context": "val"}

EVAL_DESCRIPTION = """\
Execution accuracy (EX): a prediction is right when its result on the database matches the
gold query's result under --mode. Score a model (--model) or a predictions file
(--predictions: JSONL {"db_id","question","sql"} or {"id","sql"} in any order, or Spider's
one-SQL-per-line format in dataset order). Compare two runs with
`sqlrl eval compare RUN_A RUN_B [--out DIR]`. Prints `EX = xx.x% (k/n, mode=..., decode=...)`.
"""


def _d(cls, name):
    return cls.__dataclass_fields__[name].default


def _add_data_args(p) -> None:
    p.add_argument("--dataset", default=_d(DataConfig, "dataset"),
                   help="dataset name: demo, spider, bird, sql_create_context, kaggledbqa, jsonl (default: %(default)s)")
    p.add_argument("--split", default=None, help="split to evaluate (default: the dataset's dev/test split; "
                                                  "for jsonl: the file path)")
    p.add_argument("--data-dir", default=None, help="dataset directory (default: the data module's)")
    p.add_argument("--limit", type=int, default=_d(EvalConfig, "limit"), help="only the first N examples")
    p.add_argument("--schema-format", default=_d(DataConfig, "schema_format"),
                   help="schema rendering in prompts: compact | ddl | ddl_keys | omnisql (default: %(default)s)")


def _add_gen_args(p) -> None:
    p.add_argument("--template", default=_d(DataConfig, "template"),
                   help="prompt template: plain | chat | arctic | sqlr1 | reasoning_tags | skyrl (default: %(default)s)")
    p.add_argument("--batch-size", type=int, default=_d(EvalConfig, "batch_size"),
                   help="generation batch size (default: %(default)s)")
    p.add_argument("--max-new-tokens", type=int, default=_d(EvalConfig, "max_new_tokens"),
                   help="answer length limit in tokens (default: %(default)s)")
    p.add_argument("--dtype", default=_d(ModelConfig, "dtype"), help="weights dtype (default: %(default)s)")
    p.add_argument("--device", default=None, help="torch device, e.g. cpu or cuda (default: model's)")
    p.add_argument("--timeout", type=float, default=_d(RewardConfig, "timeout"),
                   help="per-query time limit in seconds (default: %(default)s)")


def add_eval_parser(subparsers, name, help_text):
    p = subparsers.add_parser(name, help=help_text, description=EVAL_DESCRIPTION)
    p.add_argument("action", nargs="*", metavar="compare RUN_A RUN_B",
                   help="compare two runs (directories written by --out, or their summary.json)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--model", "-m", help="model to evaluate: bundled name, local directory or Hugging Face id")
    src.add_argument("--predictions", "-p", help="score this predictions file instead of running a model")
    p.add_argument("--format", choices=("jsonl", "spider"), default=None,
                   help="predictions file format (default: guessed from the name and first line)")
    p.add_argument("--allow-missing", action="store_true",
                   help="score a predictions file with missing, extra or broken lines: affected examples count "
                        "as wrong (default: such a file is an error)")
    _add_data_args(p)
    _add_gen_args(p)
    p.add_argument("--mode", choices=MODES, default=_d(RewardConfig, "mode"),
                   help="result comparison (default: %(default)s)")
    p.add_argument("--decode", default="greedy", help="greedy (default) or maj@K: K samples voted by result")
    p.add_argument("--pass-at", type=int, default=None, metavar="K", help="also report unbiased pass@K")
    p.add_argument("--num-samples", type=int, default=None, metavar="N",
                   help="samples drawn per question for pass@K (default: K)")
    p.add_argument("--temperature", type=float, default=0.8, help="sampling temperature for maj@K / pass@K")
    p.add_argument("--top-p", type=float, default=0.95, help="nucleus sampling for maj@K / pass@K")
    p.add_argument("--seed", type=int, default=0, help="sampling seed")
    p.add_argument("--no-share-prefix", action="store_true",
                   help="compute each prompt in full instead of running a batch's shared prefix once")
    p.add_argument("--backend", choices=("transformers", "vllm"), default="transformers",
                   help="generation backend (vllm: GPU, must be installed)")
    p.add_argument("--out", "-o", default=None, help="write predictions, per-example JSONL, report.md, plots and "
                                                      "summary.json here")
    p.add_argument("--json", default=None, metavar="FILE", help="write the summary JSON to FILE ('-': stdout)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--multi-turn", action="store_true",
                   help="the model may run <sql> queries and read the results before its <solution> "
                        "(always the skyrl template; --max-new-tokens is then the budget of a whole episode; docs/envs.md)")
    p.add_argument("--max-turns", type=int, default=5, help="with --multi-turn: most model turns per episode")
    p.set_defaults(func=_cmd_eval)
    return p


def _load_rows(args, with_schema: bool = True) -> tuple[list[dict], dict]:
    from sqlrl.data import load_dataset, load_examples
    from sqlrl.eval.meta import dataset_version

    split = args.split or DEFAULT_SPLIT.get(args.dataset)
    if split is None:
        raise UserError(f"--split is needed for dataset '{args.dataset}'.")
    if with_schema:
        ds = load_dataset(args.dataset, split, data_dir=args.data_dir, schema_format=args.schema_format,
                          limit=args.limit)
    else:  # scoring predictions needs no prompt, so no schema rendering
        ds, _ = load_examples(args.dataset, split, data_dir=args.data_dir, limit=args.limit)
    rows = [dict(r) for r in ds]
    if not rows:
        raise UserError(f"dataset '{args.dataset}' split '{split}' has no examples.")
    info = {"dataset": args.dataset, "split": split, "data_dir": args.data_dir, "limit": args.limit,
            "schema_format": args.schema_format}
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
    if args.action:
        return _cmd_compare(args)
    if not args.predictions and not args.model:
        raise UserError("give --model M to evaluate a model, or --predictions FILE to score predictions "
                        "(or `sqlrl eval compare RUN_A RUN_B`).")
    if args.limit is not None and args.limit < 1:
        raise UserError(f"--limit must be at least 1, got {args.limit}.")
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
    from sqlrl.eval.evaluate import evaluate, parse_decode

    parse_decode(args.decode)  # fail on a bad --decode before loading the model
    from sqlrl.models import resolve

    # the name asked for, and what it resolved to ("default" names whatever model is bundled now)
    info.update(backend=args.backend, model=args.model, model_path=resolve(args.model))
    if args.multi_turn:
        return _finish(_eval_multi_turn(args, rows, info, progress), args)
    if args.backend == "vllm":
        summary = _eval_vllm(args, rows, info)
    else:
        from sqlrl.models import load_model, load_tokenizer

        model = load_model(args.model, dtype=args.dtype, device=args.device)
        tokenizer = load_tokenizer(args.model)
        summary = evaluate(model, tokenizer, rows, template=args.template, mode=args.mode,
                           batch_size=args.batch_size, max_new_tokens=args.max_new_tokens, decode=args.decode,
                           out_dir=args.out, progress=progress, pass_at=args.pass_at, num_samples=args.num_samples,
                           temperature=args.temperature, top_p=args.top_p, seed=args.seed, timeout=args.timeout,
                           meta=info, share_prefix=not args.no_share_prefix)
    return _finish(summary, args)


def _eval_multi_turn(args, rows, info, progress) -> dict:
    """Episodes in the SQL environment (sqlrl.envs), scored like single-turn answers."""
    from sqlrl.envs import EnvConfig, evaluate_multi_turn
    from sqlrl.models import load_model, load_tokenizer

    if args.backend == "vllm":
        raise UserError("--multi-turn runs on the transformers backend only; drop --backend vllm.")
    if args.template not in ("skyrl", _d(DataConfig, "template")):
        raise UserError(f"--multi-turn always uses the skyrl template (the environment's tags); drop --template {args.template}.")
    env = EnvConfig(name="sql", max_turns=args.max_turns, timeout=args.timeout).check("--max-turns/--timeout")
    model = load_model(args.model, dtype=args.dtype, device=args.device)
    summary = evaluate_multi_turn(model, load_tokenizer(args.model), rows, env, mode=args.mode,
                                  batch_size=args.batch_size, max_new_tokens=args.max_new_tokens, decode=args.decode,
                                  out_dir=args.out, progress=progress, pass_at=args.pass_at,
                                  num_samples=args.num_samples, temperature=args.temperature, top_p=args.top_p,
                                  seed=args.seed, meta=info)
    mt = summary.get("multi_turn", {})
    print(f"multi-turn: {json.dumps(mt, default=str)}", file=sys.stderr)
    return summary


def _eval_vllm(args, rows, info) -> dict:
    """Generate with vLLM, then score the completions exactly like the transformers path."""
    from sqlrl.eval.evaluate import evaluate_vllm

    return evaluate_vllm(args.model, rows, template=args.template, mode=args.mode, decode=args.decode,
                         max_new_tokens=args.max_new_tokens, pass_at=args.pass_at, num_samples=args.num_samples,
                         temperature=args.temperature, top_p=args.top_p, seed=args.seed, timeout=args.timeout,
                         out_dir=args.out, progress=not args.no_progress, meta=info)


def _cmd_compare(args) -> int:
    if len(args.action) != 3 or args.action[0] != "compare":
        raise UserError(f"unexpected arguments {' '.join(args.action)!r}: the only action is "
                        "`sqlrl eval compare RUN_A RUN_B [--out DIR]`.")
    from sqlrl.eval.report import compare

    _, a, b = args.action
    out = args.out or str(Path(b) if Path(b).is_dir() else Path(b).parent)
    res = compare(a, b, out)
    for w in res["warnings"]:
        print(f"warning: {w}", file=sys.stderr)
    flips = f", {res['fixed']} fixed, {res['broken']} broken" if "fixed" in res else ""
    print(f"EX {100 * res['ex_a']:.1f}% -> {100 * res['ex_b']:.1f}% ({100 * res['delta']:+.1f} points{flips}); "
          f"report: {Path(out) / 'compare.md'}")
    return 0


def add_infer_parser(subparsers, name, help_text):
    p = subparsers.add_parser(name, help=help_text, description=(
        "Turn questions about a SQLite database into SQL with a model, using the same prompt, stopping and "
        "extraction as training. One question: sqlrl infer --db DB 'question'. A batch: --input FILE "
        "(JSONL with 'question' and optional 'db', or one question per line) --output FILE. A session: "
        "--interactive."))
    p.add_argument("question", nargs="?", help="the question (omit with --input or --interactive)")
    p.add_argument("--model", "-m", default=_d(ModelConfig, "name"), help="model (default: %(default)s)")
    p.add_argument("--db", help="SQLite database file the question is about")
    p.add_argument("--execute", "-x", action="store_true", help="run the SQL and print the result table")
    p.add_argument("--evidence", default="", help="extra knowledge for the prompt (BIRD-style evidence)")
    p.add_argument("--input", "-i", help="answer every question in this file")
    p.add_argument("--output", "-o", help="where --input answers go (JSONL; default: INPUT.answers.jsonl)")
    p.add_argument("--interactive", action="store_true", help="ask questions one after another (empty line ends)")
    p.add_argument("--schema-format", default=_d(DataConfig, "schema_format"),
                   help="schema rendering: compact | ddl | ddl_keys | omnisql (default: %(default)s)")
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
    if args.db and not Path(args.db).expanduser().is_file():
        raise UserError(f"database file {args.db} does not exist.")
    if args.input and not Path(args.input).is_file():
        raise UserError(f"input file {args.input} does not exist.")
    from sqlrl.eval.infer import Answerer, answer_file, execute, format_table
    from sqlrl.models import load_model, load_tokenizer

    model = load_model(args.model, dtype=args.dtype, device=args.device)
    tokenizer = load_tokenizer(args.model)
    ans = Answerer(model, tokenizer, template=args.template, schema_format=args.schema_format,
                   max_new_tokens=args.max_new_tokens, batch_size=args.batch_size)

    if args.input:
        output = args.output or str(Path(args.input).with_suffix("")) + ".answers.jsonl"
        res = answer_file(ans, args.input, output, args.db, run=args.execute, timeout=args.timeout)
        for prob in res["problems"]:
            print(f"error: {prob}", file=sys.stderr)
        print(f"answered {res['answered']}/{res['n']} question(s) ({res['errors']} with errors) -> {output}")
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
