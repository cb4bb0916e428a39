"""Generate a batch whose rows share prompt tokens with those tokens computed once.

A GRPO generation batch holds each prompt G times; an evaluation batch holds prompts on the
same database (same system prompt and schema), each k times when sampling. `generate` would
prefill every row in full. Here, before `generate` runs:

1. the prefix all distinct rows share (system prompt, schema), if at least `min_shared`
   tokens, is run once;
2. each distinct prompt's remaining tokens are run once, on top of that prefix;
3. the resulting KV cache is repeated over the batch's rows.

Rows are re-laid out as `prefix + padding + tail` at the same width as the left-padded batch;
the mask hides the padding and positions come from the mask (as `generate` derives them for
left padding), so every row sees exactly its own prompt at the same positions. The cache holds
all but the last column, which `generate` runs as usual, and sampling then runs over the same
rows in the same order as without sharing: temperature, top-p/top-k, stop strings, EOS ids and
the length limit are whatever `generate` is given.

Training (GRPO, through TRL) and evaluation (`sqlrl.eval.generate`) both go through
`prefill_inputs`, and `sharing_generate` puts it under a model's `generate` for callers that
build the batch themselves.
"""

from __future__ import annotations

import contextlib
import copy

import torch

# Inputs that mean the call is not a plain text prompt batch (its own cache, multimodal or per-token
# fields): such calls go to `generate` unchanged.
PER_TOKEN_INPUTS = {"cache", "past_key_values", "token_type_ids", "mm_token_type_ids", "pixel_values",
                    "inputs_embeds", "position_ids"}


def common_prefix_len(rows: list[tuple[int, ...]]) -> int:
    first = rows[0]
    n = min(len(r) for r in rows)
    for r in rows[1:]:
        i = 0
        while i < n and r[i] == first[i]:
            i += 1
        n = i
    return n


def _forward(model, ids, mask, pos, cache):
    out = model(input_ids=ids, attention_mask=mask, position_ids=pos, cache=cache, use_cache=True, logits_to_keep=1)
    return out.cache if getattr(out, "cache", None) is not None else out.past_key_values


def prefill_inputs(model, input_ids: torch.Tensor, attention_mask: torch.Tensor, *, pad_id: int,
                   min_shared: int = 32) -> dict | None:
    """`generate` kwargs (input_ids, attention_mask, cache) with shared prompt tokens prefilled once.

    None when there is nothing to share (all rows distinct and no common prefix of `min_shared`
    tokens) or the model's cache cannot be repeated over rows.
    """
    width = input_ids.size(1)
    mask_b = attention_mask.bool()
    tokens = [tuple(r[m].tolist()) for r, m in zip(input_ids, mask_b)]
    if any(len(t) == 0 for t in tokens):
        return None
    distinct: dict[tuple, int] = {}
    row_of = [distinct.setdefault(t, len(distinct)) for t in tokens]
    unique = list(distinct)
    shared = min(common_prefix_len(unique), min(map(len, unique)) - 1)
    if shared < min_shared:
        shared = 0
    if len(unique) == len(tokens) and shared == 0:
        return None
    # One row per distinct prompt: shared prefix, padding, own tail (same width as the input).
    ids_u = torch.full((len(unique), width), pad_id, dtype=input_ids.dtype)
    mask_u = torch.zeros((len(unique), width), dtype=attention_mask.dtype)
    for i, t in enumerate(unique):
        ids_u[i, :shared] = torch.tensor(t[:shared])
        mask_u[i, :shared] = 1
        ids_u[i, width - len(t) + shared:] = torch.tensor(t[shared:])
        mask_u[i, width - len(t) + shared:] = 1
    device = input_ids.device
    ids_u, mask_u = ids_u.to(device), mask_u.to(device)
    pos_u = (mask_u.long().cumsum(-1) - 1).clamp(min=0)
    cache = None
    with torch.no_grad():
        if shared:
            cache = _forward(model, ids_u[:1, :shared], mask_u[:1, :shared], pos_u[:1, :shared], None)
            if not hasattr(cache, "batch_repeat_interleave"):
                return None
            cache.batch_repeat_interleave(len(unique))
        if width - 1 > shared:
            cache = _forward(model, ids_u[:, shared:width - 1], mask_u[:, :width - 1], pos_u[:, shared:width - 1],
                             cache)
    if cache is None or not hasattr(cache, "batch_select_indices"):
        return None
    index = torch.tensor(row_of, device=device)
    cache.batch_select_indices(index)
    return {"input_ids": ids_u[index], "attention_mask": mask_u[index], "cache": cache}


def check(model, input_ids: torch.Tensor, attention_mask: torch.Tensor, inputs: dict) -> float:
    """Largest difference in next-token log-probs, first row, between the shared prefill and a plain forward.

    Costs one prompt's forward; run once (the first generation) to catch a model whose cache or
    attention does not take the re-laid-out rows.
    """
    m = attention_mask[0].bool()
    ids = input_ids[0][m][None]
    row = inputs["input_ids"][:1]
    mask = inputs["attention_mask"][:1]
    cache = copy.deepcopy(inputs["cache"])
    cache.batch_select_indices(torch.tensor([0], device=row.device))
    pos = (mask.long().cumsum(-1) - 1).clamp(min=0)
    was_training = model.training
    model.eval()  # dropout off: compare the computation, not the noise
    try:
        with torch.no_grad():
            plain = model(input_ids=ids, logits_to_keep=1).logits[:, -1].float().log_softmax(-1)
            shared = model(input_ids=row[:, -1:], attention_mask=mask, position_ids=pos[:, -1:], cache=cache,
                           logits_to_keep=1).logits[:, -1].float().log_softmax(-1)
    finally:
        model.train(was_training)
    return float((plain - shared).abs().max())


@contextlib.contextmanager
def sharing_generate(model, *, pad_id: int, min_shared: int = 32, on_first=None):
    """Within the block, `model.generate(input_ids=..., attention_mask=..., ...)` prefills shared tokens once.

    `on_first(model, input_ids, attention_mask, inputs) -> bool`, if given, runs on the first
    batch that shares anything; returning False turns sharing off for the rest of the block.
    Calls that already pass a cache, or other per-token inputs, go straight through.
    """
    own = vars(model).get("generate")  # an instance attribute (e.g. the stopping module's bound tokenizer)
    inner = model.generate
    state = {"first": on_first is not None, "on": True}

    def generate(*args, **kwargs):
        ids, mask = kwargs.get("input_ids"), kwargs.get("attention_mask")
        cfg = kwargs.get("generation_config") or model.generation_config
        plain = (args or ids is None or mask is None or not state["on"] or PER_TOKEN_INPUTS & set(kwargs)
                 or getattr(cfg, "cache_implementation", None) is not None)
        if plain:
            return inner(*args, **kwargs)
        inputs = prefill_inputs(model, ids, mask, pad_id=pad_id, min_shared=min_shared)
        if inputs is None:
            return inner(*args, **kwargs)
        if state["first"]:
            state["first"] = False
            if not on_first(model, ids, mask, inputs):
                state["on"] = False
                return inner(*args, **kwargs)
        return inner(**{**kwargs, **inputs})

    model.generate = generate
    try:
        yield
    finally:
        if own is not None:
            model.generate = own
        else:
            del model.generate
