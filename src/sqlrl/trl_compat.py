"""Every use of TRL's private API, in one place, for the TRL versions sqlrl is tested with.

TRL's `GRPOTrainer` has no public hooks for what sqlrl needs (one more turn of generation for
the multi-turn environment, prompt tokenization exactly as TRL does it, custom metrics, a look
at each generation batch). Those few reaches into private methods live here, so a TRL upgrade
means reading one file. Importing it warns when the installed TRL is outside the tested range.
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


def grpo_trainer_class(on_generation_batch=None):
    """TRL's GRPOTrainer, calling `on_generation_batch(trainer, inputs)` before each generation batch."""
    from trl import GRPOTrainer

    class SqlrlGRPOTrainer(GRPOTrainer):
        def _generate_and_score_completions(self, inputs):
            if on_generation_batch is not None:
                on_generation_batch(self, inputs)
            return super()._generate_and_score_completions(inputs)

    return SqlrlGRPOTrainer


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
