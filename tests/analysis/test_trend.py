"""Trends: closed-form weighted least squares by hand, the scale floor, segments at breaks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.trend import trend

YEARS = [2017, 2018, 2019, 2020]
SE = [1.0, 1.0, 0.5, 0.5]  # weights w = 1/se² = [1, 1, 4, 4]


def series(years: list[int], values: list[float], se: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"year": years, "value": values, "se": se})


def test_wls_slope_by_hand_scale_below_one_is_floored() -> None:
    # x = year − 2017 = [0, 1, 2, 3], w = [1, 1, 4, 4], y = [60, 61, 63, 63.5]
    # Σw = 10; x̄ = (0 + 1 + 8 + 12)/10 = 2.1; ȳ = (60 + 61 + 252 + 254)/10 = 62.7
    # dx = [−2.1, −1.1, −0.1, 0.9]; dy = [−2.7, −1.7, 0.3, 0.8]
    # S_xx = 4.41 + 1.21 + 4·0.01 + 4·0.81 = 8.9
    # S_xy = 5.67 + 1.87 + 4·(−0.03) + 4·0.72 = 10.3 → slope = 10.3 / 8.9 = 1.1573034
    # Σw dy² = 7.29 + 2.89 + 4·0.09 + 4·0.64 = 13.1; SSR = 13.1 − 10.3²/8.9 = 1.1797753
    # s² = SSR/(n − 2) = 0.5898876 < 1 → floored: se = √(1/8.9) = 0.3352007
    out = trend(series(YEARS, [60, 61, 63, 63.5], SE), breaks=())
    assert len(out) == 1
    row = out.iloc[0]
    assert (row["segment_start"], row["segment_end"], row["n_years"]) == (2017, 2020, 4)
    assert row["slope"] == pytest.approx(10.3 / 8.9)
    assert row["slope_se"] == pytest.approx(math.sqrt(1 / 8.9))
    # t = 1.1573034 / 0.3352007 = 3.4525; t_{0.975,2} = 4.3026527 → CI (−0.2850, 2.5996), p ≈ 0.0746
    assert row["slope_ci_low"] == pytest.approx(10.3 / 8.9 - 4.3026527 * math.sqrt(1 / 8.9), abs=1e-6)
    assert row["p_value"] == pytest.approx(0.07461, abs=1e-4)
    assert row["verdict"] == "flat" and not row["significant"]
    assert not row["spans_break"]


def test_wls_slope_by_hand_scale_above_one_is_used() -> None:
    # y = [60, 64, 62, 65]; ȳ = (60 + 64 + 248 + 260)/10 = 63.2; dy = [−3.2, 0.8, −1.2, 1.8]
    # S_xy = 6.72 − 0.88 + 4·0.12 + 4·1.62 = 12.8 → slope = 12.8/8.9 = 1.4382022
    # Σw dy² = 10.24 + 0.64 + 4·1.44 + 4·3.24 = 29.6; SSR = 29.6 − 12.8²/8.9 = 11.1910112
    # s² = 11.1910112/2 = 5.5955056 > 1 → se = √(5.5955056/8.9) = 0.7929115
    # t = 1.8138 with 2 df → p = 0.21138: four years of "rising" 1.4 points a year is not a trend
    values = [60, 64, 62, 65]
    row = trend(series(YEARS, values, SE), breaks=()).iloc[0]
    assert row["slope"] == pytest.approx(12.8 / 8.9)
    assert row["slope_se"] == pytest.approx(math.sqrt((29.6 - 12.8**2 / 8.9) / 2 / 8.9))
    assert row["p_value"] == pytest.approx(0.21138, abs=1e-4)
    assert row["verdict"] == "flat"
    # same as statsmodels WLS with its own (unfloored) scale, since s² > 1 here
    fit = sm.WLS(
        np.array(values, float), sm.add_constant(np.array(YEARS, float)), weights=1 / np.array(SE) ** 2
    ).fit()
    assert row["slope"] == pytest.approx(fit.params[1])
    assert row["slope_se"] == pytest.approx(fit.bse[1])
    low, high = fit.conf_int()[1]
    assert (row["slope_ci_low"], row["slope_ci_high"]) == (pytest.approx(low), pytest.approx(high))


def test_clear_rise_is_rising_and_fall_is_falling() -> None:
    years = [2017, 2018, 2019, 2020, 2021]
    se = [0.5] * 5
    up = trend(series(years, [60, 62.1, 63.9, 66.2, 68.0], se)).iloc[0]
    assert up["verdict"] == "rising" and up["significant"]
    down = trend(series(years, [68, 66.1, 63.9, 62.2, 60.0], se)).iloc[0]
    assert down["verdict"] == "falling"


def test_segments_split_at_breaks() -> None:
    years = list(range(2017, 2026))
    values = [60, 61, 62, 63, 64, 70, 71, 72, 73]
    out = trend(series(years, values, [0.5] * len(years)), breaks=(2022,))
    assert out[["segment_start", "segment_end", "n_years"]].values.tolist() == [
        [2017, 2021, 5],
        [2022, 2025, 4],
    ]
    # the jump 64 → 70 at the break does not enter any slope: each segment rises exactly 1 a year
    np.testing.assert_allclose(out["slope"], [1.0, 1.0])
    assert not out["spans_break"].any()


def test_too_few_years_and_missing_se() -> None:
    years = [2019, 2020, 2021, 2022, 2023]
    values = [60, 61, 62, 70, 71]
    se = [0.5, np.nan, 0.5, 0.5, 0.5]  # 2020 published-only: no se, not usable
    out = trend(series(years, values, se), breaks=(2022,))
    assert out["verdict"].tolist() == ["too_few_years", "too_few_years"]
    assert out["n_years"].tolist() == [2, 2]
    assert out["slope"].isna().all()


def test_break_outside_range_and_unsorted_input() -> None:
    s = series([2020, 2018, 2019], [62, 60, 61], [1, 1, 1])
    out = trend(s, breaks=(2010, 2030))
    assert len(out) == 1 and out.iloc[0]["slope"] == pytest.approx(1.0)
    # a perfect fit has s² = 0 → floored at 1: se = √(1/S_xx) = √(1/2)
    assert out.iloc[0]["slope_se"] == pytest.approx(math.sqrt(0.5))


def test_duplicate_years_rejected() -> None:
    with pytest.raises(ValueError):
        trend(series([2018, 2018, 2019], [1, 2, 3], [1, 1, 1]))
