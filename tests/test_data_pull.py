"""`sqlrl data pull` / `data list` against a real HTTP server on localhost.

The server (http.server in a thread, with Range support) serves archives built here in each
source's official layout, with real SQLite databases. It can cut a connection halfway, send
a web page instead of a file, and records the Range header of every request.
"""

from __future__ import annotations

import dataclasses
import errno
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sqlrl.cli import main
from sqlrl.data import load_dataset
from sqlrl.data.download import download
from sqlrl.data.manifest import SOURCES
from sqlrl.data.pull import pull, split_create_context
from sqlrl.errors import UserError

# ----- a local file server -----------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        srv = self.server
        rng = self.headers.get("Range")
        srv.requests.append((self.path, rng))
        body = srv.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        start = 0
        m = re.fullmatch(r"bytes=(\d+)-", rng or "")
        if m and int(m.group(1)) >= len(body):
            self.send_error(416)
            return
        if m:
            start = int(m.group(1))
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", srv.types.get(self.path, "application/zip"))
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        payload = body[start:]
        if self.path in srv.cut_once:  # promise the whole body, send half, hang up
            srv.cut_once.discard(self.path)
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.files, srv.types, srv.requests, srv.cut_once = {}, {}, [], set()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}"
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


@pytest.fixture
def root(tmp_path, monkeypatch):
    """An empty data root (SQLRL_DATA_DIR) and a private SQLRL_HOME."""
    r = tmp_path / "data"
    monkeypatch.setenv("SQLRL_DATA_DIR", str(r))
    monkeypatch.setenv("SQLRL_HOME", str(tmp_path / "home"))
    return r


# ----- archives in the official layouts -------------------------------------------------------------

def _sqlite(rows: list[tuple[str, int]]) -> bytes:
    """The bytes of a real SQLite database with one table `singer(name, age)`."""
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE singer (name TEXT, age INTEGER)")
    con.executemany("INSERT INTO singer VALUES (?, ?)", rows)
    con.commit()
    data = con.serialize()
    con.close()
    return data


def _zip(files: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _items(n: int, db: str, sql_key: str = "query", **extra) -> str:
    return json.dumps([{"db_id": db, "question": f"How many singers ({i})?", sql_key: "SELECT count(*) FROM singer",
                        **extra} for i in range(n)])


def spider_zip(dev_db: bytes | None = None) -> bytes:
    """spider_data.zip as released: a top folder, official file names, one db folder each, macOS junk."""
    dev_db = dev_db or _sqlite([("Ann", 30), ("Bob", 41)])
    return _zip({
        "spider_data/train_spider.json": _items(5, "pets_1"),
        "spider_data/train_others.json": _items(2, "pets_1"),
        "spider_data/dev.json": _items(3, "concert_singer"),
        "spider_data/dev_gold.sql": "SELECT count(*) FROM singer\tconcert_singer\n" * 3,
        "spider_data/tables.json": "[]",
        "spider_data/test.json": _items(1, "concert_singer"),
        "spider_data/database/concert_singer/concert_singer.sqlite": dev_db,
        "spider_data/database/pets_1/pets_1.sqlite": _sqlite([("Cat", 3)]),
        "__MACOSX/spider_data/._dev.json": "junk",
    })


def bird_dev_zip() -> bytes:
    """dev.zip: dev_20240627/ with dev.json and the databases as a nested dev_databases.zip."""
    inner = _zip({"dev_databases/band/band.sqlite": _sqlite([("Cy", 22)]),
                  "dev_databases/band/database_description/singer.csv":
                      "original_column_name,column_name,column_description\nage,age,age in years\n",
                  "__MACOSX/dev_databases/._band": "junk"})
    items = [{"question_id": i, "db_id": "band", "question": "How many?", "evidence": "",
              "SQL": "SELECT count(*) FROM singer", "difficulty": "simple"} for i in range(4)]
    return _zip({"dev_20240627/dev.json": json.dumps(items), "dev_20240627/dev_tables.json": "[]",
                 "dev_20240627/dev.sql": "SELECT count(*) FROM singer\tband\n",
                 "dev_20240627/dev_databases.zip": inner})


def bird_minidev_zip() -> bytes:
    items = [{"question_id": i, "db_id": "band", "question": "How many?", "evidence": "e",
              "SQL": "SELECT count(*) FROM singer", "difficulty": "moderate"} for i in range(2)]
    return _zip({"minidev/MINIDEV/mini_dev_sqlite.json": json.dumps(items),
                 "minidev/MINIDEV/dev_databases/band/band.sqlite": _sqlite([("Di", 50)])})


def kaggle_zip() -> bytes:
    """kaggle-dbqa-20210726.zip: kaggle-dbqa/ with examples/, databases/ and KaggleDBQA_tables.json."""
    db = "StudentMathScore"
    return _zip({f"kaggle-dbqa/examples/{db}.json": _items(3, db),
                 f"kaggle-dbqa/examples/{db}_test.json": _items(2, db),
                 f"kaggle-dbqa/examples/{db}_fewshot.json": _items(1, db),
                 f"kaggle-dbqa/databases/{db}/{db}.sqlite": _sqlite([("Ed", 9)]),
                 "kaggle-dbqa/KaggleDBQA_tables.json": "[]"})


def serve(server, path: str, body: bytes, content_type: str = "application/zip") -> str:
    server.files[path] = body
    server.types[path] = content_type
    return server.url + path


def leftovers(root: Path) -> list[str]:
    """Anything in the data root besides installed dataset folders (temporary folders, archives)."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".")) if root.exists() else []


# ----- tests ------------------------------------------------------------------------------------

def test_pull_spider_then_load_with_no_path_flags(server, root, capsys):
    url = serve(server, "/spider_data.zip", spider_zip())
    assert main(["data", "pull", "spider", "--url", url, "--quiet"]) == 0
    err = capsys.readouterr().err
    assert f"installed spider (main) at {root / 'spider'}" in err and "CC BY-SA 4.0" in err
    assert "sha256" in err and "not checked" in err  # no published checksum: say so, print ours
    dev = load_dataset("spider", "dev")
    assert len(dev) == 3 and dev[0]["db_id"] == "concert_singer" and "singer" in dev[0]["schema"]
    assert Path(dev[0]["db_path"]) == (root / "spider/database/concert_singer/concert_singer.sqlite").resolve()
    assert len(load_dataset("spider", "train")) == 5  # the official train_spider.json
    assert (root / "spider/.sqlrl-main.json").is_file() and not (root / "spider/__MACOSX").exists()
    assert leftovers(root) == []  # no temporary folder, no downloaded archive


def test_interrupted_download_resumes_with_range(server, root):
    body = spider_zip()
    url = serve(server, "/spider_data.zip", body)
    server.cut_once.add("/spider_data.zip")
    pull("spider", url=url, progress=False, say=lambda m: None)
    mine = [r for p, r in server.requests if p == "/spider_data.zip"]
    assert mine == [None, f"bytes={(len(body)) // 2}-"]  # the second request asked only for the rest
    assert len(load_dataset("spider", "dev")) == 3  # and the joined bytes are the archive


def test_a_kept_part_file_resumes_on_the_next_run(server, tmp_path):
    body = os.urandom(300_000)
    url = serve(server, "/big.bin", body, "application/octet-stream")
    server.cut_once.add("/big.bin")
    dest = tmp_path / "big.bin"
    with pytest.raises(UserError, match="run the same command again to resume"):
        download(url, dest, attempts=1, progress=False)
    assert (tmp_path / "big.bin.part").stat().st_size == len(body) // 2 and not dest.exists()
    download(url, dest, attempts=1, progress=False)  # the next run
    assert dest.read_bytes() == body and server.requests[-1] == ("/big.bin", f"bytes={len(body) // 2}-")


def _with_sha(monkeypatch, name: str, part: str, sha: str) -> None:
    src = SOURCES[name]
    parts = tuple(dataclasses.replace(p, sha256=sha) if p.name == part else p for p in src.parts)
    monkeypatch.setitem(SOURCES, name, dataclasses.replace(src, parts=parts))


def test_checksum_mismatch_installs_nothing_and_removes_the_download(server, root, monkeypatch, capsys):
    url = serve(server, "/spider_data.zip", spider_zip())
    _with_sha(monkeypatch, "spider", "main", "0" * 64)
    assert main(["data", "pull", "spider", "--url", url, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "does not match the manifest's" in err and "was removed" in err and "--no-verify" in err
    assert not (root / "spider").exists() and leftovers(root) == []
    # --no-verify accepts it (a re-packed mirror), with a warning
    assert main(["data", "pull", "spider", "--url", url, "--quiet", "--no-verify"]) == 0
    assert "differs from the manifest's; accepted" in capsys.readouterr().err
    assert len(load_dataset("spider", "dev")) == 3


def test_matching_checksum_installs(server, root, monkeypatch):
    import hashlib

    body = kaggle_zip()
    _with_sha(monkeypatch, "kaggledbqa", "main", hashlib.sha256(body).hexdigest())
    pull("kaggledbqa", url=serve(server, "/k.zip", body), progress=False, say=lambda m: None)
    assert json.loads((root / "kaggledbqa/.sqlrl-main.json").read_text())["sha256_checked"] is True


def test_from_a_file_installs_offline(root, tmp_path, monkeypatch, capsys):
    archive = tmp_path / "kaggle-dbqa-20210726.zip"
    archive.write_bytes(kaggle_zip())
    assert main(["data", "pull", "kaggledbqa", "--from", str(archive), "--quiet"]) == 0
    assert [len(load_dataset("kaggledbqa", s)) for s in ("test", "fewshot", "all")] == [2, 1, 3]
    assert archive.is_file()  # the user's own file is never removed
    # a --from file with the wrong checksum: refused, and still not removed
    _with_sha(monkeypatch, "kaggledbqa", "main", "f" * 64)
    assert main(["data", "pull", "kaggledbqa", "--from", str(archive), "--force", "--quiet"]) == 2
    assert "does not match" in capsys.readouterr().err and archive.is_file()


def test_wrong_layout_is_refused_even_with_no_verify(root, tmp_path, capsys):
    bad = tmp_path / "spider_data.zip"
    bad.write_bytes(_zip({"spider_data/train_spider.json": "[]", "spider_data/README.txt": "no dev.json here"}))
    assert main(["data", "pull", "spider", "--from", str(bad), "--no-verify", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "missing dev.json, tables.json, database/*/*.sqlite" in err and "spider_data" in err
    assert not (root / "spider").exists() and leftovers(root) == []


def test_a_second_pull_is_a_no_op_and_force_reinstalls(server, root, capsys):
    url = serve(server, "/spider_data.zip", spider_zip())
    assert main(["data", "pull", "spider", "--url", url, "--quiet"]) == 0
    assert main(["data", "pull", "spider", "--url", url, "--quiet"]) == 0
    assert "already installed" in capsys.readouterr().err and len(server.requests) == 1
    assert main(["data", "pull", "spider", "spider"]) == 0  # several names (as the test skip line suggests)
    assert capsys.readouterr().err.count("already installed") == 2 and len(server.requests) == 1
    serve(server, "/spider_data.zip", spider_zip(_sqlite([("Zed", 1)])))
    assert main(["data", "pull", "spider", "--url", url, "--quiet", "--force"]) == 0
    assert len(server.requests) == 2 and leftovers(root) == []
    db = root / "spider/database/concert_singer/concert_singer.sqlite"
    assert sqlite3.connect(db).execute("SELECT name FROM singer").fetchall() == [("Zed",)]


def test_a_truncated_archive_is_refused_and_removed(server, root, tmp_path, capsys):
    body = spider_zip()
    url = serve(server, "/spider_data.zip", body[: len(body) * 2 // 3], "application/octet-stream")
    assert main(["data", "pull", "spider", "--url", url, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "corrupt or truncated" in err and "It was removed" in err
    assert not (root / "spider").exists() and not any(root.rglob("*.zip*"))
    # a zip whose member is damaged (bad CRC) fails during extraction, leaving nothing either
    damaged = bytearray(body)
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        info = zf.getinfo("spider_data/database/pets_1/pets_1.sqlite")
    name_len, extra_len = int.from_bytes(body[info.header_offset + 26:info.header_offset + 28], "little"), \
        int.from_bytes(body[info.header_offset + 28:info.header_offset + 30], "little")
    at = info.header_offset + 30 + name_len + extra_len + info.compress_size // 2
    damaged[at] ^= 0xFF
    f = tmp_path / "damaged.zip"
    f.write_bytes(bytes(damaged))
    assert main(["data", "pull", "spider", "--from", str(f), "--quiet"]) == 2
    assert "corrupt or truncated" in capsys.readouterr().err
    assert not (root / "spider").exists() and leftovers(root) == []


def test_a_full_disk_during_extraction_installs_nothing(root, tmp_path, monkeypatch, capsys):
    archive = tmp_path / "spider_data.zip"
    archive.write_bytes(spider_zip())
    real, calls = shutil.copyfileobj, []

    def fill_up(src, dst, length=0):
        calls.append(1)
        if len(calls) > 3:  # a few files fit, then the disk is full
            dst.write(src.read(10))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, length)

    monkeypatch.setattr(shutil, "copyfileobj", fill_up)
    assert main(["data", "pull", "spider", "--from", str(archive), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "the disk is full" in err and str(root) in err and "Nothing was installed" in err
    assert not (root / "spider").exists() and leftovers(root) == []


def test_unknown_name_suggests_close_ones(capsys):
    assert main(["data", "pull", "spyder"]) == 2
    assert "unknown dataset 'spyder' (did you mean spider?)" in capsys.readouterr().err
    assert main(["data", "pull", "bird", "--part", "tests"]) == 2
    assert "bird has parts dev, minidev, train, not 'tests'" in capsys.readouterr().err
    assert main(["data", "pull", "demo"]) == 2
    assert "ships with sqlrl" in capsys.readouterr().err


def test_unwritable_data_root(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SQLRL_DATA_DIR", str(blocker / "data"))  # its parent is a file
    assert main(["data", "pull", "kaggledbqa", "--url", "http://127.0.0.1:9/x.zip"]) == 2
    assert f"cannot create the data root {blocker / 'data'}" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_data_root(tmp_path, monkeypatch, capsys):
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o500)
    monkeypatch.setenv("SQLRL_DATA_DIR", str(ro))
    assert main(["data", "pull", "kaggledbqa", "--url", "http://127.0.0.1:9/x.zip"]) == 2
    assert f"the data root {ro} is not writable" in capsys.readouterr().err


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_host_says_how_to_install_by_hand(root, capsys):
    url = f"http://127.0.0.1:{_closed_port()}/spider_data.zip"
    assert main(["data", "pull", "spider", "--url", url, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"cannot reach {url}" in err
    assert "https://drive.google.com/file/d/1403EGqzIDoHMdQF4c9Bkyl7dZLZ5Wt6J/view" in err
    assert "--from spider_data.zip" in err and not (root / "spider").exists() and leftovers(root) == []


def test_a_web_page_instead_of_the_archive_is_refused(server, root, capsys):
    url = serve(server, "/uc", b"<html>Google Drive - quota exceeded</html>", "text/html; charset=utf-8")
    assert main(["data", "pull", "spider", "--url", url, "--quiet"]) == 2
    assert "sent a web page, not the file" in capsys.readouterr().err
    assert not (root / "spider").exists() and leftovers(root) == []


def test_unsafe_paths_in_an_archive_are_refused(root, tmp_path, capsys):
    evil = tmp_path / "evil.zip"
    evil.write_bytes(_zip({"../../outside.txt": "x", "kaggle-dbqa/examples/a_test.json": "[]"}))
    assert main(["data", "pull", "kaggledbqa", "--from", str(evil), "--quiet"]) == 2
    assert "unsafe path '../../outside.txt'" in capsys.readouterr().err
    assert not (tmp_path / "outside.txt").exists() and not (root / "kaggledbqa").exists()


def test_bird_dev_with_nested_databases_and_minidev(server, root):
    pull("bird", url=serve(server, "/dev.zip", bird_dev_zip()), progress=False, say=lambda m: None)
    dev = load_dataset("bird", "dev", schema_format="omnisql")
    assert len(dev) == 4 and "age in years" in dev[0]["schema"]  # database_description came along
    assert not (root / "bird/dev/dev_databases.zip").exists() and not (root / "bird/dev/__MACOSX").exists()
    with pytest.raises(UserError, match="sqlrl data pull bird --part train"):
        load_dataset("bird", "train")
    pull("bird", ["minidev"], url=serve(server, "/minidev.zip", bird_minidev_zip()), progress=False,
         say=lambda m: None)
    mini = load_dataset("bird", "minidev")
    assert len(mini) == 2 and "/bird/minidev/minidev_databases/band/band.sqlite" in mini[0]["db_path"]


def test_spider_test_suite_goes_beside_each_database(server, root, capsys):
    from sqlrl.sql import Sandbox

    pull("spider", url=serve(server, "/spider_data.zip", spider_zip()), progress=False, say=lambda m: None)
    suite = _zip({"database/concert_singer/concert_singer.sqlite": _sqlite([("Other", 1)]),
                  "database/concert_singer/concert_singer1.sqlite": _sqlite([("Ann", 30), ("Bob", 41), ("Cy", 5)]),
                  "database/academic/academic.sqlite": _sqlite([])})
    url = serve(server, "/ts.zip", suite)
    assert main(["data", "pull", "spider", "--test-suite", "--url", url, "--quiet"]) == 0
    assert "1 databases added; 1 folders for databases not in" in capsys.readouterr().err
    folder = root / "spider/database/concert_singer"
    assert sorted(p.name for p in folder.glob("*.sqlite")) == ["concert_singer.sqlite", "concert_singer1.sqlite"]
    # Spider's own database is kept; the suite's extra one makes spider_ts stricter
    assert sqlite3.connect(folder / "concert_singer.sqlite").execute("SELECT count(*) FROM singer").fetchone() == (2,)
    assert not (root / "spider/database/academic").exists()
    gold, pred = "SELECT name FROM singer WHERE age > 20", "SELECT name FROM singer WHERE age > 4"
    with Sandbox() as sb:
        assert sb.compare(folder / "concert_singer.sqlite", gold, pred, mode="bird").match
        assert not sb.compare(folder / "concert_singer.sqlite", gold, pred, mode="spider_ts").match
    assert main(["data", "pull", "spider", "--test-suite", "--url", url, "--quiet"]) == 0
    assert "already installed" in capsys.readouterr().err


def test_data_list(server, root, capsys):
    pull("spider", url=serve(server, "/s.zip", spider_zip()), progress=False, say=lambda m: None)
    pull("bird", url=serve(server, "/d.zip", bird_dev_zip()), progress=False, say=lambda m: None)
    assert main(["data", "list", "--json"]) == 0
    entries = {e["name"]: e for e in json.loads(capsys.readouterr().out)}
    assert set(entries) == {"demo", "spider", "bird", "sql_create_context", "kaggledbqa"}
    assert entries["demo"]["status"] == "bundled"
    assert entries["demo"]["splits"] == {"train": 122, "test": 40, "fit": 92, "val": 30}
    assert entries["spider"]["status"] == "present" and entries["spider"]["path"] == str(root / "spider")
    assert entries["spider"]["splits"]["train"] == 5 and entries["spider"]["splits"]["dev"] == 3
    assert entries["spider"]["splits"]["fit"] + entries["spider"]["splits"]["val"] == 5
    assert entries["bird"]["splits"] == {"dev": 4} and entries["bird"]["parts"] == ["dev"]
    assert entries["kaggledbqa"]["status"] == "absent"
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert f"data root: {root}" in out and "(sqlrl data pull kaggledbqa)" in out
    assert re.search(r"spider +present +train 5, dev 3", out)


# ----- sql-create-context ----------------------------------------------------------------------

def _context_rows(n: int) -> list[dict]:
    return [{"question": f"How many heads of department are older than {i}?",
             "context": f"CREATE TABLE head_{i % 97} (age INTEGER)",
             "answer": f"SELECT COUNT(*) FROM head_{i % 97} WHERE age > {i}"} for i in range(n)]


def test_create_context_split_is_deterministic_and_keeps_schemas_apart():
    from datasets import Dataset

    ds = Dataset.from_list(_context_rows(2000))  # what the hub gives: one `train` split, no db_id
    train, val = split_create_context(ds)
    assert len(train) + len(val) == 2000 and 0 < len(val) < 300
    assert not {x["context"] for x in train} & {x["context"] for x in val}
    assert split_create_context(reversed(list(ds))) == (train[::-1], val[::-1])  # order-free
    with pytest.raises(UserError, match="item 1 has no text field 'answer'"):
        split_create_context([_context_rows(1)[0], {"question": "q", "context": "c"}])


def test_create_context_from_a_mirror_then_load(server, root):
    body = json.dumps(_context_rows(400)).encode()
    url = serve(server, "/sql_create_context_v4.json", body, "application/json")
    pull("sql_create_context", url=url, progress=False, say=lambda m: None)
    train, val = load_dataset("sql_create_context", "train"), load_dataset("sql_create_context", "val")
    assert len(train) + len(val) == 400 and len(val) > 0
    assert set(train["db_source"]) == {"built_from_context"}


def test_create_context_from_the_hub_fails_fast_offline(root, monkeypatch):
    import time

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    t = time.monotonic()
    with pytest.raises(UserError) as e:
        pull("sql_create_context", progress=False, say=lambda m: None)
    assert time.monotonic() - t < 5
    assert "b-mc2/sql-create-context" in str(e.value) and "--from sql_create_context_v4.json" in str(e.value)
    assert not (root / "sql_create_context").exists() and leftovers(root) == []
