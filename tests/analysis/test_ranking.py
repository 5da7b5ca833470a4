"""Ranks with simulation intervals, tiers, gaps, suppression, and statistical ties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.ranking import rank_units, tied_with


def results(rows: list[tuple], index_code: str = "overall") -> pd.DataFrame:
    """rows: (unit_id, value, se[, flags])."""
    rows = [r if len(r) == 4 else (*r, "") for r in rows]
    out = pd.DataFrame(rows, columns=["unit_id", "value", "se", "flags"])
    out.insert(0, "year", 2024)
    out.insert(2, "grp", "")
    out.insert(3, "index_code", index_code)
    return out


def test_far_ahead_unit_has_certain_first_place() -> None:
    frame = results([("lead", 95.0, 0.5), ("b", 70.0, 1.5), ("c", 70.5, 1.5), ("d", 69.0, 1.5)])
    out = rank_units(frame).set_index("unit_id")
    assert (out.loc["lead", "rank"], out.loc["lead", "rank_low"], out.loc["lead", "rank_high"]) == (1, 1, 1)
    # the three close units share places 2–4
    for unit in ("b", "c", "d"):
        assert out.loc[unit, "rank_low"] == 2 and out.loc[unit, "rank_high"] == 4
    assert (out["rank_of"] == 4).all()


def test_identical_units_get_identical_overlapping_intervals_and_shared_rank() -> None:
    frame = results([("x", 80.0, 1.0), ("y", 80.0, 1.0), ("z", 60.0, 1.0)])
    out = rank_units(frame, seed=3).set_index("unit_id")
    assert out.loc["x", "rank"] == out.loc["y", "rank"] == 1  # tie shares the best rank
    assert out.loc["z", "rank"] == 3
    assert (out.loc["x", "rank_low"], out.loc["x", "rank_high"]) == (1, 2)
    assert (out.loc["y", "rank_low"], out.loc["y", "rank_high"]) == (1, 2)


def test_ties_share_min_rank_tier_and_gaps() -> None:
    # values 90, 85, 85, 80, 75, 70, 70, 60 → ranks 1, 2, 2, 4, 5, 6, 6, 8 ('min')
    values = [90, 85, 85, 80, 75, 70, 70, 60]
    frame = results([(f"u{i}", v, 0.0) for i, v in enumerate(values)])
    out = rank_units(frame, target=80.0).set_index("unit_id")
    assert out["rank"].tolist() == [1, 2, 2, 4, 5, 6, 6, 8]
    # tier = ⌈4·rank/8⌉: rank 1,2 → 1; 4 → 2; 5,6 → 3; 8 → 4
    assert out["tier"].tolist() == [1, 1, 1, 2, 3, 3, 3, 4]
    # se = 0 everywhere: intervals collapse to the point rank
    assert (out["rank_low"] == out["rank"]).all() and (out["rank_high"] == out["rank"]).all()
    assert out.loc["u3", "gap_to_target"] == 0.0 and out.loc["u7", "gap_to_target"] == -20.0
    assert out.loc["u7", "gap_to_best"] == -30.0


def test_lower_is_better() -> None:
    frame = results([("a", 10.0, 0.0), ("b", 5.0, 0.0), ("c", 20.0, 0.0)])
    out = rank_units(frame, higher_is_better=False).set_index("unit_id")
    assert out["rank"].to_dict() == {"b": 1, "a": 2, "c": 3}
    assert out.loc["c", "gap_to_best"] == 15.0


def test_suppressed_listed_last_and_published_held_fixed() -> None:
    frame = results(
        [
            ("a", 80.0, 1.0, ""),
            ("hidden", np.nan, np.nan, "suppressed"),
            ("pub", 75.0, np.nan, "published"),
            ("b", 70.0, 1.0, ""),
        ]
    )
    out = rank_units(frame)
    assert out["unit_id"].tolist() == ["a", "pub", "b", "hidden"]
    hidden = out.iloc[-1]
    assert pd.isna(hidden["rank"]) and pd.isna(hidden["rank_low"]) and hidden["flags"] == "suppressed"
    assert (out["rank_of"] == 3).all()
    assert out.iloc[1]["flags"] == "published"


def test_no_se_anywhere_gives_no_interval() -> None:
    frame = results([("a", 80.0, np.nan, "published"), ("b", 70.0, np.nan, "published")])
    out = rank_units(frame)
    assert out["rank"].tolist() == [1, 2]
    assert out["rank_low"].isna().all() and out["rank_high"].isna().all()


def test_deterministic_for_seed_and_filters_index() -> None:
    rng = np.random.default_rng(1)
    rows = [(f"p{i:02d}", float(v), 1.5) for i, v in enumerate(rng.uniform(60, 90, 30))]
    frame = pd.concat([results(rows), results(rows, "domain:policy").assign(value=50.0)])
    first = rank_units(frame, seed=7)
    pd.testing.assert_frame_equal(first, rank_units(frame, seed=7))
    assert len(first) == 30 and (first["index_code"] == "overall").all()


def test_tied_with_by_hand() -> None:
    frame = results([("ref", 80.0, 1.0), ("near", 82.0, 1.5), ("far", 86.0, 1.0), ("pub", 80.0, np.nan)])
    out = tied_with(frame, "ref")
    # near: d = 2, se = √(1 + 2.25) = 1.8027756, z = 1.1094004, p = 2·(1 − Φ(1.1094)) = 0.2672575
    # far:  d = 6, se = √2 = 1.4142136, z = 4.2426407, p = 2.2e−5 → not tied; pub has no se → left out
    assert out["unit_id"].tolist() == ["near"]
    row = out.iloc[0]
    assert row["difference"] == pytest.approx(2.0)
    assert row["difference_se"] == pytest.approx(math.sqrt(3.25))
    assert row["p_value"] == pytest.approx(0.2672575, abs=1e-6)


def test_tied_with_reference_without_se_is_empty() -> None:
    frame = results([("ref", 80.0, np.nan), ("near", 82.0, 1.5)])
    assert tied_with(frame, "ref").empty
    with pytest.raises(KeyError):
        tied_with(frame, "nobody")


# --- properties ----------------------------------------------------------------------------------

unit_lists = st.lists(
    st.tuples(
        st.sampled_from([60.0, 65.0, 70.0, 70.5, 75.0, 80.0]) | st.floats(min_value=0, max_value=100),
        st.floats(min_value=0, max_value=10) | st.just(np.nan),
    ),
    min_size=1,
    max_size=25,
)


@given(unit_lists, st.integers(min_value=0, max_value=5), st.booleans())
@settings(max_examples=80, deadline=None)
def test_rank_interval_contains_point_rank(rows: list[tuple], seed: int, higher: bool) -> None:
    frame = results([(f"u{i}", v, s) for i, (v, s) in enumerate(rows)])
    out = rank_units(frame, n_sim=200, seed=seed, higher_is_better=higher)
    with_interval = out[out["rank_low"].notna()]
    assert (with_interval["rank_low"] <= with_interval["rank"]).all()
    assert (with_interval["rank"] <= with_interval["rank_high"]).all()
    assert (out["rank_low"] >= 1).all() and (out["rank_high"] <= len(rows)).all()


@given(unit_lists)
@settings(max_examples=80, deadline=None)
def test_zero_se_collapses_interval_to_point_rank(rows: list[tuple]) -> None:
    frame = results([(f"u{i}", v, 0.0 * s if not np.isnan(s) else 0.0) for i, (v, s) in enumerate(rows)])
    out = rank_units(frame, n_sim=50)
    assert (out["rank_low"] == out["rank"]).all()
    assert (out["rank_high"] == out["rank"]).all()


def test_interval_widened_to_contain_point_rank() -> None:
    # a fixed unit at 50.0 just ahead of 40 very uncertain units at 49.9 (se 10): point rank 1, but in
    # the draws about half the others pass it, so the raw percentiles sit near rank 21 (≈ 14–28).
    # The interval is widened to reach the point rank: (1, high) with high well above 1.
    frame = results([("fixed", 50.0, 0.0)] + [(f"u{i:02d}", 49.9, 10.0) for i in range(40)])
    row = rank_units(frame).set_index("unit_id").loc["fixed"]
    assert row["rank"] == 1 and row["rank_low"] == 1
    assert row["rank_high"] > 20


def test_rank_many_matches_rank_units_per_index() -> None:
    from analysis.ranking import rank_many

    rng = np.random.default_rng(3)
    rows = []
    for code in ("overall", "element:a", "element:b"):
        for u in range(12):
            value = np.nan if (code == "element:b" and u == 4) else 70 + rng.normal(0, 5)
            rows.append({"unit_id": f"U{u:02d}", "grp": "", "index_code": code, "value": value, "se": 1.5})
    frame = pd.DataFrame(rows)
    many = rank_many(frame).set_index(["index_code", "unit_id"])
    for code in ("overall", "element:a", "element:b"):
        single = rank_units(frame, code).set_index("unit_id")
        block = many.loc[code]
        assert (block["rank"].fillna(-1) == single["rank"].reindex(block.index).fillna(-1)).all()
        assert (block["rank_of"] == (11 if code == "element:b" else 12)).all()
        # different draws (one simulation for all indices) but the same distribution
        ok = block["rank_low"].notna()
        assert (abs(block.loc[ok, "rank_low"] - single.loc[block.index[ok], "rank_low"]) <= 2).all()
    assert pd.isna(many.loc[("element:b", "U04"), "rank"])


def test_tier_of_and_tier_span() -> None:
    from analysis.ranking import tier_of, tier_span

    # ⌈4·rank/63⌉: 1..15 → 1, 16 → 2 (4·16/63 = 1.02), 63 → 4
    assert [tier_of(r, 63) for r in (1, 15, 16, 32, 47, 48, 63)] == [1, 1, 2, 3, 3, 4, 4]
    assert tier_of(12, 34, groups=3) == 2  # ⌈3·12/34⌉ = ⌈1.06⌉
    assert tier_span(3, 12, 34) == (1, 2)
    assert tier_span(1, 5, 63) == (1, 1)
    with pytest.raises(ValueError):
        tier_of(1, 0)
