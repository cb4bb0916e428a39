"""Drop prompts whose sampled group would have all-equal rewards, before GRPO starts.

A GRPO group whose completions all get the same reward has advantage 0 everywhere: it
teaches nothing and only dilutes the batch (docs/measurements.md: with the base model every group was
all-zero and nothing was learned). DAPO's "dynamic sampling" drops such groups during
training and samples more prompts to refill the batch; TRL 1.16's GRPOTrainer has no such
option (it logs `frac_reward_zero_std` but trains on every group), and refilling needs
changes inside its generation loop. The cheap alternative offered here: sample K
completions per prompt once with the starting model, score them with the run's own reward
functions and weights, and keep only the prompts whose rewards differ. It costs one
generation pass over the training set; prompts the model always solves or never solves are
skipped for the whole run (as DAPO would skip them at the start).
"""

from __future__ import annotations

from sqlrl.errors import UserError


def drop_uniform_prompts(ds, model, tokenizer, funcs, weights, template, *, samples: int, temperature: float = 1.0,
                         max_new_tokens: int = 128, batch_size: int = 8, seed: int = 0):
    """Keep the rows of `ds` for which `samples` sampled completions get at least two different rewards.

    `ds` is the GRPO prompt dataset (its rows still hold the columns rewards read, such as
    `db_path` and `gold_sql`); `model` must already stop where training stops
    (`sqlrl.stopping.configure_stopping`). Rows whose prompt does not fit the context are kept.
    """
    from tqdm.auto import tqdm

    from sqlrl.eval.generate import generate
    from sqlrl.prompts import render_prompt
    from sqlrl.rewards import score_completions

    if samples < 2:
        raise UserError(f"data.prefilter_samples={samples}: comparing rewards needs at least 2 samples per prompt "
                        "(0: off).")
    rows = list(ds)
    prompts = [render_prompt(tokenizer, template, row) for row in rows]
    with tqdm(total=len(prompts), desc=f"prefilter ({samples} samples each)", unit="prompt") as bar:
        texts = generate(model, tokenizer, prompts, batch_size=max(1, batch_size // samples),
                         max_new_tokens=max_new_tokens, num_samples=samples, do_sample=True, temperature=temperature,
                         seed=seed, on_batch=lambda idx, _: bar.update(len(idx)))
    keep, uniform = [], 0
    skip = {"prompt", "completion"}
    for i, (row, outs) in enumerate(zip(rows, texts)):
        if outs is None:
            keep.append(i)
            continue
        columns = {k: [v] * len(outs) for k, v in row.items() if k not in skip}
        rewards, _ = score_completions(funcs, weights, outs, columns)
        if len(rewards) >= 2 and max(rewards) - min(rewards) > 1e-9:
            keep.append(i)
        else:
            uniform += 1
    print(f"sqlrl: prefilter kept {len(keep)}/{len(rows)} prompts; "
          f"{uniform} had equal rewards in all {samples} samples")
    if not keep:
        raise UserError(f"data.prefilter_samples={samples}: every prompt got equal rewards in all its samples, so "
                        "GRPO has nothing to learn from. Warm the model up first (`sqlrl sft`), use a reward with "
                        "partial credit (reward.preset=sqlr1 or rubric), or raise training.temperature.")
    return ds.select(keep)
