"""model.ref_device=cpu: the reference model of full fine-tuning (beta > 0) kept and run on the CPU.

This machine has no GPU, so both paths run on the CPU here: the tests check that the CPU path
(TRL's reference copy unwrapped and moved, the batch moved to it and the log-probs moved back)
gives exactly the reference log-probs of TRL's own path, and that a full run trains with it.
"""

from __future__ import annotations

import json

import pytest
import torch

from sqlrl import config
from sqlrl.errors import UserError


def _trainer(tiny_model_dir, out, ref_device):
    from datasets import Dataset
    from trl import GRPOConfig

    from sqlrl.models import load_model, load_tokenizer
    from sqlrl.trl_compat import grpo_trainer_class

    model = load_model(str(tiny_model_dir), dtype="float32").train()
    tok = load_tokenizer(str(tiny_model_dir))
    args = GRPOConfig(output_dir=str(out), beta=0.1, use_cpu=True, report_to=[], max_completion_length=8,
                      num_generations=2, per_device_train_batch_size=2, max_steps=1, gradient_checkpointing=False)
    ds = Dataset.from_dict({"prompt": ["SELECT name FROM"] * 4})

    def reward(completions, **kwargs):
        return [float(len(c)) for c in completions]

    return grpo_trainer_class(ref_device=ref_device)(model=model, reward_funcs=[reward], args=args, train_dataset=ds,
                                                     processing_class=tok), tok


def test_cpu_reference_logps_equal_the_default_path(tiny_model_dir, tmp_path):
    from sqlrl.trl_compat import reference_logps

    default, tok = _trainer(tiny_model_dir, tmp_path / "a", None)
    on_cpu, _ = _trainer(tiny_model_dir, tmp_path / "b", "cpu")
    assert on_cpu.ref_model is not None and on_cpu.ref_model is not on_cpu.model
    assert {p.device.type for p in on_cpu.ref_model.parameters()} == {"cpu"}
    batch = tok(["SELECT name FROM singer WHERE age > 3", "SELECT count(*) FROM t"], return_tensors="pt",
                padding=True)
    ids, mask = batch["input_ids"], batch["attention_mask"]
    a = reference_logps(default, ids, mask, logits_to_keep=4)
    b = reference_logps(on_cpu, ids, mask, logits_to_keep=4)
    assert a.shape == (2, 4) and b.device == ids.device
    assert torch.equal(a, b)
    # the policy moves in training; the reference does not
    with torch.no_grad():
        for p in on_cpu.model.parameters():
            p.add_(0.01)
    assert torch.equal(reference_logps(on_cpu, ids, mask, logits_to_keep=4), a)


@pytest.mark.parametrize("override,message", [
    ("model.lora=true", "full fine-tuning only"),
    ("training.deepspeed=zero2.json", "shards the reference"),
    ("training.sync_ref_model=true", "sync_ref_model"),
    ("model.ref_device=gpu", "choose one of auto, cpu"),
])
def test_ref_device_cpu_refused_where_it_cannot_apply(override, message):
    with pytest.raises(UserError, match=message):
        config.load("demo", ["model.ref_device=cpu", "model.lora=false", "training.beta=0.1", override])


def _kl(run) -> list:
    state = json.loads((run / "trainer_state.json").read_text())
    return [rec["kl"] for rec in state["log_history"] if "kl" in rec]


@pytest.mark.slow
def test_full_fine_tuning_run_with_the_reference_on_cpu(tiny_model_dir, tmp_path, capsys, monkeypatch):
    import sqlrl.rewards
    from sqlrl.train.grpo import train

    # A random tiny model earns the same execution reward (0) on every completion, so nothing would move;
    # a reward on the completion's length differs within each group, so the first update moves the policy.
    def length(completions, **kwargs):
        return [float(len(c)) for c in completions]

    monkeypatch.setattr(sqlrl.rewards, "build_rewards", lambda **kwargs: ([length], [1.0]))

    def cfg(out, *extra):
        return config.load("demo", [f"model.name={tiny_model_dir}", f"output_dir={out}", "training.max_steps=2",
                                    "training.max_completion_length=16", "training.save_steps=2",
                                    "training.report_to=[]", "data.limit=8", "model.lora=false", "training.beta=0.1",
                                    *extra])

    train(cfg(tmp_path / "default"))
    train(cfg(tmp_path / "cpu", "model.ref_device=cpu"))
    kl = _kl(tmp_path / "default")
    assert len(kl) == 2 and kl[1] > 0  # the policy moved away from the reference after one update
    assert _kl(tmp_path / "cpu") == kl
    train(cfg(tmp_path / "beta0", "model.ref_device=cpu", "training.beta=0.0"))
    assert "model.ref_device=cpu is ignored: training.beta=0" in capsys.readouterr().out
