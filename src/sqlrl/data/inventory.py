"""`sqlrl data list`: every dataset, where it lives, whether it is there, and its questions per split.

Counting reads each split's JSON file and takes its length (no databases are opened), so the
listing stays cheap; Spider's `fit` / `val` are counted from train the way the loader divides it.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlrl.data.manifest import SOURCES
from sqlrl.paths import data_root


def _count(path: Path) -> int | None:
    """Items in a JSON list file; None when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    return len(data) if isinstance(data, list) else None


def _first(folder: Path, *names: str) -> Path:
    return next((folder / n for n in names if (folder / n).is_file()), folder / names[0])


def _spider(folder: Path) -> dict:
    from sqlrl.data.spider import val_dbs

    out = {"train": _count(_first(folder, "train.json", "train_spider.json")), "dev": _count(folder / "dev.json")}
    try:
        items = json.loads(_first(folder, "train.json", "train_spider.json").read_text(encoding="utf-8-sig"))
        dbs = [x.get("db_id") for x in items if isinstance(x, dict)]
        held = val_dbs({d for d in dbs if isinstance(d, str)})
        out["fit"], out["val"] = sum(d not in held for d in dbs), sum(d in held for d in dbs)
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    return out


def _bird(folder: Path) -> dict:
    return {s: _count(_first(folder, f"{s}.json", f"{s}/{s}.json")) for s in ("dev", "train", "minidev")}


def _kaggledbqa(folder: Path) -> dict:
    ex = folder / "examples"
    dbs = sorted(p.name[: -len("_test.json")] for p in ex.glob("*_test.json"))
    out = {}
    for split, suffix in (("test", "_test"), ("fewshot", "_fewshot"), ("all", "")):
        counts = [_count(ex / f"{db}{suffix}.json") for db in dbs]
        out[split] = sum(counts) if dbs and None not in counts else None
    return out


def _create_context(folder: Path) -> dict:
    return {s: _count(folder / f"{s}.json") for s in ("train", "val")}


COUNTERS = {"spider": _spider, "bird": _bird, "kaggledbqa": _kaggledbqa, "sql_create_context": _create_context}


def inventory(root: Path | None = None) -> list[dict]:
    """One entry per dataset: name, path, status (bundled / present / absent), split counts, parts installed."""
    from sqlrl.data import DATASETS
    from sqlrl.data.demo import demo_questions
    from sqlrl.data.pull import is_installed

    root = Path(root) if root else data_root()
    out = []
    for name, spec in DATASETS.items():
        if name == "jsonl":
            continue
        if not spec.pulled:
            out.append({"name": name, "path": None, "status": "bundled",
                        "splits": {s: len(demo_questions(s)) for s in DATASETS["demo"].splits}, "parts": []})
            continue
        folder = root / name
        present = folder.is_dir()
        source = SOURCES.get(name)
        parts = [p.name for p in source.parts if is_installed(root, source, p)] if source and present else []
        counts = COUNTERS[name](folder) if present and name in COUNTERS else {}
        out.append({"name": name, "path": str(folder), "status": "present" if present else "absent",
                    "splits": {k: v for k, v in counts.items() if v is not None}, "parts": parts})
    return out


def format_inventory(entries: list[dict], root: Path) -> str:
    """The human-readable table `sqlrl data list` prints."""
    lines = [f"data root: {root}", f"{'dataset':19} {'status':8} {'questions per split':40} where"]
    for e in entries:
        splits = ", ".join(f"{k} {v}" for k, v in e["splits"].items()) or "-"
        if e["status"] == "absent":
            splits = f"(sqlrl data pull {e['name']})"
        extra = [p for p in e["parts"] if p != "main"]
        where = e["path"] or "inside the sqlrl package"
        lines.append(f"{e['name']:19} {e['status']:8} {splits:40} {where}"
                     + (f"  [parts: {', '.join(extra)}]" if extra else ""))
    return "\n".join(lines)
