"""Reward schedules: interpolation, validation, the weight applied and logged in a real GRPO run, resume."""

from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import pytest

from sqlrl import config
from sqlrl.cli import main
from sqlrl.errors import UserError
from sqlrl.rewards import build_rewards
from sqlrl.rewards.schedule import progress, scheduled, weight_at


def test_weight_at_interpolates_and_is_constant_outside():
    points = [[0.2, 1.0], [0.6, 0.2], [1.0, 0.6]]
    assert weight_at(points, 0.0) == 1.0 and weight_at(points, 0.2) == 1.0
    assert weight_at(points, 0.4) == pytest.approx(0.6)
    assert weight_at(points, 0.6) == pytest.approx(0.2)
    assert weight_at(points, 0.8) == pytest.approx(0.4)
    assert weight_at(points, 1.0) == pytest.approx(0.6)
    assert weight_at([[0.5, 2]], 0.1) == 2.0 == weight_at([[0.5, 2]], 0.9)


def test_progress_is_the_share_of_max_steps():
    assert progress(None) == 0.0
    assert progress(SimpleNamespace(global_step=3, max_steps=12)) == 0.25
    assert progress(SimpleNamespace(global_step=0, max_steps=0)) == 0.0


def test_scheduled_function_weighs_its_values_and_logs_the_weight():
    logged = []
    base = lambda prompts=None, completions=None, **kw: [1.0, None, -2.0]  # noqa: E731
    base.__name__ = "format_exact"
    fn = scheduled(base, [[0.0, 1.0], [0.5, 0.2]])
    assert fn.__name__ == "format_exact"
    state = SimpleNamespace(global_step=1, max_steps=4)  # fraction 0.25: weight 0.6
    values = fn(prompts=[None] * 3, completions=["a"] * 3, trainer_state=state,
                log_metric=lambda name, v: logged.append((name, v)))
    assert values == pytest.approx([0.6, None, -1.2]) and values[1] is None
    assert logged == [("reward_weight/format_exact", pytest.approx(0.6))]


def test_build_rewards_gives_a_scheduled_component_weight_one():
    funcs, weights = build_rewards("reasoning_tags", weights={"format_approx": 0.5},
                                   schedule={"format_exact": [[0.0, 1.0], [0.3, 0.2]]}, template="reasoning_tags")
    assert [f.__name__ for f in funcs] == ["format_exact", "format_approx", "answer_check"]
    assert weights == [1.0, 0.5, 1.0] and funcs[0].schedule == [[0.0, 1.0], [0.3, 0.2]]
    with pytest.raises(UserError, match="reward.schedule names 'nope'.*valid names: format_exact"):
        build_rewards("reasoning_tags", schedule={"nope": [[0.0, 1.0]]})


@pytest.mark.parametrize("value,message", [
    ("[[0.0, 1.0], [0.3]]", r"\[1\].*two numbers"),
    ("[[0.5, 1.0], [0.3, 0.2]]", "must increase"),
    ("[[0.0, 1.0], [1.5, 0.2]]", r"outside \[0, 1\]"),
    ("[[0.0, high]]", "two numbers"),
    ("[]", "non-empty list"),
    ("0.5", "non-empty list"),
])
def test_malformed_schedule_is_refused_when_the_config_is_built(value, message):
    with pytest.raises(UserError, match=message):
        config.load("demo", [f"reward.schedule.execution={value}"])


def test_unknown_component_exits_2_before_loading(tmp_path, capsys, monkeypatch):
    from sqlrl.train import grpo

    monkeypatch.setattr(grpo, "load_model_and_tokenizer", lambda cfg: pytest.fail("model loaded before the check"))
    assert main(["config", "show", "demo", "reward.schedule.format_exact=[[0.0, 1.0]]"]) == 2
    assert "reward.schedule names 'format_exact', not a component of preset 'arctic'" in capsys.readouterr().err
    assert main(["train", "--recipe", "demo", f"output_dir={tmp_path / 'run'}",
                 "reward.schedule.format_exact=[[0.0, 1.0]]"]) == 2
    assert "valid names: execution, executable" in capsys.readouterr().err


def _weights_logged(run_dir, name="executable") -> dict[int, float]:
    state = json.loads((run_dir / "trainer_state.json").read_text())
    key = f"reward_weight/{name}"
    return {rec["step"]: rec[key] for rec in state["log_history"] if key in rec}


def _cfg(tiny_model_dir, out, steps: int):
    return config.load("demo", [f"model.name={tiny_model_dir}", f"output_dir={out}", f"training.max_steps={steps}",
                                "training.max_completion_length=16", "training.save_steps=1", "training.report_to=[]",
                                "data.limit=8", "reward.schedule.executable=[[0.0, 1.0], [1.0, 0.0]]"])


def test_grpo_run_logs_the_scheduled_weight_changing(tiny_model_dir, tmp_path):
    from sqlrl.train.grpo import train

    train(_cfg(tiny_model_dir, tmp_path / "run", steps=2))
    # step k scores completions generated at global_step k - 1: fractions 0 and 0.5
    assert _weights_logged(tmp_path / "run") == {1: 1.0, 2: 0.5}


@pytest.mark.slow
def test_resumed_run_continues_the_schedule(tiny_model_dir, tmp_path):
    from sqlrl.train.grpo import train

    out = tmp_path / "run"
    train(_cfg(tiny_model_dir, out, steps=4))
    whole = _weights_logged(out)
    assert whole == {1: 1.0, 2: 0.75, 3: 0.5, 4: 0.25}
    for gone in ("checkpoint-3", "checkpoint-4", "final", "trainer_state.json"):  # as if killed after step 2
        path = out / gone
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    train(_cfg(tiny_model_dir, out, steps=4), resume=True)
    assert _weights_logged(out) == whole
