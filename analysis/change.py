"""Year-over-year change of index values, with the test that says whether a change is real.

For one unit x group x index, with the two waves as independent samples:
- change          d = θ_t − θ_{t−1}                                  (percentage points)
- standard error  se_d = √(se_t² + se_{t−1}²)
- degrees of freedom (Welch–Satterthwaite from the two design dfs)
                  ν = (se_t² + se_{t−1}²)² / (se_t⁴/df_t + se_{t−1}⁴/df_{t−1});  ν = ∞ (normal) when a df is missing
- 95% CI          d ± t_{0.975, ν} · se_d
- p-value         2 · P(T_ν > |d| / se_d)                            (two-sided)
- multiplicity    Benjamini–Hochberg over all units of the same index_code x grp (one family per table/map)

Verdicts are codes; pages map them to text:
'up' / 'down'      significant after adjustment, sign of d
'no_change'        within sampling error
'not_comparable'   the two waves straddle a methodology break: d is shown, never tested
'suppressed'       either value is hidden (too few respondents): no d
'no_uncertainty'   either side has no standard error (published-only figures, single PSU): d is shown,
                   no test and no claim of significance
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special  # t functions without importing all of scipy.stats

KEYS = ["unit_id", "grp", "index_code"]
CHANGE_COLUMNS = [
    "unit_id", "grp", "index_code", "year", "year_prev", "value", "value_prev", "change", "change_se",
    "change_df", "change_ci_low", "change_ci_high", "p_value", "p_adjusted", "significant", "verdict",
    "flags", "flags_prev",
]  # fmt: skip
VERDICTS = ("up", "down", "no_change", "not_comparable", "suppressed", "no_uncertainty")
UNCHANGED_POINTS = 0.005  # |change| below this counts as "unchanged" in the naive (published) count


def benjamini_hochberg(p_values: Sequence[float]) -> np.ndarray:
    """Benjamini–Hochberg step-up adjusted p-values.

    With the m non-missing p-values sorted ascending p_(1) ≤ … ≤ p_(m):
        p̃_(i) = min(1, min_{j ≥ i} m · p_(j) / j)
    The result is in the input order; NaN stays NaN and does not count towards m.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    finite = ~np.isnan(p)
    m = int(finite.sum())
    if m == 0:
        return out
    raw = p[finite]
    order = np.argsort(raw, kind="stable")
    scaled = raw[order] * m / np.arange(1, m + 1)
    stepped = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    out[finite] = adjusted
    return out


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["grp"] = out["grp"].astype(object).where(out["grp"].notna(), "")
    for column in ("se", "df"):
        if column not in out.columns:
            out[column] = np.nan
    if "flags" not in out.columns:
        out["flags"] = ""
    out["flags"] = out["flags"].astype(object).where(out["flags"].notna(), "")
    if "year" not in out.columns:
        out["year"] = pd.NA
    return out[[*KEYS, "year", "value", "se", "df", "flags"]]


def year_over_year(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    *,
    comparable: bool = True,
    alpha: float = 0.05,
    adjust: bool = True,
) -> pd.DataFrame:
    """Change from `previous` to `current` for every unit x group x index present in both frames.

    Inner join on unit_id, grp, index_code (a unit present in one wave only has no change). Formulas in
    the module docstring. `comparable=False` (waves straddle a methodology break) reports the difference
    with verdict 'not_comparable' and no se, CI, p-value or significance. `adjust=True` applies
    Benjamini–Hochberg within each index_code x grp family; otherwise p_adjusted = p_value.
    `significant` = p_adjusted < alpha (False when untested). Extra columns: change_df (ν, inf = normal),
    flags and flags_prev (passed through).
    """
    cur = _normalise(current)
    prev = _normalise(previous)
    out = cur.merge(prev, on=KEYS, how="inner", suffixes=("", "_prev"))

    value = out["value"].to_numpy(dtype=float)
    value_prev = out["value_prev"].to_numpy(dtype=float)
    se = out["se"].to_numpy(dtype=float)
    se_prev = out["se_prev"].to_numpy(dtype=float)
    df = out["df"].to_numpy(dtype=float)
    df_prev = out["df_prev"].to_numpy(dtype=float)

    change = value - value_prev
    suppressed = np.isnan(value) | np.isnan(value_prev)
    no_se = ~suppressed & (np.isnan(se) | np.isnan(se_prev))
    testable = ~suppressed & ~no_se & comparable

    var, var_prev = se**2, se_prev**2
    change_se = np.sqrt(var + var_prev)
    with np.errstate(divide="ignore", invalid="ignore"):
        ws_df = (var + var_prev) ** 2 / (var**2 / df + var_prev**2 / df_prev)
        # a missing design df, or two zero variances, fall back to the normal distribution
        ws_df = np.where(np.isnan(ws_df) | (ws_df <= 0), np.inf, ws_df)
        t_crit = special.stdtrit(ws_df, 0.975)
        stat = np.abs(change) / change_se
        p_value = 2.0 * special.stdtr(ws_df, -stat)
    # se_d = 0: the change is exact, so any non-zero change is certain and a zero change is no change
    zero_se = change_se == 0
    p_value = np.where(zero_se, np.where(change == 0, 1.0, 0.0), p_value)

    result = pd.DataFrame(
        {
            "unit_id": out["unit_id"],
            "grp": out["grp"],
            "index_code": out["index_code"],
            "year": out["year"],
            "year_prev": out["year_prev"],
            "value": value,
            "value_prev": value_prev,
            "change": change,
            "change_se": np.where(testable, change_se, np.nan),
            "change_df": np.where(testable, ws_df, np.nan),
            "change_ci_low": np.where(testable, change - t_crit * change_se, np.nan),
            "change_ci_high": np.where(testable, change + t_crit * change_se, np.nan),
            "p_value": np.where(testable, p_value, np.nan),
            "flags": out["flags"],
            "flags_prev": out["flags_prev"],
        }
    )
    if adjust:
        result["p_adjusted"] = result.groupby(["index_code", "grp"], sort=False)["p_value"].transform(
            lambda p: benjamini_hochberg(p.to_numpy())
        )
    else:
        result["p_adjusted"] = result["p_value"]
    significant = (result["p_adjusted"] < alpha).to_numpy(dtype=bool)
    result["significant"] = significant

    verdict = np.full(len(result), "no_change", dtype=object)
    verdict[significant & (change > 0)] = "up"
    verdict[significant & (change < 0)] = "down"
    verdict[no_se] = "no_uncertainty"
    if not comparable:
        verdict[~suppressed] = "not_comparable"
    verdict[suppressed] = "suppressed"
    result["verdict"] = verdict
    return result[CHANGE_COLUMNS].sort_values(KEYS).reset_index(drop=True)


def published_style_counts(changes: pd.DataFrame, index_code: str = "overall", *, grp: str = "") -> dict:
    """Counts of units up / down in the ministry's published style, next to the honest counts.

    Naive (sign of the point change, as published): up (change ≥ 0.005), down (change ≤ −0.005),
    unchanged (|change| < 0.005). Significance-aware: significant_up / significant_down (verdict 'up' /
    'down'), within_error (verdict 'no_change'), not_tested (not_comparable or no_uncertainty).
    Only units with a change (not suppressed) count; n_units is their number.
    """
    rows = changes[(changes["index_code"] == index_code) & (changes["grp"].fillna("") == grp)]
    rows = rows[rows["change"].notna()]
    change = rows["change"].to_numpy(dtype=float)
    verdict = rows["verdict"]
    return {
        "index_code": index_code,
        "n_units": int(rows["unit_id"].nunique()),
        "naive_up": int((change >= UNCHANGED_POINTS).sum()),
        "naive_down": int((change <= -UNCHANGED_POINTS).sum()),
        "naive_unchanged": int((np.abs(change) < UNCHANGED_POINTS).sum()),
        "significant_up": int((verdict == "up").sum()),
        "significant_down": int((verdict == "down").sum()),
        "within_error": int((verdict == "no_change").sum()),
        "not_tested": int(verdict.isin(["not_comparable", "no_uncertainty"]).sum()),
    }


def difference(a: pd.Series, b: pd.Series) -> dict:
    """Difference between two units (independent samples): z-test of v_a − v_b with se_d = √(se_a² + se_b²); verdict 'different', 'same' or 'untested'."""
    d = float(a["value"]) - float(b["value"])
    se = float(np.sqrt(float(a["se"]) ** 2 + float(b["se"]) ** 2))
    if not np.isfinite(d) or not np.isfinite(se) or se == 0:
        return {"difference": d, "se": se, "p_value": np.nan, "verdict": "untested"}
    p = float(2.0 * special.ndtr(-abs(d / se)))
    return {"difference": d, "se": se, "p_value": p, "verdict": "different" if p < 0.05 else "same"}


Z_95 = 1.959963984540054  # Φ⁻¹(0.975): the two-sided 95% normal quantile


def difference_ci(difference: float, se: float, z: float = Z_95) -> tuple[float, float]:
    """95% confidence interval of a difference of two independent estimates (normal approximation, as in
    `difference`): (d − z · se_d, d + z · se_d) with z = Φ⁻¹(0.975) ≈ 1.96."""
    return difference - z * se, difference + z * se
