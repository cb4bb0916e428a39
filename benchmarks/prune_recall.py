"""Recall and prompt savings of schema pruning (`data.schema_prune`) on gold SQL.

For each question: the tables its gold query reads (sqlglot), the tables pruning keeps, and
the schema's length in tokens of the default model's tokenizer with and without pruning.
Recall is the share of questions whose gold tables are all kept (a question that loses one
cannot be answered). Run it on training data to choose settings, never on the test split.

    python benchmarks/prune_recall.py [--dataset spider] [--split train] [--keep-all-up-to 3] [--no-neighbors]
                                         [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", default="spider")
    ap.add_argument("--split", default="train")
    ap.add_argument("--schema-format", default="compact")
    ap.add_argument("--keep-all-up-to", type=int, default=None, help="keep every table of databases this small")
    ap.add_argument("--no-neighbors", action="store_true", help="keep only bridges, not every foreign-key neighbour")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()

    from sqlrl.data import load_examples
    from sqlrl.data.prune import KEEP_ALL_UP_TO, kept_tables
    from sqlrl.data.schema import read_tables, render_schema_info
    from sqlrl.models import load_tokenizer
    from sqlrl.rewards.structure import parts

    keep_all = KEEP_ALL_UP_TO if args.keep_all_up_to is None else args.keep_all_up_to
    tok = load_tokenizer("default")
    rows, _ = load_examples(args.dataset, args.split)
    tables_of, full_len, pruned_len = {}, {}, {}
    n = unparsed = recalled = 0
    big = big_recalled = 0
    full_tokens, pruned_tokens, ratio_big = [], [], []
    for r in rows:
        path = r["db_path"]
        if path not in tables_of:
            tables_of[path] = read_tables(path)
            full_len[path] = len(tok(render_schema_info(path, args.schema_format).text)["input_ids"])
        tables = tables_of[path]
        found = parts(r["gold_sql"])
        if found is None:
            unparsed += 1
            continue
        gold = found[0]  # the database tables the gold SQL reads
        kept = kept_tables(r["question"], tables, keep_all, neighbors=not args.no_neighbors)
        key = (path, tuple(t.name for t in kept))
        if key not in pruned_len:
            pruned_len[key] = len(tok(render_schema_info(path, args.schema_format, tables=kept).text)["input_ids"])
        ok = gold <= {t.name.lower() for t in kept}
        n += 1
        recalled += ok
        full_tokens.append(full_len[path])
        pruned_tokens.append(pruned_len[key])
        if len(tables) >= 6:
            big += 1
            big_recalled += ok
            ratio_big.append(pruned_len[key] / full_len[path])
    out = {"dataset": args.dataset, "split": args.split, "keep_all_up_to": keep_all,
           "neighbors": not args.no_neighbors, "questions": n,
           "unparsed_gold": unparsed, "recall": recalled / n,
           "schema_tokens_mean_full": statistics.mean(full_tokens),
           "schema_tokens_mean_pruned": statistics.mean(pruned_tokens),
           "schema_tokens_ratio": sum(pruned_tokens) / sum(full_tokens),
           "questions_6plus_tables": big, "recall_6plus_tables": big_recalled / big if big else None,
           "schema_tokens_ratio_6plus_tables": statistics.mean(ratio_big) if ratio_big else None}
    for k, v in out.items():
        print(f"{k:34s} {v:.3f}" if isinstance(v, float) else f"{k:34s} {v}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
