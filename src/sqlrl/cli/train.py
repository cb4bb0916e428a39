"""`sqlrl train`, `sqlrl sft`, `sqlrl export` and `sqlrl curves`."""

from __future__ import annotations

from pathlib import Path

from sqlrl import config as cfgmod
from sqlrl.cli.config import add_recipe_arguments
from sqlrl.config import RECIPES_DIR
from sqlrl.errors import UserError


def _run(args, trainer: str) -> int:
    overrides = list(args.overrides)
    if args.output_dir:
        overrides.append(f"output_dir={args.output_dir}")
    if args.max_steps is not None:
        overrides.append(f"training.max_steps={args.max_steps}")
    from sqlrl.cli.checks import load_checked
    from sqlrl.train.common import world_size

    # Every value, the GPU settings, the group size and the output directory, before anything loads.
    cfg = load_checked(args.recipe, overrides, resume=args.resume, processes=args.num_processes or world_size())
    if cfg.trainer != trainer:
        raise UserError(f"recipe '{cfg.recipe}' is a {cfg.trainer} recipe: "
                        f"run it with `sqlrl {'train' if cfg.trainer == 'grpo' else 'sft'}`.")
    if args.num_processes and args.num_processes > 1:
        return _launch(args, cfg)
    if trainer == "grpo":
        from sqlrl.train.grpo import train
    else:
        from sqlrl.train.sft import train
    final = train(cfg, resume=args.resume, verbose=args.verbose)
    print(f"sqlrl: final model saved to {final}")
    return 0


def _launch(args, cfg) -> int:
    """Re-run this command under `accelerate launch` with N processes (DeepSpeed via --accelerate-config).

    Everything that can be checked without a model was checked by `_run` (the group size
    against N processes included), so a bad recipe fails once, with one message, instead of in
    N processes. Without a GPU and without an accelerate config, the processes run on CPU and
    talk through gloo (accelerate's torchrun launcher; `--multi_gpu` is its name for it, the
    device is still the CPU).
    """
    import subprocess
    import sys

    from sqlrl.train.common import has_cuda

    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--num_processes", str(args.num_processes)]
    if args.accelerate_config:
        path = accelerate_config_path(args.accelerate_config)
        _check_accelerate_config(path, has_cuda())
        cmd += ["--config_file", str(path)]
    else:
        cmd += ["--multi_gpu", "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no"]
    argv, skip = [], False
    for a in sys.argv[1:]:
        if skip or a.startswith(("--num-processes=", "--accelerate-config=")):
            skip = False
            continue
        skip = a in ("--num-processes", "--accelerate-config")
        if not skip:
            argv.append(a)
    cmd += ["-m", "sqlrl.cli", *argv]
    return subprocess.call(cmd)


def accelerate_config_path(value: str) -> Path:
    """A path as given, or the name of a shipped accelerate config (multi_gpu, zero2, zero3)."""
    shipped = RECIPES_DIR / "accelerate" / f"{value}.yaml"
    return shipped if not Path(value).exists() and shipped.is_file() else Path(value)


def _check_accelerate_config(path: Path, cuda: bool) -> None:
    """An accelerate config that exists, parses, and asks for nothing this machine lacks."""
    import importlib.util

    if not path.is_file():
        shipped = ", ".join(sorted(p.stem for p in (RECIPES_DIR / "accelerate").glob("*.yaml")))
        raise UserError(f"--accelerate-config {path}: no such file (shipped configs, usable by name: {shipped}).")
    try:
        raw = cfgmod.load_yaml(path.read_text()) or {}
    except cfgmod.yaml.YAMLError as e:
        raise UserError(f"--accelerate-config {path}: not valid YAML ({e}).") from e
    kind = str(raw.get("distributed_type", "NO")).upper()
    if kind in ("MULTI_GPU", "DEEPSPEED", "FSDP") and not cuda and not raw.get("use_cpu"):
        raise UserError(f"{path}: distributed_type {kind} needs CUDA GPUs; this machine has none. Drop "
                        "--accelerate-config to run the processes on CPU (gloo).")
    if kind == "DEEPSPEED" and importlib.util.find_spec("deepspeed") is None:
        raise UserError(f"{path}: DeepSpeed is not installed. Install the GPU extra: pip install 'sqlrl[gpu]'.")
    ds_file = (raw.get("deepspeed_config") or {}).get("deepspeed_config_file")
    if ds_file and not (path.parent / ds_file).is_file() and not Path(ds_file).is_file():
        raise UserError(f"{path}: deepspeed_config_file {ds_file} does not exist.")


def _cmd_export(args) -> int:
    from sqlrl.models import is_adapter_dir, load_model, load_tokenizer

    src = Path(args.checkpoint)
    if not is_adapter_dir(src):
        raise UserError(f"{src} holds no LoRA adapter (adapter_config.json); only adapter checkpoints need merging.")
    merged = load_model(str(src), merge=True)
    out = Path(args.out or f"{src}-merged")
    merged.save_pretrained(out)
    load_tokenizer(str(src)).save_pretrained(out)
    print(f"sqlrl: merged model written to {out}\nServe it with vLLM: vllm serve {out}")
    return 0


def _add_run_parser(subparsers, name, help_text, trainer):
    p = subparsers.add_parser(name, help=help_text,
                              description=f"{help_text[0].upper() + help_text[1:]}. Writes checkpoints, "
                              "TensorBoard logs, the resolved config.yaml and a model card to the output directory.")
    add_recipe_arguments(p)
    p.add_argument("--output-dir", "-o", help="output directory (config: output_dir)")
    p.add_argument("--max-steps", type=int, help="stop after N optimizer steps (config: training.max_steps)")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint in the output directory")
    p.add_argument("--num-processes", type=int, default=None, help="run N processes through `accelerate launch`")
    p.add_argument("--accelerate-config",
                   help="accelerate config: a file, or a shipped one by name (multi_gpu, zero2, zero3)")
    p.add_argument("--verbose", action="store_true", help="print every logged metric (transformers' dict per step) "
                   "as well as the short line")
    p.set_defaults(func=lambda a: _run(a, trainer))


def add_train_parser(subparsers, name, help_text):
    _add_run_parser(subparsers, name, help_text, "grpo")


def add_sft_parser(subparsers, name, help_text):
    _add_run_parser(subparsers, name, help_text, "sft")


def add_export_parser(subparsers, name, help_text):
    p = subparsers.add_parser(name, help=help_text, description="Merge a LoRA checkpoint into its base model and save "
                              "a plain model directory (servable by vLLM or transformers).")
    p.add_argument("checkpoint", help="checkpoint or final directory holding adapter_config.json")
    p.add_argument("--out", help="output directory (default: CHECKPOINT-merged)")
    p.set_defaults(func=_cmd_export)


def _cmd_curves(args) -> int:
    from sqlrl.train.curves import plot_runs, verdict

    for run in args.runs:
        print(verdict(run))
    print(f"curves: {plot_runs(args.runs, args.out)}")
    return 0


def add_curves_parser(subparsers, name, help_text):
    p = subparsers.add_parser(name, help=help_text, description=(
        "Training curves of runs side by side in one PNG: an SFT run's loss, a GRPO run's mean reward per step "
        "(with its running mean), and validation EX when the run measured it. Prints one line per run: the "
        "steps, the wall-clock, and the mean over the first vs the last third of the steps."))
    p.add_argument("runs", nargs="+", help="output directories of `sqlrl sft` / `sqlrl train`")
    p.add_argument("--out", required=True, help="PNG to write")
    p.set_defaults(func=_cmd_curves)
