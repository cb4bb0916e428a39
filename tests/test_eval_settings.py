"""Evaluation settings are one EvalConfig: recipes, keyword overrides and the command line's flags
(generated from the config dataclasses: names, types, defaults, help and choices) all agree."""

from __future__ import annotations

import argparse
import dataclasses

import pytest

from sqlrl.cli import build_parser, main
from sqlrl.cli.args import add_dataclass_arguments, settings_from_args
from sqlrl.config import DataConfig, EnvConfig, EvalConfig, ModelConfig, RewardConfig, load
from sqlrl.errors import UserError
from sqlrl.eval.evaluate import settings_with


def _subparser(name: str) -> argparse.ArgumentParser:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


def _options(parser) -> dict[str, argparse.Action]:
    return {o: a for a in parser._actions for o in a.option_strings}


def test_keyword_overrides_are_eval_config_fields():
    s = settings_with(EvalConfig(batch_size=4), {"decode": "maj@3", "seed": 7})
    assert (s.batch_size, s.decode, s.seed) == (4, "maj@3", 7)
    assert settings_with(None, {}) == EvalConfig()
    with pytest.raises(TypeError) as e:
        settings_with(None, {"batchsize": 4})
    assert "batchsize" in str(e.value) and "batch_size" in str(e.value) and "share_prefix" in str(e.value)
    with pytest.raises(TypeError, match="EvalConfig"):
        settings_with("plain", {})  # an old positional template lands on `settings`
    with pytest.raises(UserError, match="eval.decode must be"):
        settings_with(None, {"decode": "best@3"})


def test_a_bad_recipe_value_names_its_field():
    with pytest.raises(UserError, match=r"eval\.batch_size=0"):
        load("demo", ["eval.batch_size=0"])
    with pytest.raises(UserError, match=r"eval\.top_p=1\.5"):
        load("demo", ["eval.top_p=1.5"])
    assert load("demo", ["eval.decode=maj@4"]).eval.decode == "maj@4"


@pytest.mark.parametrize("command", ["eval", "infer"])
def test_flags_carry_each_fields_default_help_and_type(command):
    opts = _options(_subparser(command))
    owners = {"batch_size": EvalConfig, "max_new_tokens": EvalConfig, "timeout": EvalConfig,
              "template": DataConfig, "schema_format": DataConfig, "dtype": ModelConfig}
    if command == "eval":
        owners.update({k: EvalConfig for k in ("limit", "decode", "pass_at", "num_samples", "temperature", "top_p",
                                               "seed", "backend")},
                      dataset=DataConfig, data_dir=DataConfig, mode=RewardConfig, max_turns=EnvConfig)
    for name, cls in owners.items():
        f = cls.__dataclass_fields__[name]
        action = opts[f"--{name.replace('_', '-')}"]
        # a flag the recipe can fill has no argparse default; its help names the field's default instead
        assert action.default == f.default or (action.default is None and f"else {f.default}" in action.help), name
        assert action.help.startswith(f.metadata["help"].rstrip(")")), name
        assert action.type is type(f.default) or f.default is None, name
    # a bool that is on by default becomes --no-NAME, with the field's own words for turning it off
    if command == "eval":
        no_share = opts["--no-share-prefix"]
        assert no_share.dest == "share_prefix" and no_share.default is True
        assert no_share.help == EvalConfig.__dataclass_fields__["share_prefix"].metadata["off_help"]


def test_choices_come_from_the_registries():
    from sqlrl.data import DATASETS
    from sqlrl.data.schema import FORMATS
    from sqlrl.prompts import TEMPLATES
    from sqlrl.sql import MODES

    opts = _options(_subparser("eval"))
    # checked with every other problem at once (cli.eval._settle), so listed in the help, not enforced by argparse
    for flag, registry in (("--mode", MODES), ("--dataset", DATASETS), ("--template", TEMPLATES),
                           ("--schema-format", FORMATS)):
        assert f"one of: {', '.join(registry)}" in opts[flag].help


def test_default_flags_give_the_default_settings():
    from sqlrl.cli.eval import _settle

    args = build_parser().parse_args(["eval", "--model", "m"])
    _settle(args, with_model=False)  # unset flags take the config defaults (or a recipe's)
    s = settings_from_args(EvalConfig, args)
    assert s.dataset == DataConfig().dataset  # the dataset evaluated: --dataset's default
    assert s.split == "test"  # the demo dataset's held-out split
    assert dataclasses.replace(s, dataset=None, split=None) == EvalConfig()
    args = build_parser().parse_args(["eval", "--model", "m", "--decode", "maj@4", "--no-share-prefix",
                                      "--pass-at", "2", "--top-p", "0.5", "--limit", "3"])
    _settle(args, with_model=False)
    s = settings_from_args(EvalConfig, args)
    assert (s.decode, s.share_prefix, s.pass_at, s.top_p, s.limit) == ("maj@4", False, 2, 0.5, 3)


def test_a_bad_flag_value_names_the_flag(capsys):
    assert main(["eval", "--model", "m", "--batch-size", "0"]) == 2
    assert "--batch-size=0" in capsys.readouterr().err
    assert main(["eval", "--model", "m", "--decode", "maj@0"]) == 2
    assert "--decode must be" in capsys.readouterr().err


def test_helper_types_bools_and_overrides():
    @dataclasses.dataclass
    class Demo:
        count: int | None = dataclasses.field(default=None, metadata={"help": "how many", "metavar": "N"})
        ratio: float = dataclasses.field(default=0.5, metadata={"help": "a share (of the whole)"})
        verbose: bool = dataclasses.field(default=False, metadata={"help": "say more"})
        mode: str = dataclasses.field(default="bird", metadata={"help": "comparison"})

    p = argparse.ArgumentParser()
    add_dataclass_arguments(p, Demo, ["count", "ratio", "verbose", "mode"], defaults={"ratio": 0.25},
                            choices={"mode": ("bird", "strict")}, flags={"count": ("--n", "-n")},
                            notes={"count": "default: all"})
    args = p.parse_args(["-n", "3", "--verbose"])
    assert (args.n, args.ratio, args.verbose, args.mode) == (3, 0.25, True, "bird")
    help_text = p.format_help()
    assert "a share (of the whole; default: 0.25)" in help_text and "how many (default: all)" in help_text
    with pytest.raises(SystemExit):
        p.parse_args(["--mode", "spider"])


def test_periodic_validation_evaluates_with_the_recipes_eval_section(tiny_model_dir, tmp_path, monkeypatch):
    import json

    import sqlrl.eval
    from sqlrl.train.grpo import train

    seen = []
    real = sqlrl.eval.evaluate
    monkeypatch.setattr(sqlrl.eval, "evaluate", lambda *a, **k: seen.append((a[3], k)) or real(*a, **k))
    cfg = load("demo", [f"model.name={tiny_model_dir}", f"output_dir={tmp_path / 'run'}", "training.max_steps=1",
                        "training.max_completion_length=8", "training.save_steps=1", "training.report_to=[]",
                        "data.limit=4", "data.eval_split=test", "eval.every_steps=1", "eval.limit=2",
                        "eval.max_new_tokens=4", "eval.decode=maj@2", "eval.batch_size=2"])
    train(cfg)
    assert len(seen) == 2  # before the first step, and after it
    for settings, kw in seen:
        assert settings == cfg.eval and settings.decode == "maj@2" and kw["template"] == cfg.data.template
    log = json.loads((tmp_path / "run" / "trainer_state.json").read_text())["log_history"]
    assert [rec["step"] for rec in log if "eval/ex" in rec] == [0, 1]
