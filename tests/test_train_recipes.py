"""Shipped recipes and launch configs: each resolves, GPU-only ones fail on CPU before any model loads."""

import sys

import pytest

from sqlrl import config
from sqlrl.config import RECIPES_DIR
from sqlrl.errors import UserError

METHOD_RECIPES = ["arctic_r1", "sql_r1", "reasoning_tags", "rubric", "cpu_demo", "cpu_spider", "cpu_spider_grpo"]


@pytest.fixture
def no_gpu(monkeypatch):
    """Pretend this machine has no CUDA GPU (the checks must not depend on where tests run)."""
    from sqlrl.train import common

    monkeypatch.setattr(common, "has_cuda", lambda: False)
    monkeypatch.setattr(common, "load_model_and_tokenizer", lambda cfg: pytest.fail("model loaded before the check"))


@pytest.mark.parametrize("name", METHOD_RECIPES)
def test_method_recipe_resolves_and_cites_sources(name):
    cfg = config.load(name)
    assert cfg.trainer == "grpo" and cfg.training["num_generations"] >= 2
    text = (RECIPES_DIR / f"{name}.yaml").read_text()
    assert text.startswith("#") and text.count("#") >= 3, \
        "a recipe opens with a comment block saying where values come from"


def test_recipes_read_as_their_methods():
    arctic = config.load("arctic_r1")
    assert arctic.model.name == "Qwen/Qwen2.5-Coder-7B-Instruct" and arctic.reward.preset == "arctic"
    assert (arctic.training["num_generations"], arctic.training["temperature"], arctic.training["beta"],
            arctic.training["epsilon"], arctic.training["learning_rate"]) == (16, 0.8, 0.001, 0.2, 1e-6)
    assert (arctic.model.lora_r, arctic.model.lora_alpha) == (16, 32)
    sqlr1 = config.load("sql_r1")
    assert sqlr1.training["num_generations"] == 4 and sqlr1.reward.preset == "sqlr1"
    assert sqlr1.model.load_in_4bit and sqlr1.training["gradient_checkpointing"] and sqlr1.training["beta"] > 0
    tags = config.load("reasoning_tags")
    assert tags.model.name == "google/gemma-3-1b-it" and tags.data.dataset == "sql_create_context"
    assert (tags.training["learning_rate"], tags.training["lr_scheduler_type"], tags.training["num_generations"],
            tags.data.max_prompt_tokens, tags.training["max_completion_length"]) == (5e-6, "cosine", 4, 256, 768)
    assert tags.reward.preset == "reasoning_tags" and tags.data.template == "reasoning_tags"
    rubric = config.load("rubric")
    assert rubric.model.name == "meta-llama/Llama-3.1-8B-Instruct" and rubric.model.load_in_4bit
    assert rubric.reward.preset == "rubric"
    spider = config.load("cpu_spider")
    assert spider.data.dataset == "spider" and spider.data.schema_format == "compact"
    assert spider.model.name == "smollm2-135m-instruct"


def test_group_presets_resolve():
    from sqlrl.rewards import PRESETS

    for path in sorted((RECIPES_DIR / "reward").glob("*.yaml")):
        preset = config.yaml.safe_load(path.read_text())["reward"]["preset"]
        assert preset == path.stem and preset in PRESETS
    assert {p.stem for p in (RECIPES_DIR / "reward").glob("*.yaml")} == set(PRESETS)


@pytest.mark.parametrize("name,message", [
    ("arctic_r1", "bf16=true: needs a CUDA GPU"),
    ("sql_r1", "QLoRA"),
    ("reasoning_tags", "bf16=true: needs a CUDA GPU"),
    ("rubric", "QLoRA"),
])
def test_gpu_recipes_fail_on_cpu_before_loading(name, message, no_gpu, tmp_path):
    from sqlrl.train import grpo

    with pytest.raises(UserError, match=message):
        grpo.train(config.load(name, [f"output_dir={tmp_path / 'run'}"]))


@pytest.mark.parametrize("override,message", [
    ("training.use_vllm=true", "use_vllm=true: needs a CUDA GPU"),
    ("training.deepspeed=recipes/ds.json", "deepspeed"),
    ("training.optim=adamw_8bit", "bitsandbytes"),
])
def test_gpu_features_fail_on_cpu(override, message, no_gpu, tmp_path):
    from sqlrl.train import grpo

    with pytest.raises(UserError, match=message):
        grpo.train(config.load("demo", [f"output_dir={tmp_path / 'run'}", override]))


@pytest.mark.parametrize("name", ["cpu_demo", "cpu_spider", "cpu_spider_grpo", "demo"])
def test_cpu_recipes_pass_the_checks(name, no_gpu, tmp_path):
    from sqlrl.train.common import check_before_loading, training_defaults
    from sqlrl.train.grpo import check_group_size

    cfg = config.load(name, [f"output_dir={tmp_path / 'run'}"])
    check_before_loading(cfg, resume=False)
    check_group_size(training_defaults(cfg))


def test_group_size_counts_processes():
    from sqlrl.train.grpo import check_group_size

    check_group_size({"num_generations": 4, "per_device_train_batch_size": 2}, processes=2)
    with pytest.raises(UserError, match="does not divide"):
        check_group_size({"num_generations": 4, "per_device_train_batch_size": 2}, processes=1)


@pytest.mark.parametrize("name,kind", [("multi_gpu", "MULTI_GPU"), ("zero2", "DEEPSPEED"), ("zero3", "DEEPSPEED")])
def test_accelerate_configs_parse(name, kind):
    from accelerate.commands.config.config_args import load_config_from_file

    path = RECIPES_DIR / "accelerate" / f"{name}.yaml"
    cfg = load_config_from_file(str(path))
    assert cfg.distributed_type.value == kind and not cfg.use_cpu
    if kind == "DEEPSPEED":
        assert cfg.deepspeed_config["zero_stage"] == int(name[-1])
        json_file = cfg.deepspeed_config.get("deepspeed_config_file")
        assert json_file is None or (path.parent / json_file).is_file()


def test_deepspeed_launch_refused_on_cpu_before_spawning(no_gpu, tmp_path, monkeypatch):
    import subprocess

    from sqlrl import cli

    monkeypatch.setattr(subprocess, "call", lambda *a, **k: pytest.fail("processes launched"))
    argv = ["train", "--recipe", "demo", "--num-processes", "2", "--accelerate-config",
            str(RECIPES_DIR / "accelerate" / "zero2.yaml"), f"output_dir={tmp_path / 'run'}"]
    monkeypatch.setattr(sys, "argv", ["sqlrl", *argv])
    args = cli.build_parser().parse_args(argv)
    with pytest.raises(UserError, match="DEEPSPEED needs CUDA"):
        args.func(args)
    argv[argv.index("--accelerate-config") + 1] = str(tmp_path / "missing.yaml")
    with pytest.raises(UserError, match="no such file"):
        args = cli.build_parser().parse_args(argv)
        args.func(args)


def test_launch_command_for_cpu_processes(no_gpu, tmp_path, monkeypatch):
    import subprocess

    from sqlrl import cli

    calls = []
    monkeypatch.setattr(subprocess, "call", lambda cmd, **k: calls.append(cmd) or 0)
    argv = ["train", "--recipe", "demo", "--num-processes", "2", f"output_dir={tmp_path / 'run'}", "data.limit=8"]
    monkeypatch.setattr(sys, "argv", ["sqlrl", *argv])
    args = cli.build_parser().parse_args(argv)
    assert args.func(args) == 0
    cmd = calls[0]
    assert cmd[cmd.index("--num_processes") + 1] == "2" and "--multi_gpu" in cmd
    tail = cmd[cmd.index("sqlrl.cli") + 1:]
    assert "--num-processes" not in tail and tail[:3] == ["train", "--recipe", "demo"] and "data.limit=8" in tail
