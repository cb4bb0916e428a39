"""Model backends for training: transformers (default) or Unsloth (optional, CUDA only).

With `model.backend: unsloth` the model and its LoRA adapter come from Unsloth's
`FastLanguageModel.from_pretrained` / `FastLanguageModel.get_peft_model` (its fused kernels and
memory-saving gradient checkpointing); everything after is unchanged: the same TRL trainer,
rewards, tokenizer and evaluation. Unsloth runs on NVIDIA GPUs only, so on a machine without
CUDA or without the package the run stops before anything loads.
"""

from __future__ import annotations

import importlib.util

from sqlrl.config import RunConfig
from sqlrl.errors import UserError

# What `lora_target_modules: all-linear` means for Unsloth, which takes module names: every
# linear layer of the attention and MLP blocks of the Llama / Qwen / Gemma families.
UNSLOTH_ALL_LINEAR = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def unsloth_installed() -> bool:
    return importlib.util.find_spec("unsloth") is not None


def check_backend(cfg: RunConfig) -> None:
    """Refuse, before any model loads, a backend this machine cannot run."""
    if cfg.model.backend != "unsloth":
        return
    missing = []
    if not cuda_available():
        missing.append("a CUDA GPU (this machine has none)")
    if not unsloth_installed():
        missing.append("the unsloth package (pip install 'sqlrl[unsloth]')")
    if missing:
        raise UserError(f"model.backend=unsloth needs {' and '.join(missing)}. Set model.backend=transformers to "
                        "train with plain transformers + PEFT (same recipe, same trainer).")


def max_seq_length(cfg: RunConfig) -> int:
    """Prompt plus completion tokens, the context Unsloth prepares its kernels for."""
    completion = cfg.training.get("max_completion_length") or cfg.training.get("max_length") or 512
    return int((cfg.data.max_prompt_tokens or 1024) + completion)


def load_unsloth(cfg: RunConfig):
    """(model, tokenizer) through Unsloth: the model with its LoRA adapter already attached (so the
    trainer gets no peft_config), and sqlrl's own tokenizer, the one evaluation uses."""
    import torch
    from unsloth import FastLanguageModel

    from sqlrl.models import load_tokenizer, resolve

    m = cfg.model
    dtype = {"bfloat16": torch.bfloat16, "float16": torch.float16}.get(m.dtype)  # None: Unsloth picks for the GPU
    model, _ = FastLanguageModel.from_pretrained(model_name=resolve(m.name), max_seq_length=max_seq_length(cfg),
                                                 dtype=dtype, load_in_4bit=m.load_in_4bit, full_finetuning=not m.lora)
    if m.lora:
        targets = UNSLOTH_ALL_LINEAR if m.lora_target_modules == "all-linear" else list(m.lora_target_modules)
        checkpointing = "unsloth" if cfg.training.get("gradient_checkpointing", True) else False
        model = FastLanguageModel.get_peft_model(model, r=m.lora_r, lora_alpha=m.lora_alpha,
                                                 lora_dropout=m.lora_dropout, target_modules=targets, bias="none",
                                                 use_gradient_checkpointing=checkpointing, random_state=cfg.data.seed)
    return model, load_tokenizer(m.name)
