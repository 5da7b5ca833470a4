"""Stored results, ranks and group aggregates are exactly what estimation from the PSU aggregates and the raw
answers gives; databases without them (schema 2) fall back to estimating."""

from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis import engine, precompute
from analysis.ranking import rank_units
from store import queries, results
from store.db import connect_read_only

YEARS = [2019, 2023, 2024, 2025]
KEY = ["unit_id", "grp", "stratum_id", "psu_id", "item_code"]


@pytest.fixture(scope="module")
def con(demo_db_path):
    connection = connect_read_only(demo_db_path)
    yield connection
    connection.close()


@pytest.mark.parametrize("year", YEARS)
def test_stored_results_equal_estimation_at_every_level(con, year: int) -> None:
    stored_levels = {
        r[0] for r in con.execute("SELECT level FROM agg_result_set WHERE year = ?", [year]).fetchall()
    }
    assert stored_levels == set(precompute.LEVELS)
    for level in precompute.LEVELS:
        assert results.has_stored_results(con, year, level)
        stored = engine.compute_indices(con, year, level)
        estimated = engine.compute_indices(con, year, level, use_stored=False)
        pd.testing.assert_frame_equal(stored, estimated)
    # flags that follow from the wave are added when read: a generated wave says so on every row
    assert engine.compute_indices(con, year, "province")["flags"].str.startswith("generated").all()


def test_stored_results_carry_data_and_wave_flags(con) -> None:
    communes = engine.compute_indices(con, 2024, "commune")  # one PSU each: no variance estimate
    assert (communes["flags"] == "generated,single_psu").all() and communes["se"].isna().all()
    stored = con.execute("SELECT DISTINCT data_flags FROM agg_result WHERE year = 2024 AND level = 'commune'")
    assert stored.fetchall() == [("single_psu",)]  # the wave's own flags are not stored
    p34 = engine.compute_indices(con, 2024, "province34")
    assert p34["flags"].str.contains("reaggregated").all()
    assert not engine.compute_indices(con, 2025, "province34")["flags"].str.contains("reaggregated").any()


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("level", ["province", "province34"])
def test_stored_ranks_equal_simulated_ranks(con, year: int, level: str) -> None:
    stored = engine.ranks(con, year, level, "overall")
    simulated = rank_units(engine.compute_indices(con, year, level, use_stored=False), "overall")
    pd.testing.assert_frame_equal(stored, simulated)
    assert stored["rank_low"].notna().any()
    # an index without stored ranks is simulated on the spot, same as rank_units
    code = "element:access"
    frame = engine.compute_indices(con, year, level)
    if code in set(frame["index_code"]):
        pd.testing.assert_frame_equal(engine.ranks(con, year, level, code), rank_units(frame, code))


@pytest.mark.parametrize(
    ("breakdown", "level", "year"),
    [("sex", "national", 2019), ("age_group", "province34", 2024), ("channel", "province", 2024),
     ("service_field", "national", 2025)],
)  # fmt: skip
def test_group_aggregates_equal_raw_answers(con, breakdown: str, level: str, year: int) -> None:
    """The same SQL serves every breakdown; four cases cover both designs, both maps and the 34 view."""
    fast = queries.psu_item_stats(con, year, level, breakdown).sort_values(KEY).reset_index(drop=True)
    raw = queries.psu_item_stats(con, year, level, breakdown, use_aggregates=False)
    raw = raw.sort_values(KEY).reset_index(drop=True)
    assert len(fast) == len(raw) > 0
    pd.testing.assert_frame_equal(fast[KEY], raw[KEY], check_dtype=False)
    for column in ("n_valid", "w_valid", "w_pos", "w_score"):
        np.testing.assert_allclose(fast[column], raw[column], rtol=1e-12)
    totals = queries.respondent_totals(con, year, level, breakdown).sort_values(["unit_id", "grp"])
    totals_raw = queries.respondent_totals(con, year, level, breakdown, use_aggregates=False)
    pd.testing.assert_frame_equal(
        totals.reset_index(drop=True),
        totals_raw.sort_values(["unit_id", "grp"]).reset_index(drop=True),
        check_dtype=False,
        rtol=1e-12,
    )


def test_breakdowns_of_small_units_read_the_raw_answers(con) -> None:
    """Group aggregates keep province-derived levels only; a district breakdown still works, from raw."""
    frame = engine.compute_indices(con, 2024, "district", "sex")
    assert set(frame["grp"]) >= {"female", "male"}


def test_schema_2_database_falls_back_to_estimation(demo_db_path, tmp_path) -> None:
    path = tmp_path / "old.duckdb"
    shutil.copyfile(demo_db_path, path)
    with duckdb.connect(str(path)) as old:
        for table in (
            "agg_result",
            "agg_result_set",
            "agg_rank",
            "agg_psu_item_group",
            "agg_psu_respondent_group",
        ):
            old.execute(f"DROP TABLE {table}")
    with connect_read_only(path) as ro, connect_read_only(demo_db_path) as new:
        pd.testing.assert_frame_equal(
            engine.compute_indices(ro, 2024, "province"), engine.compute_indices(new, 2024, "province")
        )
        pd.testing.assert_frame_equal(
            engine.compute_indices(ro, 2024, "national", "sex"),
            engine.compute_indices(new, 2024, "national", "sex"),
            check_dtype=False,  # n: count(*) from the raw answers, a sum from the aggregates
        )
        pd.testing.assert_frame_equal(engine.ranks(ro, 2024, "province"), engine.ranks(new, 2024, "province"))
    # the upgrade command writes a new version with the tables added and the chosen wave stored again
    assert precompute.main(["--db", str(path), "--year", "2024"]) == 0
    assert path.is_symlink() and "refresh_results" in path.resolve().name
    with connect_read_only(path) as upgraded:
        assert results.has_stored_results(upgraded, 2024, "province")
        assert not results.has_stored_results(upgraded, 2023, "province")
        pd.testing.assert_frame_equal(
            engine.compute_indices(upgraded, 2024, "province"),
            engine.compute_indices(upgraded, 2024, "province", use_stored=False),
        )


def test_driver_scores_from_stored_rows_and_a_fixed_subsample(con) -> None:
    for level, unit in (("province", "P63-01"), ("province34", "P34-01"), ("national", "VN")):
        stored = queries.respondent_scores(con, 2024, level, unit)
        raw = queries.respondent_scores(con, 2024, level, unit, use_aggregates=False)
        pd.testing.assert_frame_equal(stored, raw, check_dtype=False)
    full = engine.respondent_scores(con, 2024, "province", "P63-01")
    assert "sampled_from" not in full.attrs
    assert "sampled_from" not in engine.respondent_scores(con, 2024, "province", "P63-01", len(full)).attrs
    sample = engine.respondent_scores(con, 2024, "province", "P63-01", max_respondents=200)
    again = engine.respondent_scores(con, 2024, "province", "P63-01", max_respondents=200)
    assert len(sample) == 200 and sample.attrs["sampled_from"] == len(full)
    pd.testing.assert_frame_equal(sample, again)  # the same subsample every time
    rows = full.set_index("resp_no").loc[sample["resp_no"]].reset_index()
    pd.testing.assert_frame_equal(sample.reset_index(drop=True), rows[sample.columns], check_dtype=False)
