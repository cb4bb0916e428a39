"""Shared test fixtures. Real data lives in ../shared/data beside the repository (never copied in)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("SQLRL_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    assert SHARED_DATA.is_dir(), f"real data expected at {SHARED_DATA} (set SQLRL_SHARED_DATA)"
    return SHARED_DATA


@pytest.fixture(scope="session")
def spider_dir(shared_data) -> Path:
    return shared_data / "spider"
