"""A wheel install works outside the repository: recipes and config groups ship as package data,
and a user's own recipe builds on the shipped ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_install(tmp_path_factory) -> dict:
    """sqlrl installed from a freshly built wheel into a folder of its own, and the env that uses it."""
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp),
                    str(REPO)], check=True, capture_output=True)
    wheel = next(tmp.glob("sqlrl-*.whl"))
    target = tmp / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    # The installed copy comes first on the path, before the development checkout's editable install.
    env = {**os.environ, "PYTHONPATH": str(target)}
    return {"env": env, "target": target, "cwd": tmp_path_factory.mktemp("elsewhere")}


def _sqlrl(w, *args):
    return subprocess.run([sys.executable, "-m", "sqlrl.cli", *args], cwd=w["cwd"], env=w["env"],
                          capture_output=True, text=True, timeout=600)


def test_the_wheel_is_what_runs(wheel_install):
    out = subprocess.run([sys.executable, "-c", "import sqlrl; print(sqlrl.__file__)"], cwd=wheel_install["cwd"],
                         env=wheel_install["env"], capture_output=True, text=True, check=True).stdout
    assert out.strip().startswith(str(wheel_install["target"]))
    assert (wheel_install["target"] / "sqlrl" / "recipes" / "model" / "smollm2.yaml").is_file()


def test_config_list_and_show_from_a_wheel(wheel_install):
    listed = _sqlrl(wheel_install, "config", "list")
    assert listed.returncode == 0, listed.stderr
    names = {line.split()[0] for line in listed.stdout.splitlines() if line.strip()}
    assert {"demo", "arctic_r1", "sql_r1", "reasoning_tags", "rubric"} <= names
    shown = _sqlrl(wheel_install, "config", "show", "demo")
    assert shown.returncode == 0, shown.stderr
    assert "dataset: demo" in shown.stdout and str(wheel_install["target"]) in shown.stdout  # sources listed


def test_user_recipe_builds_on_shipped_ones(wheel_install):
    (wheel_install["cwd"] / "mine.yaml").write_text(
        "# my run\ndefaults: [arctic_r1, model/qwen2.5-coder-7b]\ntraining:\n  learning_rate: 2.0e-6\n")
    shown = _sqlrl(wheel_install, "config", "show", "mine.yaml")
    assert shown.returncode == 0, shown.stderr
    assert "Qwen/Qwen2.5-Coder-7B-Instruct" in shown.stdout and "learning_rate: 2.0e-06" in shown.stdout
    sources = [line for line in shown.stdout.splitlines() if line.startswith("#   ")]
    assert sources[-1].endswith("mine.yaml") and any("arctic_r1.yaml" in s for s in sources)
    (wheel_install["cwd"] / "bad.yaml").write_text("defaults: [no_such_group]\n")
    bad = _sqlrl(wheel_install, "config", "show", "bad.yaml")
    assert bad.returncode == 2 and "no_such_group" in bad.stderr


@pytest.mark.slow  # loads the default model and generates (minutes on a loaded CPU)
def test_eval_from_a_wheel_outside_the_repository(wheel_install):
    run = _sqlrl(wheel_install, "eval", "--model", "default", "--dataset", "demo", "--limit", "2", "--batch-size", "2")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "EX = " in run.stdout and "(" in run.stdout
