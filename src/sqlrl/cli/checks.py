"""Checks before loading: every setting of a run config, all problems in one message.

A run loads a model, a tokenizer and a dataset before TRL reads most of its settings, so a
typo in a value used to cost minutes (or a GPU job's queue time) and then surfaced as one
traceback, or never (a reward that fails on every batch trains on no signal). `problems`
reads the whole config first and returns every problem it finds, each with the field, the
value given, what is allowed and the closest valid value; `check` raises them as one
UserError. `sqlrl config check` runs exactly these checks; `config show`, `train`, `sft` and
`eval` run them before anything loads.

What is checked:
- every `training` field against the annotation of TRL's GRPOConfig / SFTConfig (bool, int,
  float, str, list, dict, Optional, Literal, Enum) and the choices TRL declares (field
  metadata, Enum types, `trl_compat.GRPO_CHOICES` for those stated only in help texts); a
  number written as text ("3e-5") where TRL wants a float is converted, not refused;
- sqlrl's own sections against their dataclass types, and their values against the
  registries: dataset, split of that dataset, template, schema format, reward preset,
  comparison mode, reward weight and parameter names, positive limits;
- across fields: the group size divides the generation batch, `report_to` backends are
  installed, `eval.every_steps` has a split to evaluate, and (last, when all else passed)
  TRL's own config class accepts the settings;
- this machine (`Problem.machine`): GPU-only settings without a GPU (all of them at once),
  packages they need, a local model directory, the dataset's folder, the output directory.

This module sits in the command-line layer because it needs the dataset, template and
reward registries; the config layer below stays free of them.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib.util
import types
import typing
import warnings
from pathlib import Path
from typing import Any, Literal, Union

from sqlrl.config import SECTIONS, RunConfig, find_recipe, load, trl_config_class
from sqlrl.errors import Problem, choice, closest, no_value, raise_problems


def problems(cfg: RunConfig, *, resume: bool | None = None, processes: int = 1, cuda: bool | None = None,
             machine: bool = True, training: bool = True) -> list[Problem]:
    """Every problem of `cfg`, in section order; numbers written as text in float fields are converted in place.

    `resume` None skips the output-directory check (a config looked at, not a run started);
    `processes` is the number of training processes (group size); `cuda` None asks torch;
    `machine=False` leaves out the problems that depend on this machine (GPU, packages, files);
    `training=False` checks the values only, not what a training run needs (evaluation).
    """
    out = section_problems(cfg) + _training_types(cfg)
    if training:
        out += _cross(cfg, {p.field for p in out}, resume, processes, cuda)
        if not out:
            out += _trl_accepts(cfg)
    return [p for p in out if machine or not p.machine]


def section_problems(cfg: RunConfig) -> list[Problem]:
    """The problems of sqlrl's own sections (model, data, eval, reward), without `training`."""
    out = _section_types(cfg)
    bad = {p.field for p in out}
    return out + _model(cfg, bad) + _data(cfg, bad) + _eval(cfg, bad) + _reward(cfg, bad)


def check(cfg: RunConfig, where: str = "", **kwargs) -> RunConfig:
    """Raise every problem of `cfg` as one UserError (see `problems`); returns `cfg`."""
    raise_problems(problems(cfg, **kwargs), where or f"recipe '{cfg.recipe}'")
    return cfg


def load_with_problems(recipe: str, overrides=(), sources: list | None = None,
                       **kwargs) -> tuple[RunConfig, list[Problem], str]:
    """Compose a recipe with overrides and check it: (config, every problem, the words naming it).

    Unknown keys found while composing and the value problems are one list, so a recipe with a
    typo in a key and a bad value elsewhere reports both at once.
    """
    found: list[Problem] = []
    cfg = load(recipe, overrides, sources=sources, problems=found)
    found += problems(cfg, **kwargs)
    return cfg, found, f"{find_recipe(recipe)}{' + overrides' if overrides else ''}"


def load_checked(recipe: str, overrides=(), sources: list | None = None, **kwargs) -> RunConfig:
    """`config.load` followed by every check; raises all problems as one UserError."""
    cfg, found, where = load_with_problems(recipe, overrides, sources, **kwargs)
    raise_problems(found, where)
    return cfg


# --- types -----------------------------------------------------------------------------------------

def accepts(value: Any, tp: Any) -> bool:
    """Whether `value` (as YAML gives it) fits the annotation `tp`."""
    if tp is Any or tp is object:
        return True
    if tp is type(None) or tp is None:
        return value is None
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return any(accepts(value, arg) for arg in typing.get_args(tp))
    if origin is Literal:
        return any(value == arg and type(value) is type(arg) for arg in typing.get_args(tp))
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is str:
        return isinstance(value, str)
    if tp in (list, tuple) or origin in (list, tuple):
        args = typing.get_args(tp)
        return isinstance(value, (list, tuple)) and (not args or all(accepts(v, args[0]) for v in value))
    if tp is dict or origin is dict:
        return isinstance(value, dict)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return isinstance(value, tp) or value in {m.value for m in tp}
    if isinstance(tp, type):
        return isinstance(value, tp)
    return True  # an annotation we cannot read: TRL decides


def describe(tp: Any) -> str:
    """An annotation in words: 'a number (e.g. 1e-5) or null'."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return " or ".join(dict.fromkeys(describe(arg) for arg in typing.get_args(tp)))
    if origin is Literal:
        return " or ".join(repr(a) for a in typing.get_args(tp))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return f"one of {', '.join(str(m.value) for m in tp)}"
    words = {bool: "true or false", int: "a whole number", float: "a number (e.g. 1e-5)", str: "text",
             dict: "a mapping", list: "a list", tuple: "a list", type(None): "null", None: "null"}
    if tp in words:
        return words[tp]
    if origin in (list, tuple):
        args = typing.get_args(tp)
        return f"a list of {describe(args[0]).removeprefix('a ')}" if args else "a list"
    if origin is dict:
        return "a mapping"
    return getattr(tp, "__name__", str(tp))


def _float_from_text(value: Any, tp: Any) -> float | None:
    """'3e-5' -> 3e-05 where the field wants a number and takes no text; else None."""
    if not isinstance(value, str) or accepts(value, tp) or not accepts(1.0, tp):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _typed(section: str, values: dict, hints: dict, choices_of=None) -> list[Problem]:
    """Type (and declared-choice) problems of one section's values; numeric text converted in place."""
    out = []
    for key, value in list(values.items()):
        if key not in hints:
            continue
        tp, name = hints[key], f"{section}.{key}"
        allowed = choices_of(key, tp) if choices_of else None
        if allowed is not None and value in allowed:
            continue
        number = _float_from_text(value, tp)
        if number is not None:
            values[key] = value = number
        if not accepts(value, tp):
            out.append(Problem(name, value, f"must be {describe(tp)}."
                               + (f" Allowed: {', '.join(map(str, allowed))}." if allowed else ""),
                               _closest(value, allowed)))
        elif allowed is not None and isinstance(value, str):
            out.append(choice(name, value, allowed, "not a value TRL accepts"))
    return out


def _closest(value, allowed):
    return closest(value, allowed) if allowed and isinstance(value, str) else None


def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def _section_types(cfg: RunConfig) -> list[Problem]:
    out = []
    if not isinstance(cfg.output_dir, str):
        out.append(Problem("output_dir", cfg.output_dir, "must be a path (text)."))
    for name, cls in SECTIONS.items():
        if name == "env":
            continue  # EnvConfig checks itself (config.build collects its problems)
        section = getattr(cfg, name)
        values = {f.name: getattr(section, f.name) for f in dataclasses.fields(section)}
        found = _typed(name, values, _hints(cls))
        for key, value in values.items():
            setattr(section, key, value)  # numeric text converted
        out += found
    return out


# --- sqlrl's sections ------------------------------------------------------------------------------

def _positive(field: str, value: Any, low: float = 1, optional: bool = False, what: str = "") -> Problem | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
        return Problem(field, value, what or f"must be a whole number of at least {low}"
                       + (" (or null: no limit)." if optional else "."))
    return None


def _model(cfg: RunConfig, bad: set) -> list[Problem]:
    from sqlrl.models import DTYPES, name_problem

    m, out = cfg.model, []
    if "model.dtype" not in bad:
        out.append(choice("model.dtype", m.dtype, DTYPES, "not a weights dtype"))
    for key in ("lora_r", "lora_alpha"):
        if f"model.{key}" not in bad:
            out.append(_positive(f"model.{key}", getattr(m, key)))
    if "model.lora_dropout" not in bad and not 0 <= m.lora_dropout < 1:
        out.append(Problem("model.lora_dropout", m.lora_dropout, "must be at least 0 and below 1."))
    targets = m.lora_target_modules
    if not (isinstance(targets, str) or (isinstance(targets, list) and targets
                                         and all(isinstance(t, str) for t in targets))):
        out.append(Problem("model.lora_target_modules", targets, "must be 'all-linear' or a list of module names."))
    if "model.name" not in bad:
        problem = name_problem(m.name)
        if problem:
            out.append(Problem("model.name", m.name, problem, machine=True))
    return [p for p in out if p]


def _split_problem(field: str, dataset: str, split: Any) -> Problem | None:
    from sqlrl.data import DATASETS

    spec = DATASETS.get(dataset)
    if spec is None or split is None or not isinstance(split, str):
        return None
    if not spec.splits:  # jsonl: the split is the file
        if not Path(split).expanduser().is_file():
            return Problem(field, split, f"for dataset {dataset!r} the split is the path of a JSONL file; "
                           "there is no such file.", machine=True)
        return None
    return choice(field, split, spec.splits, f"dataset {dataset!r} has no such split")


def _data(cfg: RunConfig, bad: set) -> list[Problem]:
    from sqlrl.data import DATASETS, data_dir_problem
    from sqlrl.data.schema import FORMATS
    from sqlrl.prompts import TEMPLATES

    d, out = cfg.data, []
    if "data.dataset" not in bad:
        out.append(choice("data.dataset", d.dataset, DATASETS, "not a dataset"))
    if d.dataset in DATASETS:
        for key in ("split", "eval_split"):
            if f"data.{key}" not in bad:
                out.append(_split_problem(f"data.{key}", d.dataset, getattr(d, key)))
        folder = d.data_dir if "data.data_dir" not in bad else None
        problem = data_dir_problem(d.dataset, folder)
        if problem:
            out.append(Problem("data.data_dir" if folder else "data.dataset", folder or d.dataset, problem,
                               machine=True))
    if "data.schema_format" not in bad:
        out.append(choice("data.schema_format", d.schema_format, FORMATS, "not a schema format"))
    if "data.template" not in bad:
        out.append(choice("data.template", d.template, TEMPLATES, "not a prompt template"))
    for key in ("limit", "max_prompt_tokens"):
        if f"data.{key}" not in bad:
            out.append(_positive(f"data.{key}", getattr(d, key), optional=True))
    if "data.prefilter_samples" not in bad and (d.prefilter_samples < 0 or d.prefilter_samples == 1):
        out.append(Problem("data.prefilter_samples", d.prefilter_samples,
                           "must be 0 (off) or at least 2 (one sample per prompt cannot differ from itself)."))
    return [p for p in out if p]


def _eval(cfg: RunConfig, bad: set) -> list[Problem]:
    from sqlrl.data import DATASETS

    e, out = cfg.eval, []
    if e.dataset is not None and "eval.dataset" not in bad:
        out.append(choice("eval.dataset", e.dataset, DATASETS, "not a dataset"))
    if "eval.split" not in bad:
        out.append(_split_problem("eval.split", e.dataset or cfg.data.dataset, e.split))
    for key, low, optional in (("limit", 1, True), ("batch_size", 1, False), ("max_new_tokens", 1, False),
                               ("every_steps", 0, False)):
        if f"eval.{key}" not in bad:
            out.append(_positive(f"eval.{key}", getattr(e, key), low, optional))
    if "eval.every_steps" not in bad and isinstance(e.every_steps, int) and e.every_steps > 0 \
            and not cfg.data.eval_split:
        out.append(Problem("eval.every_steps", e.every_steps, "validation needs data.eval_split (the split to "
                           "evaluate); set it, or eval.every_steps=0."))
    return [p for p in out if p]


def _reward(cfg: RunConfig, bad: set) -> list[Problem]:
    from sqlrl.rewards import PRESETS, REWARDS
    from sqlrl.sql import MODES

    r, out = cfg.reward, []
    if "reward.preset" not in bad:
        out.append(choice("reward.preset", r.preset, PRESETS, "not a reward preset"))
    if "reward.mode" not in bad:
        out.append(choice("reward.mode", r.mode, MODES, "not a result comparison mode"))
    if "reward.timeout" not in bad:
        out.append(_positive("reward.timeout", r.timeout, low=1e-9, what="must be a positive number of seconds."))
    if "reward.max_error_share" not in bad and not 0 <= r.max_error_share <= 1:
        out.append(Problem("reward.max_error_share", r.max_error_share, "must be between 0 and 1 (1: never stop)."))
    names = [c[0] for c in PRESETS[r.preset].components] if r.preset in PRESETS else None
    for what in ("weights", "params"):
        given = getattr(r, what)
        if f"reward.{what}" in bad or names is None:
            continue
        for name, value in given.items():
            field = f"reward.{what}.{name}"
            if name not in names:
                out.append(choice(field, name, names, f"not a component of preset {r.preset!r}"))
            elif what == "weights" and (isinstance(value, bool) or not isinstance(value, (int, float))):
                out.append(Problem(field, value, "a weight must be a number."))
            elif what == "params" and not isinstance(value, dict):
                out.append(Problem(field, value, "must be a mapping of parameter names to values."))
            elif what == "params":
                valid = sorted(REWARDS[name].params)
                for param in value:
                    if param not in valid:
                        out.append(choice(f"{field}.{param}", param, valid or ["(none)"],
                                          f"reward {name!r} has no such parameter"))
    return [p for p in out if p]


# --- training (TRL) --------------------------------------------------------------------------------

def trl_choices(cls, name: str, tp: Any) -> tuple | None:
    """The values TRL accepts for field `name` of `cls`: metadata choices, an Enum or Literal type, or sqlrl's
    table of choices TRL states only in help texts; None when any value of the type goes."""
    from sqlrl.trl_compat import GRPO_CHOICES

    fields = {f.name: f for f in dataclasses.fields(cls)}
    declared = fields[name].metadata.get("choices") if name in fields else None
    if declared:
        return tuple(declared)
    members = typing.get_args(tp) if typing.get_origin(tp) in (Union, types.UnionType) else (tp,)
    for member in members:
        if isinstance(member, type) and issubclass(member, enum.Enum):
            return tuple(m.value for m in member)
    if typing.get_origin(tp) is Literal:
        return typing.get_args(tp)
    if cls.__name__ == "GRPOConfig" and name in GRPO_CHOICES:
        return GRPO_CHOICES[name]
    return None


def _training_types(cfg: RunConfig) -> list[Problem]:
    cls = trl_config_class(cfg.trainer)
    hints = _hints(cls)
    return _typed("training", cfg.training, hints, lambda name, tp: trl_choices(cls, name, tp))


def report_backends(value: Any) -> list[str]:
    """The integrations a `report_to` value names ('all' and 'none' are no names)."""
    names = [value] if isinstance(value, str) else list(value or [])
    return [n for n in names if isinstance(n, str) and n not in ("all", "none")]


def _report_to(value: Any) -> list[Problem]:
    from transformers.integrations import get_available_reporting_integrations
    from transformers.integrations.integration_utils import INTEGRATION_TO_CALLBACK

    out, installed = [], get_available_reporting_integrations()
    for name in report_backends(value):
        if name not in INTEGRATION_TO_CALLBACK:
            out.append(choice("training.report_to", name, [*INTEGRATION_TO_CALLBACK, "all", "none"],
                              "not a logging integration"))
        elif name not in installed:
            out.append(Problem("training.report_to", name, f"{name} is not installed here (installed: "
                               f"{', '.join(installed) or 'none'}). Install it (pip install {name}) or log elsewhere, "
                               "e.g. training.report_to=[tensorboard], or [] for none.", machine=True))
    return out


def _packages(cfg: RunConfig, args: dict, flagged: set) -> list[Problem]:
    """Packages the GPU features need (reported only where the GPU check did not already refuse the field)."""
    wants = [("training.use_vllm", args.get("use_vllm") is True, "vllm"),
             ("model.load_in_4bit", cfg.model.load_in_4bit is True, "bitsandbytes"),
             ("training.optim", str(args.get("optim", "")).endswith("8bit"), "bitsandbytes"),
             ("training.deepspeed", bool(args.get("deepspeed")), "deepspeed")]
    out = []
    for field, wanted, package in wants:
        if wanted and field not in flagged and importlib.util.find_spec(package) is None:
            out.append(Problem(field, args.get(field.split(".")[1], True) if field.startswith("training") else True,
                               f"needs the {package} package, which is not installed: pip install 'sqlrl[gpu]'.",
                               machine=True))
    return out


def _cross(cfg: RunConfig, bad: set, resume: bool | None, processes: int, cuda: bool | None) -> list[Problem]:
    from sqlrl.train import common

    out = []
    args = common.training_defaults(cfg)
    gpu = common.gpu_problems(cfg, cuda)
    out += gpu
    out += _packages(cfg, args, {p.field for p in gpu})
    deepspeed = args.get("deepspeed")
    if isinstance(deepspeed, str) and deepspeed and not gpu and not Path(deepspeed).expanduser().is_file():
        out.append(Problem("training.deepspeed", deepspeed, "no such DeepSpeed config file (a JSON path, or a "
                           "mapping of its settings).", machine=True))
    if "training.report_to" not in bad:
        out += _report_to(args.get("report_to"))
    if cfg.trainer == "grpo" and not bad & {f"training.{k}" for k in (
            "num_generations", "per_device_train_batch_size", "steps_per_generation", "gradient_accumulation_steps",
            "generation_batch_size")}:
        from sqlrl.train.grpo import group_size_problem

        out.append(group_size_problem(args, processes))
    if resume is not None:
        out += common.output_dir_problems(cfg, resume)
    return [p for p in out if p]


def _trl_accepts(cfg: RunConfig) -> list[Problem]:
    """What TRL's own config class refuses in these settings (its __post_init__ checks), as a last net."""
    from sqlrl.train import common

    cls = trl_config_class(cfg.trainer)
    args = common.training_defaults(cfg)
    if common.gpu_problems(cfg):
        return []  # on a machine without a GPU, TRL's own checks would only repeat the GPU problems
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cls(**args)
    except (ValueError, TypeError, ImportError) as e:
        return [Problem("training", no_value(), f"TRL's {cls.__name__} refuses these settings: "
                        f"{str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__}")]
    return []
