"""Published figures: the vendored CSVs equal the shared originals; every row keeps its source."""

from __future__ import annotations

import pytest

from reference.published import PUBLISHED_DIR, element_rows, national_rows
from tests.conftest import SHARED_DIR


@pytest.mark.parametrize("path", sorted(PUBLISHED_DIR.glob("*.csv")), ids=lambda p: p.name)
def test_vendored_copy_matches_shared(path) -> None:
    original = SHARED_DIR / "domain" / "published" / path.name
    if not original.exists():
        pytest.skip(f"shared material not present at {original}")
    assert path.read_bytes() == original.read_bytes()


def test_national_rows_carry_values_and_sources() -> None:
    rows = national_rows()
    years = {r["year"] for r in rows if r["index_code"] == "overall"}
    assert years == {2018, 2019, 2020, 2022, 2023, 2024}
    assert all(r["source"] for r in rows + element_rows())
