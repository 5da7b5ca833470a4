"""Content objects built from the session's demo database."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.scope import ADMIN, Scope
from content.filters import Filters
from content.source import StoreKey


@pytest.fixture(scope="session")
def store_key(demo_db_path: Path) -> StoreKey:
    """The database version key of the demo database (what the app pins for a script run)."""
    path = demo_db_path.resolve()
    return str(path), path.stat().st_mtime


def make_filters(lang: str, year: int, unit_id: str = "VN", geo: str = "63", scope: Scope = ADMIN) -> Filters:
    """Filters as the sidebar makes them for the demo (generated data; 2025 only on the 34-province map),
    for a viewer of `scope` (default: an administrator, who sees everything; tests/access checks the
    others)."""
    methodology = "sipas_2017" if year < 2022 else ("sipas_2022" if year == 2022 else "sipas_2023")
    return Filters(
        lang=lang,
        year=year,
        geo=geo,
        unit_id=unit_id,
        level="province34" if geo == "34" else "province",
        reaggregated=geo == "34" and year < 2025,
        data_kind="generated",
        methodology_id=methodology,
        scope=scope,
    )
