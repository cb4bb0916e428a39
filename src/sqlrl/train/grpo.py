"""GRPO: recipe -> dataset of prompts, reward functions, TRL GRPOTrainer. Nothing of the algorithm is ours."""

from __future__ import annotations

import time
from pathlib import Path

from sqlrl import config as cfgmod
from sqlrl.config import RunConfig
from sqlrl.train import callbacks
from sqlrl.train.common import (check_before_loading, load_model_and_tokenizer, peft_config, training_defaults,
                                write_model_card)
from sqlrl.train.dataset import prompt_dataset


def train(cfg: RunConfig, resume: bool = False) -> Path:
    """Run GRPO as the config says; returns the directory of the final model (adapter)."""
    from trl import GRPOConfig, GRPOTrainer

    from sqlrl.prompts import get_template
    from sqlrl.rewards import build_rewards
    from sqlrl.stopping import configure_stopping

    started = time.time()
    out = check_before_loading(cfg, resume)
    template = get_template(cfg.data.template)
    funcs, weights = build_rewards(preset=cfg.reward.preset, weights=cfg.reward.weights, template=cfg.data.template,
                                   mode=cfg.reward.mode, timeout=cfg.reward.timeout, params=cfg.reward.params)
    args_dict = training_defaults(cfg)
    args_dict.setdefault("reward_weights", weights)
    _check_group_size(args_dict)
    model, tokenizer = load_model_and_tokenizer(cfg)
    train_ds = prompt_dataset(cfg, cfg.data.split, tokenizer)
    args_dict["generation_kwargs"] = {**configure_stopping(model, tokenizer, template.stop_strings),
                                      **(args_dict.get("generation_kwargs") or {})}
    args = GRPOConfig(**args_dict)
    cfgmod.save(cfg, out)
    trainer = GRPOTrainer(model=model, reward_funcs=funcs, args=args, train_dataset=train_ds,
                          processing_class=tokenizer, peft_config=peft_config(cfg))
    callbacks.install(trainer, cfg, tokenizer)
    result = trainer.train(resume_from_checkpoint=True if resume else None)
    final = out / "final"
    trainer.save_model(str(final))
    tokenizer.save_pretrained(final)
    write_model_card(cfg, out, result.metrics, started)
    return final


def _check_group_size(args: dict) -> None:
    from sqlrl.errors import UserError

    g = args.get("num_generations", 8)
    batch = args.get("generation_batch_size") or args.get("per_device_train_batch_size", 8) * args.get("steps_per_generation", 1) \
        * args.get("gradient_accumulation_steps", 1)
    if g < 2:
        raise UserError(f"training.num_generations={g}: GRPO needs at least 2 completions per prompt to compare them.")
    if batch % g:
        raise UserError(f"training.num_generations={g} does not divide the generation batch ({batch} completions = "
                        "per_device_train_batch_size x steps_per_generation x gradient_accumulation_steps, or "
                        "generation_batch_size): make the batch a multiple of the group size.")
