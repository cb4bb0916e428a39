"""What an SFT recipe's prompts cost: examples under the prompt cap, and padded tokens per example.

On a CPU an SFT step costs about its padded tokens (batch size x the longest example of the
batch), so the padded tokens per example decide how many examples fit in a fixed time. For
each setting this prints the examples the recipe keeps (prompts within `data.max_prompt_tokens`),
the share of them on databases of 6+ tables, their mean length (prompt + answer, capped at
`training.max_length`), and the padded tokens per example with random batches and with
length-grouped batches (`training.train_sampling_strategy=group_by_length`: transformers'
LengthGroupedSampler sorts groups of 50 batches by length), with ratios to the first row.
Seconds, no model:

    python benchmarks/sft_tokens.py [--recipe cpu_spider_sft] [--caps 384 256] [--split val]
"""

from __future__ import annotations

import argparse
import random
import statistics


def padded_per_example(lengths: list[int], batch: int, grouped: bool, seed: int = 0) -> float:
    order = lengths[:]
    random.Random(seed).shuffle(order)
    if grouped:
        group = 50 * batch
        order = [n for i in range(0, len(order), group) for n in sorted(order[i:i + group], reverse=True)]
    batches = [order[i:i + batch] for i in range(0, len(order), batch)]
    return sum(max(b) * len(b) for b in batches) / len(order)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--recipe", default="cpu_spider_sft")
    ap.add_argument("--caps", type=int, nargs="+", default=[384, 256], help="data.max_prompt_tokens values")
    ap.add_argument("--split", help="count another split's prompts (e.g. val: how many a cap would keep)")
    args = ap.parse_args()

    from sqlrl import config
    from sqlrl.eval.schema_size import size_bucket, table_count
    from sqlrl.models import load_tokenizer
    from sqlrl.train.dataset import prompt_dataset

    split = [f"data.split={args.split}"] if args.split else []
    base = config.load(args.recipe, split)
    tok = load_tokenizer(base.model.name)
    batch, cap_len = base.training["per_device_train_batch_size"], base.training["max_length"]
    print(f"{args.recipe}: {base.data.dataset}/{base.data.split}, batch {batch}, examples capped at {cap_len} tokens")
    print("  schema   prompt cap  examples     6+ tables  mean tokens  padded/ex random  grouped   vs first row")
    first = None
    for prune in (False, True):
        for cap in args.caps:
            cfg = config.load(args.recipe, [f"data.schema_prune={str(prune).lower()}", f"data.max_prompt_tokens={cap}",
                                            "data.limit=0", *split])
            ds = prompt_dataset(cfg, cfg.data.split, tok, with_answer=True)
            lengths, large = [], 0
            for ex in ds:
                ids = tok.apply_chat_template(ex["prompt"] + ex["completion"], tokenize=True, return_dict=False)
                lengths.append(min(len(ids), cap_len))
                large += size_bucket(table_count(ex["db_path"])) == "6+"
            rand, grouped = (padded_per_example(lengths, batch, g) for g in (False, True))
            first = first or rand
            schema = "pruned" if prune else "full"
            print(f"  {schema:8} {cap:>10} {len(lengths):>9} {large:>6} {large / len(lengths):>6.1%} "
                  f"{statistics.mean(lengths):>12.0f} {rand:>17.0f} {grouped:>8.0f}   "
                  f"{first / rand:.2f}x / {first / grouped:.2f}x examples per hour", flush=True)


if __name__ == "__main__":
    main()
