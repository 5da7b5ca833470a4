"""Markers of the boundary-layer tests."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "rebuild: rebuilds the province layer with `npm pack` from the npm registry (skipped without npm or "
        "registry; deselect with -m 'not rebuild')",
    )
