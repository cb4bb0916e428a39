"""model.backend=unsloth: selection and errors here; the success path with a stand-in module.

The real Unsloth needs an NVIDIA GPU (and is not installed on this CPU machine), so the success
path runs with a *stand-in* `unsloth` module injected into sys.modules: its FastLanguageModel
loads the tiny model with transformers and attaches the LoRA with PEFT, recording the arguments
it was given. What is tested is sqlrl's side: what it asks Unsloth for, and that the model it
gets back trains through the same TRL trainer (no second LoRA) and saves an adapter.
"""

from __future__ import annotations

import importlib.util
import sys
import types

import pytest

from sqlrl import config
from sqlrl.cli import main
from sqlrl.errors import UserError


def _cfg(tiny_model_dir, out, *extra):
    return config.load("demo", [f"model.name={tiny_model_dir}", f"output_dir={out}", "training.max_steps=1",
                                "training.max_completion_length=16", "training.save_steps=1", "training.report_to=[]",
                                "data.limit=4", "model.backend=unsloth", *extra])


def test_backend_is_validated():
    from sqlrl.train import backend

    assert config.load("demo").model.backend == "transformers"
    assert backend.unsloth_installed() is (importlib.util.find_spec("unsloth") is not None)
    with pytest.raises(UserError, match="choose one of transformers, unsloth"):
        config.load("demo", ["model.backend=vllm"])


def test_no_cuda_is_a_user_error_before_anything_loads(tiny_model_dir, tmp_path, capsys, monkeypatch):
    from sqlrl.train import backend, grpo

    monkeypatch.setattr(grpo, "load_model_and_tokenizer", lambda cfg: pytest.fail("model loaded before the check"))
    monkeypatch.setattr(backend, "cuda_available", lambda: False)
    assert main(["train", "--recipe", "demo", f"model.name={tiny_model_dir}", f"output_dir={tmp_path / 'run'}",
                 "model.backend=unsloth"]) == 2
    err = capsys.readouterr().err
    assert "model.backend=unsloth needs a CUDA GPU" in err and "model.backend=transformers" in err


def test_missing_package_is_a_user_error(tiny_model_dir, tmp_path, monkeypatch):
    from sqlrl.train import backend, grpo, sft

    monkeypatch.setattr(backend, "cuda_available", lambda: True)
    monkeypatch.setattr(backend, "unsloth_installed", lambda: False)  # as on this machine, whatever is installed
    for train in (grpo.train, sft.train):
        with pytest.raises(UserError, match=r"the unsloth package \(pip install 'sqlrl\[unsloth\]'\)"):
            train(_cfg(tiny_model_dir, tmp_path / "run"))


class StandIn:
    """A stand-in for unsloth.FastLanguageModel (the real one needs a GPU): transformers + PEFT."""

    calls: list = []

    @staticmethod
    def from_pretrained(model_name, max_seq_length, dtype, load_in_4bit, full_finetuning, **kwargs):
        from transformers import AutoModelForCausalLM, AutoTokenizer

        StandIn.calls.append(("from_pretrained", dict(model_name=model_name, max_seq_length=max_seq_length,
                                                      dtype=dtype, load_in_4bit=load_in_4bit,
                                                      full_finetuning=full_finetuning)))
        return AutoModelForCausalLM.from_pretrained(model_name), AutoTokenizer.from_pretrained(model_name)

    @staticmethod
    def get_peft_model(model, r, lora_alpha, lora_dropout, target_modules, bias, use_gradient_checkpointing,
                       random_state, **kwargs):
        from peft import LoraConfig, get_peft_model

        StandIn.calls.append(("get_peft_model", dict(r=r, lora_alpha=lora_alpha, target_modules=target_modules,
                                                     use_gradient_checkpointing=use_gradient_checkpointing)))
        return get_peft_model(model, LoraConfig(r=r, lora_alpha=lora_alpha, lora_dropout=lora_dropout,
                                                target_modules=target_modules, bias=bias, task_type="CAUSAL_LM"))


@pytest.fixture
def stand_in(monkeypatch):
    from sqlrl.train import backend

    module = types.ModuleType("unsloth")
    module.FastLanguageModel = StandIn
    monkeypatch.setitem(sys.modules, "unsloth", module)
    monkeypatch.setattr(backend, "unsloth_installed", lambda: True)
    monkeypatch.setattr(backend, "cuda_available", lambda: True)
    StandIn.calls = []
    return StandIn


def test_unsloth_builds_the_model_and_lora_then_the_same_trainer_runs(stand_in, tiny_model_dir, tmp_path):
    from sqlrl.train.grpo import train

    final = train(_cfg(tiny_model_dir, tmp_path / "run", "model.lora_r=8", "data.max_prompt_tokens=300"))
    (name, loaded), (peft, lora) = stand_in.calls
    assert name == "from_pretrained" and loaded == {"model_name": str(tiny_model_dir), "max_seq_length": 316,
                                                    "dtype": None, "load_in_4bit": False, "full_finetuning": False}
    assert peft == "get_peft_model" and lora["r"] == 8 and lora["lora_alpha"] == 32
    assert lora["target_modules"] == ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    assert lora["use_gradient_checkpointing"] is False  # the demo recipe turns checkpointing off
    assert (final / "adapter_config.json").is_file()  # one adapter, saved as PEFT saves it: eval loads it as usual
    assert "(built with Unsloth)" in (tmp_path / "run" / "README.md").read_text()


def test_unsloth_full_fine_tuning_asks_for_no_lora(stand_in, tiny_model_dir, tmp_path):
    from sqlrl.train.common import load_model_and_tokenizer, peft_config

    cfg = _cfg(tiny_model_dir, tmp_path / "run", "model.lora=false", "model.dtype=bfloat16")
    model, tok = load_model_and_tokenizer(cfg)
    assert [c for c, _ in stand_in.calls] == ["from_pretrained"]
    assert stand_in.calls[0][1]["full_finetuning"] is True and str(stand_in.calls[0][1]["dtype"]) == "torch.bfloat16"
    assert peft_config(cfg) is None and tok.padding_side == "left" and model.training
