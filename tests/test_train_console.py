"""The training console and the model card, from real TRL runs (GRPO and SFT) of the tiny model on the demo data."""

from __future__ import annotations

import json
import re
import shlex

from sqlrl import config
from sqlrl.cli import main


def _run(capfd, tiny_model_dir, out, *args, recipe="demo", verb="train"):
    length = "training.max_length=256" if verb == "sft" else "training.max_completion_length=16"
    code = main([verb, "--recipe", recipe, "--output-dir", str(out), f"model.name={tiny_model_dir}",
                 "training.max_steps=3", "data.limit=8", length, *args])
    captured = capfd.readouterr()
    assert code == 0, captured.err[-2000:]
    return captured.out + captured.err


def test_grpo_console_is_one_line_per_step_and_metrics_are_all_kept(tiny_model_dir, tmp_path, capfd):
    out = tmp_path / "grpo"
    text = _run(capfd, tiny_model_dir, out, "eval.every_steps=2", "eval.limit=2", "eval.max_new_tokens=8",
                "data.eval_split=test")
    lines = text.splitlines()
    assert not any("{'loss'" in ln or "'reward':" in ln for ln in lines), "transformers' dict printer is still on"
    steps = [ln for ln in lines if re.match(r"step [1-3]/3  reward \d\.\d{3}  equal-groups \d+%  len \d+", ln)]
    assert len(steps) == 3, lines[-30:]
    assert all(re.search(r"\d+\.\d s/step$", ln) for ln in steps)
    assert any(ln.startswith("step 2/3") and "val-EX " in ln for ln in steps)  # measured at step 2 only
    assert re.search(r"step 0/3  val-EX \d+\.\d%", text)  # ... and before the first step
    assert "validation, step 0" in text and "validation, step 2" in text  # the validation progress bar
    m = re.search(r"sqlrl: GRPO: 3 steps, \d+\.\d s/step; mean reward (-?\d\.\d{3}) over the first 1 steps -> "
                  r"(-?\d\.\d{3}) over the last 1 \(([+-]\d\.\d{3})(, rising)?\); validation EX", text)
    assert m, text[-3000:]
    # every metric still reaches trainer_state.json and TensorBoard
    state = json.loads((out / "trainer_state.json").read_text())
    logged = {k for rec in state["log_history"] for k in rec}
    assert {"reward", "reward_std", "frac_reward_zero_std", "completions/clipped_ratio", "completions/mean_length",
            "eval/ex", "learning_rate", "grad_norm"} <= logged
    assert [r["step"] for r in state["log_history"] if "eval/ex" in r] == [0, 2]
    assert list((out / "runs").rglob("events.out.tfevents.*"))

    # the model card: the command that trains this run again, the reward curve in brief, validation EX start -> end
    card = (out / "README.md").read_text()
    rewards = [r["reward"] for r in state["log_history"] if "reward" in r]
    # the end-of-training line: first vs last third (one step each in a 3-step run), and "rising" only if it rose
    assert (m.group(1), m.group(2)) == (f"{rewards[0]:.3f}", f"{rewards[-1]:.3f}")
    assert bool(m.group(4)) == (rewards[-1] > rewards[0])
    assert f"- mean reward: first step {rewards[0]:.3f}, last step {rewards[-1]:.3f} (3 logged steps)" in card
    ex = [r["eval/ex"] for r in state["log_history"] if "eval/ex" in r]
    assert f"- validation EX (`test`, first 2 questions, greedy): {100 * ex[0]:.1f} % at step 0 -> " \
           f"{100 * ex[-1]:.1f} % at step 2 (2 measurements)" in card
    assert "![training curves](curves.png)" in card and (out / "curves.png").read_bytes()[:4] == b"\x89PNG"
    assert "## Recipe" in card and "num_generations:" in card and "trainer: grpo" in card
    # the demo's summary of several runs: one line each, one picture
    capfd.readouterr()
    assert main(["curves", str(out), str(out), "--out", str(out / "both.png")]) == 0
    printed = capfd.readouterr().out
    assert re.search(r"^grpo \(GRPO\): 3 steps in \d+ s; mean reward .* over the first 1 steps", printed, re.MULTILINE)
    assert (out / "both.png").read_bytes()[:4] == b"\x89PNG"
    command = re.search(r"## Reproduce\n\n```bash\n(.*)\n```", card).group(1)
    words = shlex.split(command)
    assert words[:6] == ["sqlrl", "train", "--recipe", "demo", "--output-dir", str(out)]
    again = config.load(words[3], words[6:])
    again.output_dir = str(out)
    assert config.to_dict(again) == config.yaml.safe_load((out / "config.yaml").read_text())


def test_sft_verbose_brings_back_the_dict(tiny_model_dir, tmp_path, capfd):
    text = _run(capfd, tiny_model_dir, tmp_path / "sft", "--verbose", recipe="demo_sft", verb="sft")
    assert "'loss':" in text and "'mean_token_accuracy':" in text
    assert not re.search(r"^step 1/3  loss", text, re.MULTILINE)
    card = (tmp_path / "sft" / "README.md").read_text()
    assert "sqlrl sft --recipe demo_sft" in card and "- training loss: first step" in card
    assert "- validation EX: not measured during training" in card


def test_sft_console_shows_loss_and_token_accuracy(tiny_model_dir, tmp_path, capfd):
    text = _run(capfd, tiny_model_dir, tmp_path / "sft", recipe="demo_sft", verb="sft")
    assert re.search(r"^step 3/3  loss \d+\.\d{3}  tok-acc \d\.\d{3}  \d+\.\d s/step$", text, re.MULTILINE)
    assert re.search(r"sqlrl: SFT: 3 steps, \d+\.\d s/step; loss \d+\.\d{3} over the first 1 steps", text)
    assert "'loss':" not in text
