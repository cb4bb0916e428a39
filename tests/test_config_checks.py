"""Checks before loading: every value checked, every problem in one message, `sqlrl config check`,
YAML floats from files, `defaults=[...]` on the command line, and the commands that run the checks."""

from __future__ import annotations

import dataclasses

import pytest

from sqlrl import config
from sqlrl.cli import checks, main
from sqlrl.errors import UserError


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def no_gpu(monkeypatch):
    """This machine has no CUDA GPU, and nothing may load a model."""
    from sqlrl.train import common

    monkeypatch.setattr(common, "has_cuda", lambda: False)
    monkeypatch.setattr(common, "load_model_and_tokenizer", lambda cfg: pytest.fail("model loaded before the check"))


def fields(recipe, *overrides, **kwargs) -> set[str]:
    _, found, _ = checks.load_with_problems(recipe, list(overrides), cuda=False, **kwargs)
    return {p.field for p in found}


# --- YAML: one reading for files and overrides ---------------------------------------------------

def test_exponent_floats_in_a_recipe_file_are_floats(tmp_path):
    r = write(tmp_path / "r.yaml", "defaults: [demo]\ntraining:\n  learning_rate: 3e-5\n  adam_epsilon: 1e-6\n"
                                   "  weight_decay: 5E-5\n  max_grad_norm: 1.0e-1\n")
    cfg = config.load(str(r))
    assert cfg.training["learning_rate"] == 3e-5 and isinstance(cfg.training["learning_rate"], float)
    assert (cfg.training["adam_epsilon"], cfg.training["weight_decay"],
            cfg.training["max_grad_norm"]) == (1e-6, 5e-5, 0.1)
    same = config.load("demo", ["training.learning_rate=3e-5"])
    assert same.training["learning_rate"] == cfg.training["learning_rate"]
    assert checks.problems(cfg, cuda=False) == []


def test_yaml_text_stays_text():
    assert config.load_yaml("name: 3e5x\nversion: '1e-6'\nn: 12\n") == {"name": "3e5x", "version": "1e-6", "n": 12}


def test_number_written_as_text_is_converted_where_trl_wants_a_float():
    cfg = config.load("demo", ["training.learning_rate='3e-5'", "reward.timeout='2.5'"])
    assert checks.problems(cfg, cuda=False) == []
    assert cfg.training["learning_rate"] == 3e-5 and cfg.reward.timeout == 2.5


# --- the mistakes users met, each named -----------------------------------------------------------

@pytest.mark.parametrize("overrides,field,words", [
    (["reward.mode=fuzzy"], "reward.mode", "bird, spider_ts, strict"),
    (["training.loss_type=foo"], "training.loss_type", "grpo, dr_grpo, dapo"),
    (["training.learning_rate=abc"], "training.learning_rate", "must be a number"),
    (["model.lora_r=abc"], "model.lora_r", "must be a whole number"),
    (["data.dataset=spyder"], "data.dataset", "Did you mean: 'spider'"),
    (["data.dataset=spider", "data.split=test"], "data.split", "train, dev, fit, val"),
    (["training.num_generations=four"], "training.num_generations", "whole number"),
    (["training.lr_scheduler_type=cosin"], "training.lr_scheduler_type", "Did you mean: 'cosine'"),
    (["training.scale_rewards=grop"], "training.scale_rewards", "Did you mean: 'group'"),
    (["training.importance_sampling_level=seq"], "training.importance_sampling_level", "token, sequence"),
    (["training.vllm_mode=colo"], "training.vllm_mode", "Did you mean: 'colocate'"),
    (["training.report_to=[tensorbord]"], "training.report_to", "Did you mean: 'tensorboard'"),
])
def test_each_mistake_names_field_value_allowed_and_closest(overrides, field, words):
    _, found, _ = checks.load_with_problems("demo", overrides, cuda=False)
    mine = [str(p) for p in found if p.field == field]
    assert mine and words in mine[0], [str(p) for p in found]
    value = overrides[-1].split("=", 1)[1]
    assert f"{field}=" in mine[0] and value.strip("[]") in mine[0]


def test_missing_report_backend_is_a_problem_of_this_machine():
    from config_mistakes import uninstalled_integration

    missing = uninstalled_integration()
    if missing is None:
        pytest.skip("every logging integration is installed here")
    _, found, _ = checks.load_with_problems("demo", [f"training.report_to=[{missing}]"])
    problem = next(p for p in found if p.field == "training.report_to")
    assert problem.machine and "not installed" in str(problem)


def test_all_problems_in_one_message(no_gpu, tmp_path):
    overrides = ["reward.mode=fuzzy", "training.loss_type=foo", "training.learning_rate=abc", "model.lora_r=abc",
                 "data.dataset=spyder", "training.num_generations=four", "training.nope=1", "env.max_turns=0"]
    with pytest.raises(UserError) as e:
        checks.load_checked("demo", overrides)
    message = str(e.value)
    assert message.startswith("8 problems in ") and "before loading" in message
    for field in ("reward.mode", "training.loss_type", "training.learning_rate", "model.lora_r", "data.dataset",
                  "training.num_generations", "training.nope", "env.max_turns"):
        assert f"  - {field}=" in message, message


def test_gpu_settings_on_cpu_are_listed_together(no_gpu, tmp_path, capsys):
    """bf16, vLLM and QLoRA on a CPU machine: one run, one message, all three (not one per run)."""
    code = main(["train", "--recipe", "demo", f"output_dir={tmp_path / 'run'}", "training.bf16=true",
                 "training.use_vllm=true", "model.load_in_4bit=true"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "3 problems" in err
    for field in ("training.bf16=true", "training.use_vllm=true", "model.load_in_4bit=true"):
        assert field in err, err


def test_train_library_call_lists_gpu_settings_together(no_gpu, tmp_path):
    from sqlrl.train import grpo

    with pytest.raises(UserError) as e:
        grpo.train(config.load("demo", [f"output_dir={tmp_path / 'run'}", "training.bf16=true",
                                        "training.use_vllm=true", "model.load_in_4bit=true"]))
    assert all(k in str(e.value) for k in ("training.bf16", "training.use_vllm", "model.load_in_4bit"))


def test_no_traceback_for_a_value_in_words(no_gpu, tmp_path, capsys):
    code = main(["train", "--recipe", "demo", f"output_dir={tmp_path / 'run'}", "training.num_generations=four"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "TypeError" not in err
    assert "training.num_generations='four': must be a whole number" in err


# --- TRL's choices ------------------------------------------------------------------------------

def test_choices_table_agrees_with_trl_help_texts():
    """The values sqlrl lists for TRL fields with no declared choices are the ones TRL's help names."""
    import re

    from trl import GRPOConfig

    from sqlrl.trl_compat import GRPO_CHOICES

    helps = {f.name: f.metadata.get("help", "") for f in dataclasses.fields(GRPOConfig)}
    for name, values in GRPO_CHOICES.items():
        assert name in helps, f"TRL has no field {name} any more"
        for value in values:
            if isinstance(value, str):
                assert re.search(rf"[`']{value}[`']", helps[name]), (name, value)


def test_declared_choices_come_from_trl():
    from transformers.trainer_utils import SchedulerType
    from trl import GRPOConfig, SFTConfig

    hints = checks._hints(GRPOConfig)
    assert set(checks.trl_choices(GRPOConfig, "lr_scheduler_type", hints["lr_scheduler_type"])) == \
        {s.value for s in SchedulerType}
    sft = checks._hints(SFTConfig)
    assert "nll" in checks.trl_choices(SFTConfig, "loss_type", sft["loss_type"])
    assert checks.trl_choices(GRPOConfig, "learning_rate", hints["learning_rate"]) is None


def test_every_trl_field_type_is_understood():
    """Every default of GRPOConfig and SFTConfig passes its own annotation (no false alarms)."""
    from trl import GRPOConfig, SFTConfig

    for cls in (GRPOConfig, SFTConfig):
        hints = checks._hints(cls)
        for f in dataclasses.fields(cls):
            if f.init and f.default is not dataclasses.MISSING and f.default is not None:
                assert checks.accepts(f.default, hints[f.name]) or f.metadata.get("choices"), (cls.__name__, f.name)


# --- recipes and the commands -------------------------------------------------------------------

def test_every_shipped_recipe_passes_the_portable_checks():
    for name in config.list_recipes():
        _, found, _ = checks.load_with_problems(name, machine=False)
        assert found == [], (name, [str(p) for p in found])


def test_config_check_exit_codes(capsys, tmp_path):
    assert main(["config", "check", "demo"]) == 0
    assert capsys.readouterr().out.startswith("ok: ")
    assert main(["config", "check", "demo", "reward.mode=fuzzy", "training.loss_type=foo"]) == 2
    err = capsys.readouterr().err
    assert "2 problems" in err and "reward.mode='fuzzy'" in err and "training.loss_type='foo'" in err
    assert main(["config", "check", "demo", "training.bf16=true", "--portable"]) == 0


def test_config_show_stops_on_config_problems_and_notes_machine_ones(no_gpu, capsys):
    assert main(["config", "show", "demo", "reward.mode=fuzzy"]) == 2
    assert "reward.mode='fuzzy'" in capsys.readouterr().err
    assert main(["config", "show", "arctic_r1"]) == 0
    out = capsys.readouterr()
    assert "model:" in out.out and "note: not runnable on this machine: training.bf16=true" in out.err


def test_defaults_on_the_command_line_compose(tmp_path):
    cfg = config.load("demo", ["defaults=[model/qwen2.5-coder-3b]"])
    assert cfg.model.name == "Qwen/Qwen2.5-Coder-3B-Instruct" and cfg.model.dtype == "bfloat16"
    assert cfg.training["max_steps"] == 8  # the rest of the recipe stays
    sources: list = []
    cfg = config.load("demo", ["model.lora_r=4", "defaults=[model/qwen2.5-coder-3b, training/gpu]"], sources=sources)
    assert cfg.model.lora_r == 4 and cfg.training["bf16"] is True  # key=value wins, whatever its position
    assert sources[-1].name == "gpu.yaml"
    with pytest.raises(UserError, match="Did you mean: 'model/qwen2.5-coder-3b'"):
        config.load("demo", ["defaults=[model/qwen2.5-coder-3]"])


def test_eval_with_a_recipe_checks_everything_first(capsys, tmp_path):
    pred = write(tmp_path / "p.jsonl", "")
    code = main(["eval", "--recipe", "demo", "--predictions", str(pred), "data.template=plian", "reward.mode=fuzzy"])
    err = capsys.readouterr().err
    assert code == 2 and "data.template='plian'" in err and "reward.mode='fuzzy'" in err
    code = main(["eval", "--predictions", str(pred), "--dataset", "spyder", "--template", "plian"])
    err = capsys.readouterr().err
    assert code == 2 and "--dataset='spyder'" in err and "--template='plian'" in err and "2 problems" in err


def test_eval_takes_its_settings_from_the_recipe(capsys, tmp_path, monkeypatch):
    from sqlrl.cli import eval as eval_cli

    seen = {}
    monkeypatch.setattr(eval_cli, "_load_rows", lambda args, with_schema=True: seen.update(vars(args)) or 1 / 0)
    with pytest.raises(ZeroDivisionError):
        main(["eval", "--recipe", "cpu_demo", "--predictions", "x.jsonl", "--max-new-tokens", "64"])
    assert (seen["dataset"], seen["split"], seen["limit"], seen["batch_size"]) == ("demo", "test", 8, 8)
    assert seen["max_new_tokens"] == 64  # a flag given wins over the recipe


# --- exit codes and messages of other user errors -------------------------------------------------

def test_sql_run_path_errors_exit_2_and_name_the_problem(tmp_path, capsys):
    import sqlite3

    text = write(tmp_path / "notes.txt", "not a database\n")
    empty = write(tmp_path / "empty.sqlite", "")
    good = tmp_path / "good.sqlite"
    sqlite3.connect(good).execute("CREATE TABLE t (x)").connection.close()
    for path, words in ((text, "is not an SQLite database"), (empty, "is empty (0 bytes)"),
                        (tmp_path / "missing.sqlite", "does not exist"), (tmp_path, "is a directory")):
        assert main(["sql", "run", str(path), "SELECT 1"]) == 2
        assert words in capsys.readouterr().err
    assert main(["sql", "run", str(good), "SELECT nope FROM t"]) == 1  # a query that fails: 1, as documented
    assert main(["sql", "run", str(good), "SELECT count(*) FROM t"]) == 0


def test_infer_db_directory_is_named(tmp_path, capsys):
    assert main(["infer", "--db", str(tmp_path), "how many?"]) == 2
    assert "is a directory, pass the .sqlite file" in capsys.readouterr().err
