"""Access tests: a private access database per test (accounts, sign-in state, audit log) and the demo
survey database for the readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.source import StoreKey


@pytest.fixture()
def access_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh access database file for this test ($SIPAS_ACCESS_DB)."""
    path = tmp_path / "access.duckdb"
    monkeypatch.setenv("SIPAS_ACCESS_DB", str(path))
    return path


@pytest.fixture(scope="session")
def store_key(demo_db_path: Path) -> StoreKey:
    """The database version key of the demo database."""
    path = demo_db_path.resolve()
    return str(path), path.stat().st_mtime
