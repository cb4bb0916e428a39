"""Schema-grounded decoding: the name scanner on hand-built SQL, the logits processor steering a
tiny model that is pushed (by a logit bias) towards names the database lacks, batches mixing
databases, sampling, GRPO sampling through TRL, the wiring, and EX by schema size."""

from __future__ import annotations

import math
import sqlite3

import pytest

from sqlrl.errors import UserError
from sqlrl.eval.sqlnames import DbNames, RegionScanner, SqlScanner

# -- databases and helpers ----------------------------------------------------------------------------

def make_db(path, ddl: str):
    con = sqlite3.connect(path)
    con.executescript(ddl)
    con.commit()
    con.close()
    return path


CONCERTS = """
CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, name_full TEXT, age INTEGER, "Home Town" TEXT);
CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, singer_id INTEGER, year INTEGER);
INSERT INTO singer VALUES (1, 'Ann', 'Ann Lee', 30, 'Oslo'), (2, 'Bo', 'Bo Berg', 41, 'Rome');
INSERT INTO concert VALUES (1, 1, 2014), (2, 2, 2015);
"""
SHOP = """
CREATE TABLE product (product_id INTEGER PRIMARY KEY, title TEXT, price REAL);
INSERT INTO product VALUES (1, 'pen', 1.5);
"""


@pytest.fixture(scope="module")
def dbs(tmp_path_factory):
    d = tmp_path_factory.mktemp("dbs")
    return {"concerts": make_db(d / "concerts.sqlite", CONCERTS), "shop": make_db(d / "shop.sqlite", SHOP)}


@pytest.fixture(scope="module")
def names(dbs):
    return DbNames.from_db(dbs["concerts"])


def first_refusal(names, sql: str):
    """Index of the first character the scanner refuses (len(sql) if it cannot end there), or None."""
    s = SqlScanner(names)
    for i, ch in enumerate(sql):
        if not s.feed(ch):
            return i
    return None if s.can_end() else len(sql)


# -- the scanner ----------------------------------------------------------------------------------------

ACCEPTED = [
    "SELECT name FROM singer",
    "SELECT name_full FROM singer WHERE age > 20",  # a column whose name extends another's
    "SELECT NAME FROM SINGER WHERE Age BETWEEN 1 AND 5",  # case-insensitive
    "SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.singer_id = T2.singer_id WHERE T2.year = 2014",
    "SELECT s.name FROM singer s, concert c WHERE s.singer_id = c.singer_id",
    'SELECT T1."Home Town", `Home Town`, [Home Town] FROM singer AS T1',
    "SELECT count(*) FROM singer WHERE name = \"Alice\" AND name_full LIKE '%no_such_col%' AND age > 12.5e3",
    ("WITH top AS (SELECT singer_id, count(*) AS n FROM concert GROUP BY singer_id) "
     "SELECT s.name, top.n FROM top JOIN singer AS s ON s.singer_id = top.singer_id ORDER BY n DESC"),
    "WITH c(a, b) AS (SELECT 1, 2) SELECT a, b FROM c",
    "SELECT DISTINCT name, COUNT(DISTINCT age) AS cnt FROM singer GROUP BY name HAVING cnt > 1 ORDER BY cnt",
    "SELECT CAST(age AS REAL) / 2, strftime('%Y', 'now'), iif(age > 1, 'a', 'b') FROM singer",
    "SELECT name FROM singer WHERE singer_id IN (SELECT singer_id FROM concert WHERE year > 2010)",
    "SELECT name FROM (SELECT name FROM singer) AS sub WHERE sub.name IS NOT NULL",
    "SELECT name FROM singer UNION SELECT year FROM concert",
    "SELECT name -- a comment: anything goes\nFROM singer /* here too */",
    "SELECT name FROM singer; this is not read",
    "SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.singer_id = T3.singer_id JOIN concert AS T3 ON 1",
]

REFUSED = [  # (sql, the text before the first refused character)
    ("SELECT singer_name FROM singer", "SELECT singer_"),  # hallucinated column
    ("SELECT name FROM singers", "SELECT name FROM singer"),  # hallucinated table
    ("SELECT nam FROM singer", "SELECT nam"),  # not a whole name
    ("SELECT name_fu FROM singer", "SELECT name_fu"),
    ("SELECT T1.name FROM concert AS T1 WHERE T1.age > 3", "SELECT T1.name FROM concert AS T1 WHERE T1."),
    ("SELECT name FROM singer AS T1 WHERE T1.year = 1", "SELECT name FROM singer AS T1 WHERE T1."),
    ('SELECT T1."Home Towns" FROM singer AS T1', 'SELECT T1."Home Town'),  # quoted: still a name
    ("SELECT `hometown` FROM singer", "SELECT `home"),
    ("SELECT name FROM singer WHERE name = Alice", "SELECT name FROM singer WHERE name = Al"),  # bare word
    ("SELECT age FROM concert WHERE year = age", "SELECT age FROM concert WHERE year = a"),  # not concert's
    ("SELECT singer FROM singer", "SELECT singer"),  # a table where a column goes
    ("SELECT name FROM singer JOIN concert.year ON 1", "SELECT name FROM singer JOIN concert"),  # db.table
    ("SELECT singer.name.age FROM singer", "SELECT singer.name"),
    ("WITH c AS (SELECT 1) SELECT * FROM cc", "WITH c AS (SELECT 1) SELECT * FROM c"),  # CTE names too
    ("SELECT xyzzy.name FROM singer", "SELECT x"),  # not shaped like an alias declared later
    ("SELECT id FROM singer", "SELECT i"),  # nor is a short word that is no name
    ("SELECT name FROM", "SELECT name FROM"),  # cannot end waiting for a table
    ("SELECT total_changes FROM singer", "SELECT total_changes "),  # a function without its arguments
]


@pytest.mark.parametrize("sql", ACCEPTED)
def test_scanner_accepts_schema_names(names, sql):
    assert first_refusal(names, sql) is None


@pytest.mark.parametrize("sql,before", REFUSED)
def test_scanner_refuses_names_the_database_lacks(names, sql, before):
    assert first_refusal(names, sql) == len(before), sql


def test_region_scanner_reads_only_the_sql_block(names):
    r = RegionScanner(names, fence=True)
    assert r.feed_text("Let me think: singer_name is wrong.\n```sql\nSELECT name FROM singer\n```\nno_such_col")
    assert not r.copy().feed_text("```sql\nSELECT nope")
    tags = RegionScanner(names, fence=False, tags=("SOLUTION",))
    assert tags.feed_text("<start_working_out>bad_name<end_working_out><SOLUTION>SELECT age FROM singer</SOLUTION>x")
    assert not RegionScanner(names, fence=False, tags=("SOLUTION",)).feed_text("<SOLUTION>SELECT agez")
    # the closing marker may follow a name directly, and is held back until it is known to be one
    fence = RegionScanner(names, fence=True)
    assert fence.feed_text("```sql\nSELECT name FROM singer```") and not fence.inside
    # but not in the middle of a name: what could close the block there is refused at once
    assert not RegionScanner(names, fence=True).feed_text("```sql\nSELECT singer.na`")
    assert RegionScanner(names, fence=True).feed_text("```sql\nSELECT `name` FROM singer")


def test_every_bundled_gold_query_is_accepted():
    from sqlrl.data import load_examples
    from sqlrl.eval.grounded import db_names

    rows = []
    for split in ("train", "test"):
        rows += load_examples("demo", split)[0]
    assert rows
    refused = [r["gold_sql"] for r in rows if first_refusal(db_names(r["db_path"]), r["gold_sql"]) is not None]
    assert refused == []


def test_spider_gold_refused_only_where_sqlite_fails_too(spider_dir):
    """Every Spider dev gold query the scanner refuses also fails in SQLite (a real missing name)."""
    from sqlrl.data import load_examples
    from sqlrl.eval.grounded import db_names

    rows, _ = load_examples("spider", "dev", data_dir=spider_dir)
    refused = [r for r in rows if first_refusal(db_names(r["db_path"]), r["gold_sql"]) is not None]
    assert len(refused) <= len(rows) // 100
    for r in refused:
        with pytest.raises(sqlite3.OperationalError, match="no such"):
            sqlite3.connect(r["db_path"]).execute(r["gold_sql"])


# -- the processor, steering a tiny model ------------------------------------------------------------

@pytest.fixture(scope="module")
def tok():
    from sqlrl.models import load_tokenizer

    return load_tokenizer("default")


@pytest.fixture(scope="module")
def tiny(tiny_model_dir, tok):
    from sqlrl.models import load_model
    from sqlrl.prompts import get_template
    from sqlrl.stopping import configure_stopping

    model = load_model(str(tiny_model_dir))
    configure_stopping(model, tok, get_template("plain").stop_strings)
    return model


def example(dbs, db: str, question: str) -> dict:
    from sqlrl.data.schema import render_schema

    return {"db_id": db, "db_path": str(dbs[db]), "question": question, "schema": render_schema(dbs[db])}


class Script:
    """A logit bias of +100 on the next token of a scripted completion, while the completion follows it.

    The model then writes the script unless grounding refuses a token; from there on it is on its own.
    """

    def __init__(self, tok, by_question: dict[str, str], end: int | None = None):
        self.tok = tok
        self.by_question = {q: tok.encode(s, add_special_tokens=False) + ([end] if end is not None else [])
                            for q, s in by_question.items()}
        self.start, self.width, self.targets = None, 0, []

    def __call__(self, input_ids, scores):
        if input_ids.shape[1] != self.width + 1 or input_ids.shape[0] != len(self.targets):  # a new batch
            self.start = input_ids.shape[1]
            texts = [self.tok.decode(ids) for ids in input_ids.tolist()]
            self.targets = [next(t for q, t in self.by_question.items() if q in text) for text in texts]
        self.width = input_ids.shape[1]
        scores = scores.clone()
        for r, target in enumerate(self.targets):
            done = input_ids[r, self.start:].tolist()
            if done == target[:len(done)] and len(done) < len(target):
                scores[r, target[len(done)]] += 100.0
        return scores


def run(model, tok, rows, scripts: list[str], grounded: bool, template: str = "plain", sample: bool = False,
        max_new_tokens: int = 48, seed: int = 0, end: int | None = None):
    """Completions of `rows` by the tiny model pushed towards `scripts` (one per row)."""
    from sqlrl.eval.generate import generate
    from sqlrl.eval.grounded import grounded_processor
    from sqlrl.prompts import get_template, render_prompt

    tmpl = get_template(template)
    procs = [Script(tok, {r["question"]: s for r, s in zip(rows, scripts)}, end)]
    if grounded:
        g = grounded_processor(model, tok, tmpl, rows, sampling={"do_sample": True} if sample else None)
        procs.append(g)
    out = generate(model, tok, [render_prompt(tok, tmpl, r) for r in rows], batch_size=4,
                   max_new_tokens=max_new_tokens, do_sample=sample, seed=seed, logits_processor=procs)
    return [t[0] for t in out], (procs[-1] if grounded else None)


def schema_valid(names, template_prefix: str, completion: str) -> bool:
    return RegionScanner(names, fence=True).feed_text(template_prefix + completion)


VALID_SCRIPTS = [
    " name FROM singer\n```",
    " name_full FROM singer\n```",
    ' T1."Home Town" FROM singer AS T1\n```',
    " T2.name FROM concert AS T1 JOIN singer AS T2 ON T1.singer_id = T2.singer_id WHERE T2.age > 3\n```",
    " COUNT(DISTINCT age) FROM SINGER WHERE name = 'no_such_name' AND age > 12345\n```",
]
BAD_SCRIPTS = [  # (script, the name it must not write)
    (" singer_name FROM singer\n```", "singer_name"),
    (" name FROM singers\n```", "singers"),
    (' T1."Home Towns" FROM singer AS T1\n```', "Home Towns"),
    (" T1.name FROM concert AS T1 WHERE T1.age > 3\n```", "T1.age"),
]


def test_valid_sql_passes_unchanged(tiny, tok, dbs):
    rows = [example(dbs, "concerts", f"question {i}?") for i in range(len(VALID_SCRIPTS))]
    plain, _ = run(tiny, tok, rows, VALID_SCRIPTS, grounded=False)
    grounded, proc = run(tiny, tok, rows, VALID_SCRIPTS, grounded=True)
    assert plain == VALID_SCRIPTS  # the bias alone writes the scripts
    assert grounded == VALID_SCRIPTS  # and grounding refuses nothing in them
    assert proc.stats["interventions"] == 0 and proc.stats["sql_steps"] > 0


@pytest.mark.parametrize("sample", [False, True], ids=["greedy", "sampling"])
def test_hallucinated_names_become_impossible(tiny, tok, dbs, names, sample):
    rows = [example(dbs, "concerts", f"question {i}?") for i in range(len(BAD_SCRIPTS))]
    scripts = [s for s, _ in BAD_SCRIPTS]
    plain, _ = run(tiny, tok, rows, scripts, grounded=False, sample=sample, max_new_tokens=20)
    assert plain == scripts  # pushed hard enough, the model writes the wrong names
    for seed in range(2 if sample else 1):
        grounded, proc = run(tiny, tok, rows, scripts, grounded=True, sample=sample, seed=seed, max_new_tokens=20)
        for text, (_, bad) in zip(grounded, BAD_SCRIPTS):
            assert bad not in text, text
            assert schema_valid(names, "```sql\nSELECT", text), text
        assert proc.stats["interventions"] >= len(BAD_SCRIPTS)


def test_looping():
    from sqlrl.eval.grounded import looping

    block = [5, 6, 7, 8]
    assert looping([1, 2] + block * 3)
    assert not looping([1, 2] + block * 2 + [5, 6, 7])  # third repeat not finished
    assert not looping([9] * 11) and looping([9] * 12)  # a one-token block needs 12 in all
    assert not looping(list(range(40)))
    assert not looping([1, 2, 3, 1, 2, 4, 1, 2, 3])


@pytest.mark.parametrize("sample", [False, True], ids=["greedy", "sampling"])
def test_a_looping_row_is_ended_and_the_others_go_on(tiny, tok, dbs, sample):
    loop = " name FROM singer WHERE age = (SELECT age FROM singer WHERE age = (SELECT age" * 8
    rows = [example(dbs, "concerts", f"question {i}?") for i in range(2)]
    scripts = [loop, VALID_SCRIPTS[3]]
    plain, _ = run(tiny, tok, rows, scripts, grounded=False, sample=sample, max_new_tokens=96)
    assert plain[0] == loop[:len(plain[0])] and len(plain[0]) > 4 * len(loop) // 8
    grounded, proc = run(tiny, tok, rows, scripts, grounded=True, sample=sample, max_new_tokens=96)
    assert grounded[0] == loop[:len(grounded[0])]  # the loop as written, cut after its third round
    assert 3 * len(loop) // 8 <= len(grounded[0]) < 4 * len(loop) // 8
    assert grounded[1] == VALID_SCRIPTS[3] and proc.stats["loops_ended"] == 1


def test_cte_names_in_a_template_without_prefix(tiny_model_dir, tok, dbs):
    from sqlrl.models import load_model

    model = load_model(str(tiny_model_dir))  # chat has no stop string: "```" opens the block, EOS ends
    good = "```sql\nWITH top AS (SELECT singer_id FROM concert) SELECT name FROM singer JOIN top ON 1\n```"
    bad = "```sql\nWITH top AS (SELECT singer_id FROM concert) SELECT name FROM tops\n```"
    rows = [example(dbs, "concerts", "cte good?"), example(dbs, "concerts", "cte bad?")]
    out, _ = run(model, tok, rows, [good, bad], grounded=True, template="chat", max_new_tokens=40,
                 end=tok.eos_token_id)
    assert out[0] == good
    assert "FROM tops" not in out[1] and out[1].startswith("```sql\nWITH top AS (SELECT singer_id FROM concert)")


def test_each_row_is_grounded_in_its_own_database(tiny, tok, dbs):
    rows = [example(dbs, "concerts", "about singers?"), example(dbs, "shop", "about products?"),
            example(dbs, "shop", "products again?"), example(dbs, "concerts", "singers again?")]
    scripts = [" name FROM singer\n```", " title FROM product\n```", " name FROM singer\n```",
               " title FROM product\n```"]
    out, proc = run(tiny, tok, rows, scripts, grounded=True)
    assert out[:2] == scripts[:2]  # right database: unchanged
    assert "singer" not in out[2] and "product" not in out[3]  # the other database's names: refused
    assert proc.stats["rows_without_schema"] == 0


def test_prompt_without_a_registered_schema_is_not_constrained(tiny, tok, dbs):
    from sqlrl.eval.generate import generate
    from sqlrl.eval.grounded import GroundedLogitsProcessor, SchemaIndex
    from sqlrl.prompts import get_template, render_prompt

    tmpl = get_template("plain")
    row = example(dbs, "concerts", "unknown schema?")
    proc = GroundedLogitsProcessor(tok, tmpl, SchemaIndex())
    out = generate(tiny, tok, [render_prompt(tok, tmpl, row)], max_new_tokens=12,
                   logits_processor=[Script(tok, {row["question"]: " singer_name FROM x\n```"}), proc])
    assert out[0][0] == " singer_name FROM x\n```" and proc.stats["rows_without_schema"] == 1


def names_used(sql: str):
    """(tables, columns) an SQL text names, read by sqlglot (an independent reader); None if it does not parse.

    Declared names (CTEs, aliases) and double-quoted words (SQLite may read them as strings) are left out.
    """
    from sqlglot import exp

    from sqlrl.rewards.sqlcheck import parse

    tree = parse(sql)
    if tree is None:
        return None
    ctes = {c.alias.lower() for c in tree.find_all(exp.CTE)}
    aliases = {a.alias.lower() for a in tree.find_all(exp.Alias)}
    tables = {t.name.lower() for t in tree.find_all(exp.Table)} - ctes
    columns = {c.name.lower() for c in tree.find_all(exp.Column)
               if not c.this.args.get("quoted") and c.name != "*"} - aliases
    return tables, columns


@pytest.mark.slow
def test_default_model_writes_only_schema_names_on_demo(tmp_path):
    import json

    from sqlrl.data import load_dataset
    from sqlrl.eval import evaluate
    from sqlrl.eval.grounded import db_names
    from sqlrl.models import load_model, load_tokenizer

    rows = [dict(r) for r in load_dataset("demo", "test", limit=8)]
    model, tok = load_model("default"), load_tokenizer("default")
    summary = evaluate(model, tok, rows, progress=False, grounded=True, out_dir=tmp_path)
    assert summary["meta"]["grounded"] is True and summary["meta"]["grounded_stats"]["sql_steps"] > 0
    assert not summary["error_types"].get("no_such_table"), summary["error_types"]
    checked = 0
    for line in (tmp_path / "examples.jsonl").read_text().splitlines():
        rec = json.loads(line)
        if "```" not in (rec["completion"] or ""):  # cut by max_new_tokens, maybe in the middle of a name
            continue
        used = names_used(rec["prediction"]) if rec["prediction"] else None
        if used is None:
            continue
        db = db_names(next(r["db_path"] for r in rows if r["id"] == rec["id"]))
        tables, columns = used
        assert tables <= db.tables.full, (rec["prediction"], tables)
        assert columns <= db.all_columns.full, (rec["prediction"], columns)
        checked += 1
    assert checked >= 3


# -- GRPO sampling through TRL ------------------------------------------------------------------------

@pytest.mark.slow  # a minute on the shared CPUs
def test_grpo_samples_grounded_and_the_loss_stays_finite(tiny_model_dir, tmp_path):
    import json

    from sqlrl import config
    from sqlrl.train.grpo import train

    cfg = config.load("demo", [f"model.name={tiny_model_dir}", f"output_dir={tmp_path / 'run'}",
                               "training.max_steps=2", "training.max_completion_length=16", "training.save_steps=2",
                               "training.report_to=[]", "data.limit=8", "model.grounded=true"])
    train(cfg)
    log = json.loads((tmp_path / "run" / "trainer_state.json").read_text())["log_history"]
    steps = [rec for rec in log if "loss" in rec]
    assert steps and all(math.isfinite(rec["loss"]) for rec in steps)
    assert sum(rec.get("grounded/sql_tokens", 0) for rec in log) > 0  # TRL's sampling went through the processor
    assert sum(rec.get("grounded/refused", 0) for rec in log) > 0  # and a random model needed steering
    assert all("grounded/loops_ended" in rec for rec in steps)
    summary = next(rec for rec in log if "train_runtime" in rec)  # the run's totals, for the model card
    per_record = sum(rec.get("grounded/sql_tokens", 0) for rec in log if rec is not summary)
    assert summary["grounded/sql_tokens"] == per_record


@pytest.mark.parametrize("override,message", [
    ("training.use_vllm=true", "transformers generate only"),
    ("env.name=sql", "single-turn"),
])
def test_grounded_grpo_refuses_other_generation_paths(tiny_model_dir, tmp_path, override, message):
    from sqlrl import config

    with pytest.raises(UserError, match=message):  # when the recipe is read, before any model is loaded
        config.load("demo", [f"model.name={tiny_model_dir}", f"output_dir={tmp_path}", "model.grounded=true",
                             override])


# -- wiring ---------------------------------------------------------------------------------------------

def test_config_fields_have_help_and_default_off():
    from sqlrl.config import EvalConfig, ModelConfig

    for cls in (EvalConfig, ModelConfig):
        f = cls.__dataclass_fields__["grounded"]
        assert f.default is False and "grounded" in f.metadata["help"]


def test_cli_flags(capsys):
    from sqlrl.cli import main

    for cmd in ("eval", "infer"):
        with pytest.raises(SystemExit):
            main([cmd, "--help"])
        assert "--grounded" in capsys.readouterr().out
    assert main(["eval", "--predictions", "x.jsonl", "--grounded", "--dataset", "demo"]) == 2
    assert "--grounded" in capsys.readouterr().err


# -- EX by schema size ------------------------------------------------------------------------------------

def test_summary_and_report_give_ex_by_number_of_tables(tmp_path):
    from sqlrl.eval.report import write_run
    from sqlrl.eval.score import judge, summarize

    rows, cands = [], []
    for n_tables, right in ((1, [True, False]), (2, [True]), (4, [False, False]), (7, [True, True, False])):
        ddl = "".join(f"CREATE TABLE t{k} (a INTEGER); INSERT INTO t{k} VALUES ({k});" for k in range(n_tables))
        db = make_db(tmp_path / f"db{n_tables}.sqlite", ddl)
        for ok in right:
            rows.append({"id": len(rows), "db_id": f"db{n_tables}", "db_path": str(db), "question": "q",
                         "gold_sql": "SELECT a FROM t0", "difficulty": "easy"})
            cands.append(["SELECT a FROM t0" if ok else "SELECT a + 1 FROM t0"])
    summary = summarize(judge(rows, cands), mode="bird", decode="greedy")
    by = summary["by_tables"]
    assert list(by) == ["1-2", "3-5", "6+"]
    assert (by["1-2"]["n"], by["1-2"]["correct"]) == (3, 2)
    assert (by["3-5"]["n"], by["3-5"]["correct"]) == (2, 0)
    assert (by["6+"]["n"], by["6+"]["correct"]) == (3, 2)
    report = write_run(tmp_path / "run", judge(rows, cands), summary, plots=False).read_text()
    assert "## By schema size" in report and "| 6+ | 3 | 2 | 66.7% |" in report


def test_infer_answers_with_schema_names_only(tiny, tok, dbs, names):
    from sqlrl.eval.infer import Answerer

    ans = Answerer(tiny, tok, max_new_tokens=24, grounded=True)
    got = ans.answer([ans.example(dbs["concerts"], "How many singers are there?")])[0]
    assert got["completion"] and schema_valid(names, "```sql\nSELECT", got["completion"])
