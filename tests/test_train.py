"""GRPO and SFT through TRL on the demo data with a tiny random model (real trainers, real sandbox)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from sqlrl import config
from sqlrl.errors import UserError


def tiny_cfg(tiny_model_dir, out, *extra, recipe="demo"):
    length = "training.max_length=256" if recipe.endswith("sft") else "training.max_completion_length=16"
    return config.load(recipe, [f"model.name={tiny_model_dir}", f"output_dir={out}", "training.max_steps=2", length,
                                "training.save_steps=1", "training.report_to=[]", "data.limit=8", *extra])


def test_grpo_runs_saves_and_logs(tiny_model_dir, tmp_path):
    from sqlrl.train.grpo import train

    cfg = tiny_cfg(tiny_model_dir, tmp_path / "run")
    final = train(cfg)
    assert (final / "adapter_config.json").is_file()
    assert (tmp_path / "run" / "checkpoint-2").is_dir()
    saved = config.yaml.safe_load((tmp_path / "run" / "config.yaml").read_text())
    assert saved["model"]["name"] == str(tiny_model_dir) and saved["training"]["max_steps"] == 2
    state = json.loads((tmp_path / "run" / "checkpoint-2" / "trainer_state.json").read_text())
    logged = {k for rec in state["log_history"] for k in rec}
    assert json.loads((tmp_path / "run" / "trainer_state.json").read_text())["log_history"][-1]["step"] == 2
    assert "reward" in logged and "frac_reward_zero_std" in logged
    assert any(k.startswith("rewards/") and k.endswith("/mean") for k in logged), logged  # per-component rewards
    assert "README.md" in os.listdir(tmp_path / "run")


def test_saved_adapter_loads_and_generates(tiny_model_dir, tmp_path):
    from sqlrl.models import load_model, load_tokenizer
    from sqlrl.train.grpo import train

    final = train(tiny_cfg(tiny_model_dir, tmp_path / "run", "training.max_steps=1"))
    model, tok = load_model(str(final)), load_tokenizer(str(final))
    ids = tok("SELECT", return_tensors="pt")
    assert model.generate(**ids, max_new_tokens=3, do_sample=False).shape[1] == ids["input_ids"].shape[1] + 3


def test_training_goes_on_from_an_adapter(tiny_model_dir, tmp_path):
    """GRPO from a GRPO run's LoRA checkpoint: merged first (TRL refuses a second LoRA on an adapter), and the
    new adapter, whose base is that checkpoint, loads with both adapters applied."""
    from peft import PeftModel

    from sqlrl.models import adapter_base, load_model, load_tokenizer
    from sqlrl.train.grpo import train

    first = train(tiny_cfg(tiny_model_dir, tmp_path / "one", "training.max_steps=1"))
    second = train(tiny_cfg(first, tmp_path / "two", "training.max_steps=1"))
    assert adapter_base(second) == str(first)
    model, tok = load_model(str(second)), load_tokenizer(str(second))
    assert not isinstance(model.get_base_model(), PeftModel)  # the first adapter merged, not stacked
    ids = tok("SELECT", return_tensors="pt")
    assert model.generate(**ids, max_new_tokens=2, do_sample=False).shape[1] == ids["input_ids"].shape[1] + 2


def test_a_lora_checkpoint_in_4_bits_fails_before_loading(tiny_model_dir, tmp_path, monkeypatch):
    """Training on from an adapter merges it in full precision; QLoRA loads a plain model: say so, name the fix."""
    from sqlrl.train import common, grpo

    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": str(tiny_model_dir)}))
    monkeypatch.setattr(common, "load_model_and_tokenizer", lambda cfg: pytest.fail("model loaded before the check"))
    with pytest.raises(UserError, match=r"model\.name=.*is a LoRA adapter.*sqlrl export"):
        grpo.train(tiny_cfg(adapter, tmp_path / "run", "model.load_in_4bit=true"))
    assert common.quantized_adapter_problems(tiny_cfg(adapter, tmp_path / "run")) == []  # full precision: merged


def test_sft_runs(tiny_model_dir, tmp_path):
    from sqlrl.train.sft import train

    cfg = tiny_cfg(tiny_model_dir, tmp_path / "sft", recipe="demo_sft")
    final = train(cfg)
    # demo_sft trains all weights: a plain model directory that GRPO (demo.yaml) puts a fresh LoRA on
    assert (final / "config.json").is_file() and not (final / "adapter_config.json").exists()
    assert (final / "tokenizer.json").is_file()


@pytest.mark.parametrize("override,message", [
    ("model.load_in_4bit=true", "QLoRA"),
    ("training.num_generations=3", "does not divide"),
    ("training.num_generations=1", "at least 2"),
    ("training.bf16=true", "needs a CUDA GPU"),
])
def test_bad_settings_fail_before_loading(tiny_model_dir, tmp_path, override, message, monkeypatch):
    from sqlrl.train import common, grpo

    monkeypatch.setattr(common, "load_model_and_tokenizer", lambda cfg: pytest.fail("model loaded before the check"))
    with pytest.raises(UserError, match=message):
        grpo.train(tiny_cfg(tiny_model_dir, tmp_path / "run", override))


def test_output_dir_of_another_run_is_refused(tiny_model_dir, tmp_path):
    from sqlrl.train.grpo import train

    (tmp_path / "run" / "checkpoint-1").mkdir(parents=True)
    (tmp_path / "run" / "config.yaml").write_text("recipe: other\n")
    with pytest.raises(UserError, match="already holds a run"):
        train(tiny_cfg(tiny_model_dir, tmp_path / "run"))
    with pytest.raises(UserError, match="no complete checkpoint"):
        train(tiny_cfg(tiny_model_dir, tmp_path / "empty"), resume=True)


@pytest.mark.slow
def test_sigkill_then_resume_continues(tiny_model_dir, tmp_path):
    """Kill a run with SIGKILL after its first checkpoint; --resume finishes it with the same step count."""
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "sqlrl.cli", "train", "--recipe", "demo", f"model.name={tiny_model_dir}",
           f"output_dir={out}", "training.max_steps=6", "training.max_completion_length=16", "training.save_steps=2",
           "training.report_to=[]", "data.limit=8"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not (out / "checkpoint-2" / "trainer_state.json").exists():
        assert proc.poll() is None and time.time() < deadline, "run ended before its first checkpoint"
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / "final").exists()
    done = subprocess.run(cmd + ["--resume"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    state = json.loads((out / "checkpoint-6" / "trainer_state.json").read_text())
    assert state["global_step"] == 6 and (out / "final" / "adapter_config.json").is_file()


def test_grpo_prompt_continues_the_prestarted_turn_like_eval(tiny_model_dir, tmp_path):
    """TRL closes a chat prompt's final assistant message; we hand it text that leaves it open, as eval does."""
    from sqlrl.models import load_tokenizer
    from sqlrl.prompts import get_template, render_prompt
    from sqlrl.train.dataset import load_rows, prompt_dataset

    cfg = tiny_cfg(tiny_model_dir, tmp_path / "run")
    tok = load_tokenizer(str(tiny_model_dir))
    ds = prompt_dataset(cfg, "train", tok)
    row = load_rows(cfg, "train")[0]
    assert ds[0]["prompt"].endswith("<|im_start|>assistant\n```sql\nSELECT")
    assert ds[0]["prompt"] == render_prompt(tok, get_template("plain"), row)


def test_min_tables_trains_only_on_large_schemas(tiny_model_dir, tmp_path):
    """data.min_tables drops questions on smaller databases before `limit` counts; validation rows keep them all."""
    from sqlrl.eval.schema_size import table_count
    from sqlrl.train.dataset import load_rows

    every = load_rows(tiny_cfg(tiny_model_dir, tmp_path, "data.limit=null"), "train")
    sizes = {row["db_id"]: table_count(row["db_path"]) for row in every}
    assert sorted(set(sizes.values())) == [3, 4]  # the demo's flights has 3 tables, bookshop and school 4
    large = load_rows(tiny_cfg(tiny_model_dir, tmp_path, "data.limit=null"), "train", min_tables=4)
    assert len(large) == sum(sizes[row["db_id"]] == 4 for row in every) < len(every)
    assert {table_count(row["db_path"]) for row in large} == {4}
    assert len(load_rows(tiny_cfg(tiny_model_dir, tmp_path, "data.limit=5"), "train", min_tables=4)) == 5
    # The validation callback calls load_rows(cfg, split): data.min_tables does not reach it.
    assert len(load_rows(tiny_cfg(tiny_model_dir, tmp_path, "data.limit=null", "data.min_tables=4"), "train")) \
        == len(every)
    with pytest.raises(UserError, match="data.min_tables=5 removes every example"):
        load_rows(tiny_cfg(tiny_model_dir, tmp_path), "train", min_tables=5)


def test_resume_trains_on_the_prompts_the_prefilter_kept(tiny_model_dir, tmp_path, monkeypatch):
    """The prefilter samples at random: a resumed run must reuse the first run's choice, not filter again."""
    from sqlrl.train import grpo, prefilter

    # Stand-in for the sampling pass (tested on its own in test_train_signals.py): keep every other prompt.
    monkeypatch.setattr(prefilter, "drop_uniform_prompts", lambda ds, *a, **k: ds.select(range(0, len(ds), 2)))
    out = tmp_path / "run"
    grpo.train(tiny_cfg(tiny_model_dir, out, "data.prefilter_samples=2", "training.save_steps=1"))
    kept = set(json.loads((out / "prefilter_ids.json").read_text()))
    assert len(kept) == 4

    monkeypatch.setattr(prefilter, "drop_uniform_prompts", lambda *a, **k: pytest.fail("filtered again on resume"))
    grpo.train(tiny_cfg(tiny_model_dir, out, "data.prefilter_samples=2", "training.save_steps=1",
                        "training.max_steps=4"), resume=True)
    trained = [i for line in (out / "data_order" / "rank-0.jsonl").read_text().splitlines()
               for i in json.loads(line)["ids"]]
    assert len(trained) >= 3 and set(trained) <= kept
