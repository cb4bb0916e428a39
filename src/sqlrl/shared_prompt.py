"""GRPO's training forward with each group's prompt computed once.

TRL scores a group of G completions as G padded rows `[prompt, completion_k]`, so the prompt
(schema and question: most of the tokens in text-to-SQL) is forwarded and back-propagated G
times. Here the rows that share a prompt become one packed row:

    [p_0 .. p_{P-2} | p_{P-1} c1_0 .. c1_{L1-2} | p_{P-1} c2_0 .. c2_{L2-2} | ...]

Each completion's branch starts with its own copy of the prompt's last token (the position whose
output predicts the completion's first token) and leaves out its own last token (nothing after
it is scored), so a branch is exactly as long as its completion and there is no padding. A 4D
mask lets each branch attend to the shared prompt and, causally, to itself; each token keeps the
position id it has in TRL's padded row (its column), so every scored token sees the same tokens
at the same positions as in TRL, for any position scheme. The gradients reaching the prompt are
summed over the group, as TRL sums them over its G copies.

Log-probabilities and entropies come from TRL's fused LM head (`fused_lm_head=True`), given
pre-shifted labels (`shift_labels`), so temperature and logit scaling are TRL's own.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

import torch

# Attention implementations that take an arbitrary 4D mask. Flash attention takes none (only
# causal masks over unpadded sequences), flex attention wants a BlockMask: those fall back.
MASKED_ATTENTION = ("sdpa", "eager")


@dataclass
class Rows:
    """One batch as TRL lays it out, read back into token lists."""

    prompts: list[tuple[int, ...]]   # each row's prompt tokens, without padding
    pad: list[int]                   # each row's left padding (its prompt starts at that column)
    lengths: list[int]               # each row's completion length (its mask is a prefix of ones)
    width: int                       # prompt width of the padded batch: the first completion column


def read_rows(input_ids: torch.Tensor, attention_mask: torch.Tensor, logits_to_keep: int) -> Rows | None:
    """The rows of TRL's `[left-padded prompt, right-padded completion]` batch; None if laid out otherwise."""
    width = input_ids.size(1) - logits_to_keep
    if width < 1:
        return None
    pmask, cmask = attention_mask[:, :width].bool(), attention_mask[:, width:].bool()
    pad = (~pmask).sum(1)
    lengths = cmask.sum(1)
    cols = torch.arange(width, device=pmask.device)
    tcols = torch.arange(logits_to_keep, device=cmask.device)
    if not torch.equal(pmask, cols >= pad[:, None]) or not torch.equal(cmask, tcols < lengths[:, None]):
        return None  # holes in a mask: not the layout whose attention the packing reproduces
    if bool((pad == width).any()):
        return None  # an empty prompt has no token to branch from
    ids = input_ids[:, :width].tolist()
    pads = pad.tolist()
    return Rows(prompts=[tuple(r[p:]) for r, p in zip(ids, pads)], pad=pads, lengths=lengths.tolist(), width=width)


def prompt_groups(rows: Rows) -> list[list[int]]:
    """Row indices grouped by identical prompt, groups in order of first appearance."""
    groups: dict[tuple, list[int]] = {}
    for i, p in enumerate(rows.prompts):
        groups.setdefault((rows.pad[i], p), []).append(i)
    return list(groups.values())


@dataclass
class Packed:
    input_ids: torch.Tensor      # (R, N)
    position_ids: torch.Tensor   # (R, N)
    mask: torch.Tensor           # (R, 1, N, N) bool, True = may attend
    shift_labels: torch.Tensor   # (R, N) the token each position predicts, -100 = not scored
    index: torch.Tensor          # (B, T) where in the flattened (R * N) output each completion token's score is
    valid: torch.Tensor          # (B, T) bool: a real completion token


def pack(input_ids: torch.Tensor, rows: Rows, groups: list[list[int]], logits_to_keep: int, pad_id: int) -> Packed:
    """One packed row per group (see the module docstring); `index` maps scores back to the batch's rows."""
    width, T = rows.width, logits_to_keep
    completions = input_ids[:, width:].tolist()
    seqs, positions, segments, labels = [], [], [], []
    where = {}  # batch row -> (packed row, offset of its branch)
    for r, group in enumerate(groups):
        first = group[0]
        prompt, pad = rows.prompts[first], rows.pad[first]
        seq = list(prompt[:-1])
        pos = list(range(pad, width - 1))
        seg = [0] * len(seq)
        lab = [-100] * len(seq)
        for k, b in enumerate(group, start=1):
            n = rows.lengths[b]
            comp = completions[b][:n]
            where[b] = (r, len(seq))
            seq += [prompt[-1], *comp[:-1]][:n]
            pos += list(range(width - 1, width - 1 + n))
            seg += [k] * n
            lab += comp
        seqs.append(seq)
        positions.append(pos)
        segments.append(seg)
        labels.append(lab)
    n_max = max(max(map(len, seqs)), 1)
    R = len(groups)
    ids = torch.full((R, n_max), pad_id, dtype=torch.long)
    pos_t = torch.zeros((R, n_max), dtype=torch.long)
    seg_t = torch.full((R, n_max), -1, dtype=torch.long)
    lab_t = torch.full((R, n_max), -100, dtype=torch.long)
    for r in range(R):
        n = len(seqs[r])
        ids[r, :n] = torch.tensor(seqs[r], dtype=torch.long)
        pos_t[r, :n] = torch.tensor(positions[r], dtype=torch.long)
        seg_t[r, :n] = torch.tensor(segments[r], dtype=torch.long)
        lab_t[r, :n] = torch.tensor(labels[r], dtype=torch.long)
    q, k = seg_t[:, :, None], seg_t[:, None, :]
    causal = torch.ones(n_max, n_max, dtype=torch.bool).tril()
    mask = causal & (q >= 0) & ((k == 0) | (k == q))
    # A padding position attends to itself only: a query row with nothing to attend to would
    # give NaN, and NaN times a zero gradient is still NaN in the backward pass.
    mask |= torch.eye(n_max, dtype=torch.bool) & (q < 0)
    B = len(rows.prompts)
    index = torch.zeros((B, T), dtype=torch.long)
    valid = torch.zeros((B, T), dtype=torch.bool)
    for b, (r, off) in where.items():
        n = rows.lengths[b]
        index[b, :n] = r * n_max + off + torch.arange(n)
        valid[b, :n] = True
    dev = input_ids.device
    return Packed(ids.to(dev), pos_t.to(dev), mask[:, None].to(dev), lab_t.to(dev), index.to(dev), valid.to(dev))


def attention_mask_for(model, mask: torch.Tensor) -> torch.Tensor:
    """The 4D mask in the form the model's attention takes: bool for sdpa, additive for eager."""
    impl = getattr(model.config, "_attn_implementation", None)
    if impl == "eager":
        dtype = next(model.parameters()).dtype
        return torch.zeros(mask.shape, dtype=dtype, device=mask.device).masked_fill(~mask, torch.finfo(dtype).min)
    return mask


def why_not_shared(model, rows: Rows | None, groups: list[list[int]] | None) -> str | None:
    """Why this batch cannot (or need not) take the shared path; None if it can."""
    impl = getattr(getattr(model, "config", None), "_attn_implementation", None)
    if impl not in MASKED_ATTENTION:
        return f"attention implementation {impl!r} takes no custom 4D mask (sdpa and eager do)"
    peft_cfg = getattr(model, "active_peft_config", None)
    if peft_cfg is not None and getattr(peft_cfg, "is_prompt_learning", False):
        return "prompt-learning PEFT adds virtual tokens the packing does not place"
    if rows is None:
        return "the batch is not laid out as left-padded prompts and right-padded completions"
    if groups is not None and len(groups) == len(rows.prompts):
        return "no two rows share a prompt"
    return None


def chunks(groups: list[list[int]], rows_per_chunk: int) -> list[list[list[int]]]:
    """Whole groups, about `rows_per_chunk` rows per forward (TRL's batch_size bounds memory the same way)."""
    out, cur, n = [], [], 0
    for g in groups:
        if cur and n + len(g) > rows_per_chunk:
            out.append(cur)
            cur, n = [], 0
        cur.append(g)
        n += len(g)
    if cur:
        out.append(cur)
    return out


def per_token_logps(model, input_ids: torch.Tensor, attention_mask: torch.Tensor, logits_to_keep: int, *,
                    rows: Rows, groups: list[list[int]], pad_id: int, rows_per_chunk: int | None = None,
                    compute_entropy: bool = False, config_model=None, autocast=nullcontext):
    """(log-probs, entropies or None), each (B, logits_to_keep), zero where the completion mask is.

    `model` is what is called (possibly wrapped for distributed training); `config_model` is the
    unwrapped model whose config and parameters describe it; `autocast` makes the context each
    forward runs in (the trainer's mixed precision).
    """
    config_model = config_model or model
    B, T = input_ids.size(0), logits_to_keep
    outs_lp, outs_ent, order = [], [], []
    for chunk in chunks(groups, rows_per_chunk or B):
        packed = pack(input_ids, rows, chunk, T, pad_id)
        local = {b: i for i, b in enumerate(b for g in chunk for b in g)}
        # `pack` indexes rows by their batch position: keep only this chunk's rows, in chunk order.
        sel = torch.tensor(list(local), device=input_ids.device)
        with autocast():
            out = model(input_ids=packed.input_ids, attention_mask=attention_mask_for(config_model, packed.mask),
                        position_ids=packed.position_ids, shift_labels=packed.shift_labels, fused_lm_head=True)
        index, valid = packed.index[sel], packed.valid[sel]
        lp = out.log_probs.reshape(-1)[index]
        outs_lp.append(torch.where(valid, lp, torch.zeros_like(lp)))
        if compute_entropy:
            ent = out.entropy.reshape(-1)[index]
            outs_ent.append(torch.where(valid, ent, torch.zeros_like(ent)))
        order += list(local)
    inverse = torch.empty(B, dtype=torch.long)
    inverse[torch.tensor(order)] = torch.arange(B)
    inverse = inverse.to(input_ids.device)
    logps = torch.cat(outs_lp)[inverse]
    entropies = torch.cat(outs_ent)[inverse] if compute_entropy else None
    return logps, entropies


def tolerance(model, mixed_precision: bool = False) -> float:
    """Largest log-prob difference the first-step check accepts: float noise, not a wrong mask or position.

    Float32 differs by about 1e-6 (another kernel, another summation order); bf16 autocast by
    about 1e-3 between any two batch layouts, TRL's included.
    """
    dtype = next(model.parameters()).dtype
    return 1e-3 if dtype in (torch.float32, torch.float64) and not mixed_precision else 0.1
