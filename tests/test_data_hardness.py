"""Spider hardness: hand-labelled cases and agreement with the official parse in dev.json."""

from __future__ import annotations

import json

import pytest

from sqlrl.data.hardness import hardness_of_counts, spider_hardness


@pytest.mark.parametrize(
    "sql, level",
    [
        ("SELECT count(*) FROM singer", "easy"),
        ("SELECT name FROM singer WHERE age > 30", "easy"),
        ("SELECT name, age FROM singer WHERE age > 30", "medium"),
        ("SELECT T1.name FROM a AS T1 JOIN b AS T2 ON T1.id = T2.id WHERE T2.x = 1", "medium"),
        ("SELECT name FROM singer WHERE age > (SELECT avg(age) FROM singer)", "hard"),
        ("SELECT name FROM a INTERSECT SELECT name FROM b", "hard"),
        (
            "SELECT T1.name, count(*) FROM a AS T1 JOIN b AS T2 ON T1.id = T2.id "
            "GROUP BY T1.id ORDER BY count(*) DESC LIMIT 1",
            "extra",
        ),
        ("SELECT name FROM a WHERE x = 1 OR y LIKE '%z%'", "hard"),
    ],
)
def test_hand_labelled(sql, level):
    assert spider_hardness(sql) == level


def test_unparseable_is_unknown():
    assert spider_hardness("SELECT FROM WHERE (((") == "unknown"


# A second, independent reading of the official rules, applied to Spider's own parse
# (the `sql` field of dev.json), to check the sqlglot-based counts against it.
def _official_counts(sql: dict) -> tuple[int, int, int]:
    conds = sql["from"]["conds"][::2] + sql["where"][::2] + sql["having"][::2]
    links = sql["from"]["conds"][1::2] + sql["where"][1::2] + sql["having"][1::2]
    c1 = bool(sql["where"]) + bool(sql["groupBy"]) + bool(sql["orderBy"]) + (sql["limit"] is not None)
    c1 += max(len(sql["from"]["table_units"]) - 1, 0)
    c1 += sum(1 for t in links if t == "or") + sum(1 for c in conds if c[1] == 9)  # 9 = like
    c2 = sum(isinstance(c[3], dict) + isinstance(c[4], dict) for c in conds)
    c2 += sum(sql[k] is not None for k in ("intersect", "union", "except"))
    aggs = sum(1 for u in sql["select"][1] if u[0] != 0)
    aggs += sum(1 for c in sql["where"][::2] if c[0])
    aggs += sum(1 for g in sql["groupBy"] if g[0] != 0)
    if sql["orderBy"]:
        units = [v[1] for v in sql["orderBy"][1] if v[1]] + [v[2] for v in sql["orderBy"][1] if v[2]]
        aggs += sum(1 for u in units if u[0] != 0)
    aggs += sum(1 for h in sql["having"] if isinstance(h, str) or h[0])
    others = (aggs > 1) + (len(sql["select"][1]) > 1) + (len(sql["where"]) > 1) + (len(sql["groupBy"]) > 1)
    return c1, c2, others


def test_agrees_with_official_parse_on_spider_dev(spider_dir):
    from sqlrl.data.hardness import HardnessCounts

    items = json.loads((spider_dir / "dev.json").read_text())
    same = sum(
        spider_hardness(it["query"]) == hardness_of_counts(HardnessCounts(*_official_counts(it["sql"])))
        for it in items
    )
    assert same / len(items) >= 0.95, f"{same}/{len(items)} agree"
