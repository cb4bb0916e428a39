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

from sqlrl.errors import UserError

_FLOAT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+")
# Shipped recipes and config groups are package data: found the same way from a wheel and a clone.
RECIPES_DIR = Path(__file__).resolve().parent / "recipes"


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


@dataclass
class DataConfig:
    dataset: str = field(default="demo", metadata={"help": "dataset name"})
    split: str = field(default="train", metadata={"help": "split to use (for jsonl: the file path; training "
                                                          "trains on it)"})
    eval_split: str | None = field(default=None, metadata={"help": "split for periodic validation EX (none: skip)"})
    data_dir: str | None = field(default=None, metadata={"help": "dataset folder (default: <data root>/<dataset>, the data root being $SQLRL_DATA_DIR or $SQLRL_HOME/data)"})
    schema_format: str = field(default="compact", metadata={"help": "schema rendering in prompts"})
    template: str = field(default="plain", metadata={"help": "prompt template"})
    limit: int | None = field(default=None, metadata={"help": "use only the first N examples (training: after "
                                                              "shuffling)", "metavar": "N"})
    max_prompt_tokens: int | None = field(default=None, metadata={"help": "drop examples whose prompt is longer"})
    seed: int = field(default=0, metadata={"help": "shuffle seed for example selection"})
    prefilter_samples: int = field(default=0, metadata={
        "help": "before GRPO, sample N completions per prompt and drop prompts whose rewards are all equal (0: off)"})


@dataclass
class RewardConfig:
    preset: str = field(default="arctic", metadata={"help": "reward preset: arctic | sqlr1 | sqlr1_paper | skyrl | reasoning_tags | rubric"})
    weights: dict = field(default_factory=dict, metadata={"help": "per-component weights overriding the preset's"})
    params: dict = field(default_factory=dict, metadata={"help": "per-component parameters, e.g. {length: {max_tokens: 512}}"})
    mode: str = field(default="bird", metadata={"help": "result comparison"})
    timeout: float = field(default=5.0, metadata={"help": "per-query time limit in seconds"})


BACKENDS = ("transformers", "vllm")
_MAJ = re.compile(r"maj@(\d+)")


def parse_decode(decode: str, name: str = "--decode") -> tuple[str, int]:
    """'greedy' -> ('greedy', 1); 'maj@8' -> ('maj', 8). `name` is the setting's name in the error."""
    decode = (decode or "greedy").strip().lower()
    if decode == "greedy":
        return "greedy", 1
    m = _MAJ.fullmatch(decode)
    if m and int(m.group(1)) >= 1:
        return "maj", int(m.group(1))
    raise UserError(f"{name} must be 'greedy' or 'maj@K' with K >= 1 (e.g. maj@8), got '{decode}'.")


@dataclass
class EvalConfig:
    """How a model is evaluated: the recipe's `eval` section, `sqlrl eval`'s flags, and the settings
    object `sqlrl.eval.evaluate` takes. The rows evaluated are chosen by dataset/split/limit; the
    prompt template and comparison mode come from `data.template` and `reward.mode`."""

    dataset: str | None = field(default=None, metadata={"help": "dataset to evaluate on (default: data.dataset)"})
    split: str | None = field(default=None, metadata={
        "help": "split to evaluate (for jsonl: the file path; training's periodic validation uses data.eval_split)"})
    limit: int | None = field(default=None, metadata={"help": "evaluate only the first N examples", "metavar": "N"})
    batch_size: int = field(default=16, metadata={
        "help": "generation batch size (prompts per batch; 16 measured fastest on 2 CPU cores)"})
    max_new_tokens: int = field(default=128, metadata={"help": "answer length limit in tokens"})
    every_steps: int = field(default=0, metadata={
        "help": "during training, EX on data.eval_split every N steps (0: never)"})
    decode: str = field(default="greedy", metadata={
        "help": "greedy, or maj@K: K samples at --temperature, voted by execution result"})
    pass_at: int | None = field(default=None, metadata={"help": "also report unbiased pass@K", "metavar": "K"})
    num_samples: int | None = field(default=None, metadata={
        "help": "samples drawn per question for pass@K (default: K)", "metavar": "N"})
    temperature: float = field(default=0.8, metadata={"help": "sampling temperature for maj@K / pass@K"})
    top_p: float = field(default=0.95, metadata={"help": "nucleus sampling for maj@K / pass@K"})
    seed: int = field(default=0, metadata={"help": "sampling seed"})
    timeout: float = field(default=5.0, metadata={"help": "per-query time limit in seconds"})
    share_prefix: bool = field(default=True, metadata={
        "help": "run the prompt prefix a batch shares (system prompt, schema) once instead of once per prompt",
        "off_help": "compute each prompt in full instead of running a batch's shared prefix once"})
    backend: str = field(default="transformers", metadata={
        "help": "generation backend (vllm: GPU, must be installed)"})

    def check(self, where: str = "eval") -> "EvalConfig":
        """Raise UserError naming the setting when one is out of range; returns self.

        `where` is the recipe section (messages say `eval.batch_size`), or "cli" (`--batch-size`).
        """
        def name(key: str) -> str:
            return f"--{key.replace('_', '-')}" if where == "cli" else f"{where}.{key}"

        parse_decode(self.decode, name("decode"))
        for key, low, optional in (("batch_size", 1, False), ("max_new_tokens", 1, False), ("every_steps", 0, False),
                                   ("seed", 0, False), ("limit", 1, True), ("pass_at", 1, True),
                                   ("num_samples", 1, True)):
            value = getattr(self, key)
            if value is None and optional:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise UserError(f"{name(key)}={value!r}: must be an integer of at least {low}.")
        for key, low, high in (("temperature", 0.0, None), ("top_p", 0.0, 1.0), ("timeout", 0.0, None)):
            value = getattr(self, key)
            if (not isinstance(value, (int, float)) or isinstance(value, bool) or value <= low
                    or (high is not None and value > high)):
                bound = f"in (0, {high:g}]" if high is not None else "positive"
                raise UserError(f"{name(key)}={value!r}: must be a {bound} number.")
        if self.backend not in BACKENDS:
            raise UserError(f"{name('backend')}={self.backend!r}: choose one of {', '.join(BACKENDS)}.")
        if not isinstance(self.share_prefix, bool):
            raise UserError(f"{name('share_prefix')}={self.share_prefix!r}: must be true or false.")
        return self


ENV_NAMES = ("none", "sql")


@dataclass
class EnvConfig:
    name: str = field(default="none", metadata={
        "help": "multi-turn environment: none (single turn) | sql (the model may run <sql> queries and read "
                "<observation> results before its <solution>; use data.template=skyrl)"})
    max_turns: int = field(default=5, metadata={
        "help": "most model turns in an episode, the final <solution> turn included"})
    timeout: float = field(default=5.0, metadata={"help": "time limit in seconds for one <sql> query"})
    max_rows: int = field(default=10, metadata={"help": "rows of a result shown in an observation"})
    max_chars: int = field(default=1000, metadata={
        "help": "characters of a result shown in an observation (longer text is cut and marked)"})

    def check(self, where: str = "env") -> "EnvConfig":
        """Raise UserError naming the field when a setting is out of range; returns self."""
        if self.name not in ENV_NAMES:
            raise UserError(f"{where}.name={self.name!r}: choose one of {', '.join(ENV_NAMES)}.")
        for key, low in (("max_turns", 1), ("max_rows", 1), ("max_chars", 50)):
            value = getattr(self, key)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise UserError(f"{where}.{key}={value!r}: must be an integer of at least {low}.")
        if not isinstance(self.timeout, (int, float)) or isinstance(self.timeout, bool) or self.timeout <= 0:
            raise UserError(f"{where}.timeout={self.timeout!r}: must be a positive number of seconds.")
        return self


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
    """A recipe path, or a name looked up in ./recipes, then in sqlrl's shipped recipes."""
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
    """Names of the shipped recipes (config groups such as model/... are not recipes)."""
    return sorted(p.stem for p in RECIPES_DIR.glob("*.yaml"))


def recipe_description(path: Path) -> str:
    """The first line of a recipe's opening comment block (its one-line description)."""
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
        if line.strip():
            break
    return ""


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


def _find_default(parent: str, beside: Path, where: Path) -> Path:
    """A `defaults` entry: looked up beside the recipe naming it first, then in the shipped recipes."""
    name = parent if parent.endswith((".yaml", ".yml")) else f"{parent}.yaml"
    for root in dict.fromkeys((beside, RECIPES_DIR)):
        if (root / name).is_file():
            return root / name
    raise UserError(f"{where}: 'defaults' names '{parent}', found neither in {beside} nor in the shipped recipes "
                    f"({RECIPES_DIR}).")


def _compose(path: Path, seen: tuple = (), sources: list | None = None) -> dict:
    """The recipe at `path` merged over its `defaults`; `sources` collects every file read, in order."""
    if path in seen:
        raise UserError(f"recipe {path} includes itself through 'defaults': {' -> '.join(map(str, seen + (path,)))}.")
    raw = _read_yaml(path)
    merged: dict = {}
    for parent in raw.pop("defaults", []) or []:
        merged = _merge(merged, _compose(_find_default(str(parent), path.parent, path), seen + (path,), sources))
    if sources is not None:
        sources.append(path)
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
    cfg.eval.check("eval")
    valid_training = trl_fields(cfg.trainer)
    for key in cfg.training:
        if key not in valid_training:
            raise _unknown(f"training.{key}", sorted(valid_training),
                           f"{where} (TRL {'GRPOConfig' if cfg.trainer == 'grpo' else 'SFTConfig'})")
    return cfg


def load(recipe: str, overrides: list[str] = (), sources: list | None = None) -> RunConfig:
    """Compose a recipe, apply dotted overrides, validate, and fill `output_dir`.

    `sources`, when given, receives the path of every recipe file read, defaults first.
    """
    path = find_recipe(recipe)
    raw = _compose(path, sources=sources)
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
