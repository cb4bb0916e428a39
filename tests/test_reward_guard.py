"""A reward that keeps failing stops the run with its first error; one that fails now and then does not."""

from __future__ import annotations

import json

import pytest

from sqlrl import config, rewards
from sqlrl.rewards import registry


@pytest.fixture
def broken_preset(monkeypatch):
    """A registered reward that raises on every batch (as a reward reading a missing column would), in a preset."""

    def make_broken(template, mode, timeout):
        def score(texts, cols):
            return [cols["gold_rows"][i] for i in range(len(texts))]  # KeyError: the dataset has no such column

        return score

    monkeypatch.setitem(registry.REWARDS, "broken", registry.RewardSpec("broken", make_broken, 0.0, 1.0, "fails"))
    monkeypatch.setitem(rewards.PRESETS, "broken", rewards.Preset(
        "broken", "execution plus a reward that always fails", (("execution", 1.0, {}), ("broken", 1.0, {})), "plain"))
    registry.error_share()  # nothing left over from other tests


@pytest.mark.slow
def test_training_stops_on_a_failing_reward(broken_preset, tiny_model_dir, tmp_path):
    from sqlrl.train.grpo import train

    out = tmp_path / "run"
    cfg = config.load("demo", [f"model.name={tiny_model_dir}", f"output_dir={out}", "training.max_steps=3",
                               "training.max_completion_length=8", "training.save_steps=1", "training.report_to=[]",
                               "data.limit=8", "reward.preset=broken"])
    with pytest.raises(rewards.RewardsFailing) as e:
        train(cfg)
    message = str(e.value)
    assert "stopped at step 1" in message and "reward 'broken' failed internally on 4 of 4 completions" in message
    assert "KeyError: 'gold_rows'" in message and "test_reward_guard.py:" in message  # the error and where
    assert not (out / "final").exists() and not (out / "checkpoint-2").exists()
    state = json.loads((out / "checkpoint-1" / "trainer_state.json").read_text())
    logged = state["log_history"][-1]
    assert logged["rewards/broken/internal_error"] == 4 and logged["rewards/execution/scored"] == 4


def _step(guard, errors: int, scored: int):
    from transformers import TrainerControl, TrainerState

    registry.count("r", "internal_error", errors)
    registry.count_scored("r", scored)
    control = TrainerControl()
    guard.on_step_end(None, TrainerState(global_step=1), control)
    return control.should_training_stop


def test_guard_threshold_and_window():
    from sqlrl.train.callbacks import RewardErrorGuard

    registry.error_share()
    guard = RewardErrorGuard(0.5)
    assert not _step(guard, 3, 5) and guard.failure is None  # 3 of 8: under half
    assert not _step(guard, 0, 8)  # the window was reset by the step before
    assert not _step(guard, 4, 4)  # exactly half is not more than half
    assert _step(guard, 5, 3) and "5 of 8 completions" in str(guard.failure)
    with pytest.raises(rewards.RewardsFailing):
        guard.raise_failure()
    assert not _step(RewardErrorGuard(1.0), 8, 0)  # 1.0: never stop


def test_wrong_comparison_mode_counts_and_keeps_the_first_error(tmp_path):
    """What `reward.mode=fuzzy` did before the checks: every batch fails inside the reward."""
    import sqlite3

    db = tmp_path / "t.sqlite"
    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.close()
    registry.error_share()
    fn = rewards.get_reward("execution", mode="fuzzy")
    assert fn(prompts=["q"], completions=[" 1\n```"], db_path=[str(db)], gold_sql=["SELECT 1"]) == [0.0]
    seen = registry.error_share()
    assert (seen.reward, seen.errors, seen.completions) == ("execution", 1, 1)
    assert "unknown comparison mode 'fuzzy'" in seen.first_error and ".py:" in seen.first_error
