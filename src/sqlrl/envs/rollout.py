"""Token-level episodes: generate a turn, let the environment answer, append, repeat.

The completion of an episode is one token sequence: the model's turns (mask 1) and the
environment's observations (mask 0) concatenated in order, never re-tokenized, so the
tokens the loss sees are exactly the tokens the model generated. The mask is TRL's
`env_mask`: observation tokens carry no gradient.

`generate(batch_of_token_id_lists) -> (new_ids_per_item, logprobs_per_item | None)` is the
only backend dependency: TRL's generation for training (`sqlrl.envs.trl_rollout`), plain
transformers `generate` for evaluation (`hf_generate_fn` below).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlrl.envs.sql_env import CLOSING_TAGS, SQL_CLOSE, SQLEnv, first_closing_tag

Generate = Callable[[list[list[int]]], tuple[list[list[int]], list[list[float]] | None]]


@dataclass
class EpisodeTokens:
    """One finished episode: completion tokens, which of them the model wrote, and their logprobs."""

    completion_ids: list[int]
    env_mask: list[int]  # 1: model token (trained), 0: observation token (masked out of the loss)
    logprobs: list[float] | None


def cut_after_close(tokenizer, ids: list[int]) -> list[int]:
    """`ids` up to the token that completes the first closing tag of an <sql> turn.

    A stop string can fire in the middle of a token and a batch pads finished rows (with
    EOS when pad == EOS), so a turn may carry tokens after `</sql>`; they are dropped so the
    observation follows the query directly. Turns closing `</solution>` are kept whole.
    """
    text = tokenizer.decode(ids, skip_special_tokens=True)
    tag, _ = first_closing_tag(text)
    if tag != SQL_CLOSE:
        return ids
    lo, hi = 1, len(ids)  # the shortest prefix whose text holds the tag (monotone in length)
    while lo < hi:
        mid = (lo + hi) // 2
        if SQL_CLOSE in tokenizer.decode(ids[:mid], skip_special_tokens=True):
            hi = mid
        else:
            lo = mid + 1
    return ids[:lo]


def run_episodes(envs: list[SQLEnv], prompt_ids: list[list[int]], generate: Generate, tokenizer,
                 max_completion_tokens: int) -> list[EpisodeTokens]:
    """Play one episode per (env, prompt) until each ends; envs must already be reset."""
    n = len(envs)
    ids: list[list[int]] = [[] for _ in range(n)]
    mask: list[list[int]] = [[] for _ in range(n)]
    lps: list[list[float]] = [[] for _ in range(n)]
    have_lps = True
    active = list(range(n))
    while active:
        new_ids, new_lps = generate([list(prompt_ids[i]) + ids[i] for i in active])
        have_lps = have_lps and new_lps is not None
        still = []
        for k, i in enumerate(active):
            env = envs[i]
            turn = cut_after_close(tokenizer, list(new_ids[k]))
            budget = max_completion_tokens - len(ids[i])
            over = len(turn) > budget
            turn = turn[:max(budget, 0)]
            ids[i] += turn
            mask[i] += [1] * len(turn)
            if have_lps:
                lps[i] += list(new_lps[k][:len(turn)])
            if over:
                env.end("length")
                continue
            step = env.step(tokenizer.decode(turn, skip_special_tokens=True))
            if step.done:
                continue
            obs = tokenizer.encode(step.observation, add_special_tokens=False)
            if len(ids[i]) + len(obs) >= max_completion_tokens:  # no room left to answer after it
                env.end("length")
                continue
            ids[i] += obs
            mask[i] += [0] * len(obs)
            if have_lps:
                lps[i] += [0.0] * len(obs)
            still.append(i)
        active = still
    return [EpisodeTokens(ids[i], mask[i], lps[i] if have_lps else None) for i in range(n)]


def hf_generate_fn(model, tokenizer, max_new_tokens: int, *, batch_size: int = 8, do_sample: bool = False,
                   temperature: float = 1.0, top_p: float = 1.0) -> Generate:
    """A `Generate` over a transformers model: left-padded batches, the model's stop settings."""
    import torch

    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    eos = model.generation_config.eos_token_id
    eos = set([eos] if isinstance(eos, int) else (eos or [])) | {tokenizer.eos_token_id}
    kwargs = dict(max_new_tokens=max_new_tokens, do_sample=do_sample, pad_token_id=pad)
    kwargs.update(temperature=temperature, top_p=top_p) if do_sample else kwargs.update(
        temperature=None, top_p=None, top_k=None)
    device = next(model.parameters()).device

    def generate(batch: list[list[int]]):
        out: list[list[int]] = []
        for start in range(0, len(batch), batch_size):
            chunk = batch[start:start + batch_size]
            width = max(len(x) for x in chunk)
            input_ids = torch.tensor([[pad] * (width - len(x)) + x for x in chunk], device=device)
            attention = torch.tensor([[0] * (width - len(x)) + [1] * len(x) for x in chunk], device=device)
            with torch.no_grad():
                seqs = model.generate(input_ids=input_ids, attention_mask=attention, **kwargs)
            for row in seqs[:, width:].tolist():
                # keep up to and including the first EOS; what follows is padding
                end = next((j + 1 for j, t in enumerate(row) if t in eos), len(row))
                row = row[:end]
                while row and row[-1] == pad and pad not in eos:
                    row.pop()
                out.append(row)
        return out, None

    return generate


__all__ = ["CLOSING_TAGS", "EpisodeTokens", "Generate", "cut_after_close", "hf_generate_fn", "run_episodes"]
