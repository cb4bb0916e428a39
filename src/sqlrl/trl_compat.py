"""Every use of TRL's private API, in one place, for the TRL versions sqlrl is tested with.

TRL's `GRPOTrainer` has no public hooks for what sqlrl needs (one more turn of generation for
the multi-turn environment, prompt tokenization exactly as TRL does it, custom metrics, a look
at each generation batch, the reference model kept on the CPU). Those few reaches into private
methods live here, so a TRL upgrade means reading one file. Importing it warns when the
installed TRL is outside the tested range.
"""

from __future__ import annotations

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
    """TRL's GRPOTrainer, calling `on_generation_batch(trainer, inputs)` before each generation batch.

    `ref_device="cpu"` keeps the reference model of full fine-tuning with beta > 0 on the CPU
    (SQL-R1's memory saving): TRL 1.16 builds `self.ref_model` in `__init__` and places it on the
    training device; it is moved back to the CPU right after, and its log-probs are computed there
    (`_get_per_token_logps_and_entropies` moves the batch to the CPU and the result back).
    """
    from trl import GRPOTrainer

    class SqlrlGRPOTrainer(GRPOTrainer):
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
