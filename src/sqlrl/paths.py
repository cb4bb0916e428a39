"""Where sqlrl keeps things on disk: one cache root, one data root.

`$SQLRL_HOME` (default `~/.cache/sqlrl`) holds the model cache (`models/`), databases built
from bundled sources (`build/`) and, unless `$SQLRL_DATA_DIR` says otherwise, the datasets
that `sqlrl data pull` installs (`data/<name>`). Nothing else in sqlrl decides a location.
"""

from __future__ import annotations

import os
from pathlib import Path


def sqlrl_home() -> Path:
    """Root of sqlrl's cache (`$SQLRL_HOME`, default `~/.cache/sqlrl`)."""
    return Path(os.environ.get("SQLRL_HOME") or Path.home() / ".cache" / "sqlrl").expanduser()


def data_root() -> Path:
    """Folder holding one subfolder per pulled dataset: `$SQLRL_DATA_DIR`, else `$SQLRL_HOME/data`."""
    env = os.environ.get("SQLRL_DATA_DIR")
    return Path(env).expanduser() if env else sqlrl_home() / "data"


def build_dir(name: str) -> Path:
    """Folder for files sqlrl builds itself from bundled sources (demo databases, context schemas)."""
    return sqlrl_home() / "build" / name
