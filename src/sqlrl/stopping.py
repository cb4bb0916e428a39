"""Stop generation at the end of the SQL answer, for training (TRL) and evaluation alike.

Two mechanisms, chosen per stop string:
- a stop string that is one token of the vocabulary (e.g. "```" after a "```sql" prefix has
  opened the fence) becomes an extra EOS id. TRL then masks the completion right after it and
  counts it as a proper ending, not a truncation (TRL's clipped ratio counts stop-string
  endings as truncated), and it costs nothing per step.
- a longer stop string (e.g. "</SOLUTION>") goes to `generation_config.stop_strings`; TRL 1.16
  calls `generate` without the tokenizer that transformers needs for it, so we bind the
  tokenizer to the model's `generate`.
"""

from __future__ import annotations

import functools


def single_token_ids(tokenizer, stop_strings: list[str]) -> list[int]:
    """Ids of vocabulary tokens whose text, without surrounding whitespace, is a stop string."""
    wanted = set(stop_strings)
    ids = []
    for token, idx in tokenizer.get_vocab().items():
        if tokenizer.convert_tokens_to_string([token]).strip() in wanted:
            ids.append(idx)
    return sorted(ids)


def configure_stopping(model, tokenizer, stop_strings: list[str]) -> dict:
    """Make `model.generate` stop at the given strings; returns the generation kwargs it set.

    Works on a plain transformers model or a PEFT model (configure before wrapping or after:
    the generation config is shared).
    """
    gen = model.generation_config
    eos = gen.eos_token_id if gen.eos_token_id is not None else tokenizer.eos_token_id
    eos = [eos] if isinstance(eos, int) else list(eos)
    if tokenizer.eos_token_id not in eos:
        eos.insert(0, tokenizer.eos_token_id)
    multi = []
    for s in stop_strings:
        ids = single_token_ids(tokenizer, [s])
        if ids:
            eos += [i for i in ids if i not in eos]
        else:
            multi.append(s)
    gen.eos_token_id = eos
    kwargs = {"eos_token_id": eos}
    if multi:
        gen.stop_strings = multi
        kwargs["stop_strings"] = multi
        if not getattr(model.generate, "_sqlrl_binds_tokenizer", False):
            bound = functools.partial(model.generate, tokenizer=tokenizer)
            bound._sqlrl_binds_tokenizer = True
            model.generate = bound
    return kwargs
