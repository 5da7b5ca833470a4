"""Shared fixtures: one real demo DuckDB file per test session, built by the same code as `make run`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("SIPAS_SHARED_DIR", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a freshly built full-scale demo database (read-only use only)."""
    from data.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "sipas_demo.duckdb"
    build_demo(path)
    return path
