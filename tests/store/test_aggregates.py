"""The pre-computed PSU aggregates give exactly what the raw answers give, at every unit level."""

from __future__ import annotations

import pandas as pd
import pytest

from store import queries
from store.db import connect_read_only

LEVELS = ["national", "region", "province", "district", "commune", "province34"]
KEY = ["unit_id", "stratum_id", "psu_id", "item_code"]


@pytest.fixture(scope="module")
def con(demo_db_path):
    connection = connect_read_only(demo_db_path)
    yield connection
    connection.close()


@pytest.mark.parametrize("year", [2019, 2024, 2025])
@pytest.mark.parametrize("level", LEVELS)
def test_aggregates_equal_raw(con, level: str, year: int) -> None:
    fast = queries.psu_item_stats(con, year, level).sort_values(KEY).reset_index(drop=True)
    raw = (
        queries.psu_item_stats(con, year, level, use_aggregates=False).sort_values(KEY).reset_index(drop=True)
    )
    assert len(fast) == len(raw)
    assert (len(raw) == 0) == (level == "district" and year == 2025)  # no districts after 1 July 2025
    for column in ("n_valid", "w_valid", "w_pos", "w_score"):
        assert fast[column].to_numpy() == pytest.approx(raw[column].to_numpy(), rel=1e-12)
    totals_fast = queries.respondent_totals(con, year, level).sort_values("unit_id").reset_index(drop=True)
    totals_raw = (
        queries.respondent_totals(con, year, level, use_aggregates=False)
        .sort_values("unit_id")
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(totals_fast, totals_raw, check_dtype=False, rtol=1e-12)
