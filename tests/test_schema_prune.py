"""Schema pruning: which tables a question keeps, and prompts rendered from the kept tables."""

from __future__ import annotations

import sqlite3

import pytest

from sqlrl.data.prune import kept_tables, words
from sqlrl.data.schema import read_tables

# A six-table shop: orders link customers and products; reviews link customers and products;
# suppliers link to products; warehouses stand alone.
SHOP = """
CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name TEXT, city TEXT);
CREATE TABLE products (product_id INTEGER PRIMARY KEY, name TEXT, price REAL,
                       supplier_id INTEGER REFERENCES suppliers (supplier_id));
CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (customer_id),
                     product_id INTEGER REFERENCES products (product_id), quantity INTEGER);
CREATE TABLE reviews (review_id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (customer_id),
                      product_id INTEGER REFERENCES products (product_id), stars INTEGER);
CREATE TABLE suppliers (supplier_id INTEGER PRIMARY KEY, name TEXT, country TEXT);
CREATE TABLE warehouses (warehouse_id INTEGER PRIMARY KEY, capacity_m3 INTEGER, region TEXT);
"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    path = tmp_path_factory.mktemp("prune") / "shop.sqlite"
    con = sqlite3.connect(path)
    con.executescript(SHOP)
    con.close()
    return path


def names(tables) -> list[str]:
    return [t.name for t in tables]


def test_words_split_names_and_drop_plurals():
    assert words("customerOrders") == {"customer", "order"}
    assert words("order_items") == {"order", "item"}
    assert words("How many branches and addresses?") >= {"branch", "address", "how", "many"}
    assert "class" in words("classes") and "glass" in words("glass")


def test_named_table_and_its_neighbours_are_kept(shop):
    tables = read_tables(shop)
    got = names(kept_tables("Which supplier is from Peru?", tables))
    assert got == ["products", "suppliers"]  # suppliers named; products references it
    assert "warehouses" not in names(kept_tables("How many orders were placed?", tables))


def test_without_neighbours_only_bridges_join_named_tables(shop):
    tables = read_tables(shop)
    got = names(kept_tables("Names of customers who bought a product over 10 dollars", tables, neighbors=False))
    # customers and products are named; orders and reviews each join both
    assert got == ["customers", "products", "orders", "reviews"]
    assert names(kept_tables("Which supplier is from Peru?", tables, neighbors=False)) == ["suppliers"]


def test_a_whole_column_name_keeps_its_table_but_generic_words_do_not(shop):
    tables = read_tables(shop)
    assert "warehouses" in names(kept_tables("Which region has the largest capacity m3?", tables, neighbors=False))
    # "name" is a column of three tables and says nothing about which one is meant
    assert names(kept_tables("Give every name", tables, neighbors=False)) == names(tables)


def test_small_databases_and_questions_naming_nothing_keep_everything(shop):
    tables = read_tables(shop)
    assert names(kept_tables("What is the meaning of life?", tables)) == names(tables)
    assert names(kept_tables("Which supplier?", tables[:3], keep_all_up_to=3)) == names(tables[:3])


def test_rendered_rows_show_only_kept_tables_and_keys_between_them(shop):
    from sqlrl.data import add_schemas

    rows = [{"db_path": str(shop), "question": "Which supplier is from Peru?", "dataset": "jsonl"},
            {"db_path": str(shop), "question": "What is the meaning of life?", "dataset": "jsonl"}]
    add_schemas(rows, "compact", schema_prune=True)
    pruned, full = rows[0]["schema"], rows[1]["schema"]
    assert "suppliers(" in pruned and "products(" in pruned and "customers(" not in pruned
    assert "products.supplier_id = suppliers.supplier_id" in pruned
    assert "customers" not in pruned  # no key line names a table that is not shown
    assert "warehouses(" in full and len(pruned) < len(full)
    add_schemas(rows, "compact")
    assert rows[0]["schema"] == full  # off by default


def test_eval_and_training_rows_take_the_setting(shop, tmp_path):
    import json

    from sqlrl import config
    from sqlrl.train.dataset import load_rows

    data = tmp_path / "q.jsonl"
    data.write_text(json.dumps({"db_path": str(shop), "question": "Which supplier is from Peru?",
                                "sql": "SELECT name FROM suppliers WHERE country = 'Peru'"}) + "\n")
    cfg = config.load("demo", ["data.dataset=jsonl", f"data.split={data}", "data.schema_prune=true"])
    row = load_rows(cfg, cfg.data.split)[0]
    assert "suppliers(" in row["schema"] and "warehouses(" not in row["schema"]


def test_data_stats_measures_pruned_prompts(shop, tmp_path, capsys):
    import json

    from sqlrl.cli import main

    data = tmp_path / "q.jsonl"
    qs = [("Which supplier is from Peru?", "SELECT name FROM suppliers WHERE country = 'Peru'"),
          ("How many warehouses are there?", "SELECT count(*) FROM warehouses")]
    data.write_text("".join(json.dumps({"db_path": str(shop), "question": q, "sql": s}) + "\n" for q, s in qs))
    stats = {}
    for flags in ([], ["--schema-prune"]):
        assert main(["data", "stats", str(data), "--tokenizer", "none", "--schema-format", "compact", "--json",
                     *flags]) == 0
        stats[bool(flags)] = json.loads(capsys.readouterr().out)
    full, pruned = (stats[k]["formats"]["compact"]["schema"] for k in (False, True))
    assert pruned["max"] < full["max"] == full["p50"]  # every question shows fewer than all six tables
    assert stats[True]["schema_prune"] and "schema_prune" not in stats[False]


def test_infer_prunes_per_question(shop, tiny_model_dir):
    from sqlrl.eval.infer import Answerer
    from sqlrl.models import load_model, load_tokenizer

    ans = Answerer(load_model(str(tiny_model_dir)), load_tokenizer(str(tiny_model_dir)), schema_prune=True)
    a = ans.example(shop, "Which supplier is from Peru?")["schema"]
    b = ans.example(shop, "How many warehouses per region?")["schema"]
    assert "suppliers(" in a and "warehouses(" not in a and "warehouses(" in b
