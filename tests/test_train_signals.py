"""Signal hygiene: TRL's clipped ratio with our stop tokens, and the all-equal-group prefilter."""

import json

import pytest
import torch

from sqlrl import config


def _forcing_generate(model, stop_id, stop_at, eos_id):
    """Wrap `model.generate`: even rows emit the stop token as their `stop_at`-th token, odd rows never stop."""
    from transformers import LogitsProcessor, LogitsProcessorList

    class Force(LogitsProcessor):
        def __init__(self):
            self.start = None

        def __call__(self, input_ids, scores):
            if self.start is None:
                self.start = input_ids.shape[1]
            step = input_ids.shape[1] - self.start
            scores[:, stop_id] = -float("inf")
            scores[:, eos_id] = -float("inf")
            if step == stop_at - 1:
                scores[0::2] = -float("inf")
                scores[0::2, stop_id] = 0.0
            return scores

    original = model.generate

    def generate(*args, **kwargs):
        kwargs["logits_processor"] = LogitsProcessorList([Force()])
        return original(*args, **kwargs)

    model.generate = generate
    return model


def test_fence_stop_is_not_counted_as_clipped(tiny_model_dir, tmp_path, monkeypatch):
    """Half the completions end on the closing fence after 3 tokens, half run to the limit: clipped ratio 0.5."""
    from sqlrl.stopping import single_token_ids
    from sqlrl.train import common, grpo

    loaded = {}

    def load(cfg):
        model, tok = common.load_model_and_tokenizer(cfg)
        stop_id = single_token_ids(tok, ["```"])[0]
        loaded["stop_id"] = stop_id
        return _forcing_generate(model, stop_id, 3, tok.eos_token_id), tok

    monkeypatch.setattr(grpo, "load_model_and_tokenizer", load)
    cfg = config.load("demo", [f"model.name={tiny_model_dir}", f"output_dir={tmp_path / 'run'}",
                               "training.max_steps=1", "training.max_completion_length=12", "training.save_steps=1",
                               "training.report_to=[]",
                               "data.limit=4"])
    grpo.train(cfg)
    state = json.loads((tmp_path / "run" / "checkpoint-1" / "trainer_state.json").read_text())
    log = state["log_history"][0]
    assert log["completions/clipped_ratio"] == pytest.approx(0.5)
    assert log["completions/mean_terminated_length"] == pytest.approx(3)
    assert log["completions/max_length"] == pytest.approx(12)


def _tiny(tiny_model_dir):
    from sqlrl.models import load_model, load_tokenizer

    return load_model(str(tiny_model_dir)), load_tokenizer(str(tiny_model_dir))


def test_prefilter_keeps_only_prompts_with_different_rewards(tiny_model_dir, tmp_path):
    from sqlrl.prompts import get_template
    from sqlrl.stopping import configure_stopping
    from sqlrl.train.dataset import prompt_dataset
    from sqlrl.train.prefilter import drop_uniform_prompts

    cfg = config.load("demo", [f"model.name={tiny_model_dir}", f"output_dir={tmp_path}", "data.limit=6"])
    model, tok = _tiny(tiny_model_dir)
    configure_stopping(model, tok, get_template("plain").stop_strings)
    ds = prompt_dataset(cfg, "train", tok)
    varied = set(ds["id"][::2])
    calls = []

    def alternating(prompts, completions, id, **kw):  # rows in `varied` get 0, 1, 0, 1; others all 1
        calls.append(len(completions))
        return [float(i % 2) if row in varied else 1.0 for i, row in enumerate(id)]

    def absent(prompts, completions, **kw):  # a reward with nothing to say is skipped, as TRL skips None
        return [None] * len(completions)

    torch.manual_seed(0)
    kept = drop_uniform_prompts(ds, model, tok, [alternating, absent], [1.0, 1.0], get_template("plain"),
                                samples=4, max_new_tokens=4)
    assert set(kept["id"]) == varied and calls == [4] * len(ds)
    assert "db_path" in kept.column_names and "prompt" in kept.column_names


def test_prefilter_refuses_when_nothing_is_left(tiny_model_dir, tmp_path):
    from sqlrl.errors import UserError
    from sqlrl.prompts import get_template
    from sqlrl.train.dataset import prompt_dataset
    from sqlrl.train.prefilter import drop_uniform_prompts

    cfg = config.load("demo", [f"model.name={tiny_model_dir}", f"output_dir={tmp_path}", "data.limit=2"])
    model, tok = _tiny(tiny_model_dir)
    ds = prompt_dataset(cfg, "train", tok)
    with pytest.raises(UserError, match="equal rewards"):
        drop_uniform_prompts(ds, model, tok, [lambda prompts, completions, **kw: [0.0] * len(completions)], [1.0],
                             get_template("plain"), samples=2, max_new_tokens=2)
    with pytest.raises(UserError, match="at least 2"):
        drop_uniform_prompts(ds, model, tok, [], [], get_template("plain"), samples=1)
