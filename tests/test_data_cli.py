"""`sqlrl data check | stats | preview` on the demo data and a small broken file."""

from __future__ import annotations

import json

import pytest

from sqlrl.cli import main


def test_preview_and_stats(capsys):
    assert main(["data", "preview", "demo", "2", "--split", "test"]) == 0
    out = capsys.readouterr().out
    assert out.count("=====") == 2 and "```sql\nSELECT" in out and "gold:" in out
    assert main(["data", "stats", "demo", "--split", "test", "--tokenizer", "none", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["items"] == 40 and set(stats["formats"]) == {"compact", "ddl", "ddl_keys", "omnisql"}
    f = stats["formats"]
    assert f["compact"]["schema"]["mean"] < f["ddl_keys"]["schema"]["mean"] < f["omnisql"]["schema"]["mean"]


def test_check_reports_and_filters(tmp_path, capsys):
    from sqlrl.data.demo import demo_db_path

    db = str(demo_db_path("school"))
    src = tmp_path / "mine.jsonl"
    lines = [
        {"question": "ok", "sql": "SELECT count(*) FROM students", "db_path": db},
        {"question": "empty", "sql": "SELECT name FROM students WHERE grade = 99", "db_path": db},
        {"question": "error", "sql": "SELECT nope FROM students", "db_path": db},
        # about 2.7 s on the 2-core development machine: well over --slow 0.5 on a faster one too
        {"question": "slow", "sql": "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r "
                                    "WHERE i < 10000000) SELECT count(*) FROM r", "db_path": db},
    ]
    src.write_text("\n".join(json.dumps(x) for x in lines) + "\n{broken\n")
    out = tmp_path / "clean.jsonl"
    assert main(["data", "check", str(src), "--skip-invalid", "--json", "--slow", "0.5", "--filter", str(out)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert (report["ok"], report["empty"], report["error"], report["slow"],
            report["invalid_skipped"]) == (1, 1, 1, 1, 1)
    assert [p["status"] for p in report["problems"]] == ["empty", "error", "slow"]
    kept = [json.loads(x) for x in out.read_text().splitlines()]
    assert [k["question"] for k in kept] == ["ok"]
    # without --skip-invalid the broken line is an error naming file and line
    assert main(["data", "check", str(src)]) == 2
    assert "mine.jsonl, line 5" in capsys.readouterr().err


@pytest.mark.slow
def test_stats_on_spider_train_reproduces_the_512_token_share(capsys, spider_dir):
    # A published figure: with stored CREATE TABLE schemas, 44 % of Spider train prompts exceed 512 tokens
    # (its own prompt wording). The schema alone and our plain prompt bracket that figure.
    assert main(["data", "stats", "spider", "--split", "train", "--data-dir", str(spider_dir),
                 "--schema-format", "ddl", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["items"] == 6904 and stats["tokenizer"] != "estimate"
    ddl = stats["formats"]["ddl"]
    assert ddl["schema"]["over_512"] < 0.44 < ddl["prompt"]["over_512"] < 0.50
