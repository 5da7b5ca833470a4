"""The engine on the real demo store: suppression, pooling, re-aggregation, published-only path, drivers."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import engine
from analysis.drivers import key_drivers
from demo import DRIVER_TRUTH
from store.db import connect_read_only


@pytest.fixture(scope="module")
def con(demo_db_path):
    connection = connect_read_only(demo_db_path)
    yield connection
    connection.close()


def test_suppression_below_min_n_cannot_be_bypassed(con) -> None:
    result = engine.compute_indices(con, 2024, "province", breakdown="service_field", min_n=45)
    small = result[result["n"] < 45]
    assert len(small) > 0
    assert small["value"].isna().all() and small["ci_low"].isna().all() and small["se"].isna().all()
    assert small["flags"].str.contains("suppressed").all()
    big = result[result["n"] >= 45]
    assert big["value"].notna().all() and not big["flags"].str.contains("suppressed").any()


def test_pooling_adjacent_years_of_the_same_design(con) -> None:
    single = engine.compute_indices(con, 2024, "province")
    pooled = engine.compute_indices(con, 2024, "province", pool_years=[2023, 2024])
    one = single.set_index(["unit_id", "index_code"]).loc[("P63-01", "overall")]
    two = pooled.set_index(["unit_id", "index_code"]).loc[("P63-01", "overall")]
    assert two["n"] > one["n"] * 1.8 and two["se"] < one["se"]
    assert "pooled" in two["flags"]
    with pytest.raises(ValueError, match="different survey designs"):
        engine.compute_indices(con, 2022, "province", pool_years=[2021, 2022])


def test_reaggregated_34_provinces_are_flagged_and_consistent(con) -> None:
    old = engine.compute_indices(con, 2024, "province")
    new = engine.compute_indices(con, 2024, "province34")
    assert new["unit_id"].str.startswith("P34-").all() and new["unit_id"].nunique() == 34
    assert new["flags"].str.contains("reaggregated").all()
    # Tuyên Quang (34) = old Tuyên Quang + Hà Giang: its n is the sum, its value between theirs
    n_old = old[(old["index_code"] == "overall") & old["unit_id"].isin(["P63-02", "P63-08"])]
    merged = new[(new["index_code"] == "overall") & (new["unit_id"] == "P34-08")].iloc[0]
    assert merged["n"] == n_old["n"].sum()
    assert n_old["value"].min() <= merged["value"] <= n_old["value"].max()
    national = engine.compute_indices(con, 2024, "national")
    assert set(national["unit_id"]) == {"VN"}


def test_mean_score_variant_is_on_0_100(con) -> None:
    mean = engine.compute_indices(con, 2024, "national", measure="mean")
    share = engine.compute_indices(con, 2024, "national")
    assert mean["value"].between(0, 100).all()
    assert not np.allclose(mean["value"], share["value"])


def test_published_path_has_no_invented_uncertainty(con) -> None:
    published = engine.results(con, 2023, "province", source="published")
    assert published["flags"].eq("published").all()
    assert published["se"].isna().all() and published["ci_low"].isna().all()
    row = published[(published["unit_id"] == "P63-22") & (published["index_code"] == "overall")].iloc[0]
    assert row["value"] == 90.61 and row["source"].startswith("http")
    # never averaged onto another geography
    assert engine.results(con, 2023, "province34", source="published").empty
    auto = engine.results(con, 2023, "province", source="auto")
    assert not auto["flags"].str.contains("published").any()  # microdata exist, so computed


def test_comparable_years_respect_the_2022_break(con) -> None:
    assert engine.comparable_years(con, 2023, 2024)
    assert engine.comparable_years(con, 2022, 2023)
    assert not engine.comparable_years(con, 2021, 2022)


def test_key_drivers_recover_the_planted_order(con) -> None:
    scores = engine.respondent_scores(con, 2020, "national", "VN")
    drivers = ["access", "procedure", "civil_servant", "result", "feedback"]
    result = key_drivers(scores, drivers)
    assert result.status == "ok" and result.n > 30_000
    order = result.table.sort_values("importance", ascending=False)["driver"].tolist()
    truth = sorted(drivers, key=lambda d: -DRIVER_TRUTH[d])
    assert set(order[:2]) == set(truth[:2])  # civil_servant, procedure
    assert "feedback" in order[-2:]
