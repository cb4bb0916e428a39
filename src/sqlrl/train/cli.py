"""`sqlrl train`, `sqlrl sft` and `sqlrl export`."""

from __future__ import annotations

from pathlib import Path

from sqlrl import config as cfgmod
from sqlrl.errors import UserError


def _run(args, trainer: str) -> int:
    overrides = list(args.overrides)
    if args.output_dir:
        overrides.append(f"output_dir={args.output_dir}")
    if args.max_steps is not None:
        overrides.append(f"training.max_steps={args.max_steps}")
    cfg = cfgmod.load(args.recipe, overrides)
    if cfg.trainer != trainer:
        raise UserError(f"recipe '{cfg.recipe}' is a {cfg.trainer} recipe: run it with `sqlrl {'train' if cfg.trainer == 'grpo' else 'sft'}`.")
    if args.num_processes and args.num_processes > 1:
        return _launch(args)
    if trainer == "grpo":
        from sqlrl.train.grpo import train
    else:
        from sqlrl.train.sft import train
    final = train(cfg, resume=args.resume)
    print(f"sqlrl: final model saved to {final}")
    return 0


def _launch(args) -> int:
    """Re-run this command under `accelerate launch` with N processes (DeepSpeed via --accelerate-config)."""
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--num_processes", str(args.num_processes)]
    if args.accelerate_config:
        cmd += ["--config_file", args.accelerate_config]
    argv, skip = [], False
    for a in sys.argv[1:]:
        if skip or a.startswith("--num-processes="):
            skip = False
            continue
        skip = a == "--num-processes"
        if not skip:
            argv.append(a)
    cmd += ["-m", "sqlrl.cli", *argv]
    return subprocess.call(cmd)


def _cmd_export(args) -> int:
    from sqlrl.models import load_model, load_tokenizer

    src = Path(args.checkpoint)
    if not (src / "adapter_config.json").is_file():
        raise UserError(f"{src} holds no LoRA adapter (adapter_config.json); only adapter checkpoints need merging.")
    model = load_model(str(src))
    merged = model.merge_and_unload()
    out = Path(args.out or f"{src}-merged")
    merged.save_pretrained(out)
    load_tokenizer(str(src)).save_pretrained(out)
    print(f"sqlrl: merged model written to {out}\nServe it with vLLM: vllm serve {out}")
    return 0


def _add_run_parser(subparsers, name, help_text, trainer):
    p = subparsers.add_parser(name, help=help_text, description=f"{help_text[0].upper() + help_text[1:]}. Writes checkpoints, "
                              "TensorBoard logs, the resolved config.yaml and a model card to the output directory.")
    cfgmod.add_recipe_arguments(p)
    p.add_argument("--output-dir", "-o", help="output directory (config: output_dir)")
    p.add_argument("--max-steps", type=int, help="stop after N optimizer steps (config: training.max_steps)")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint in the output directory")
    p.add_argument("--num-processes", type=int, default=None, help="run N processes through `accelerate launch`")
    p.add_argument("--accelerate-config", help="accelerate config file, e.g. recipes/accelerate/zero2.yaml")
    p.set_defaults(func=lambda a: _run(a, trainer))


def add_train_parser(subparsers, name, help_text):
    _add_run_parser(subparsers, name, help_text, "grpo")


def add_sft_parser(subparsers, name, help_text):
    _add_run_parser(subparsers, name, help_text, "sft")


def add_export_parser(subparsers, name, help_text):
    p = subparsers.add_parser(name, help=help_text, description="Merge a LoRA checkpoint into its base model and save "
                              "a plain model directory (servable by vLLM or transformers).")
    p.add_argument("checkpoint", help="checkpoint or final directory holding adapter_config.json")
    p.add_argument("--merge", action="store_true", default=True, help="merge the adapter into the base weights (default)")
    p.add_argument("--out", help="output directory (default: CHECKPOINT-merged)")
    p.set_defaults(func=_cmd_export)
