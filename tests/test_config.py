"""Recipes compose, overrides apply, and mistakes are named."""

import dataclasses

import pytest
from trl import GRPOConfig, SFTConfig

from sqlrl import config
from sqlrl.errors import UserError


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_shipped_recipes_resolve():
    names = config.list_recipes()
    assert "demo" in names and "base" in names
    for name in names:
        cfg = config.load(name)
        assert cfg.recipe == name and cfg.output_dir == f"runs/{name}"


def test_demo_composes_base_and_groups():
    cfg = config.load("demo")
    assert cfg.model.name == "smollm2-135m-instruct"  # from model/smollm2 through base
    assert cfg.reward.preset == "arctic"  # from reward/arctic through base
    assert cfg.training["num_generations"] == 4  # from base
    assert cfg.training["max_steps"] == 8  # demo's own


def test_demo_stages_compose():
    sft, grpo = config.load("demo_sft"), config.load("demo_grpo")
    assert sft.trainer == "sft" and not sft.model.lora  # all weights: a plain model directory for stage 2
    assert sft.data.template == grpo.data.template == "plain"  # SFT teaches exactly what GRPO samples
    assert grpo.model.name == "runs/demo_sft/final"  # demo_sft's default output_dir, then final/
    assert (grpo.model.lora, grpo.model.lora_r) == (True, 16)  # a fresh LoRA, from model/smollm2 through base
    assert grpo.data.dataset == "demo" and grpo.data.split == "train" and grpo.data.prefilter_samples == 4
    assert grpo.training["max_steps"] == 12 and grpo.training["beta"] == 0.0


def test_later_defaults_and_own_keys_win(tmp_path):
    write(tmp_path / "a.yaml", "model: {lora_r: 4, lora_alpha: 8}\ntraining: {beta: 0.1}\n")
    write(tmp_path / "b.yaml", "model: {lora_r: 8}\n")
    r = write(tmp_path / "r.yaml", "defaults: [a, b]\ntraining: {beta: 0.001}\n")
    cfg = config.load(str(r))
    assert (cfg.model.lora_r, cfg.model.lora_alpha, cfg.training["beta"]) == (8, 8, 0.001)


def test_overrides_are_typed():
    cfg = config.load("demo", ["training.learning_rate=3e-5", "model.lora_r=4", "data.limit=10",
                               "reward.weights={execution: 2.0}", "model.lora=false"])
    assert cfg.training["learning_rate"] == pytest.approx(3e-5)
    assert (cfg.model.lora_r, cfg.data.limit, cfg.model.lora) == (4, 10, False)
    assert cfg.reward.weights == {"execution": 2.0}


@pytest.mark.parametrize("trainer,cls", [("grpo", GRPOConfig), ("sft", SFTConfig)])
def test_every_trl_field_is_settable(trainer, cls):
    fields = [f.name for f in dataclasses.fields(cls) if f.init]
    raw = {"trainer": trainer, "training": {name: None for name in fields}}
    assert set(config.build(raw).training) == set(fields)


@pytest.mark.parametrize("override,expected", [
    ("training.learnin_rate=1", "learning_rate"),
    ("model.lora_rr=3", "lora_r"),
    ("dta.dataset=spider", "data"),
])
def test_unknown_key_names_closest(override, expected):
    with pytest.raises(UserError, match=f"Did you mean: .*{expected}"):
        config.load("demo", [override])


def test_sft_recipe_rejects_grpo_only_key(tmp_path):
    r = write(tmp_path / "s.yaml", "trainer: sft\ntraining: {num_generations: 4}\n")
    with pytest.raises(UserError, match="num_generations.*SFTConfig"):
        config.load(str(r))


def test_bad_yaml_names_file_and_line(tmp_path):
    r = write(tmp_path / "bad.yaml", "model:\n  name: x\n  lora: [1, 2\n")
    with pytest.raises(UserError, match=r"bad\.yaml line \d+"):
        config.load(str(r))


def test_missing_recipe_and_missing_default(tmp_path):
    with pytest.raises(UserError, match="Did you mean: demo"):
        config.load("dmo")
    r = write(tmp_path / "r.yaml", "defaults: [nothere]\n")
    with pytest.raises(UserError, match="nothere"):
        config.load(str(r))


def test_override_without_equals():
    with pytest.raises(UserError, match="section.key=value"):
        config.load("demo", ["training.learning_rate"])


def test_saved_config_round_trips(tmp_path):
    cfg = config.load("demo", ["training.max_steps=3"])
    path = config.save(cfg, tmp_path)
    again = config.build(config.yaml.safe_load(path.read_text()))
    assert config.to_dict(again) == config.to_dict(cfg)
