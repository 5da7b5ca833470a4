"""Briefing packs and chart images built from the session's demo database (real kaleido, real Chromium)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from access.scope import ADMIN
from content.filters import Filters
from content.selection import filters_for
from content.source import StoreKey

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="session")
def store_key(demo_db_path: Path) -> StoreKey:
    """The database version key of the demo database."""
    path = demo_db_path.resolve()
    return str(path), path.stat().st_mtime


@pytest.fixture(scope="session")
def hanoi_2024(store_key: StoreKey) -> Filters:
    """Hà Nội in 2024 on the 63 provinces, in Vietnamese."""
    return filters_for(store_key, "vi", 2024, "P63-01", scope=ADMIN)
