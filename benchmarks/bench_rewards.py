"""Reward throughput for GRPO steps of 8 prompts x 16 completions on Spider dev.

Compares sqlrl's way (each reward function gets the whole step: one batched sandbox call, the
verdicts shared by the step's other functions through a memo) with calling the functions one
completion at a time with no sharing (each call runs its own queries), as a reward written
per completion does. Both use the same warm sandbox and the same warm gold-result cache.

    python benchmarks/bench_rewards.py [--steps 8] [--prompts 8] [--completions 16] [--preset all]

Prints reward computations per second (completions x functions / seconds) for both, and the ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time

from sqlrl.paths import data_root
from sqlrl.prompts import get_template
from sqlrl.rewards import PRESETS, build_rewards, judge, stats
from sqlrl.sql import get_sandbox

DATA = data_root()


def variants(gold: str, rng: random.Random) -> list[str]:
    """16 completions' SQL for one question: right (several times, as a GRPO group repeats itself),
    rewritten, wrong, erroring, and unanswered (None)."""
    spaced = re.sub(r"\s+", "  ", gold)
    wrong = re.sub(r"\bWHERE\b.*?(?=\bGROUP\b|\bORDER\b|\bLIMIT\b|$)", "", gold, flags=re.I | re.S).strip() or gold
    if wrong == gold:
        wrong = (gold + " LIMIT 1" if "LIMIT" not in gold.upper()
                 else re.sub(r"LIMIT\s+\d+", "LIMIT 2", gold, flags=re.I))
    error = re.sub(r"\bFROM\s+(\w+)", r"FROM \1_x", gold, count=1, flags=re.I)
    out = [gold] * 5 + [spaced, gold.lower(), f"SELECT * FROM ({gold})", wrong, wrong, error, error,
                        "SELECT nothing FROM nowhere", "DROP TABLE x", None, None]
    rng.shuffle(out)
    return out


def steps_of(n_steps: int, n_prompts: int, n_comp: int, template: str, seed: int = 0):
    """[(completions, columns)] for n_steps steps of Spider dev questions."""
    spider = DATA / "spider"
    dev = [x for x in json.loads((spider / "dev.json").read_text()) if
           (spider / "database" / x["db_id"] / f"{x['db_id']}.sqlite").is_file()]
    rng = random.Random(seed)
    picked = rng.sample(dev, n_steps * n_prompts)
    tpl = get_template(template)
    steps = []
    for s in range(n_steps):
        comps, cols = [], {"db_path": [], "gold_sql": [], "db_id": []}
        for ex in picked[s * n_prompts:(s + 1) * n_prompts]:
            for sql in variants(ex["query"], rng)[:n_comp]:
                text = tpl.answer(sql, "Find the tables, then write the query.") if sql else "I am not sure."
                comps.append([{"role": "assistant", "content": text}])
                cols["db_path"].append(str(spider / "database" / ex["db_id"] / f"{ex['db_id']}.sqlite"))
                cols["gold_sql"].append(ex["query"])
                cols["db_id"].append(ex["db_id"])
        steps.append((comps, cols))
    return steps


def batched(funcs, steps):
    for comps, cols in steps:
        judge.clear()  # a new step: nothing memoised from the last one
        n = len(comps)
        for f in funcs:
            f(prompts=[None] * n, completions=comps, **cols)


def one_by_one(funcs, steps):
    for comps, cols in steps:
        for i, c in enumerate(comps):
            for f in funcs:
                judge.clear()  # no sharing: every call runs its own queries
                f(prompts=[None], completions=[c], **{k: [v[i]] for k, v in cols.items()})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--prompts", type=int, default=8)
    ap.add_argument("--completions", type=int, default=16)
    ap.add_argument("--preset", default="all", help="a preset name, or all")
    args = ap.parse_args()
    presets = list(PRESETS) if args.preset == "all" else [args.preset]
    sb = get_sandbox()
    print(f"sandbox workers: {sb.workers}; step = {args.prompts} prompts x {args.completions} completions; "
          f"{args.steps} steps per measurement")
    print(f"{'preset':15s} {'funcs':>5s} {'batched/s':>10s} {'one-by-one/s':>13s} {'ratio':>6s}  sandbox calls/step")
    for name in presets:
        spec = PRESETS[name]
        funcs, _ = build_rewards(name, template=spec.template)
        steps = steps_of(args.steps, args.prompts, args.completions, spec.template)
        batched(funcs, steps)  # warm: workers started, gold results cached, sqlglot parses cached
        one_by_one(funcs, steps[:1])
        calls0 = judge.CALLS["sandbox_calls"]
        t = time.perf_counter()
        batched(funcs, steps)
        tb = time.perf_counter() - t
        calls = (judge.CALLS["sandbox_calls"] - calls0) / args.steps
        t = time.perf_counter()
        one_by_one(funcs, steps)
        to = time.perf_counter() - t
        work = args.steps * args.prompts * args.completions * len(funcs)
        print(f"{name:15s} {len(funcs):5d} {work / tb:10.0f} {work / to:13.0f} {to / tb:6.1f}x  {calls:.0f}")
    stats()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
