"""Trends over several waves of one unit x index, never across a methodology break.

Years are split into segments at each break year (a break year starts a new segment: with breaks
(2022,), 2017–2021 and 2022 onwards are separate). A trend is fitted within a segment only, so every
output row has spans_break = False: a slope across a methodology change would mix a change in the
measuring instrument with a change in satisfaction.

Within a segment with n ≥ 3 years that have a value and a positive se, weighted least squares
    value_i = a + b · year_i + e_i,   w_i = 1 / se_i²
    b̂ = Σ w_i (x_i − x̄_w)(y_i − ȳ_w) / S_xx,   S_xx = Σ w_i (x_i − x̄_w)²   (x̄_w, ȳ_w weighted means)
Yearly values vary beyond their sampling error (real year-to-year shocks), so the covariance uses the
estimated residual scale, but never less than pure sampling error:
    s² = Σ w_i r_i² / (n − 2),   Var(b̂) = max(1, s²) / S_xx
CI b̂ ± t_{0.975, n−2} · se(b̂); p-value two-sided from t_{n−2}.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

MIN_YEARS = 3
TREND_COLUMNS = [
    "segment_start", "segment_end", "n_years", "slope", "slope_se", "slope_ci_low", "slope_ci_high",
    "p_value", "significant", "verdict", "spans_break",
]  # fmt: skip


def _fit(years: np.ndarray, values: np.ndarray, se: np.ndarray) -> tuple[float, float]:
    """WLS slope and its standard error with the residual scale floored at 1."""
    import statsmodels.api as sm  # imported here: 1.5–2 s that pages without models should not pay

    design = sm.add_constant(years - years.mean())
    fit = sm.WLS(values, design, weights=1.0 / se**2).fit()
    cov = fit.normalized_cov_params * max(1.0, float(fit.scale))
    return float(fit.params[1]), float(np.sqrt(cov[1, 1]))


def trend(series: pd.DataFrame, *, breaks: Iterable[int] = (2022,), alpha: float = 0.05) -> pd.DataFrame:
    """Slope per year within each segment between methodology breaks (formulas in the module docstring).

    `series`: year, value, se for one unit and one index (one row per year). One output row per segment
    that has any year in `series`: segment_start / segment_end (first / last year present), n_years
    (years with a value and se > 0), slope (points per year), slope_se, slope_ci_low / slope_ci_high,
    p_value, significant (p < alpha), verdict 'rising' / 'falling' / 'flat', or 'too_few_years' (fewer
    than 3 usable years: no slope), spans_break (always False).
    """
    if series["year"].duplicated().any():
        raise ValueError("trend() needs one row per year (one unit, one index)")
    frame = series[["year", "value", "se"]].sort_values("year")
    cuts = np.array(sorted(set(int(b) for b in breaks)))
    years_all = frame["year"].to_numpy(dtype=int)
    segment = np.searchsorted(cuts, years_all, side="right")  # breaks at or before the year
    rows = []
    for seg in np.unique(segment):
        part = frame[segment == seg]
        value = part["value"].to_numpy(dtype=float)
        se = part["se"].to_numpy(dtype=float)
        usable = np.isfinite(value) & np.isfinite(se) & (se > 0)
        n = int(usable.sum())
        row = {
            "segment_start": int(part["year"].min()),
            "segment_end": int(part["year"].max()),
            "n_years": n,
            "slope": np.nan,
            "slope_se": np.nan,
            "slope_ci_low": np.nan,
            "slope_ci_high": np.nan,
            "p_value": np.nan,
            "significant": False,
            "verdict": "too_few_years",
            "spans_break": False,
        }
        if n >= MIN_YEARS:
            years = part["year"].to_numpy(dtype=float)[usable]
            slope, slope_se = _fit(years, value[usable], se[usable])
            dof = n - 2
            t_crit = stats.t.ppf(0.975, dof)
            # slope_se > 0 always: the scale is floored at 1 and S_xx is finite (distinct years)
            p_value = float(2.0 * stats.t.sf(abs(slope) / slope_se, dof))
            significant = p_value < alpha
            row.update(
                slope=slope,
                slope_se=slope_se,
                slope_ci_low=slope - t_crit * slope_se,
                slope_ci_high=slope + t_crit * slope_se,
                p_value=p_value,
                significant=significant,
                verdict=("rising" if slope > 0 else "falling") if significant else "flat",
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=TREND_COLUMNS)
