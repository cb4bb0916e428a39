"""Decoding time of schema-grounded decoding against plain greedy on the same prompts, and what it changes.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_grounded.py --dataset spider --split dev --n 32

Both modes generate greedily with the same model, prompts and batching as `sqlrl eval` (batch 16,
shared prefixes, stopping at the end of the SQL), alternately, `--repeats` times; a mode's time is
its fastest repeat, since other work on the machine only slows a run down. The grounded time
includes everything the processor does; its own share is measured too (time inside the
processor's calls). The per-tokenizer token table is built before timing (a one-off cost, printed).
Target: grounded / plain <= 1.5. Then both modes' answers are scored as `sqlrl eval` scores them:
EX, and the share of answers failing with `no such column` / `no such table`.
"""

from __future__ import annotations

import argparse
import json
import time


class Timed:
    """A logits processor that times the one it wraps."""

    def __init__(self, inner):
        self.inner, self.seconds = inner, 0.0

    def __call__(self, input_ids, scores):
        t = time.perf_counter()
        out = self.inner(input_ids, scores)
        self.seconds += time.perf_counter() - t
        return out


def score(rows, tmpl, texts, mode):
    from sqlrl.eval.score import judge, summarize

    cands = [[tmpl.completion_sql(t[0]) if t else None] for t in texts]
    s = summarize(judge(rows, cands, mode=mode), mode=mode, decode="greedy")
    n = s["n"]
    return {"ex": s["ex"], "n": n, "no_such_column": s["error_types"].get("no_such_column", 0) / n,
            "no_such_table": s["error_types"].get("no_such_table", 0) / n, "error_types": s["error_types"],
            "by_tables": {k: v["ex"] for k, v in s["by_tables"].items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None, help="model (default: sqlrl's default model)")
    ap.add_argument("--dataset", default="spider")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--n", type=int, default=32, help="examples (the first N of the split)")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-new-tokens", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=2, help="timed runs of each mode, alternating")
    ap.add_argument("--mode", default="bird", help="result comparison for EX")
    ap.add_argument("--json", default=None, help="write the numbers here")
    args = ap.parse_args()

    import os

    import torch

    from sqlrl.data import load_dataset
    from sqlrl.eval.generate import generate
    from sqlrl.eval.grounded import grounded_processor, token_texts
    from sqlrl.models import load_model, load_tokenizer
    from sqlrl.prompts import get_template, render_prompt
    from sqlrl.stopping import configure_stopping

    rows = [dict(r) for r in load_dataset(args.dataset, args.split, limit=args.n)]
    tok, model = load_tokenizer(args.model), load_model(args.model)
    tmpl = get_template("plain")
    configure_stopping(model, tok, tmpl.stop_strings)
    prompts = [render_prompt(tok, tmpl, r) for r in rows]
    t = time.perf_counter()
    token_texts(tok)
    table_s = time.perf_counter() - t

    times = {"plain": [], "grounded": []}
    cpu = {"plain": [], "grounded": []}
    inside, texts, stats = [], {}, None
    for rep in range(args.repeats):
        order = ("plain", "grounded") if rep % 2 == 0 else ("grounded", "plain")
        for mode in order:
            procs = None
            if mode == "grounded":
                proc = grounded_processor(model, tok, tmpl, rows)
                procs = [Timed(proc)]
            t, c = time.perf_counter(), time.process_time()
            out = generate(model, tok, prompts, batch_size=args.batch_size, max_new_tokens=args.max_new_tokens,
                           logits_processor=procs)
            times[mode].append(time.perf_counter() - t)
            cpu[mode].append(time.process_time() - c)
            if procs:
                inside.append(procs[0].seconds)
                stats = dict(proc.stats)
            if mode in texts and texts[mode] != out:
                print(f"warning: {mode} answers differ between repeats")
            texts[mode] = out

    res = {"dataset": args.dataset, "split": args.split, "n": len(rows), "batch_size": args.batch_size,
           "max_new_tokens": args.max_new_tokens, "threads": torch.get_num_threads(), "repeats": args.repeats,
           "load_avg": os.getloadavg(), "token_table_s": table_s,
           "plain_s": min(times["plain"]), "grounded_s": min(times["grounded"]),
           "plain_cpu_s": min(cpu["plain"]), "grounded_cpu_s": min(cpu["grounded"]),
           "processor_s": min(inside), "times": times, "grounded_stats": stats}
    res["ratio"] = res["grounded_s"] / res["plain_s"]
    res["cpu_ratio"] = res["grounded_cpu_s"] / res["plain_cpu_s"]
    res["changed_answers"] = sum(a != b for a, b in zip(texts["plain"], texts["grounded"]))
    for mode in ("plain", "grounded"):
        res[mode] = score(rows, tmpl, texts[mode], args.mode)

    print(f"{res['n']} questions of {args.dataset}/{args.split}, batch {args.batch_size}, {res['threads']} thread(s), "
          f"load average {res['load_avg'][0]:.1f}; token table built once in {table_s:.1f} s")
    print(f"plain    {res['plain_s']:7.1f} s (cpu {res['plain_cpu_s']:.1f} s)")
    print(f"grounded {res['grounded_s']:7.1f} s (cpu {res['grounded_cpu_s']:.1f} s; "
          f"{res['processor_s']:.1f} s inside the processor)")
    print(f"ratio grounded/plain: {res['ratio']:.2f} wall, {res['cpu_ratio']:.2f} cpu (target <= 1.5)")
    print(f"answers changed by grounding: {res['changed_answers']}/{res['n']}; processor: {stats}")
    print(f"{'mode':<9} {'EX':>6} {'no such column':>15} {'no such table':>14}")
    for mode in ("plain", "grounded"):
        r = res[mode]
        print(f"{mode:<9} {100 * r['ex']:5.1f}% {100 * r['no_such_column']:14.1f}% {100 * r['no_such_table']:13.1f}%")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=2, default=str)


if __name__ == "__main__":
    main()
