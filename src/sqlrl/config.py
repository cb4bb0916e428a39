"""Configs: dataclasses with defaults and help, YAML recipes that compose, dotted CLI overrides.

A recipe is a YAML file with up to six sections — `model`, `data`, `reward`, `eval`, `env`
(multi-turn environment) and `training` — plus top-level `trainer` (grpo | sft), `output_dir` and
`defaults`. `defaults`
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

from sqlrl.errors import Problem, UserError, closest, no_value, raise_problems

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
    lora_target_modules: Any = field(default="all-linear", metadata={
        "help": "modules to adapt: 'all-linear' or a list of names"})
    load_in_4bit: bool = field(default=False, metadata={"help": "QLoRA: 4-bit base weights (bitsandbytes, GPU only)"})
    backend: str = field(default="transformers", metadata={
        "help": "how the model and LoRA are built: transformers (+ PEFT) | unsloth (Unsloth's FastLanguageModel; "
                "CUDA GPU and `pip install 'sqlrl[unsloth]'`)"})
    ref_device: str = field(default="auto", metadata={
        "help": "GRPO reference model of full fine-tuning with training.beta > 0: auto (TRL's choice, the training "
                "device) | cpu (kept and run on the CPU to save accelerator memory); with LoRA there is no copy"})
    share_prompt: bool = field(default=True, metadata={
        "help": "GRPO: compute each group's prompt once, in generation and in the training forward/backward "
                "(same log-probs and gradients as TRL's unshared path; checked on the first step, off on a mismatch)"})
    grounded: bool = field(default=False, metadata={
        "help": "GRPO samples its completions with schema-grounded decoding: table and column names only from the "
                "prompt's database (eval.grounded is evaluation's switch; docs/eval.md)"})


@dataclass
class DataConfig:
    dataset: str = field(default="demo", metadata={"help": "dataset name"})
    split: str = field(default="train", metadata={"help": "split to use (for jsonl: the file path; training "
                                                          "trains on it)"})
    eval_split: str | None = field(default=None, metadata={"help": "split for periodic validation EX (none: skip)"})
    data_dir: str | None = field(default=None, metadata={
        "help": "dataset folder (default: <data root>/<dataset>, the data root being $SQLRL_DATA_DIR or "
                "$SQLRL_HOME/data)"})
    schema_format: str = field(default="compact", metadata={"help": "schema rendering in prompts"})
    schema_prune: bool = field(default=False, metadata={
        "help": "show each question only the tables it likely needs (named in it, and their foreign-key neighbours) "
                "on databases of more than 3 tables: shorter prompts (docs/data.md)"})
    min_tables: int = field(default=0, metadata={
        "help": "training: keep only questions on databases of at least N tables (before limit), to spend the "
                "steps where schemas are large", "metavar": "N"})
    template: str = field(default="plain", metadata={"help": "prompt template"})
    limit: int | None = field(default=None, metadata={"help": "use only the first N examples (training: after "
                                                              "shuffling)", "metavar": "N"})
    max_prompt_tokens: int | None = field(default=None, metadata={"help": "drop examples whose prompt is longer"})
    seed: int = field(default=0, metadata={"help": "shuffle seed for example selection"})
    prefilter_samples: int = field(default=0, metadata={
        "help": "before GRPO, sample N completions per prompt and drop prompts whose rewards are all equal (0: off)"})


@dataclass
class RewardConfig:
    preset: str = field(default="arctic", metadata={
        "help": "reward preset: arctic | sqlr1 | sqlr1_paper | skyrl | reasoning_tags | rubric"})
    weights: dict = field(default_factory=dict, metadata={"help": "per-component weights overriding the preset's"})
    params: dict = field(default_factory=dict, metadata={
        "help": "per-component parameters, e.g. {length: {max_chars: 600}}"})
    extra: dict = field(default_factory=dict, metadata={
        "help": "registered rewards added to the preset, with their weights, e.g. {row_f1: 0.2, length: 0.1}"})
    mode: str = field(default="bird", metadata={"help": "result comparison: bird | spider_ts | strict"})
    timeout: float = field(default=5.0, metadata={"help": "per-query time limit in seconds"})
    schedule: dict = field(default_factory=dict, metadata={
        "help": "per-component weight over training: {name: [[fraction_of_max_steps, weight], ...]}, linear "
                "between points, constant outside them; replaces the component's weight"})
    max_error_share: float = field(default=0.5, metadata={
        "help": "stop training when a reward function fails internally on more than this share of a step's "
                "completions (1.0: never stop)"})

    def check(self, where: str = "reward") -> "RewardConfig":
        """Raise UserError on a malformed schedule (component names are checked against the preset by
        sqlrl.rewards.build_rewards, which knows the presets); returns self."""
        if not isinstance(self.schedule, dict):
            raise UserError(f"{where}.schedule must map component names to lists of [fraction, weight] points, "
                            f"got {type(self.schedule).__name__}.")
        for name, points in self.schedule.items():
            at = f"{where}.schedule.{name}"
            if not isinstance(points, list) or not points:
                raise UserError(f"{at} must be a non-empty list of [fraction_of_max_steps, weight] points, "
                                f"e.g. [[0.0, 1.0], [0.3, 0.2]].")
            for i, point in enumerate(points):
                if (not isinstance(point, (list, tuple)) or len(point) != 2
                        or not all(_is_number(v) for v in point)):
                    raise UserError(f"{at}[{i}] = {point!r}: each point is [fraction_of_max_steps, weight], "
                                    "two numbers.")
                if not 0.0 <= point[0] <= 1.0:
                    raise UserError(f"{at}[{i}]: fraction {point[0]} is outside [0, 1] (it is a share of max_steps).")
                if i and point[0] <= points[i - 1][0]:
                    raise UserError(f"{at}: fractions must increase from point to point ({points[i - 1][0]} then "
                                    f"{point[0]} at point {i}).")
        return self


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value  # NaN is not


BACKENDS = ("transformers", "vllm")  # eval.backend: what generates during evaluation
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
    grounded: bool = field(default=False, metadata={
        "help": "schema-grounded decoding: where the SQL needs a table or column, only names of the prompt's "
                "database (transformers backend, single turn; docs/eval.md)"})

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
        for key in ("share_prefix", "grounded"):
            if not isinstance(getattr(self, key), bool):
                raise UserError(f"{name(key)}={getattr(self, key)!r}: must be true or false.")
        if self.grounded and self.backend != "transformers":
            raise UserError(f"{name('grounded')}: schema-grounded decoding runs on the transformers backend; "
                            f"drop it or use {name('backend')}=transformers.")
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

    def problems(self, where: str = "env") -> list[Problem]:
        """Every out-of-range setting, each naming its field."""
        out = []
        if self.name not in ENV_NAMES:
            out.append(Problem(f"{where}.name", self.name, f"choose one of {', '.join(ENV_NAMES)}.",
                               closest(self.name, ENV_NAMES)))
        for key, low in (("max_turns", 1), ("max_rows", 1), ("max_chars", 50)):
            value = getattr(self, key)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                out.append(Problem(f"{where}.{key}", value, f"must be an integer of at least {low}."))
        if not isinstance(self.timeout, (int, float)) or isinstance(self.timeout, bool) or self.timeout <= 0:
            out.append(Problem(f"{where}.timeout", self.timeout, "must be a positive number of seconds."))
        return out

    def check(self, where: str = "env") -> "EnvConfig":
        """Raise one UserError naming every field out of range; returns self."""
        raise_problems(self.problems(where), f"the {where} settings")
        return self


@dataclass
class RunConfig:
    trainer: str = field(default="grpo", metadata={"help": "grpo | sft"})
    output_dir: str = field(default="runs/{recipe}", metadata={
        "help": "where checkpoints, logs and the resolved config go"})
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


GROUPS = ("model", "data", "reward", "training")  # folders of config groups beside the recipes


def list_groups() -> list[str]:
    """Names of the shipped config groups, e.g. `model/smollm2`, `training/cpu`."""
    return sorted(f"{p.parent.name}/{p.stem}" for g in GROUPS for p in (RECIPES_DIR / g).glob("*.yaml"))


def recipe_description(path: Path) -> str:
    """The first line of a recipe's opening comment block (its one-line description)."""
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
        if line.strip():
            break
    return ""


class _Loader(yaml.SafeLoader):
    """YAML as people write numbers: `3e-5` is a float.

    PyYAML follows YAML 1.1, where a float needs a dot (`3.0e-5`) and `3e-5` stays a string;
    YAML 1.2 (and Python's float()) read it as a number. Files and overrides both load through
    here, so a value means the same in a recipe and on the command line.
    """


_Loader.add_implicit_resolver("tag:yaml.org,2002:float",
                              re.compile(r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+$"), list("-+0123456789."))


def load_yaml(text: str):
    """Parse YAML text the way recipes and overrides are read (safe, `3e-5` a float)."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)


def _read_yaml(path: Path) -> dict:
    try:
        data = load_yaml(path.read_text()) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise UserError(f"{path}{where}: not valid YAML ({getattr(e, 'problem', e)}).") from e
    if not isinstance(data, dict):
        raise UserError(f"{path}: a recipe must be a YAML mapping, got {type(data).__name__}.")
    return data


_WHOLE = ("weights", "params", "extra", "schedule")  # mappings a later recipe replaces whole: they go with its preset


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        deep = isinstance(v, dict) and isinstance(out.get(k), dict) and k not in _WHOLE
        out[k] = _merge(out[k], v) if deep else v
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
        parsed = load_yaml(value) if value != "" else None
    except yaml.YAMLError:
        parsed = value
    return key.strip().split("."), parsed


def _set(d: dict, keys: list[str], value: Any) -> None:
    for k in keys[:-1]:
        d = d.setdefault(k, {})
        if not isinstance(d, dict):
            raise UserError(f"override {'.'.join(keys)}: '{k}' is not a section.")
    d[keys[-1]] = value


def _unknown(key: str, value: Any, valid, where: str) -> Problem:
    valid = sorted(valid)
    listing = ", ".join(valid) if len(valid) <= 30 else f"{len(valid)} keys, see the TRL docs of that class"
    return Problem(key, value, f"unknown config key in {where}. Valid keys there: {listing}.",
                   closest(key.split(".")[-1], valid))


def trl_config_class(trainer: str):
    """The TRL config class the trainer uses (GRPOConfig or SFTConfig)."""
    if trainer == "sft":
        from trl import SFTConfig

        return SFTConfig
    from trl import GRPOConfig

    return GRPOConfig


def trl_fields(trainer: str) -> set[str]:
    """Field names of the TRL config class the trainer uses."""
    return {f.name for f in dataclasses.fields(trl_config_class(trainer)) if f.init}


def build(raw: dict, where: str = "recipe", problems: list | None = None) -> RunConfig:
    """Validate the keys of a merged recipe dict and turn it into a RunConfig.

    Unknown keys (with the closest valid one), a bad `trainer`, a section that is not a mapping
    and out-of-range `env` settings are all found in one pass. With `problems` given they are
    appended to it and left out of the config; otherwise they are raised together.
    """
    found: list[Problem] = []
    for key in raw:
        if key not in TOP_LEVEL:
            found.append(_unknown(key, raw[key], TOP_LEVEL - {"defaults"}, "the recipe's top level"))
    trainer = raw.get("trainer", "grpo")
    if trainer not in ("grpo", "sft"):
        found.append(Problem("trainer", trainer, "must be 'grpo' or 'sft'.", closest(trainer, ("grpo", "sft"))))
        trainer = "grpo"
    training = raw.get("training") or {}
    if not isinstance(training, dict):
        found.append(Problem("training", training, "must be a mapping of TRL config fields."))
        training = {}
    cfg = RunConfig(trainer=trainer, output_dir=raw.get("output_dir", RunConfig.output_dir),
                    recipe=raw.get("recipe", ""), training=dict(training))
    for name, cls in SECTIONS.items():
        section = raw.get(name) or {}
        if not isinstance(section, dict):
            found.append(Problem(name, section, f"section '{name}' must be a mapping."))
            section = {}
        valid = [f.name for f in dataclasses.fields(cls)]
        for key in section:
            if key not in valid:
                found.append(_unknown(f"{name}.{key}", section[key], valid, f"section '{name}'"))
        setattr(cfg, name, cls(**{k: v for k, v in section.items() if k in valid}))
    found += cfg.env.problems("env")
    found += _problems_of(cfg.reward.check, "reward.schedule", "reward")
    if cfg.model.backend not in MODEL_BACKENDS:
        found.append(Problem("model.backend", cfg.model.backend, f"choose one of {', '.join(MODEL_BACKENDS)}.",
                             closest(cfg.model.backend, MODEL_BACKENDS)))
    found += _problems_of(_check_ref_device, "model.ref_device", cfg, where)
    found += _problems_of(_check_grounded, "model.grounded", cfg, where)
    found += _problems_of(cfg.eval.check, "eval", "eval")
    valid_training = trl_fields(cfg.trainer)
    for key in list(cfg.training):
        if key not in valid_training:
            found.append(_unknown(f"training.{key}", cfg.training.pop(key), valid_training,
                                  f"TRL's {trl_config_class(cfg.trainer).__name__}"))
    if problems is None:
        raise_problems(found, where)
    else:
        problems += found
    return cfg


MODEL_BACKENDS = ("transformers", "unsloth")
REF_DEVICES = ("auto", "cpu")


def _check_ref_device(cfg: RunConfig, where: str) -> None:
    """model.ref_device=cpu only where a reference copy exists and nothing else places it."""
    device = cfg.model.ref_device
    if device not in REF_DEVICES:
        raise UserError(f"{where}: model.ref_device={device!r}: choose one of {', '.join(REF_DEVICES)}.")
    if device == "auto" or cfg.trainer != "grpo":
        return
    if cfg.model.lora:
        raise UserError(f"{where}: model.ref_device=cpu applies to full fine-tuning only (model.lora=false). With "
                        "LoRA the reference is the same weights with the adapter switched off: there is no copy to "
                        "place, so it costs no memory. Remove model.ref_device, or set model.lora=false.")
    for key in ("deepspeed", "fsdp"):
        if cfg.training.get(key):
            raise UserError(f"{where}: model.ref_device=cpu cannot be combined with training.{key}, which shards "
                            "the reference copy across GPUs itself. Remove one of the two.")
    if cfg.training.get("sync_ref_model"):
        raise UserError(f"{where}: model.ref_device=cpu cannot be combined with training.sync_ref_model=true "
                        "(the reference would be updated from GPU weights every few steps). Remove one of the two.")


def _check_grounded(cfg: RunConfig, where: str) -> None:
    """model.grounded only where the processor reaches the sampling: TRL's single-turn transformers generate."""
    if not cfg.model.grounded:
        return
    if not isinstance(cfg.model.grounded, bool):
        raise UserError(f"{where}: model.grounded={cfg.model.grounded!r}: must be true or false.")
    for key in ("use_vllm", "use_transformers_continuous_batching"):
        if cfg.training.get(key):
            raise UserError(f"{where}: model.grounded=true works with TRL's transformers generate only: set "
                            f"training.{key}=false, or model.grounded=false.")
    if cfg.env.name != "none":
        raise UserError(f"{where}: model.grounded=true is for single-turn GRPO; env.name={cfg.env.name!r} "
                        "generates through its own rollout. Set model.grounded=false or env.name=none.")


def _problems_of(check, field: str, *args) -> list[Problem]:
    """A raise-on-first-mistake check run as a problem collector: [] or its one Problem."""
    try:
        check(*args)
    except UserError as e:
        return [Problem(field, no_value(), str(e))]
    return []


def _split_overrides(overrides) -> tuple[list[str], list[tuple[list[str], Any]]]:
    """(`defaults=[...]` group names, the other overrides parsed), in the order given."""
    groups, keyed = [], []
    for text in overrides:
        keys, value = parse_override(text)
        if keys == ["defaults"]:
            groups += [str(v) for v in (value if isinstance(value, list) else [value]) if v is not None]
        else:
            keyed.append((keys, value))
    return groups, keyed


def load(recipe: str, overrides: list[str] = (), sources: list | None = None,
         problems: list | None = None) -> RunConfig:
    """Compose a recipe, apply overrides, validate the keys, and fill `output_dir`.

    Overrides are `section.key=value`, or `defaults=[group, ...]`: config groups (or recipes)
    merged over the composed recipe, before every `key=value`, whatever their position, so a
    key given on the command line always wins. `sources`, when given, receives the path of
    every recipe file read, in merge order. `problems`, when given, collects the key problems
    instead of raising them (see `build`).
    """
    path = find_recipe(recipe)
    raw = _compose(path, sources=sources)
    raw.setdefault("recipe", path.stem)
    groups, keyed = _split_overrides(overrides)
    found: list[Problem] = []
    for group in groups:
        try:
            found_at = _find_default(group, path.parent, path)
        except UserError:
            known = list_groups() + list_recipes()
            found.append(Problem("defaults", group, f"no config group or recipe of that name beside {path.parent} "
                                 f"or in the shipped recipes (groups: {', '.join(list_groups())}).",
                                 closest(group, known)))
            continue
        raw = _merge(raw, _compose(found_at, (path,), sources))
    for keys, value in keyed:
        if keys[0] not in TOP_LEVEL:
            found.append(_unknown(keys[0], value, TOP_LEVEL - {"defaults"}, "overrides"))
            continue
        _set(raw, keys, value)
    where = f"{path}{' + overrides' if overrides else ''}"
    cfg = build(raw, where=where, problems=found)
    if problems is None:
        raise_problems(found, where)
    else:
        problems += found
    cfg.output_dir = str(cfg.output_dir).format(recipe=cfg.recipe)
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
