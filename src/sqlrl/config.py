"""Configs: dataclasses with defaults and help, YAML recipes that compose, dotted CLI overrides.

A recipe is a YAML file with up to six sections — `model`, `data`, `reward`, `eval`, `env`
(multi-turn environment) and `training` — plus top-level `trainer` (grpo | sft), `output_dir` and `defaults`. `defaults`
lists other recipes (or config groups such as `model/smollm2`) merged first, in order, so a
recipe states only what it changes. `training` is passed straight to TRL's `GRPOConfig` or
`SFTConfig`: every field of those is settable without being re-declared here, and is
checked against the TRL class so a typo is an error, not a silent default.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sqlrl.envs.settings import EnvConfig
from sqlrl.errors import UserError

_FLOAT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+")
RECIPES_DIR = Path(__file__).resolve().parents[2] / "recipes"


@dataclass
class ModelConfig:
    name: str = field(default="default", metadata={"help": "bundled model name, local directory or Hugging Face id"})
    dtype: str = field(default="float32", metadata={"help": "weights dtype: float32 | bfloat16 | float16 | auto"})
    lora: bool = field(default=True, metadata={"help": "train a LoRA adapter instead of all weights"})
    lora_r: int = field(default=16, metadata={"help": "LoRA rank"})
    lora_alpha: int = field(default=32, metadata={"help": "LoRA alpha"})
    lora_dropout: float = field(default=0.05, metadata={"help": "LoRA dropout"})
    lora_target_modules: Any = field(default="all-linear", metadata={"help": "modules to adapt: 'all-linear' or a list of names"})
    load_in_4bit: bool = field(default=False, metadata={"help": "QLoRA: 4-bit base weights (bitsandbytes, GPU only)"})
    share_prompt: bool = field(default=True, metadata={
        "help": "GRPO: compute each group's prompt once, in generation and in the training forward/backward "
                "(same log-probs and gradients as TRL's unshared path; checked on the first step, off on a mismatch)"})


@dataclass
class DataConfig:
    dataset: str = field(default="demo", metadata={"help": "dataset name (demo, spider, bird, sql_create_context, kaggledbqa, jsonl)"})
    split: str = field(default="train", metadata={"help": "training split (for jsonl: the file path)"})
    eval_split: str | None = field(default=None, metadata={"help": "split for periodic validation EX (none: skip)"})
    data_dir: str | None = field(default=None, metadata={"help": "dataset folder (default: <data root>/<dataset>, the data root being $SQLRL_DATA_DIR or $SQLRL_HOME/data)"})
    schema_format: str = field(default="compact", metadata={"help": "schema rendering: compact | ddl | ddl_keys | omnisql"})
    template: str = field(default="plain", metadata={"help": "prompt template: plain | chat | arctic | sqlr1 | reasoning_tags | skyrl"})
    limit: int | None = field(default=None, metadata={"help": "use only the first N examples (after shuffling)"})
    max_prompt_tokens: int | None = field(default=None, metadata={"help": "drop examples whose prompt is longer"})
    seed: int = field(default=0, metadata={"help": "shuffle seed for example selection"})
    prefilter_samples: int = field(default=0, metadata={
        "help": "before GRPO, sample N completions per prompt and drop prompts whose rewards are all equal (0: off)"})


@dataclass
class RewardConfig:
    preset: str = field(default="arctic", metadata={"help": "reward preset: arctic | sqlr1 | sqlr1_paper | skyrl | reasoning_tags | rubric"})
    weights: dict = field(default_factory=dict, metadata={"help": "per-component weights overriding the preset's"})
    params: dict = field(default_factory=dict, metadata={"help": "per-component parameters, e.g. {length: {max_tokens: 512}}"})
    mode: str = field(default="bird", metadata={"help": "result comparison: bird | spider_ts | strict"})
    timeout: float = field(default=5.0, metadata={"help": "per-query time limit in seconds"})


@dataclass
class EvalConfig:
    dataset: str | None = field(default=None, metadata={"help": "dataset to evaluate on (default: data.dataset)"})
    split: str | None = field(default=None, metadata={"help": "split to evaluate (default: data.eval_split)"})
    limit: int | None = field(default=None, metadata={"help": "evaluate only the first N examples"})
    batch_size: int = field(default=16, metadata={"help": "generation batch size (prompts per batch; 16 measured fastest on 2 CPU cores)"})
    max_new_tokens: int = field(default=128, metadata={"help": "generation length limit"})
    every_steps: int = field(default=0, metadata={"help": "during training, EX on data.eval_split every N steps (0: never)"})


@dataclass
class RunConfig:
    trainer: str = field(default="grpo", metadata={"help": "grpo | sft"})
    output_dir: str = field(default="runs/{recipe}", metadata={"help": "where checkpoints, logs and the resolved config go"})
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    reward: RewardConfig = field(default_factory=RewardConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    env: EnvConfig = field(default_factory=EnvConfig)
    training: dict = field(default_factory=dict, metadata={"help": "any field of TRL's GRPOConfig / SFTConfig"})
    recipe: str = field(default="", metadata={"help": "name of the recipe this config came from"})


SECTIONS = {"model": ModelConfig, "data": DataConfig, "reward": RewardConfig, "eval": EvalConfig, "env": EnvConfig}
TOP_LEVEL = {"trainer", "output_dir", "training", "recipe", "defaults", *SECTIONS}


def find_recipe(name: str) -> Path:
    """A recipe path, or a name looked up in ./recipes and in sqlrl's own recipes directory."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml"):
        if path.is_file():
            return path
        raise UserError(f"recipe file {path} does not exist.")
    for root in (Path.cwd() / "recipes", RECIPES_DIR):
        candidate = root / f"{name}.yaml"
        if candidate.is_file():
            return candidate
    known = list_recipes()
    close = difflib.get_close_matches(name, known, n=3)
    raise UserError(f"no recipe named '{name}'. "
                    + (f"Did you mean: {', '.join(close)}? " if close else "")
                    + f"Available: {', '.join(known) or 'none'}; or pass a path to a .yaml file.")


def list_recipes() -> list[str]:
    return sorted(p.stem for p in RECIPES_DIR.glob("*.yaml")) if RECIPES_DIR.is_dir() else []


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise UserError(f"{path}{where}: not valid YAML ({getattr(e, 'problem', e)}).") from e
    if not isinstance(data, dict):
        raise UserError(f"{path}: a recipe must be a YAML mapping, got {type(data).__name__}.")
    return data


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) and k not in ("weights", "params") else v
    return out


def _compose(path: Path, seen: tuple = ()) -> dict:
    if path in seen:
        raise UserError(f"recipe {path} includes itself through 'defaults': {' -> '.join(map(str, seen + (path,)))}.")
    raw = _read_yaml(path)
    merged: dict = {}
    for parent in raw.pop("defaults", []) or []:
        parent_path = (path.parent / f"{parent}.yaml") if not str(parent).endswith(".yaml") else path.parent / parent
        if not parent_path.is_file():
            raise UserError(f"{path}: 'defaults' names '{parent}', but {parent_path} does not exist.")
        merged = _merge(merged, _compose(parent_path, seen + (path,)))
    return _merge(merged, raw)


def parse_override(text: str) -> tuple[list[str], Any]:
    """`training.learning_rate=1e-6` -> (["training", "learning_rate"], 1e-6); values are YAML."""
    if "=" not in text:
        raise UserError(f"override '{text}' must look like section.key=value, e.g. training.learning_rate=1e-6.")
    key, value = text.split("=", 1)
    try:
        parsed = yaml.safe_load(value) if value != "" else None
    except yaml.YAMLError:
        parsed = value
    if isinstance(parsed, str) and _FLOAT.fullmatch(parsed):
        parsed = float(parsed)  # YAML 1.1 reads "3e-5" (no dot) as a string
    return key.strip().split("."), parsed


def _set(d: dict, keys: list[str], value: Any) -> None:
    for k in keys[:-1]:
        d = d.setdefault(k, {})
        if not isinstance(d, dict):
            raise UserError(f"override {'.'.join(keys)}: '{k}' is not a section.")
    d[keys[-1]] = value


def _unknown(key: str, valid: list[str], where: str) -> UserError:
    close = difflib.get_close_matches(key.split(".")[-1], valid, n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    listing = ", ".join(sorted(valid)) if len(valid) <= 30 else f"{len(valid)} keys, see the TRL docs of that class"
    return UserError(f"unknown config key '{key}' in {where}.{hint} Valid keys there: {listing}.")


def trl_fields(trainer: str) -> set[str]:
    """Field names of the TRL config class the trainer uses."""
    if trainer == "grpo":
        from trl import GRPOConfig as cls
    else:
        from trl import SFTConfig as cls
    return {f.name for f in dataclasses.fields(cls) if f.init}


def build(raw: dict, where: str = "recipe") -> RunConfig:
    """Validate a merged recipe dict and turn it into a RunConfig."""
    for key in raw:
        if key not in TOP_LEVEL:
            raise _unknown(key, sorted(TOP_LEVEL - {"defaults"}), where)
    cfg = RunConfig(trainer=raw.get("trainer", "grpo"), output_dir=raw.get("output_dir", RunConfig.output_dir),
                    recipe=raw.get("recipe", ""), training=dict(raw.get("training") or {}))
    if cfg.trainer not in ("grpo", "sft"):
        raise UserError(f"{where}: trainer must be 'grpo' or 'sft', got '{cfg.trainer}'.")
    for name, cls in SECTIONS.items():
        section = raw.get(name) or {}
        if not isinstance(section, dict):
            raise UserError(f"{where}: section '{name}' must be a mapping.")
        valid = [f.name for f in dataclasses.fields(cls)]
        for key in section:
            if key not in valid:
                raise _unknown(f"{name}.{key}", valid, where)
        setattr(cfg, name, cls(**section))
    cfg.env.check("env")
    valid_training = trl_fields(cfg.trainer)
    for key in cfg.training:
        if key not in valid_training:
            raise _unknown(f"training.{key}", sorted(valid_training),
                           f"{where} (TRL {'GRPOConfig' if cfg.trainer == 'grpo' else 'SFTConfig'})")
    return cfg


def load(recipe: str, overrides: list[str] = ()) -> RunConfig:
    """Compose a recipe, apply dotted overrides, validate, and fill `output_dir`."""
    path = find_recipe(recipe)
    raw = _compose(path)
    raw.setdefault("recipe", path.stem)
    for text in overrides:
        keys, value = parse_override(text)
        if keys[0] not in TOP_LEVEL:
            raise _unknown(keys[0], sorted(TOP_LEVEL - {"defaults"}), "overrides")
        _set(raw, keys, value)
    cfg = build(raw, where=f"{path}{' + overrides' if overrides else ''}")
    cfg.output_dir = cfg.output_dir.format(recipe=cfg.recipe)
    return cfg


def to_dict(cfg: RunConfig) -> dict:
    return dataclasses.asdict(cfg)


def to_yaml(cfg: RunConfig) -> str:
    return yaml.safe_dump(to_dict(cfg), sort_keys=False)


def save(cfg: RunConfig, directory: str | Path, name: str = "config.yaml") -> Path:
    """Write the resolved config beside a run's outputs."""
    path = Path(directory) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_yaml(cfg))
    return path


def _cmd_show(args) -> int:
    print(to_yaml(load(args.recipe, args.overrides)), end="")
    return 0


def _cmd_list(args) -> int:
    for name in list_recipes():
        print(name)
    return 0


def add_recipe_arguments(p) -> None:
    """--recipe and overrides, shared by every command that runs a recipe."""
    p.add_argument("--recipe", "-r", required=True, help=f"recipe name or YAML path (names: {', '.join(list_recipes())})")
    p.add_argument("overrides", nargs="*", metavar="KEY=VALUE",
                   help="dotted overrides, e.g. training.learning_rate=1e-6 model.lora_r=8 reward.preset=sqlr1")


def add_config_parser(subparsers, name, help_text):
    p = subparsers.add_parser(name, help=help_text, description="Inspect recipes.")
    sub = p.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    ps = sub.add_parser("show", help="print the resolved config of a recipe with overrides",
                        description="Compose RECIPE with its defaults, apply KEY=VALUE overrides, validate against "
                                    "sqlrl's configs and TRL's GRPOConfig/SFTConfig, and print the result as YAML.")
    ps.add_argument("recipe", help="recipe name or YAML path")
    ps.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="dotted overrides, e.g. training.learning_rate=1e-6")
    ps.set_defaults(func=_cmd_show)
    pl = sub.add_parser("list", help="list the recipes shipped with sqlrl", description="List shipped recipes.")
    pl.set_defaults(func=_cmd_list)
