"""SFT warm start: the gold SQL in exactly the format GRPO will sample, with TRL's SFTTrainer."""

from __future__ import annotations

import time
from pathlib import Path

from sqlrl import config as cfgmod
from sqlrl.config import RunConfig
from sqlrl.train.common import (
    check_before_loading,
    is_main_process,
    load_model_and_tokenizer,
    peft_config,
    run_trainer,
    training_defaults,
)
from sqlrl.train.dataset import prompt_dataset


def train(cfg: RunConfig, resume: bool = False, verbose: bool = False) -> Path:
    """Run SFT as the config says; returns the directory of the final model (adapter)."""
    from trl import SFTConfig, SFTTrainer

    started = time.time()
    out = check_before_loading(cfg, resume)
    model, tokenizer = load_model_and_tokenizer(cfg)
    train_ds = prompt_dataset(cfg, cfg.data.split, tokenizer, with_answer=True)
    args = SFTConfig(**{"completion_only_loss": True, **training_defaults(cfg)})
    if is_main_process():
        cfgmod.save(cfg, out)
    trainer = SFTTrainer(model=model, args=args, train_dataset=train_ds.select_columns(["prompt", "completion"]),
                         processing_class=tokenizer, peft_config=peft_config(cfg))
    return run_trainer(trainer, cfg, tokenizer, out, resume, started, verbose)
