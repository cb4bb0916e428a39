"""What GRPO and SFT runs share: checks before loading, the model, LoRA, the output directory."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sqlrl import config as cfgmod
from sqlrl.config import RunConfig
from sqlrl.errors import Problem, UserError, raise_problems


def has_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def gpu_problems(cfg: RunConfig, cuda: bool | None = None) -> list[Problem]:
    """Every setting that needs a CUDA GPU, when this machine has none: all of them, not the first."""
    if has_cuda() if cuda is None else cuda:
        return []
    none = "needs a CUDA GPU; this machine has none."
    out = []
    if cfg.model.load_in_4bit:
        out.append(Problem("model.load_in_4bit", True, "QLoRA needs a CUDA GPU and bitsandbytes; this machine has "
                           "no GPU. Set model.load_in_4bit=false to train in full precision on CPU.", machine=True))
    for key in ("bf16", "fp16", "use_vllm"):
        if cfg.training.get(key) is True:
            out.append(Problem(f"training.{key}", True, f"{none} Set training.{key}=false.", machine=True))
    if cfg.training.get("deepspeed"):
        out.append(Problem("training.deepspeed", cfg.training["deepspeed"], "needs CUDA GPUs and the deepspeed "
                           "package; this machine has no GPU. Remove it (training.deepspeed=null).", machine=True))
    if str(cfg.training.get("optim", "")).endswith("8bit"):
        out.append(Problem("training.optim", cfg.training["optim"], f"a bitsandbytes optimizer, {none} Set "
                           "training.optim=adamw_torch.", machine=True))
    return out


def output_dir_problems(cfg: RunConfig, resume: bool) -> list[Problem]:
    """An output directory that holds another run (without --resume), or nothing to resume from."""
    out = Path(cfg.output_dir)
    previous = out / "config.yaml"
    if previous.is_file() and not resume:
        try:
            old = cfgmod.load_yaml(previous.read_text()) or {}
        except cfgmod.yaml.YAMLError:
            old = {}
        if any(out.glob("checkpoint-*")) or not isinstance(old, dict) or old.get("recipe") != cfg.recipe:
            recipe = old.get("recipe") if isinstance(old, dict) else None
            return [Problem("output_dir", str(out), f"already holds a run (recipe '{recipe}'). Pass --resume to "
                            "continue it, or choose another output_dir=... .", machine=True)]
    if resume:
        try:
            last_complete_checkpoint(out)
        except UserError as e:
            return [Problem("output_dir", str(out), str(e), machine=True)]
    return []


def quantized_adapter_problems(cfg: RunConfig) -> list[Problem]:
    """A LoRA checkpoint as the model to load in 4 bits: training on from one merges it first, in full precision."""
    from sqlrl.models import is_adapter_dir

    if not (cfg.model.load_in_4bit and is_adapter_dir(Path(cfg.model.name).expanduser())):
        return []
    return [Problem("model.name", cfg.model.name, "is a LoRA adapter, and model.load_in_4bit loads a plain model. "
                    f"Merge it first (sqlrl export {cfg.model.name} --out DIR) and set model.name=DIR.")]


def check_before_loading(cfg: RunConfig, resume: bool) -> Path:
    """Fail fast, before any model is loaded, on settings that cannot work here (all of them at once)."""
    from sqlrl.train.backend import check_backend

    check_backend(cfg)
    raise_problems(gpu_problems(cfg) + quantized_adapter_problems(cfg) + output_dir_problems(cfg, resume),
                   f"recipe '{cfg.recipe}'")
    return Path(cfg.output_dir)


def last_complete_checkpoint(out: Path) -> str:
    """The newest checkpoint-N whose trainer_state.json parses and says step N.

    transformers writes a checkpoint directory in place, trainer_state.json last, and resumes
    from the highest-numbered one whether complete or not: a kill while saving would make
    every later --resume fail. We pick the last complete one instead.
    """
    best = None
    for d in Path(out).glob("checkpoint-*"):
        try:
            step = int(d.name.split("-", 1)[1])
            state = json.loads((d / "trainer_state.json").read_text())
        except (ValueError, OSError):
            continue
        if state.get("global_step") == step and (best is None or step > best[0]):
            best = (step, d)
    if best is None:
        raise UserError(f"--resume: no complete checkpoint-* directory (with a valid trainer_state.json) in {out}.")
    return str(best[1])


def training_defaults(cfg: RunConfig) -> dict:
    """TRL config values that differ from TRL's own defaults on this kind of machine; the recipe wins."""
    cuda = has_cuda()
    defaults = {
        "output_dir": cfg.output_dir,
        "bf16": cuda,
        # Without it, processes started by `accelerate launch` on a CPU-only machine each train alone on
        # the whole data (transformers sets up gloo only for use_cpu); harmless in one process.
        "use_cpu": not cuda,
        "report_to": ["tensorboard"],
        "logging_steps": 1,
        "save_strategy": "steps",
        "save_steps": 50,
        "save_total_limit": 3,
        "seed": cfg.data.seed,
    }
    return {**defaults, **cfg.training}


def world_size() -> int:
    """Number of training processes (set by `accelerate launch` / torchrun; 1 otherwise)."""
    import os

    return int(os.environ.get("WORLD_SIZE", "1"))


def is_main_process() -> bool:
    import os

    return os.environ.get("RANK", "0") == "0"


def load_model_and_tokenizer(cfg: RunConfig):
    import torch

    from sqlrl.models import is_adapter_dir, load_model, load_tokenizer, resolve

    if cfg.model.backend == "unsloth":
        from sqlrl.train.backend import load_unsloth

        model, tokenizer = load_unsloth(cfg)
        model.train()
        return model, tokenizer
    tokenizer = load_tokenizer(cfg.model.name)
    if cfg.model.load_in_4bit:
        from transformers import AutoModelForCausalLM, BitsAndBytesConfig

        quant = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                   bnb_4bit_compute_dtype=torch.bfloat16, bnb_4bit_use_double_quant=True)
        model = AutoModelForCausalLM.from_pretrained(resolve(cfg.model.name), quantization_config=quant)
    else:
        if is_adapter_dir(Path(cfg.model.name).expanduser()):  # train the model it makes, a fresh LoRA on top
            print(f"sqlrl: {cfg.model.name} is a LoRA adapter: merged into its base model before training")
        model = load_model(cfg.model.name, dtype=cfg.model.dtype, merge=True)
    model.train()
    return model, tokenizer


def peft_config(cfg: RunConfig):
    """The LoRA config TRL attaches, or None (full fine-tuning, or Unsloth, which attached its own)."""
    if not cfg.model.lora or cfg.model.backend == "unsloth":
        return None
    from peft import LoraConfig

    return LoraConfig(r=cfg.model.lora_r, lora_alpha=cfg.model.lora_alpha, lora_dropout=cfg.model.lora_dropout,
                      target_modules=cfg.model.lora_target_modules, task_type="CAUSAL_LM")


def run_trainer(trainer, cfg: RunConfig, tokenizer, out: Path, resume: bool, started: float,
                verbose: bool = False) -> Path:
    """Train (resuming from the last complete checkpoint if asked), save the final model and the model card.

    The console shows a bar and one short line per logging step (`verbose`: transformers' dict too).
    """
    from sqlrl.train import callbacks, console, model_card

    guard = callbacks.install(trainer, cfg, tokenizer)
    console.install(trainer, grpo=cfg.trainer == "grpo", verbose=verbose)
    result = trainer.train(resume_from_checkpoint=last_complete_checkpoint(out) if resume else None)
    if guard is not None:
        guard.raise_failure()  # a run stopped for failing rewards has no final model
    final = out / "final"
    trainer.save_model(str(final))
    if trainer.is_world_process_zero():
        tokenizer.save_pretrained(final)
        trainer.state.save_to_json(str(out / "trainer_state.json"))  # the whole log history, for curves
        model_card.write(cfg, out, result.metrics, trainer.state.log_history, time.time() - started)
    return final
