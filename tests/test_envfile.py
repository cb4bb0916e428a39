"""Secrets from .env: the parser, the CLI's loading (the environment wins), and no token in any output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sqlrl import envfile
from sqlrl.cli import main
from sqlrl.errors import UserError

TOKEN = "hf_SECRETtoken1234567890abcdefXYZ"
WANDB = "0123456789abcdef0123456789abcdefSECRET42"


def test_parse_the_common_format():
    text = "\n".join([
        "# comment", "", "HF_TOKEN=hf_abc", "export WANDB_PROJECT = sqlrl-runs  # trailing comment",
        "A='single # not a comment'", 'B="line\\nbreak \\"quoted\\""', "C=", "D=x#y", 'E="v"  # ok',
    ])
    assert envfile.parse(text) == {"HF_TOKEN": "hf_abc", "WANDB_PROJECT": "sqlrl-runs", "A": "single # not a comment",
                                   "B": 'line\nbreak "quoted"', "C": "", "D": "x#y", "E": "v"}


@pytest.mark.parametrize("line", ["just text", "1KEY=v", 'K="unclosed', "K='a' b"])
def test_bad_line_names_file_and_line_not_its_text(line):
    with pytest.raises(UserError, match=r"secrets\.env line 2") as e:
        envfile.parse(f"OK=1\n{line}", "secrets.env")
    assert line not in str(e.value)  # the line may hold a secret


def _clean_env(monkeypatch, *names):
    for name in names:  # set then delete: monkeypatch restores the original state, absent included
        monkeypatch.setenv(name, "x")
        monkeypatch.delenv(name)


def test_cli_reads_dot_env_and_the_environment_wins(tmp_path, monkeypatch, capsys):
    _clean_env(monkeypatch, "HF_TOKEN", "HUGGINGFACE_TOKEN", "WANDB_API_KEY", "WANDB_PROJECT")
    monkeypatch.setenv("WANDB_PROJECT", "from-environment")
    (tmp_path / ".env").write_text(f"HUGGINGFACE_TOKEN={TOKEN}\nWANDB_API_KEY='{WANDB}'\nWANDB_PROJECT=from-file\n")
    monkeypatch.chdir(tmp_path)
    assert main(["config", "list"]) == 0
    assert os.environ["HF_TOKEN"] == TOKEN == os.environ["HUGGINGFACE_TOKEN"]
    assert os.environ["WANDB_API_KEY"] == WANDB and os.environ["WANDB_PROJECT"] == "from-environment"
    out = capsys.readouterr()
    assert TOKEN not in out.out + out.err and WANDB not in out.out + out.err


def test_env_file_option(tmp_path, monkeypatch, capsys):
    _clean_env(monkeypatch, "HF_TOKEN", "SQLRL_TEST_SETTING")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "other.env").write_text(f"HF_TOKEN={TOKEN}\nSQLRL_TEST_SETTING=1\n")
    assert main(["--env-file", str(tmp_path / "other.env"), "config", "list"]) == 0
    assert os.environ["HF_TOKEN"] == TOKEN and os.environ["SQLRL_TEST_SETTING"] == "1"
    capsys.readouterr()
    assert main(["--env-file", str(tmp_path / "missing.env"), "config", "list"]) == 2
    assert "missing.env: no such file" in capsys.readouterr().err
    (tmp_path / "bad.env").write_text(f"HF_TOKEN {TOKEN}\n")
    assert main(["--env-file", str(tmp_path / "bad.env"), "config", "list"]) == 2
    err = capsys.readouterr().err
    assert "bad.env line 1 is not KEY=VALUE" in err and TOKEN not in err


# Runs the CLI in a child whose only secrets come from ./.env, then checks they were in its
# environment (exit 3 otherwise), without ever printing them.
CHILD = """
import os, sys
from sqlrl.cli import main
code = main(sys.argv[1:])
ok = os.environ.get("HF_TOKEN") == {token!r} and os.environ.get("WANDB_API_KEY") == {wandb!r}
sys.exit(code if ok else 3)
"""


@pytest.mark.slow
def test_no_secret_in_any_output_of_training_and_eval(tiny_model_dir, tmp_path):
    (tmp_path / ".env").write_text(f"HF_TOKEN={TOKEN}\nWANDB_API_KEY={WANDB}\nWANDB_MODE=offline\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("HF_TOKEN", "HUGGINGFACE_TOKEN", "HUGGING_FACE_HUB_TOKEN", "WANDB_API_KEY", "WANDB_MODE")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
    script = CHILD.format(token=TOKEN, wandb=WANDB)
    runs = [
        ["train", "--recipe", "demo", f"model.name={tiny_model_dir}", "output_dir=run", "training.max_steps=2",
         "training.max_completion_length=16", "training.save_steps=1", "data.limit=8"],  # TensorBoard on
        ["eval", "--model", str(tiny_model_dir), "--dataset", "demo", "--split", "test", "--limit", "4",
         "--max-new-tokens", "8", "--out", "evalrun", "--json", "evalrun/extra.json"],
    ]
    logs = []
    for argv in runs:
        done = subprocess.run([sys.executable, "-c", script, *argv], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]
        logs.append(done.stdout + done.stderr)
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != ".env"]
    assert any(p.match("run/runs/*/events.out.tfevents.*") for p in files)  # TensorBoard wrote its logs
    assert {"config.yaml", "README.md", "summary.json", "report.md"} <= {p.name for p in files}
    for secret in (TOKEN, WANDB):
        assert not any(secret in log for log in logs), "a secret was printed"
        leaked = [str(p.relative_to(tmp_path)) for p in files if secret.encode() in p.read_bytes()]
        assert not leaked, f"a secret was written to {leaked}"
