"""Batched generation for evaluation and inference: the same prompts and stopping as training.

Speed on a CPU comes from four things (see benchmarks/bench_eval.py):
- batches of prompts sorted by token length, left-padded, so little compute goes to padding;
- prompts on the same database side by side, so a batch runs the prefix its prompts share
  (system prompt and schema: most of the prompt) once instead of once per prompt, and, when
  sampling, each prompt once instead of once per sample (`sqlrl.shared_prefill`);
- stopping at the end of the SQL answer (`sqlrl.stopping`), so a batch ends when its answers
  do rather than at `max_new_tokens`;
- a batch size large enough to use the cores, small enough that one long answer does not
  hold many finished ones hostage.
Greedy batched outputs equal one-by-one outputs (tested): padding is masked and positions
are derived from the attention mask.
"""

from __future__ import annotations

from typing import Callable, Collection

from sqlrl.errors import UserError
from sqlrl.prompts import context_limit


def _seed_all(seed: int) -> None:
    import torch

    torch.manual_seed(seed)


def batch_order(encoded: list[list[int]], todo: list[int], share_prefix: bool) -> list[int]:
    """The order prompts are batched in.

    Without prefix sharing: longest first, so a batch holds prompts of similar length (little
    padding) and memory peaks at the start (an out-of-memory shows at once). With it: token
    ids in lexicographic order, which puts prompts with the longest common prefix (same
    system prompt and database schema) side by side; a batch then runs that prefix once and
    pads only the differing tails (the questions), which are short.
    """
    if share_prefix:
        return sorted(todo, key=lambda i: encoded[i])
    return sorted(todo, key=lambda i: -len(encoded[i]))


def _batch_inputs(model, tokenizer, seqs: list[list[int]], repeats: int, share_prefix: bool, min_shared: int):
    """generate() kwargs for one batch: left-padded ids and mask, each prompt `repeats` times.

    With `share_prefix`, the prompt tokens rows have in common (the prefix all prompts share,
    of at least `min_shared` tokens, and each prompt over its samples) are run once and their
    KV cache repeated over the rows (`sqlrl.shared_prefill`, which GRPO training uses too).
    """
    import torch

    from sqlrl.shared_prefill import prefill_inputs

    pad = tokenizer.pad_token_id
    width = max(map(len, seqs))
    ids = torch.tensor([[pad] * (width - len(s)) + s for s in seqs])
    mask = torch.tensor([[0] * (width - len(s)) + [1] * len(s) for s in seqs])
    if share_prefix:
        device = next(model.parameters()).device
        shared = prefill_inputs(model, ids.repeat_interleave(repeats, 0).to(device),
                                mask.repeat_interleave(repeats, 0).to(device), pad_id=pad, min_shared=min_shared)
        if shared is not None:
            return shared
    if repeats > 1:
        return {"input_ids": ids, "attention_mask": mask, "num_return_sequences": repeats}
    return {"input_ids": ids, "attention_mask": mask}


def generate(model, tokenizer, prompts: list[str], *, batch_size: int = 8, max_new_tokens: int = 128,
             num_samples: int = 1, do_sample: bool = False, temperature: float = 1.0, top_p: float = 1.0,
             seed: int = 0, share_prefix: bool = True, min_shared: int = 32,
             on_batch: Callable[[list[int], list[list[str]]], None] | None = None,
             skip: Collection[int] = (), logits_processor: list | None = None) -> list[list[str] | None]:
    """Generate `num_samples` continuations for each prompt; returns them in prompt order.

    `share_prefix`: compute the prompt prefix a batch shares (system prompt, schema) once.
    A prompt that does not fit in the context window with `max_new_tokens` to spare gets
    None (the caller reports it). `on_batch(indices, texts)` is called after each batch with
    the prompt indices it covered, for progress and running scores.
    `skip`: prompt indices already answered (a resumed run). A batch made only of them is not
    generated and its prompts get None; batches and their sampling seeds stay those of a run
    without `skip`, so every other batch comes out as it would have.
    `logits_processor`: extra transformers logits processors (schema-grounded decoding,
    `sqlrl.eval.grounded`).
    """
    import torch

    if batch_size < 1:
        raise UserError(f"batch size must be at least 1, got {batch_size}.")
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    # The chat template already wrote any BOS/special tokens into the text.
    encoded = tokenizer(prompts, add_special_tokens=False)["input_ids"]
    limit = context_limit(model, tokenizer)
    out: list[list[str] | None] = [None] * len(prompts)
    todo = [i for i, ids in enumerate(encoded) if limit is None or len(ids) + max_new_tokens <= limit]
    todo = batch_order(encoded, todo, share_prefix)
    gen_kwargs = dict(max_new_tokens=max_new_tokens, do_sample=do_sample, pad_token_id=tokenizer.pad_token_id)
    if do_sample:
        gen_kwargs.update(temperature=temperature, top_p=top_p)
    else:
        # Unset sampling knobs a checkpoint's generation_config may carry, so greedy is greedy.
        gen_kwargs.update(temperature=None, top_p=None, top_k=None)
    if logits_processor:
        from transformers import LogitsProcessorList

        gen_kwargs["logits_processor"] = LogitsProcessorList(logits_processor)
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        skip = set(skip)
        for b, start in enumerate(range(0, len(todo), batch_size)):
            idx = todo[start:start + batch_size]
            if skip and skip.issuperset(idx):
                continue
            if do_sample:
                _seed_all(seed + b)
            with torch.no_grad():
                batch = _batch_inputs(model, tokenizer, [encoded[i] for i in idx], num_samples, share_prefix,
                                      min_shared)
                width = batch["input_ids"].shape[1]
                batch = {k: v.to(device) if torch.is_tensor(v) else v for k, v in batch.items()}
                seqs = model.generate(**batch, **gen_kwargs)
            texts = tokenizer.batch_decode(seqs[:, width:], skip_special_tokens=True)
            per_prompt = [texts[k * num_samples:(k + 1) * num_samples] for k in range(len(idx))]
            for i, t in zip(idx, per_prompt):
                out[i] = t
            if on_batch:
                on_batch(idx, per_prompt)
    finally:
        if was_training:
            model.train()
    return out


def generate_vllm(model_path: str, prompts: list[str], *, max_new_tokens: int = 128, num_samples: int = 1,
                  do_sample: bool = False, temperature: float = 1.0, top_p: float = 1.0, seed: int = 0,
                  stop: list[str] | None = None, max_model_len: int | None = None) -> list[list[str] | None]:
    """Generate with vLLM (GPU): same prompts, same stop strings, stop string kept in the text."""
    try:
        from vllm import LLM, SamplingParams
    except ImportError as e:
        raise UserError("--backend vllm needs vLLM: pip install 'sqlrl[gpu]' (or pip install vllm), "
                        "or use the default --backend transformers.") from e
    llm = LLM(model=model_path, seed=seed, max_model_len=max_model_len)
    params = SamplingParams(n=num_samples, temperature=temperature if do_sample else 0.0,
                            top_p=top_p if do_sample else 1.0, max_tokens=max_new_tokens, seed=seed,
                            stop=list(stop or []), include_stop_str_in_output=True)
    tok = llm.get_tokenizer()
    limit = llm.llm_engine.model_config.max_model_len
    out: list[list[str] | None] = [None] * len(prompts)
    keep = [i for i, p in enumerate(prompts)
            if len(tok(p, add_special_tokens=False)["input_ids"]) + max_new_tokens <= limit]
    results = llm.generate([prompts[i] for i in keep], params)
    for i, r in zip(keep, results):
        out[i] = [o.text for o in r.outputs]
    return out
