"""Every use of TRL's private API, in one place, for the TRL versions sqlrl is tested with.

TRL's `GRPOTrainer` has no public hooks for what sqlrl needs (one more turn of generation for
the multi-turn environment, prompt tokenization exactly as TRL does it, custom metrics, a look
at each generation batch, the reference model kept on the CPU). Those few reaches into private
methods live here, so a TRL upgrade means reading one file. Importing it warns when the
installed TRL is outside the tested range.
"""

from __future__ import annotations

import logging
import warnings
from importlib.metadata import version

TESTED_TRL = ((1, 16), (1, 17))  # [lowest, highest) minor versions tested; pyproject.toml pins the same


def _minor(text: str) -> tuple[int, int]:
    major, minor = (int("".join(c for c in part if c.isdigit()) or 0) for part in text.split(".")[:2])
    return major, minor


def check_trl_version(installed: str | None = None) -> bool:
    """True when TRL is in the tested range; otherwise warn once, naming the range, and return False."""
    installed = installed or version("trl")
    low, high = TESTED_TRL
    if low <= _minor(installed) < high:
        return True
    warnings.warn(f"sqlrl is tested with TRL >={low[0]}.{low[1]},<{high[0]}.{high[1]}; TRL {installed} is installed. "
                  "Training may fail where sqlrl uses TRL internals (sqlrl/trl_compat.py).", stacklevel=2)
    return False


check_trl_version()


def generate_turn(trainer, prompt_ids: list[list[int]]) -> tuple[list[list[int]], list | None]:
    """One turn of generation with the trainer's own backend (transformers, paged or vLLM)."""
    ids, logprobs = trainer._generate_single_turn(prompt_ids, None, {}, num_generations=1)
    return [list(x) for x in ids], logprobs


def tokenize_prompts(trainer, prompts: list) -> list[list[int]]:
    """Prompt token ids exactly as the trainer tokenizes them (chat template, prefix handling)."""
    return trainer._tokenize_prompts(prompts)[0]


def trainer_tokenizer(trainer):
    """The tokenizer the trainer decodes with (the processing class's tokenizer)."""
    return trainer._tokenizer


def log_metric(trainer, name: str, value: float) -> None:
    """Add a value to the trainer's metric means for this logging step (train or eval mode)."""
    mode = "train" if trainer.model.training else "eval"
    trainer._metrics[mode][name].append(value)


def grpo_trainer_class(on_generation_batch=None, ref_device: str | None = None):
    """TRL's GRPOTrainer, calling `on_generation_batch(trainer, inputs)` before each generation batch, with
    each group's prompt computed once when the trainer's `share_prompt` is on (`SharedPromptMixin`).

    `ref_device="cpu"` keeps the reference model of full fine-tuning with beta > 0 on the CPU
    (SQL-R1's memory saving): TRL 1.16 builds `self.ref_model` in `__init__` and places it on the
    training device; it is moved back to the CPU right after, and its log-probs are computed there
    (`_get_per_token_logps_and_entropies` moves the batch to the CPU and the result back).
    """
    from trl import GRPOTrainer

    class SqlrlGRPOTrainer(SharedPromptMixin, GRPOTrainer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if ref_device and self.ref_model is not None:
                import torch

                self.ref_model = self.accelerator.unwrap_model(self.ref_model).to(ref_device)
                if torch.cuda.is_available():
                    torch.cuda.empty_cache()  # give back the memory the copy held on the GPU

        def _generate_and_score_completions(self, inputs):
            if on_generation_batch is not None:
                on_generation_batch(self, inputs)
            return super()._generate_and_score_completions(inputs)

        def _get_per_token_logps_and_entropies(self, model, input_ids, *args, **kwargs):
            if not ref_device or model is not self.ref_model or self.ref_model is None:
                return super()._get_per_token_logps_and_entropies(model, input_ids, *args, **kwargs)
            back = input_ids.device
            moved = super()._get_per_token_logps_and_entropies(model, _to(input_ids, ref_device),
                                                               *(_to(a, ref_device) for a in args),
                                                               **{k: _to(v, ref_device) for k, v in kwargs.items()})
            return tuple(_to(x, back) for x in moved)

    return SqlrlGRPOTrainer


def _to(value, device):
    """A tensor moved to `device`; anything else (ints, lists, None) as is."""
    return value.to(device) if hasattr(value, "to") and hasattr(value, "device") else value


def reference_logps(trainer, input_ids, attention_mask, logits_to_keep: int):
    """Per-token log-probs of the completion tokens under the trainer's reference model (beta > 0,
    full fine-tuning), computed the way the trainer computes them during training."""
    return trainer._get_per_token_logps_and_entropies(trainer.ref_model, input_ids, attention_mask, logits_to_keep)[0]


# Values TRL accepts for string fields of GRPOConfig whose choices it states only in the field's help
# text (it declares others as metadata "choices", a Literal or an Enum type; sqlrl reads those from
# TRL itself). A wrong value here fails deep inside the trainer, after the model is loaded, so the
# config checks refuse it first. tests/test_config_checks.py holds this table to TRL's help texts.
GRPO_CHOICES: dict[str, tuple] = {
    "loss_type": ("grpo", "dr_grpo", "dapo", "bnpo", "cispo", "sapo", "luspo", "vespo"),
    "scale_rewards": ("group", "batch", "none", True, False),
    "importance_sampling_level": ("token", "sequence"),
    "vllm_mode": ("server", "colocate"),
    "vllm_model_impl": ("transformers", "vllm"),
    "vllm_importance_sampling_mode": ("token_truncate", "token_mask", "sequence_truncate", "sequence_mask"),
    "multi_objective_aggregation": ("sum_then_normalize", "normalize_then_sum"),
}


log = logging.getLogger(__name__)


def _shared_prefill():
    from sqlrl import shared_prefill  # torch: imported when a trainer first uses it, not by `sqlrl --help`

    return shared_prefill


def _shared_prompt():
    from sqlrl import shared_prompt

    return shared_prompt


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
        with _shared_prefill().sharing_generate(model, pad_id=self._tokenizer.pad_token_id,
                                             min_shared=self.min_shared_prefix, on_first=first):
            return super()._generate_single_turn(*args)

    def _check_shared_prefill(self, model, input_ids, attention_mask, inputs) -> bool:
        self._shared_prefill_checked = True
        diff = _shared_prefill().check(model, input_ids, attention_mask, inputs)
        self._shared_prompt_metric("prefill_max_logp_diff", diff)
        tol = _shared_prompt().tolerance(model, self.args.bf16 or self.args.fp16)
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
        rows = _shared_prompt().read_rows(input_ids, attention_mask, logits_to_keep)
        groups = _shared_prompt().prompt_groups(rows) if rows is not None else None
        reason = _shared_prompt().why_not_shared(unwrapped, rows, groups)
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
        logps, entropies = _shared_prompt().per_token_logps(model, input_ids, attention_mask, logits_to_keep,
                                                         rows_per_chunk=batch_size or input_ids.size(0),
                                                         compute_entropy=compute_entropy, **kwargs)
        return logps, entropies, None

    def _check_shared_forward(self, model, input_ids, attention_mask, logits_to_keep, groups, kwargs) -> bool:
        """Run a slice (the first shared group, up to 16 rows) both ways, dropout off, and compare."""
        group = next(g for g in groups if len(g) > 1)[:16]
        ids, mask = input_ids[group], attention_mask[group]
        rows = _shared_prompt().read_rows(ids, mask, logits_to_keep)
        sub = {**kwargs, "rows": rows, "groups": _shared_prompt().prompt_groups(rows)}
        import torch

        was_training = model.training
        model.eval()
        try:
            with torch.no_grad():
                want, _, _ = super()._get_per_token_logps_and_entropies(model, ids, mask, logits_to_keep)
                got, _ = _shared_prompt().per_token_logps(model, ids, mask, logits_to_keep, **sub)
        finally:
            model.train(was_training)
        keep = mask[:, -logits_to_keep:].bool()
        diff = float((want - got)[keep].abs().max()) if keep.any() else 0.0
        self._shared_prompt_metric("forward_max_logp_diff", diff)
        tol = _shared_prompt().tolerance(model, self.args.bf16 or self.args.fp16)
        if diff > tol:
            self._shared_prompt_off(f"on the first step, shared and unshared per-token log-probs differ by {diff:.3g} "
                                    f"(> {tol:g}) on this model")
            return False
        return True
