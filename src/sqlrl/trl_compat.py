"""Every use sqlrl makes of TRL's private API (GRPOTrainer methods and attributes starting with `_`).

Tested with TRL 1.16. A TRL upgrade that renames or re-signs one of these shows up here, and
in tests/test_shared_prompt.py, which compares each override with TRL's own method.

- `SharedPromptMixin` computes each group's prompt once (see `sqlrl.shared_prefill` for
  generation and `sqlrl.train.shared_prompt` for the training forward). It overrides
  `_generate_single_turn` (to prefill shared prompt tokens once under TRL's own `generate`
  call) and `_get_per_token_logps_and_entropies` (policy, old-policy and reference log-probs,
  and the entropies, with the prompt forwarded once per group). It reads `_tokenizer` (the
  pad id) and appends to `_metrics` (the first-step check's result).
"""

from __future__ import annotations

import logging

import torch

from sqlrl import shared_prefill
from sqlrl.train import shared_prompt

log = logging.getLogger(__name__)


class SharedPromptMixin:
    """GRPOTrainer with each group's prompt prefilled once in generation and forwarded once in training.

    `share_prompt` switches it on. The first batch that shares anything is also run TRL's way
    (a slice of it, dropout off) and compared; on a mismatch sharing is switched off for the rest
    of the run, with a warning saying why. Cases the packing does not cover (multi-turn
    `rollout_func`, vLLM or continuous-batching generation, images, MoE auxiliary loss, attention
    without custom masks) run TRL's own code.
    """

    share_prompt: bool = False
    min_shared_prefix: int = 32  # shorter common prefixes of distinct prompts are not worth a separate prefill

    def _shared_prompt_off(self, reason: str) -> None:
        if self.share_prompt:
            log.warning("sqlrl: prompt sharing off, running TRL's unshared path: %s", reason)
        self.share_prompt = False

    def _shared_prompt_metric(self, name: str, value: float) -> None:
        mode = "train" if self.model.training else "eval"
        self._metrics[mode][f"shared_prompt/{name}"].append(value)

    # --- generation -----------------------------------------------------------------------------
    def _generate_single_turn(self, prompt_ids, images, multimodal_fields, num_generations, has_tool_images=False):
        args = (prompt_ids, images, multimodal_fields, num_generations, has_tool_images)
        if (not self.share_prompt or self.use_vllm or self.use_transformers_continuous_batching or images is not None
                or multimodal_fields):
            return super()._generate_single_turn(*args)
        model = self.accelerator.unwrap_model(self.model_wrapped)
        first = None if getattr(self, "_shared_prefill_checked", False) else self._check_shared_prefill
        with shared_prefill.sharing_generate(model, pad_id=self._tokenizer.pad_token_id,
                                             min_shared=self.min_shared_prefix, on_first=first):
            return super()._generate_single_turn(*args)

    def _check_shared_prefill(self, model, input_ids, attention_mask, inputs) -> bool:
        self._shared_prefill_checked = True
        diff = shared_prefill.check(model, input_ids, attention_mask, inputs)
        self._shared_prompt_metric("prefill_max_logp_diff", diff)
        tol = shared_prompt.tolerance(model, self.args.bf16 or self.args.fp16)
        if diff > tol:
            self._shared_prompt_off(f"the shared prefill's next-token log-probs differ from a plain forward's by "
                                    f"{diff:.3g} (> {tol:g}) on this model")
            return False
        return True

    # --- training forward ------------------------------------------------------------------------
    def _get_per_token_logps_and_entropies(self, model, input_ids, attention_mask, logits_to_keep, batch_size=None,
                                           compute_entropy=False, compute_aux_loss=False, **multimodal):
        plain = super()._get_per_token_logps_and_entropies
        call = (model, input_ids, attention_mask, logits_to_keep, batch_size, compute_entropy, compute_aux_loss)
        if not self.share_prompt:
            return plain(*call, **multimodal)
        if self.rollout_func is not None:
            self._shared_prompt_off("a multi-turn rollout_func builds its own prompts and completions")
        elif compute_aux_loss:
            self._shared_prompt_off("the MoE load-balancing loss needs TRL's row layout")
        elif any(v is not None for v in multimodal.values()):
            self._shared_prompt_off("multimodal inputs are laid out per row")
        if not self.share_prompt:
            return plain(*call, **multimodal)
        unwrapped = self.accelerator.unwrap_model(model)
        rows = shared_prompt.read_rows(input_ids, attention_mask, logits_to_keep)
        groups = shared_prompt.prompt_groups(rows) if rows is not None else None
        reason = shared_prompt.why_not_shared(unwrapped, rows, groups)
        if reason is not None:
            if rows is not None and groups is not None and len(groups) == len(rows.prompts):
                return plain(*call, **multimodal)  # this batch only: nothing to share
            self._shared_prompt_off(reason)
            return plain(*call, **multimodal)
        kwargs = {"rows": rows, "groups": groups, "pad_id": self._tokenizer.pad_token_id, "config_model": unwrapped,
                  "autocast": self.accelerator.autocast}
        if not getattr(self, "_shared_forward_checked", False):
            self._shared_forward_checked = True
            if not self._check_shared_forward(unwrapped, input_ids, attention_mask, logits_to_keep, groups, kwargs):
                return plain(*call, **multimodal)
        logps, entropies = shared_prompt.per_token_logps(model, input_ids, attention_mask, logits_to_keep,
                                                         rows_per_chunk=batch_size or input_ids.size(0),
                                                         compute_entropy=compute_entropy, **kwargs)
        return logps, entropies, None

    def _check_shared_forward(self, model, input_ids, attention_mask, logits_to_keep, groups, kwargs) -> bool:
        """Run a slice (the first shared group, up to 16 rows) both ways, dropout off, and compare."""
        group = next(g for g in groups if len(g) > 1)[:16]
        ids, mask = input_ids[group], attention_mask[group]
        rows = shared_prompt.read_rows(ids, mask, logits_to_keep)
        sub = {**kwargs, "rows": rows, "groups": shared_prompt.prompt_groups(rows)}
        was_training = model.training
        model.eval()
        try:
            with torch.no_grad():
                want, _, _ = super()._get_per_token_logps_and_entropies(model, ids, mask, logits_to_keep)
                got, _ = shared_prompt.per_token_logps(model, ids, mask, logits_to_keep, **sub)
        finally:
            model.train(was_training)
        keep = mask[:, -logits_to_keep:].bool()
        diff = float((want - got)[keep].abs().max()) if keep.any() else 0.0
        self._shared_prompt_metric("forward_max_logp_diff", diff)
        tol = shared_prompt.tolerance(model, self.args.bf16 or self.args.fp16)
        if diff > tol:
            self._shared_prompt_off(f"on the first step, shared and unshared per-token log-probs differ by {diff:.3g} "
                                    f"(> {tol:g}) on this model")
            return False
        return True
