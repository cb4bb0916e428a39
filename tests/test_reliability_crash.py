"""Crash recovery: SIGKILL a GRPO run (tiny model) at chosen and random points, then `--resume`.

Kill points: during generation, right after an optimizer step, while a checkpoint is being
written (after the adapter, before the optimizer state), in the middle of writing
trainer_state.json, and at a random moment. Each time `--resume` must continue from the last
*complete* checkpoint and end with the adapter an uninterrupted run produces (same seed,
same data order), within a small tolerance.

The kill is a real SIGKILL, sent by the training process to itself from inside a patched
TRL / transformers / torch method (`_HOOK` below), so it lands exactly at the point named.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reliability_figures import record

pytestmark = pytest.mark.slow

STEPS, SAVE_EVERY = 4, 2
TOLERANCE = 1e-5  # max |difference| of any adapter weight against the uninterrupted run
SEED = int(os.environ.get("SQLRL_CRASH_SEED", "20250611"))

# Runs `sqlrl` with one method patched to SIGKILL the process at its N-th call.
# SQLRL_CRASH_AT = "<phase>:<n>" kills the run at that point.
_HOOK = r'''
import json, os, signal, sys
phase, _, n = os.environ.get("SQLRL_CRASH_AT", ":0").partition(":")
n, calls = int(n or 0), [0]

def die():
    sys.stdout.flush(); sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)

def wrap(owner, name, before=True):
    original = getattr(owner, name)
    def patched(*a, **k):
        calls[0] += 1
        if before and calls[0] == n:
            die()
        out = original(*a, **k)
        if not before and calls[0] == n:
            die()
        return out
    setattr(owner, name, patched)

if phase == "generation":
    import trl
    wrap(trl.GRPOTrainer, "_generate")
elif phase == "optimizer":
    import torch
    wrap(torch.optim.AdamW, "step", before=False)
elif phase == "checkpoint":
    import transformers
    wrap(transformers.Trainer, "_save_optimizer_and_scheduler")
elif phase == "state_json":
    from transformers.trainer_callback import TrainerState
    def half_written(self, json_path):
        calls[0] += 1
        text = json.dumps(__import__("dataclasses").asdict(self), indent=2, sort_keys=True)
        with open(json_path, "w") as f:
            f.write(text if calls[0] != n else text[: len(text) // 2])
        if calls[0] == n:
            die()
    TrainerState.save_to_json = half_written

from sqlrl.cli import main
sys.exit(main(sys.argv[1:]))
'''


def command(tiny_model_dir, out: Path, resume: bool = False) -> list[str]:
    cmd = [sys.executable, "-c", _HOOK, "train", "--recipe", "demo", f"model.name={tiny_model_dir}",
           f"output_dir={out}", f"training.max_steps={STEPS}", "training.max_completion_length=16",
           f"training.save_steps={SAVE_EVERY}", "training.report_to=[]", "data.limit=8"]
    return cmd + ["--resume"] if resume else cmd


def run(cmd, env_extra=None, timeout=600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SQLRL_CRASH_AT"}
    env.update(env_extra or {})
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


def adapter(path: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(path / "adapter_model.safetensors"))


def max_difference(a: dict, b: dict) -> float:
    assert a.keys() == b.keys()
    return max(float((a[k].float() - b[k].float()).abs().max()) for k in a)


def complete_checkpoints(out: Path) -> list[int]:
    """Steps of the checkpoints whose trainer_state.json parses and names their step."""
    steps = []
    for d in out.glob("checkpoint-*"):
        try:
            state = json.loads((d / "trainer_state.json").read_text())
        except (OSError, ValueError):
            continue
        if state.get("global_step") == int(d.name.split("-")[1]):
            steps.append(state["global_step"])
    return sorted(steps)


@pytest.fixture(scope="module")
def reference(tiny_model_dir, tmp_path_factory):
    """The adapter of an uninterrupted run."""
    out = tmp_path_factory.mktemp("reference") / "run"
    done = run(command(tiny_model_dir, out))
    assert done.returncode == 0, done.stderr[-3000:]
    return adapter(out / "final")


def _kill_points():
    rng = random.Random(SEED)  # "random" points, reproducible from the seed in the test id
    return [
        ("generation", rng.randint(SAVE_EVERY + 1, STEPS)),  # a step after the first checkpoint
        ("optimizer", rng.randint(SAVE_EVERY + 1, STEPS)),
        ("checkpoint", 2),  # writing checkpoint-4: adapter saved, optimizer and state not yet
        ("state_json", 2),  # checkpoint-4's trainer_state.json cut in half
    ]


PARTIAL = {"checkpoint", "state_json"}  # the kills that leave a half-written checkpoint behind


@pytest.mark.parametrize("phase,n", _kill_points(), ids=lambda v: str(v))
def test_kill_then_resume_matches_an_uninterrupted_run(tiny_model_dir, tmp_path, reference, phase, n):
    out = tmp_path / "run"
    killed = run(command(tiny_model_dir, out), {"SQLRL_CRASH_AT": f"{phase}:{n}"})
    assert killed.returncode == -signal.SIGKILL, (killed.returncode, killed.stderr[-2000:])
    assert not (out / "final").exists()
    complete = complete_checkpoints(out)
    assert complete and complete[-1] == SAVE_EVERY, complete  # checkpoint-2 survived, complete
    partial = sorted(d.name for d in out.glob("checkpoint-*") if int(d.name.split("-")[1]) not in complete)
    assert bool(partial) == (phase in PARTIAL), partial

    resumed = run(command(tiny_model_dir, out, resume=True))
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    state = json.loads((out / f"checkpoint-{STEPS}" / "trainer_state.json").read_text())
    assert state["global_step"] == STEPS
    diff = max_difference(adapter(out / "final"), reference)
    assert diff <= TOLERANCE, diff
    record("crash", runs_killed=1, resumed_ok=1, partial_checkpoints_left=len(partial), max_adapter_diff=diff)


def test_kill_at_a_random_moment_then_resume(tiny_model_dir, tmp_path, reference):
    """An outside SIGKILL at a random moment after the first checkpoint, as a crash or OOM kill would land."""
    out = tmp_path / "run"
    proc = subprocess.Popen(command(tiny_model_dir, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 600
    while not (out / f"checkpoint-{SAVE_EVERY}" / "trainer_state.json").exists():
        assert proc.poll() is None and time.time() < deadline, "run ended before its first checkpoint"
        time.sleep(0.05)
    time.sleep(random.Random(SEED).uniform(0.0, 4.0))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if (out / "final").exists():
        pytest.skip("the run finished before the kill landed")
    resumed = run(command(tiny_model_dir, out, resume=True))
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    diff = max_difference(adapter(out / "final"), reference)
    assert diff <= TOLERANCE, diff
    record("crash", runs_killed=1, resumed_ok=1, max_adapter_diff=diff)
