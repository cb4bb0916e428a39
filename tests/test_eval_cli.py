"""The `sqlrl eval` / `sqlrl infer` command lines: the EX line, reports, compare, user errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import sqlite_rows
from sqlrl.cli import main


@pytest.fixture(scope="module")
def gold_sql_file(tmp_path_factory, mini_spider):
    from sqlrl.data import load_examples

    rows, _ = load_examples("spider", "dev", data_dir=mini_spider, limit=40)
    assert len(rows) == 40
    path = tmp_path_factory.mktemp("p") / "gold.sql"
    path.write_text("".join(r["gold_sql"] + "\n" for r in rows))
    return path, rows


def _eval(capsys, *args):
    code = main(["eval", "--dataset", "spider", "--no-progress", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_predictions_cli_prints_ex_line_and_writes_report(tmp_path, capsys, gold_sql_file, mini_spider):
    path, rows = gold_sql_file
    code, out, _ = _eval(capsys, "--data-dir", str(mini_spider), "--split", "dev", "--limit", "40",
                         "--predictions", str(path), "--mode", "spider_ts", "--out", str(tmp_path / "a"),
                         "--json", str(tmp_path / "s.json"))
    assert code == 0
    assert out.strip().splitlines()[-1] == "EX = 100.0% (40/40, mode=spider_ts, decode=predictions)"
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["meta"]["dataset"] == "spider" and summary["meta"]["split"] == "dev"
    assert summary["meta"]["predictions_format"] == "spider"
    report = (tmp_path / "a" / "report.md").read_text()
    assert "| **all** | 40 | 40 | 100.0% |" in report and "accuracy_by_difficulty.png" in report
    assert (tmp_path / "a" / "accuracy_by_difficulty.png").read_bytes()[:4] == b"\x89PNG"
    # the header names what the number depends on
    from sqlrl import __version__
    from sqlrl.eval.meta import dataset_checksum, dataset_version

    meta = summary["meta"]
    assert meta["dataset_version"] == dataset_version("spider", "dev", mini_spider) is not None
    assert meta["dataset_checksum"] == dataset_checksum(rows)
    for key, value in [("dataset_version", meta["dataset_version"]), ("dataset_checksum", meta["dataset_checksum"]),
                       ("decode", "predictions"), ("mode", "spider_ts"), ("timeout_s", 5.0),
                       ("sqlrl_version", __version__)]:
        assert f"| {key} | `{value}` |" in report, key


def test_compare_two_runs(tmp_path, capsys, gold_sql_file, mini_spider):
    path, rows = gold_sql_file
    half = tmp_path / "half.sql"
    half.write_text("".join((r["gold_sql"] if i % 2 else "SELECT 0") + "\n" for i, r in enumerate(rows)))
    common = ["--data-dir", str(mini_spider), "--split", "dev", "--limit", "40"]
    assert _eval(capsys, *common, "--predictions", str(half), "--out", str(tmp_path / "before"))[0] == 0
    assert _eval(capsys, *common, "--predictions", str(path), "--out", str(tmp_path / "after"))[0] == 0
    code = main(["eval", "compare", str(tmp_path / "before"), str(tmp_path / "after"), "--out", str(tmp_path / "c")])
    out = capsys.readouterr().out
    assert code == 0
    assert "EX 50.0% -> 100.0% (+50.0 points, 20 fixed, 0 broken, sign test p = 1.91e-06)" in out
    res = json.loads((tmp_path / "c" / "compare.json").read_text())
    assert res["fixed"] == 20 and res["warnings"] == []
    assert (tmp_path / "c" / "compare_by_difficulty.png").stat().st_size > 1000


def test_user_errors_are_one_paragraph(tmp_path, capsys, gold_sql_file, mini_spider):
    first = gold_sql_file[1][0]  # a wrong answer to the first question
    assert sqlite_rows(first["db_path"], "SELECT 1") != sqlite_rows(first["db_path"], first["gold_sql"])
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"db_id": first["db_id"], "question": first["question"], "sql": "SELECT 1"}) + "\n"
                   "oops\n")
    code, out, err = _eval(capsys, "--data-dir", str(mini_spider), "--split", "dev", "--limit", "3",
                           "--predictions", str(bad))
    assert code == 2 and "bad.jsonl:2: not valid JSON" in err and "--allow-missing" in err
    code, out, err = _eval(capsys, "--data-dir", str(mini_spider), "--split", "dev", "--limit", "3",
                           "--predictions", str(bad), "--allow-missing")
    assert code == 0 and "EX = 0.0% (0/3" in out and "problem(s) in the predictions file" in err
    assert main(["eval", "--split", "dev"]) == 2
    assert "give --model" in capsys.readouterr().err
    assert main(["eval", "compare", str(tmp_path)]) == 2
    assert main(["infer", "--db", str(tmp_path / "none.sqlite"), "how many?"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_cli_module_imports_no_torch():
    code = ("import sys, argparse, sqlrl.cli.eval as c; sub = argparse.ArgumentParser().add_subparsers(); "
            "c.add_eval_parser(sub, 'eval', ''); c.add_infer_parser(sub, 'infer', ''); "
            "print('torch' in sys.modules or 'transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.slow
def test_real_default_model_eval_and_infer(tmp_path, capsys, spider_dir):
    import re

    code = main(["eval", "--model", "default", "--dataset", "spider", "--data-dir", str(spider_dir), "--split", "dev",
                 "--limit", "4", "--max-new-tokens", "48", "--no-progress", "--out", str(tmp_path / "run")])
    out = capsys.readouterr().out
    assert code == 0
    assert re.fullmatch(r"EX = \d+\.\d% \(\d/4, mode=bird, decode=greedy\)", out.strip().splitlines()[-1])
    meta = json.loads((tmp_path / "run" / "summary.json").read_text())["meta"]
    assert meta["model"] == "default" and meta["template"] == "plain" and meta["timeout_s"] == 5.0
    from sqlrl.models import resolve

    assert meta["model_path"] == resolve("default")
    assert f"| model_path | `{meta['model_path']}` |" in (tmp_path / "run" / "report.md").read_text()
    db = spider_dir / "database" / "concert_singer" / "concert_singer.sqlite"
    assert main(["infer", "--db", str(db), "--max-new-tokens", "48", "--execute",
                 "How many singers are there?"]) in (0, 1)
    assert capsys.readouterr().out.strip()


def test_backend_vllm_without_vllm_says_how_to_get_it(tiny_model_dir, capsys):
    import importlib.util

    if importlib.util.find_spec("vllm") is not None:
        pytest.skip("vLLM is installed here: the GPU path runs instead")
    code = main(["eval", "--model", str(tiny_model_dir), "--dataset", "demo", "--limit", "1", "--backend", "vllm",
                 "--no-progress"])
    assert code == 2 and "pip install" in capsys.readouterr().err
