"""Year-over-year change: hand-computed change, se, CI, p; Benjamini–Hochberg; verdicts; properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from analysis.change import benjamini_hochberg, published_style_counts, year_over_year


def frame(year: int, rows: list[tuple]) -> pd.DataFrame:
    """rows: (unit_id, value, se, df, flags) for index 'overall', no breakdown."""
    out = pd.DataFrame(rows, columns=["unit_id", "value", "se", "df", "flags"])
    out.insert(0, "year", year)
    out.insert(2, "grp", "")
    out.insert(3, "index_code", "overall")
    return out


CURRENT = frame(
    2024,
    [
        ("A", 70.0, 1.5, 20, "generated"),
        ("B", 64.0, 0.8, 30, "generated"),
        ("C", 75.0, 3.0, np.nan, ""),
        ("D", 72.0, np.nan, np.nan, "published"),
        ("E", np.nan, np.nan, np.nan, "suppressed"),
        ("F", 66.0, 1.0, 20, ""),  # new unit: no previous wave, no row
    ],
)
PREVIOUS = frame(
    2023,
    [
        ("A", 68.7, 1.5, 20, "generated"),
        ("B", 60.0, 0.8, 30, "generated"),
        ("C", 70.0, 4.0, 10, ""),
        ("D", 71.0, 1.0, 20, ""),
        ("E", 65.0, 1.2, 20, ""),
    ],
)


@pytest.fixture
def changes() -> pd.DataFrame:
    return year_over_year(CURRENT, PREVIOUS).set_index("unit_id")


def test_change_se_ci_p_by_hand(changes: pd.DataFrame) -> None:
    a = changes.loc["A"]
    # A: d = 70.0 − 68.7 = 1.3; se_d = √(1.5² + 1.5²) = √4.5 = 2.1213203
    # ν = (2.25 + 2.25)² / (2.25²/20 + 2.25²/20) = 20.25 / 0.50625 = 40
    # t_{0.975,40} = 2.0210754 → CI 1.3 ± 4.2873483 = (−2.9873483, 5.5873483)
    # t = 1.3 / 2.1213203 = 0.6128259 → p = 2·P(T40 > 0.6128) = 0.5434602
    assert a["year"] == 2024 and a["year_prev"] == 2023
    assert a["change"] == pytest.approx(1.3)
    assert a["change_se"] == pytest.approx(math.sqrt(4.5))
    assert a["change_df"] == pytest.approx(40.0)
    assert a["change_ci_low"] == pytest.approx(-2.9873483, abs=1e-6)
    assert a["change_ci_high"] == pytest.approx(5.5873483, abs=1e-6)
    assert a["p_value"] == pytest.approx(0.5434602, abs=1e-6)

    b = changes.loc["B"]
    # B: d = 4.0; se_d = √(0.64 + 0.64) = √1.28 = 1.1313708
    # ν = 1.28² / (0.64²/30 · 2) = 1.6384 / 0.0273067 = 60; t = 4 / 1.1313708 = 3.5355339 → p = 0.00079119
    assert b["change"] == pytest.approx(4.0)
    assert b["change_se"] == pytest.approx(math.sqrt(1.28))
    assert b["change_df"] == pytest.approx(60.0)
    assert b["p_value"] == pytest.approx(0.00079119, abs=1e-7)
    # t_{0.975,60} = 2.0002978 → CI 4 ± 2.2630786
    assert b["change_ci_low"] == pytest.approx(4.0 - 2.0002978 * math.sqrt(1.28), abs=1e-6)

    c = changes.loc["C"]
    # C: current df missing → normal. d = 5; se_d = √(9 + 16) = 5; z = 1 → p = 0.3173105
    # CI = 5 ± 1.959964 · 5 = (−4.79982, 14.79982)
    assert c["change_se"] == pytest.approx(5.0)
    assert math.isinf(c["change_df"])
    assert c["p_value"] == pytest.approx(0.3173105, abs=1e-6)
    assert c["change_ci_low"] == pytest.approx(-4.79982, abs=1e-5)
    assert c["change_ci_high"] == pytest.approx(14.79982, abs=1e-5)


def test_bh_within_family_and_verdicts(changes: pd.DataFrame) -> None:
    # family overall/'': testable A, B, C (D has no se, E suppressed); m = 3
    # sorted: B 0.00079119 (·3/1 = 0.00237357), C 0.3173105 (·3/2 = 0.4759658), A 0.5434602 (·3/3)
    assert changes.loc["B", "p_adjusted"] == pytest.approx(3 * 0.00079119, abs=1e-6)
    assert changes.loc["C", "p_adjusted"] == pytest.approx(0.4759658, abs=1e-6)
    assert changes.loc["A", "p_adjusted"] == pytest.approx(0.5434602, abs=1e-6)
    assert changes["verdict"].to_dict() == {
        "A": "no_change",
        "B": "up",
        "C": "no_change",
        "D": "no_uncertainty",
        "E": "suppressed",
    }
    assert "F" not in changes.index
    # published-only side: the change is reported, never tested
    d = changes.loc["D"]
    assert d["change"] == pytest.approx(1.0)
    assert np.isnan(d["change_se"]) and np.isnan(d["p_value"]) and np.isnan(d["change_ci_low"])
    assert not d["significant"]
    assert d["flags"] == "published"
    assert np.isnan(changes.loc["E", "change"])


def test_no_adjustment_keeps_raw_p() -> None:
    out = year_over_year(CURRENT, PREVIOUS, adjust=False)
    pd.testing.assert_series_equal(out["p_adjusted"], out["p_value"], check_names=False)


def test_not_comparable_reports_difference_without_test() -> None:
    out = year_over_year(CURRENT, PREVIOUS, comparable=False).set_index("unit_id")
    assert out.loc["B", "change"] == pytest.approx(4.0)
    assert out.loc[["A", "B", "C", "D"], "verdict"].eq("not_comparable").all()
    assert out.loc["E", "verdict"] == "suppressed"
    assert out[["change_se", "change_ci_low", "change_ci_high", "p_value", "p_adjusted"]].isna().all().all()
    assert not out["significant"].any()


def test_noise_versus_real_change() -> None:
    # +1.3 points with se 1.5 each year: z = 1.3/2.12 = 0.61 → within error
    # +4 points with se 0.8 each year: z = 4/1.13 = 3.54 → real rise
    cur = frame(2024, [("noise", 71.3, 1.5, 40, ""), ("real", 74.0, 0.8, 40, "")])
    prev = frame(2023, [("noise", 70.0, 1.5, 40, ""), ("real", 70.0, 0.8, 40, "")])
    out = year_over_year(cur, prev).set_index("unit_id")
    assert out.loc["noise", "verdict"] == "no_change"
    assert out.loc["real", "verdict"] == "up"
    swapped = year_over_year(prev, cur).set_index("unit_id")
    assert swapped.loc["real", "verdict"] == "down"


def test_families_are_index_and_group() -> None:
    cur = pd.concat([CURRENT.assign(index_code="domain:policy"), CURRENT.assign(grp="female")])
    prev = pd.concat([PREVIOUS.assign(index_code="domain:policy"), PREVIOUS.assign(grp="female")])
    out = year_over_year(cur, prev)
    alone = year_over_year(CURRENT, PREVIOUS)
    for _, family in out.groupby(["index_code", "grp"]):
        np.testing.assert_allclose(family["p_adjusted"].to_numpy(), alone["p_adjusted"].to_numpy())


def test_published_style_counts(changes: pd.DataFrame) -> None:
    counts = published_style_counts(changes.reset_index())
    # changes: A +1.3, B +4, C +5, D +1, E suppressed → 4 units, all "up" in the naive count
    assert counts == {
        "index_code": "overall",
        "n_units": 4,
        "naive_up": 4,
        "naive_down": 0,
        "naive_unchanged": 0,
        "significant_up": 1,
        "significant_down": 0,
        "within_error": 2,
        "not_tested": 1,
    }


def test_published_style_unchanged_threshold() -> None:
    cur = frame(2024, [("a", 70.004, 1, 20, ""), ("b", 69.99, 1, 20, ""), ("c", 70.0, 1, 20, "")])
    prev = frame(2023, [("a", 70.0, 1, 20, ""), ("b", 70.0, 1, 20, ""), ("c", 70.0, 1, 20, "")])
    counts = published_style_counts(year_over_year(cur, prev))
    # a: +0.004 (< 0.005 → unchanged), b: −0.01 (down), c: 0 (unchanged)
    assert (counts["naive_up"], counts["naive_down"], counts["naive_unchanged"]) == (0, 1, 2)
    assert counts["within_error"] == 3


# --- Benjamini–Hochberg -------------------------------------------------------------------------


def test_bh_textbook_vector() -> None:
    # p = [0.01, 0.04, 0.03, 0.005], m = 4; sorted 0.005, 0.01, 0.03, 0.04
    # m·p/i = 0.005·4/1 = 0.02, 0.01·4/2 = 0.02, 0.03·4/3 = 0.04, 0.04·4/4 = 0.04
    # running min from the top: 0.04, 0.04, 0.02, 0.02 → back in input order:
    p = [0.01, 0.04, 0.03, 0.005]
    np.testing.assert_allclose(benjamini_hochberg(p), [0.02, 0.04, 0.04, 0.02])
    np.testing.assert_allclose(benjamini_hochberg(p), multipletests(p, method="fdr_bh")[1])


def test_bh_step_up_nan_and_cap() -> None:
    # [0.02, NaN, 0.025]: m = 2; 0.02·2/1 = 0.04, 0.025·2/2 = 0.025 → step-up min: 0.025, 0.025
    np.testing.assert_allclose(benjamini_hochberg([0.02, np.nan, 0.025]), [0.025, np.nan, 0.025])
    # [0.6, 0.9]: 0.6·2/1 = 1.2 → min(1.2, 0.9) = 0.9; capped at 1 anyway
    np.testing.assert_allclose(benjamini_hochberg([0.6, 0.9]), [0.9, 0.9])
    np.testing.assert_allclose(benjamini_hochberg([0.7]), [0.7])
    assert benjamini_hochberg([]).shape == (0,)
    assert np.isnan(benjamini_hochberg([np.nan, np.nan])).all()


p_lists = st.lists(st.floats(min_value=0.0, max_value=1.0, allow_nan=False), min_size=1, max_size=60)


@given(p_lists)
@settings(max_examples=200, deadline=None)
def test_bh_properties(p: list[float]) -> None:
    raw = np.array(p)
    adjusted = benjamini_hochberg(raw)
    assert (adjusted >= raw - 1e-12).all()
    assert (adjusted <= 1.0).all()
    order = np.argsort(raw, kind="stable")
    assert (np.diff(adjusted[order]) >= -1e-12).all()  # order-preserving
    np.testing.assert_allclose(adjusted, multipletests(raw, method="fdr_bh")[1], rtol=1e-10, atol=1e-12)


@given(p_lists, st.lists(st.booleans(), min_size=60, max_size=60))
@settings(max_examples=100, deadline=None)
def test_bh_nan_is_excluded_from_m(p: list[float], holes: list[bool]) -> None:
    raw = np.array(p)
    raw[np.array(holes[: len(p)])] = np.nan
    adjusted = benjamini_hochberg(raw)
    finite = ~np.isnan(raw)
    assert np.array_equal(np.isnan(adjusted), ~finite)
    if finite.any():
        np.testing.assert_allclose(adjusted[finite], benjamini_hochberg(raw[finite]))


# --- antisymmetry --------------------------------------------------------------------------------

unit_rows = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=100),
        st.floats(min_value=0.01, max_value=5),
        st.floats(min_value=0, max_value=100),
        st.floats(min_value=0.01, max_value=5),
        st.one_of(st.just(np.nan), st.integers(min_value=1, max_value=200).map(float)),
    ),
    min_size=1,
    max_size=20,
)


@given(unit_rows)
@settings(max_examples=50, deadline=None)
def test_changes_antisymmetric(rows: list[tuple]) -> None:
    a = frame(2024, [(f"u{i}", v1, s1, df, "") for i, (v1, s1, _, _, df) in enumerate(rows)])
    b = frame(2023, [(f"u{i}", v2, s2, 30, "") for i, (_, _, v2, s2, _) in enumerate(rows)])
    forward = year_over_year(a, b)
    backward = year_over_year(b, a)
    np.testing.assert_allclose(forward["change"], -backward["change"])
    np.testing.assert_allclose(forward["change_se"], backward["change_se"])
    np.testing.assert_allclose(forward["p_value"], backward["p_value"])
    np.testing.assert_allclose(forward["p_adjusted"], backward["p_adjusted"])
    np.testing.assert_allclose(forward["change_ci_low"], -backward["change_ci_high"], atol=1e-9)
    flip = {"up": "down", "down": "up", "no_change": "no_change"}
    assert forward["verdict"].map(flip).tolist() == backward["verdict"].tolist()
