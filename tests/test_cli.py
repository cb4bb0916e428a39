"""Every command has help, and user errors print one paragraph without a traceback."""

import subprocess
import sys

import pytest

from sqlrl.cli import COMMANDS, build_parser, main


def test_every_command_is_registered_with_help(capsys):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, _, _ in COMMANDS:
        assert name in sub.choices, f"command {name} is not registered"
        with pytest.raises(SystemExit) as e:
            parser.parse_args([name, "--help"])
        assert e.value.code == 0
        out = capsys.readouterr().out
        assert "usage: sqlrl " + name in out
        for action in sub.choices[name]._actions:
            if action.option_strings and action.dest != "help":
                assert action.help, f"sqlrl {name} {action.option_strings} has no help"


def test_user_error_is_one_paragraph(capsys):
    assert main(["config", "show", "no-such-recipe"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no recipe named 'no-such-recipe'") and "Traceback" not in err


def test_console_script_runs():
    proc = subprocess.run([sys.executable, "-m", "sqlrl.cli", "config", "show", "demo", "training.nope=1"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "training.nope=1: unknown config key" in proc.stderr
    assert "Traceback" not in proc.stderr
