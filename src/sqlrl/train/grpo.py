"""GRPO: recipe -> dataset of prompts, reward functions, TRL GRPOTrainer. Nothing of the algorithm is ours."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sqlrl import config as cfgmod
from sqlrl.config import RunConfig
from sqlrl.errors import Problem, UserError, raise_problems
from sqlrl.jsonl import write_jsonl
from sqlrl.train.common import (
    check_before_loading,
    is_main_process,
    load_model_and_tokenizer,
    peft_config,
    run_trainer,
    training_defaults,
    world_size,
)
from sqlrl.train.dataset import prompt_dataset
from sqlrl.trl_compat import grpo_trainer_class


def train(cfg: RunConfig, resume: bool = False, verbose: bool = False) -> Path:
    """Run GRPO as the config says; returns the directory of the final model (adapter)."""
    from trl import GRPOConfig

    from sqlrl.envs import trainer_kwargs
    from sqlrl.prompts import get_template
    from sqlrl.rewards import build_rewards
    from sqlrl.stopping import configure_stopping

    started = time.time()
    out = check_before_loading(cfg, resume)
    template = get_template(cfg.data.template)
    funcs, weights = build_rewards(preset=cfg.reward.preset, weights=cfg.reward.weights, template=cfg.data.template,
                                   mode=cfg.reward.mode, timeout=cfg.reward.timeout, params=cfg.reward.params,
                                   extra=cfg.reward.extra, schedule=cfg.reward.schedule)
    if cfg.reward.schedule and cfg.training.get("reward_weights") is not None:
        raise UserError("training.reward_weights and reward.schedule are both set: a scheduled component weighs "
                        "itself and needs TRL weight 1. Give fixed weights with reward.weights instead.")
    extra = trainer_kwargs(cfg, reward_funcs=funcs)  # multi-turn environment: rollout_func and wrapped rewards
    args_dict = training_defaults(cfg)
    args_dict.setdefault("reward_weights", weights)
    check_group_size(args_dict, world_size())
    model, tokenizer = load_model_and_tokenizer(cfg)
    train_ds = prompt_dataset(cfg, cfg.data.split, tokenizer)
    args_dict["generation_kwargs"] = {**configure_stopping(model, tokenizer, template.stop_strings),
                                      **(args_dict.get("generation_kwargs") or {})}
    samples = cfg.data.prefilter_samples
    kept = out / "prefilter_ids.json"
    if samples and resume and kept.is_file():  # the prompts the run started with, not a second (random) filtering
        ids = set(json.loads(kept.read_text()))
        train_ds = train_ds.filter(lambda ex: ex["id"] in ids)
    elif samples:
        from sqlrl.train.prefilter import drop_uniform_prompts

        train_ds = drop_uniform_prompts(train_ds, model, tokenizer, funcs, args_dict["reward_weights"], template,
                                        samples=samples, temperature=args_dict.get("temperature", 1.0),
                                        max_new_tokens=args_dict.get("max_completion_length", 256),
                                        batch_size=cfg.eval.batch_size, seed=cfg.data.seed)
        if is_main_process():
            out.mkdir(parents=True, exist_ok=True)
            kept.write_text(json.dumps(list(train_ds["id"])))
    args = GRPOConfig(**args_dict)
    if is_main_process():
        cfgmod.save(cfg, out)
    ref_device = cfg.model.ref_device if cfg.model.ref_device != "auto" else None
    if ref_device and not args.beta:
        print(f"sqlrl: note: model.ref_device={ref_device} is ignored: training.beta=0 computes no reference")
        ref_device = None
    trainer = grpo_trainer_class(_record_data_order, ref_device=ref_device)(
        model=model, reward_funcs=extra.pop("reward_funcs", funcs), args=args, train_dataset=train_ds,
        processing_class=tokenizer, peft_config=peft_config(cfg), **extra)
    trainer.share_prompt = cfg.model.share_prompt  # sqlrl.trl_compat.SharedPromptMixin
    if cfg.model.grounded:
        from sqlrl.train.grounded import ground_sampling

        ground_sampling(trainer, model, tokenizer, template, train_ds)
    return run_trainer(trainer, cfg, tokenizer, out, resume, started, verbose)


def _record_data_order(trainer, inputs) -> None:
    """Append the prompts of a generation batch to `data_order/rank-N.jsonl` (training only).

    The record is how a multi-process run shows its ranks saw different data, and how a
    resumed run shows it continued the same data order. One short line per generation batch.
    """
    if trainer.model.training:
        ids = list(dict.fromkeys(str(x.get("id")) for x in inputs))  # each prompt repeats per completion
        path = Path(trainer.args.output_dir) / "data_order" / f"rank-{trainer.accelerator.process_index}.jsonl"
        write_jsonl(path, [{"step": trainer.state.global_step, "ids": ids}], append=True)


def group_size_problem(args: dict, processes: int = 1) -> Problem | None:
    """A group size TRL cannot split the generation batch into (None when it fits, or when a value is not an
    integer: that is reported as a type problem of its own)."""
    g = args.get("num_generations", 8)
    per_device = args.get("per_device_train_batch_size", 8)
    steps = args.get("steps_per_generation") or args.get("gradient_accumulation_steps", 1)
    given = args.get("generation_batch_size")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (g, per_device, steps, given or 1)):
        return None
    batch = given or per_device * processes * steps
    if g < 2:
        return Problem("training.num_generations", g, "GRPO needs at least 2 completions per prompt to compare them.")
    if batch % g:
        return Problem("training.num_generations", g, f"does not divide the generation batch ({batch} completions = "
                       f"per_device_train_batch_size x {processes} process(es) x steps_per_generation (default: "
                       "gradient_accumulation_steps), or generation_batch_size): make the batch a multiple of the "
                       "group size.")
    return None


def check_group_size(args: dict, processes: int = 1) -> None:
    """Refuse a group size TRL cannot split the generation batch into, before any model is loaded."""
    problem = group_size_problem(args, processes)
    raise_problems([problem] if problem else [], "the GRPO batch settings")
