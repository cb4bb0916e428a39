"""Schema pruning: show a question only the tables it likely needs, so prompts get shorter.

On a database with many tables most of the prompt is tables the question never touches, and
every token of it is paid in each SFT example, each GRPO group and each evaluation. The
choice is lexical, with no model: a table is kept when a word of its name, or a whole column
name, appears in the question (words compared in lower case, a trailing plural `s` ignored);
tables that join two kept tables through a foreign key are kept too, so the join path stays
visible. Databases of at most `keep_all_up_to` tables, and questions that name nothing, keep
every table. `benchmarks/prune_recall.py` measures how often the gold query's tables all
survive (recall) and how much shorter the schemas get.
"""

from __future__ import annotations

import re

# Column-name words too common in questions to say which table is meant.
GENERIC = frozenset({"id", "name", "type", "code", "date", "number", "count", "total", "year", "detail", "details"})
KEEP_ALL_UP_TO = 3


def words(text: str) -> set[str]:
    """Lower-case words of `text`, with camelCase and snake_case split and a plural `s` removed."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    out = set()
    for w in re.findall(r"[A-Za-z0-9]+", text.lower()):
        if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
            w = w[:-2]
        elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.add(w)
    return out


def kept_tables(question: str, tables: list, keep_all_up_to: int = KEEP_ALL_UP_TO, neighbors: bool = True) -> list:
    """The tables (in schema order) the question likely needs; see the module docstring."""
    if len(tables) <= keep_all_up_to:
        return list(tables)
    asked = words(question)
    hit = set()
    for t in tables:
        if words(t.name) & asked:
            hit.add(t.name)
            continue
        for c in t.columns:
            cw = words(c.name)
            if cw and not cw <= GENERIC and cw <= asked:
                hit.add(t.name)
                break
    if not hit:
        return list(tables)
    links: dict[str, set[str]] = {t.name: set() for t in tables}
    for t in tables:
        for fk in t.foreign_keys:
            if fk.ref_table in links:
                links[t.name].add(fk.ref_table)
                links[fk.ref_table].add(t.name)
    if neighbors:
        keep = hit | {n for t in hit for n in links[t]}
    else:
        keep = hit | {t for t in links if t not in hit and len(links[t] & hit) >= 2}
    return [t for t in tables if t.name in keep]
