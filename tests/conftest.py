"""Shared test fixtures.

Benchmark data (Spider, sql-create-context, KaggleDBQA) is read from sqlrl's data root
(`$SQLRL_DATA_DIR`, else `$SQLRL_HOME/data`), where `sqlrl data pull` puts it. Tests that need
a dataset that is not there are skipped, and one line at the end says how to enable them.
Only tests about the real datasets (their counts, their gold queries, scores on them) need
them: the rest run on a fresh clone, on the bundled demo databases (`demo_dbs`), the demo
data in Spider's file layout (`mini_spider`), a generated large database (`large_db`) and a
tiny random model (`tiny_model_dir`).

Whatever the tests build (demo databases, context schemas, matplotlib's font cache) goes to a
temporary `$SQLRL_HOME` that shares only the model cache with the real one; the data root stays
where it was.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from sqlrl.paths import data_root, sqlrl_home

REPO = Path(__file__).resolve().parents[1]
_SKIPPED_FOR_DATA: set[str] = set()


def dataset_dir(name: str) -> Path:
    """`<data root>/<name>`, or skip the calling test when that dataset is not installed."""
    path = data_root() / name
    if not path.is_dir():
        _SKIPPED_FOR_DATA.add(name)
        pytest.skip(f"needs the {name} dataset in {data_root()}")
    return path


def pytest_terminal_summary(terminalreporter):
    if _SKIPPED_FOR_DATA:
        names = " ".join(sorted(_SKIPPED_FOR_DATA))
        terminalreporter.write_line(
            f"Tests needing benchmark data were skipped ({names} not in {data_root()}): run "
            f"`sqlrl data pull {names}` or set SQLRL_DATA_DIR to a folder holding them.")


@pytest.fixture(scope="session", autouse=True)
def _isolated_sqlrl_home(tmp_path_factory):
    """A temporary `$SQLRL_HOME` for the whole run (subprocesses inherit it), with the real model cache
    linked in so the default model is not fetched again and `$SQLRL_DATA_DIR` pinned to the real data root."""
    real_models, real_data = sqlrl_home() / "models", data_root()
    home = tmp_path_factory.mktemp("sqlrl-home")
    real_models.mkdir(parents=True, exist_ok=True)
    (home / "models").symlink_to(real_models, target_is_directory=True)
    patch = pytest.MonkeyPatch()
    patch.setenv("SQLRL_HOME", str(home))
    patch.setenv("SQLRL_DATA_DIR", str(real_data))
    patch.setenv("MPLCONFIGDIR", str(home / "matplotlib"))  # eval reports draw charts
    yield home
    patch.undo()


def sqlite_rows(db, sql: str) -> list[tuple]:
    """Rows of `sql` on `db` read with Python's sqlite3, read-only: expected values taken from the data
    itself, independently of the sandbox under test."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def sqlite_value(db, sql: str):
    """The single value `sql` returns on `db` (e.g. a count)."""
    (row,) = sqlite_rows(db, sql)
    return row[0]


@pytest.fixture(scope="session")
def demo_dbs() -> dict[str, Path]:
    """The bundled demo databases, built from their SQL text: {db_id: path}."""
    from sqlrl.data.demo import ensure_demo_databases

    return ensure_demo_databases()


@pytest.fixture(scope="session")
def bookshop_db(demo_dbs) -> str:
    """The demo bookshop: authors (name, country, birth_year), books, customers, orders."""
    return str(demo_dbs["bookshop"])


def _spider_column_type(declared: str) -> str:
    """Spider's column type words (tables.json) for an SQLite declared type."""
    t = declared.upper()
    if any(k in t for k in ("INT", "REAL", "NUM", "FLOA", "DOUB", "DEC")):
        return "number"
    if "DATE" in t or "TIME" in t:
        return "time"
    if "BOOL" in t:
        return "boolean"
    return "text" if any(k in t for k in ("CHAR", "TEXT", "CLOB")) else "others"


def spider_tables_entry(db_id: str, path: Path) -> dict:
    """One tables.json entry, in Spider's format, read from the SQLite schema of `path`."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        columns, types, primary, index = [(-1, "*")], ["text"], [], {}
        for ti, table in enumerate(tables):
            for _, name, declared, _, _, pk in con.execute(f'PRAGMA table_info("{table}")'):
                index[(table.lower(), name.lower())] = len(columns)
                primary += [len(columns)] if pk else []
                columns.append((ti, name))
                types.append(_spider_column_type(declared or ""))
        foreign = []
        for table in tables:
            for row in con.execute(f'PRAGMA foreign_key_list("{table}")'):
                ref_table, src, dst = row[2], row[3], row[4]
                if dst is None:  # REFERENCES t without a column: t's primary key
                    dst = next(r[1] for r in con.execute(f'PRAGMA table_info("{ref_table}")') if r[5])
                foreign.append([index[(table.lower(), src.lower())], index[(ref_table.lower(), dst.lower())]])
    finally:
        con.close()
    natural = [[t, n.replace("_", " ")] for t, n in columns]
    return {"db_id": db_id, "table_names_original": tables, "table_names": [t.replace("_", " ") for t in tables],
            "column_names_original": [list(c) for c in columns], "column_names": natural, "column_types": types,
            "primary_keys": primary, "foreign_keys": foreign}


@pytest.fixture(scope="session")
def mini_spider(tmp_path_factory, demo_dbs) -> Path:
    """The demo data in Spider's official layout, so the real Spider loader reads it: `dev.json` (the demo
    test split), `train.json` (its train split), `tables.json` (from the SQLite schemas) and
    `database/<db_id>/<db_id>.sqlite`. The items carry Spider's db_id, question and query fields (not the
    official parse, which only Spider's own tools produce)."""
    from sqlrl.data.demo import demo_questions

    root = tmp_path_factory.mktemp("mini_spider") / "spider"
    for db_id, path in demo_dbs.items():
        (root / "database" / db_id).mkdir(parents=True)
        shutil.copyfile(path, root / "database" / db_id / f"{db_id}.sqlite")
    for file_split, demo_split in (("dev", "test"), ("train", "train")):
        items = [{"db_id": q["db_id"], "query": q["query"], "question": q["question"]}
                 for q in demo_questions(demo_split)]
        (root / f"{file_split}.json").write_text(json.dumps(items, indent=4) + "\n")
    tables = [spider_tables_entry(db_id, root / "database" / db_id / f"{db_id}.sqlite") for db_id in sorted(demo_dbs)]
    (root / "tables.json").write_text(json.dumps(tables, indent=4) + "\n")
    return root


# Spider's flight_4 has these many rows; products of its tables run far past any time limit.
LARGE_DB_ROWS = {"airlines": 6162, "airports": 7184, "routes": 67240}


@pytest.fixture(scope="session")
def large_db(tmp_path_factory) -> Path:
    """A generated database shaped like Spider's flight_4 (airlines, airports, routes, with as many rows):
    the target of hostile SQL. Tests copy it before letting anything near it."""
    path = tmp_path_factory.mktemp("large-db") / "flights_large.sqlite"
    n = LARGE_DB_ROWS
    con = sqlite3.connect(path)
    con.executescript(f"""
        CREATE TABLE airlines (alid INTEGER PRIMARY KEY, name TEXT, iata TEXT, icao TEXT, callsign TEXT,
                               country TEXT, active TEXT);
        CREATE TABLE airports (apid INTEGER PRIMARY KEY, name TEXT, city TEXT, country TEXT, x REAL, y REAL,
                               elevation INTEGER, iata TEXT, icao TEXT);
        CREATE TABLE routes (rid INTEGER PRIMARY KEY, dst_apid INTEGER REFERENCES airports (apid), dst_ap TEXT,
                             src_apid INTEGER REFERENCES airports (apid), src_ap TEXT,
                             alid INTEGER REFERENCES airlines (alid), airline TEXT, codeshare TEXT);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n["airlines"]})
        INSERT INTO airlines SELECT i, 'Airline ' || i, char(65 + i % 26, 65 + i / 26 % 26),
            char(65 + i % 26, 65 + i / 26 % 26, 65 + i / 676 % 26), 'CALL' || i, 'Country ' || (i % 97),
            CASE WHEN i % 3 THEN 'Y' ELSE 'N' END FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n["airports"]})
        INSERT INTO airports SELECT i + i / 3, 'Airport ' || i, 'City ' || (i % 1500), 'Country ' || (i % 97),
            (i % 360) - 180.0 + i / 7919.0, (i % 180) - 90.0 + i / 7907.0, i % 3000,
            char(65 + i % 26, 65 + i / 26 % 26, 65 + i / 676 % 26), 'K' || i FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n["routes"]})
        INSERT INTO routes SELECT i, 1 + (i * 7) % {n["airports"]}, 'D' || (i % 1000), 1 + (i * 13) % {n["airports"]},
            'S' || (i % 1000), 1 + i % {n["airlines"]}, char(65 + i % 26, 65 + i / 26 % 26),
            CASE WHEN i % 5 = 0 THEN 'Y' ELSE NULL END FROM n;
    """)
    con.commit()
    con.close()
    return path


@pytest.fixture(scope="session")
def spider_dir() -> Path:
    return dataset_dir("spider")


@pytest.fixture(scope="session")
def create_context_dir() -> Path:
    return dataset_dir("sql_create_context")


@pytest.fixture(scope="session")
def kaggledbqa_dir() -> Path:
    return dataset_dir("kaggledbqa")


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A tiny random Llama with the default model's tokenizer and chat template: fast, real code paths."""
    from transformers import LlamaConfig, LlamaForCausalLM

    from sqlrl.models import load_tokenizer

    tok = load_tokenizer("default")
    cfg = LlamaConfig(vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=2048,
                      bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id,
                      tie_word_embeddings=True)
    import torch

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("tiny-model")
    LlamaForCausalLM(cfg).save_pretrained(path)
    tok.save_pretrained(path)
    return path
