"""Where each benchmark dataset comes from, and what `sqlrl data pull` must find inside it.

Every source is described here once, as data: the download address, the approximate size,
the SHA-256 (None where the publisher gives none, which is every public source today, so
nothing can be checked until a value is filled in here), the paths that must exist inside the
archive, how they map into `<data root>/<dataset>/`, and the license. `sqlrl.data.pull`
reads nothing else, so adding a mirror or a checksum is a one-line change.

Paths in `require` are relative to the archive's content root: the first folder, going down
through single top folders (`spider_data/`, `dev_20240627/`, `minidev/MINIDEV/`), where they
all exist. `a|b` accepts either; `*` matches within one folder level.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Part:
    """One file to download and install; a dataset has one or more (Spider's test suite, BIRD's splits)."""

    name: str
    url: str
    filename: str  # the file's name as published (downloads go to .downloads/<dataset>-<filename>)
    approx_size: str  # as the publisher states it, or "" when unknown
    sha256: str | None  # None: the publisher gives no checksum; the archive's is printed instead
    target: str = ""  # folder under <data root>/<dataset> it becomes ("": the dataset folder itself)
    require: tuple[str, ...] = ()
    unpack: tuple[str, ...] = ()  # archives inside the archive, unpacked in place (then removed)
    rename: tuple[tuple[str, str], ...] = ()  # (path in the archive, path in our layout)
    merge: bool = False  # add its files into the existing target instead of replacing it
    default: bool = True  # pulled without naming it
    manual: str = ""  # the page a person downloads it from, when `url` is not one to click
    hub: str = ""  # a Hugging Face dataset id: fetched through `datasets`, then converted
    description: str = ""


@dataclass(frozen=True)
class Source:
    """A dataset that `sqlrl data pull NAME` installs into `<data root>/NAME`."""

    name: str
    title: str
    license: str
    homepage: str
    parts: tuple[Part, ...]
    counts: dict = field(default_factory=dict)  # questions per file of the official release (docs)

    def part(self, name: str) -> Part:
        return next(p for p in self.parts if p.name == name)


def _gdrive(file_id: str) -> str:
    """Google Drive's direct-download form; `confirm=t` skips the large-file warning page."""
    return f"https://drive.usercontent.google.com/download?id={file_id}&export=download&confirm=t"


_BIRD = "https://bird-bench.oss-cn-beijing.aliyuncs.com"

SOURCES: dict[str, Source] = {
    "spider": Source(
        name="spider", title="Spider 1.0 (Yu et al., 2018)", license="CC BY-SA 4.0",
        homepage="https://yale-lily.github.io/spider",
        counts={"train_spider.json": 7000, "train_others.json": 1659, "dev.json": 1034, "test.json": 2147},
        parts=(
            Part(
                name="main", url=_gdrive("1403EGqzIDoHMdQF4c9Bkyl7dZLZ5Wt6J"), filename="spider_data.zip",
                approx_size="206 MB", sha256=None,
                # the official files keep their names: the loader reads train_spider.json as `train`
                require=("train_spider.json|train.json", "dev.json", "tables.json", "database/*/*.sqlite"),
                manual="https://drive.google.com/file/d/1403EGqzIDoHMdQF4c9Bkyl7dZLZ5Wt6J/view",
                description="questions, gold SQL, tables.json and one SQLite database per db_id",
            ),
            Part(
                name="test_suite", url=_gdrive("1mkCx2GOFIqNesD4y8TDAO1yX1QZORP5w"),
                filename="testsuitedatabases.zip", approx_size="1.27 GB", sha256=None,
                target="database", require=("*/*.sqlite",), merge=True, default=False,
                manual="https://drive.google.com/file/d/1mkCx2GOFIqNesD4y8TDAO1yX1QZORP5w/view "
                       "(linked from https://github.com/taoyds/test-suite-sql-eval)",
                description="test-suite-sql-eval's distilled databases, added beside each database/<db>/<db>.sqlite "
                            "(spider_ts comparison runs on all of them)",
            ),
        ),
    ),
    "bird": Source(
        name="bird", title="BIRD (Li et al., 2023)", license="CC BY-SA 4.0",
        homepage="https://bird-bench.github.io",
        counts={"dev.json": 1534, "train.json": 9428, "mini_dev_sqlite.json": 500},
        parts=(
            Part(
                name="dev", url=f"{_BIRD}/dev.zip", filename="dev.zip", approx_size="", sha256=None,
                target="dev", unpack=("dev_databases.zip",), require=("dev.json", "dev_databases/*/*.sqlite"),
                description="dev_20240627/: dev.json, dev_tables.json and dev_databases.zip (unpacked)",
            ),
            Part(
                name="minidev", url=f"{_BIRD}/minidev.zip", filename="minidev.zip", approx_size="",
                sha256=None, target="minidev", default=False, unpack=("dev_databases.zip",),
                require=("mini_dev_sqlite.json", "dev_databases/*/*.sqlite"),
                # the loader reads <split>.json and <split>_databases/: name them for the split `minidev`
                rename=(("mini_dev_sqlite.json", "minidev.json"), ("dev_databases", "minidev_databases")),
                description="minidev/MINIDEV/: 500 dev questions (SQLite version) over the dev databases",
            ),
            Part(
                name="train", url=f"{_BIRD}/train.zip", filename="train.zip", approx_size="", sha256=None,
                target="train", default=False, unpack=("train_databases.zip",),
                require=("train.json", "train_databases/*/*.sqlite"),
                description="train/: train.json, train_tables.json and train_databases.zip (unpacked)",
            ),
        ),
    ),
    "kaggledbqa": Source(
        name="kaggledbqa", title="KaggleDBQA (Lee et al., 2021)",
        license="not stated by the release (its databases come from Kaggle, each under its own terms)",
        homepage="https://github.com/chiahsuan156/KaggleDBQA",
        parts=(
            Part(
                # The GitHub repository holds only its README; the data is this archive, which it links.
                name="main", url="https://dbqapublic.blob.core.windows.net/dbqa/kaggle-dbqa-20210726.zip",
                filename="kaggle-dbqa-20210726.zip", approx_size="", sha256=None,
                require=("examples/*_test.json", "databases/*/*.sqlite"),
                description="kaggle-dbqa/: examples/<db>{,_fewshot,_test}.json, databases/, KaggleDBQA_tables.json",
            ),
        ),
    ),
    "sql_create_context": Source(
        name="sql_create_context", title="sql-create-context (b-mc2, 2023)", license="CC BY 4.0",
        homepage="https://huggingface.co/datasets/b-mc2/sql-create-context",
        counts={"sql_create_context_v4.json": 78577},
        parts=(
            Part(
                name="main", hub="b-mc2/sql-create-context",
                url="https://huggingface.co/datasets/b-mc2/sql-create-context/resolve/main/sql_create_context_v4.json",
                filename="sql_create_context_v4.json", approx_size="21.8 MB", sha256=None,
                description="one JSON list of {question, context, answer}; written as train.json and val.json",
            ),
        ),
    ),
}
