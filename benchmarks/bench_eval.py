"""Examples per second of `sqlrl eval` (batched, length-sorted, stopping at the answer's end)
against a loop that calls `generate` one example at a time, on the default model.

    .venv/bin/python benchmarks/bench_eval.py --n 24 --batch-sizes 8,16

Baselines:
- `naive`: one `generate` per example, max_new_tokens, no stopping (what a peer script does);
  its answer is its text cut at the template's first stop string, then extracted;
- `single`: one `generate` per example with sqlrl's stopping (isolates what batching gives).
Both must give the same SQL as `sqlrl eval` for every example; the script says if not.
Timings include extraction and scoring in the sandbox, as `sqlrl eval` does them. Wall
time is the headline; CPU time of this process is recorded too, as a check when other work
shares the machine (sandbox workers' CPU is not in it).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def naive_loop(model, tokenizer, tmpl, rows, max_new_tokens):
    import torch

    from sqlrl.prompts import render_prompt

    out = []
    for r in rows:
        ids = tokenizer(render_prompt(tokenizer, tmpl, r), add_special_tokens=False, return_tensors="pt")
        with torch.no_grad():
            seq = model.generate(**ids, max_new_tokens=max_new_tokens, do_sample=False,
                                 pad_token_id=tokenizer.pad_token_id)
        text = tokenizer.decode(seq[0, ids["input_ids"].shape[1]:], skip_special_tokens=True)
        for stop in tmpl.stop_strings:  # what stopping would have kept: up to and with the stop string
            if stop in text:
                text = text[:text.index(stop) + len(stop)]
        out.append(tmpl.completion_sql(text))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None, help="model (default: sqlrl's default model)")
    ap.add_argument("--dataset", default="spider")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--n", type=int, default=24, help="examples (the first N of the split)")
    ap.add_argument("--batch-sizes", default="8,16", help="comma-separated batch sizes for sqlrl eval")
    ap.add_argument("--max-new-tokens", type=int, default=128)
    ap.add_argument("--baselines", default="naive", help="comma-separated: naive, single, noshare "
                                                         "(sqlrl eval without prefix sharing, first batch size)")
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    ap.add_argument("--json", default=None, help="write the numbers here")
    args = ap.parse_args()

    import torch

    from sqlrl.data import load_dataset
    from sqlrl.eval import evaluate
    from sqlrl.models import load_model, load_tokenizer
    from sqlrl.prompts import get_template

    if args.threads:
        torch.set_num_threads(args.threads)
    rows = [dict(r) for r in load_dataset(args.dataset, args.split, limit=args.n)]
    tok = load_tokenizer(args.model)
    tmpl = get_template("plain")
    results = {"n": len(rows), "threads": torch.get_num_threads(), "max_new_tokens": args.max_new_tokens}
    preds = {}

    baselines = [b for b in args.baselines.split(",") if b]
    if "naive" in baselines:
        model = load_model(args.model)  # fresh: no stopping configured
        t, c = time.perf_counter(), time.process_time()
        preds["naive"] = naive_loop(model, tok, tmpl, rows, args.max_new_tokens)
        results["naive_s"] = time.perf_counter() - t
        results["naive_cpu_s"] = time.process_time() - c
        print(f"naive loop (1 per generate, no stopping): {len(rows) / results['naive_s']:.3f} ex/s", flush=True)
        del model

    model = load_model(args.model)
    sizes = [int(b) for b in args.batch_sizes.split(",")]
    runs = [(f"eval_bs{bs}", bs, True) for bs in sizes]
    if "noshare" in baselines:
        runs.append((f"noshare_bs{sizes[0]}", sizes[0], False))
    if "single" in baselines:
        runs.append(("single", 1, True))
    for name, bs, share in runs:
        with tempfile.TemporaryDirectory() as tmp:
            t, c = time.perf_counter(), time.process_time()
            s = evaluate(model, tok, rows, batch_size=bs, max_new_tokens=args.max_new_tokens, out_dir=tmp,
                         progress=False, share_prefix=share)
            dt = time.perf_counter() - t
            results[f"{name}_cpu_s"] = time.process_time() - c
            recs = [json.loads(x) for x in Path(tmp, "examples.jsonl").read_text().splitlines()]
        preds[name] = [r["prediction"] for r in recs]
        results[f"{name}_s"] = dt
        results[f"{name}_ex"] = s["ex"]
        print(f"{name} (batch {bs}, prefix sharing {'on' if share else 'off'}): "
              f"{len(rows) / dt:.3f} ex/s, EX {100 * s['ex']:.1f}%", flush=True)

    ref = next(k for k in preds if k.startswith("eval"))
    for name, p in preds.items():
        same = sum(a == b for a, b in zip(p, preds[ref]))
        results[f"{name}_same_as_{ref}"] = same
        if same != len(rows):
            print(f"outputs differ: {name} vs {ref}: {len(rows) - same} of {len(rows)} examples")
    for base in ("naive", "single"):
        if f"{base}_s" in results:
            for k in [k for k in results if k.startswith(("eval_bs", "noshare")) and k.endswith("_s")
                      and not k.endswith("_cpu_s")]:
                ratio = results[f"{base}_s"] / results[k]
                cpu = results[f"{base}_cpu_s"] / results[f"{k[:-2]}_cpu_s"]
                results[f"speedup_{k[:-2]}_vs_{base}"] = ratio
                results[f"cpu_speedup_{k[:-2]}_vs_{base}"] = cpu
                print(f"speedup {k[:-2]} vs {base}: {ratio:.2f}x wall, {cpu:.2f}x CPU time")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
