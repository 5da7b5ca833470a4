"""Key-driver analysis: which element (or criterion) matters most for overall satisfaction, and where to act.

Input is one row per respondent: a survey weight w_i > 0, a binary outcome y_i (1 = satisfied overall) and one
0–100 score x_ij per driver j (the share of that element's criteria the respondent was satisfied with).
Only complete cases (no NaN in weight, outcome or any driver) are used; their count is reported as `n`.

Formulas
- weighted R² of the linear model y ~ 1 + x_S (drivers in subset S), fitted by weighted least squares:
      R²(S) = 1 − Σ w_i (y_i − ŷ_i)² / Σ w_i (y_i − ȳ_w)²,   ȳ_w = Σ w_i y_i / Σ w_i,   R²(∅) = 0
- Shapley / LMG contribution of driver j (average over all k! orderings of its marginal R² increase):
      φ_j = Σ_{S ⊆ D∖{j}} |S|! (k − |S| − 1)! / k! · [R²(S ∪ {j}) − R²(S)]
  evaluated on all 2^k subsets; Σ_j φ_j = R²(D) exactly. Importance share = φ_j / R²(D) (sums to 1).
- logistic model (direction and size of each effect, holding the other drivers fixed):
      logit P(y_i = 1) = β_0 + Σ_j β_j x_ij,   odds ratio per 10 points = exp(10 β_j)
  fitted as a GLM Binomial with freq_weights w_i / mean(w); standard errors are cluster-robust (sandwich,
  score totals per PSU, small-sample factor G/(G−1)·(n−1)/(n−p)) with clusters = PSUs (within strata when a
  stratum column exists), or per respondent when there is no PSU column (the with-replacement linearisation
  variance; statsmodels' HC0 would treat the weights as frequency counts: Σ w·s² instead of Σ (w·s)²).
- performance of driver j = Σ w_i x_ij / Σ w_i (0–100); n_eff = (Σ w)² / Σ w² (Kish).
- 95% intervals of the importance share and of the performance: percentile cluster bootstrap. Replicate b
  multiplies every weight by the number of times its cluster (PSU within stratum; the respondent when there
  is no PSU column) is drawn in G draws with replacement from the G clusters (multinomial counts, a fixed
  seed so the page is reproducible), refits the 2^k subset R² on the replicate weights and recomputes
  φ_j / R² and Σ w x_j / Σ w; the interval is the 2.5% and 97.5% percentiles over `replicates` (200).
- Quadrants with intervals (`quadrant_evidence`): a driver is placed with certainty only when its intervals
  clear both dividing lines; otherwise it is "uncertain" and no action is advised on it.

Why min_n = 200: with 5–9 positively correlated drivers the R² pieces that tell drivers apart are small
differences of small numbers, so shares move a lot between samples. Simulated 7 drivers (latent correlation
0.5, true shares 0.10–0.22, as in `tests/analysis/test_drivers.py`): the bootstrap SD of a share is about
0.055 at n = 100 (a 95% band of ±0.11, as wide as the whole range of shares; the top driver comes out on top
in ~40% of resamples), 0.039 at n = 200 (top vs bottom driver ≈ 3 SD apart), 0.027 at n = 400 and 0.020 at
n = 800 (∝ 1/√n). Below ~200 complete cases the ranking is mostly noise, so nothing is fitted.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from math import factorial

import numpy as np
import pandas as pd
from scipy import stats

MAX_DRIVERS = 12
DEFAULT_MIN_N = 200
TABLE_COLUMNS = ["driver", "rank", "importance", "r2_contribution", "coefficient", "se", "p_value",
                 "ci_low", "ci_high", "odds_ratio_per_10_points", "performance", "importance_low",
                 "importance_high", "performance_low", "performance_high"]  # fmt: skip
DEFAULT_REPLICATES = 200
BOOTSTRAP_SEED = 20250701
QUADRANTS = ("priority_improve", "maintain", "low_priority", "possible_overinvestment")


@dataclass(frozen=True, eq=False)
class DriverResult:
    """Key-driver result. `table` has one row per driver (input order) and is empty unless status == 'ok'."""

    table: pd.DataFrame
    n: int
    n_eff: float
    r2: float
    method: str
    status: str  # 'ok' | 'too_few' (n < min_n) | 'no_variation' (everyone gave the same outcome)
    min_n: int


def _check_drivers(drivers: list[str]) -> list[str]:
    drivers = list(drivers)
    if not drivers:
        raise ValueError("at least one driver is needed")
    if len(set(drivers)) != len(drivers):
        raise ValueError("driver names must be unique")
    if len(drivers) > MAX_DRIVERS:
        raise ValueError(f"at most {MAX_DRIVERS} drivers (2^k subset regressions); got {len(drivers)}")
    return drivers


def _complete_cases(
    frame: pd.DataFrame, drivers: list[str], outcome: str, weight: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, w, keep) for the rows with no NaN in weight, outcome or drivers (`keep`: boolean row mask)."""
    data = frame[[weight, outcome, *drivers]].apply(pd.to_numeric, errors="raise").astype(float).to_numpy()
    keep = ~np.isnan(data).any(axis=1)
    data = data[keep]
    w = data[:, 0]
    if (w <= 0).any() or not np.isfinite(w).all():
        raise ValueError("survey weights must be finite and > 0")
    return data[:, 2:], data[:, 1], w, keep


def _subset_r2(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted R² of y ~ 1 + x_S for every subset S (bitmask over the columns of x); R²(∅) = 0.

    The data are centred at the weighted means (which absorbs the intercept) and scaled by √w. Every subset
    fit is a numpy lstsq on the triangular factor R of the thin QR of the √w-scaled [x, y]: since QᵀQ = I,
    ‖r_y − R_S b‖ equals the residual norm ‖√w (y − x_S b)‖ of the full weighted fit, so the subset
    regressions are exact WLS fits at (k+1)-row cost instead of n-row cost.
    """
    k = x.shape[1]
    sw = np.sqrt(w / w.sum())
    z = np.column_stack([x, y])
    z = (z - sw @ (sw[:, None] * z)) * sw[:, None]
    r = np.linalg.qr(z, mode="r")
    r_x, r_y = r[:, :k], r[:, k]
    sst = float(r_y @ r_y)
    if sst <= 0.0:
        raise ValueError("the outcome has no variation among complete cases: R² is undefined")
    r2 = np.zeros(2**k)
    for mask in range(1, 2**k):
        cols = [j for j in range(k) if mask >> j & 1]
        coef, *_ = np.linalg.lstsq(r_x[:, cols], r_y, rcond=None)
        resid = r_y - r_x[:, cols] @ coef
        r2[mask] = 1.0 - float(resid @ resid) / sst
    return r2


def _subset_index(k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per subset size s ≥ 1: (bitmasks of that size, their column indices as an m × s array)."""
    out = []
    masks = np.arange(1, 2**k)
    sizes = np.array([bin(m).count("1") for m in masks])
    for s in range(1, k + 1):
        chosen = masks[sizes == s]
        cols = np.array([[j for j in range(k) if m >> j & 1] for m in chosen], dtype=int)
        out.append((chosen, cols))
    return out


def _subset_r2_cov(cov: np.ndarray, index: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """R²(S) for every subset from the weighted cross-product matrix of the centred [x, y] (y last):
    R²(S) = c_Sy' C_SS⁻¹ c_Sy / c_yy, solved in one batch per subset size (same numbers as `_subset_r2`)."""
    k = cov.shape[0] - 1
    r2 = np.zeros(2**k)
    syy = cov[k, k]
    for masks, cols in index:
        a = cov[cols[:, :, None], cols[:, None, :]]
        c = cov[cols, k]
        try:
            sol = np.linalg.solve(a, c[..., None])[..., 0]
        except np.linalg.LinAlgError:
            sol = np.stack([np.linalg.lstsq(a_m, c_m, rcond=None)[0] for a_m, c_m in zip(a, c, strict=True)])
        r2[masks] = (c * sol).sum(axis=1) / syy
    return r2


def _bootstrap(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, groups: np.ndarray | None, replicates: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Replicate importance shares and performances (replicates × k each) of the cluster bootstrap in the
    module docstring; a replicate without variation in y gets NaN shares."""
    k = x.shape[1]
    ids = np.arange(len(y)) if groups is None else np.asarray(groups)
    n_groups = int(ids.max()) + 1
    rng = np.random.default_rng(seed)
    index = _subset_index(k)
    z = np.column_stack([x, y])
    shares = np.full((replicates, k), np.nan)
    perf = np.full((replicates, k), np.nan)
    for b in range(replicates):
        wb = w * rng.multinomial(n_groups, np.full(n_groups, 1.0 / n_groups))[ids]
        total = wb.sum()
        if total <= 0:
            continue
        mean = wb @ z / total
        perf[b] = mean[:k]
        zc = z - mean
        cov = (zc * wb[:, None]).T @ zc
        if cov[k, k] <= 1e-12 * total:
            continue
        r2 = _subset_r2_cov(cov, index)
        if r2[-1] > 1e-12:
            shares[b] = _shapley(r2, k) / r2[-1]
    return shares, perf


def _shapley(r2: np.ndarray, k: int) -> np.ndarray:
    """φ_j = Σ_{S ∌ j} |S|!(k−|S|−1)!/k! · [R²(S∪j) − R²(S)] from the 2^k subset R² values."""
    size = np.array([bin(m).count("1") for m in range(2**k)])
    coef = np.array([factorial(s) * factorial(k - s - 1) / factorial(k) for s in range(k)])
    masks = np.arange(2**k)
    phi = np.empty(k)
    for j in range(k):
        without = masks[(masks >> j & 1) == 0]
        phi[j] = float(coef[size[without]] @ (r2[without | 1 << j] - r2[without]))
    return phi


def shapley_r2(
    frame: pd.DataFrame, drivers: list[str], outcome: str = "outcome", weight: str = "weight"
) -> pd.Series:
    """Shapley (LMG) decomposition of the weighted R² of outcome ~ 1 + drivers, over complete cases.

    φ_j = Σ_{S ⊆ D∖{j}} |S|!(k−|S|−1)!/k! · [R²(S∪{j}) − R²(S)], R²(S) = 1 − Σw(y−ŷ_S)²/Σw(y−ȳ_w)²,
    from all 2^k weighted least-squares subset fits (k ≤ 12). The values sum to the full-model R².
    Returns a Series indexed by driver (input order), named 'r2_contribution'.
    """
    drivers = _check_drivers(drivers)
    x, y, w, _ = _complete_cases(frame, drivers, outcome, weight)
    if len(y) < 2:
        raise ValueError("fewer than 2 complete cases")
    k = len(drivers)
    phi = _shapley(_subset_r2(x, y, w), k)
    return pd.Series(phi, index=pd.Index(drivers, name="driver"), name="r2_contribution")


def _logistic(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, groups: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, str]:
    """Slopes and cluster-robust SEs of logit P(y=1) = β_0 + xβ (GLM Binomial, freq_weights w/mean(w)).

    Drivers are centred and scaled before fitting (conditioning only): with x̃ = (x − m)/s the slopes are
    γ = s·β and, the sandwich covariance being equivariant under this affine change, se(β) = se(γ)/s.
    Newton–Raphson from β = 0 (for the canonical logit link the same steps as IRLS, without an n×p SVD
    per step); if it fails, statsmodels' default IRLS fit is tried. Drivers without variation get NaN; when
    the fit is not identified (collinear drivers, separation, no convergence) all slopes are NaN and the
    returned note (else '') says why.
    """
    k = x.shape[1]
    beta, se = np.full(k, np.nan), np.full(k, np.nan)
    centre = x.mean(axis=0)
    scale = x.std(axis=0)
    varies = scale > 1e-9 * (1.0 + np.abs(centre))
    notes = []
    if not varies.all():
        notes.append(f"{int((~varies).sum())} driver(s) without variation get no logistic coefficient")
    if not varies.any():
        return beta, se, "; ".join(notes)
    xs = (x[:, varies] - centre[varies]) / scale[varies]
    if np.linalg.eigvalsh(np.corrcoef(xs, rowvar=False, dtype=float).reshape(xs.shape[1], -1)).min() < 1e-10:
        return beta, se, "; ".join([*notes, "drivers are collinear: logistic coefficients not identified"])
    import statsmodels.api as sm  # imported here: 1.5–2 s that pages without models should not pay
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    exog = np.column_stack([np.ones(len(y)), xs])
    model = sm.GLM(y, exog, family=sm.families.Binomial(), freq_weights=w / w.mean())
    cov = {"cov_type": "cluster", "cov_kwds": {"groups": np.arange(len(y)) if groups is None else groups}}
    fit = None
    with warnings.catch_warnings(record=True) as caught:
        # statsmodels flags non-HC covariances with freq_weights as unverified; the cluster sandwich it
        # computes (weighted scores summed per cluster) is the survey linearisation estimator we want.
        warnings.simplefilter("always")
        try:
            fit = model.fit(method="newton", start_params=np.zeros(exog.shape[1]), max_start_irls=0, **cov)
            if not (fit.mle_retvals.get("converged", False) and np.isfinite(fit.params).all()):
                fit = None
        except (np.linalg.LinAlgError, ValueError):
            fit = None
        if fit is None:
            try:
                fit = model.fit(**cov)
                fit = fit if fit.converged else None
            except (np.linalg.LinAlgError, ValueError):
                fit = None
    separated = any(issubclass(c.category, PerfectSeparationWarning) for c in caught)
    if fit is None or separated or not np.isfinite(fit.bse).all():
        why = "separation" if separated else "no convergence"
        return beta, se, "; ".join([*notes, f"logistic fit failed ({why}): coefficients not shown"])
    beta[varies] = np.asarray(fit.params)[1:] / scale[varies]
    se[varies] = np.asarray(fit.bse)[1:] / scale[varies]
    return beta, se, "; ".join(notes)


def key_drivers(
    frame: pd.DataFrame,
    drivers: list[str],
    *,
    outcome: str = "outcome",
    weight: str = "weight",
    min_n: int = DEFAULT_MIN_N,
    cluster: str | None = "psu",
    stratum: str | None = "stratum",
    replicates: int = DEFAULT_REPLICATES,
    seed: int = BOOTSTRAP_SEED,
) -> DriverResult:
    """Importance (Shapley share of the weighted R²), logistic effect and performance of every driver.

    importance_j = φ_j / R²(D); coefficient β_j per score point with cluster-robust se, Wald p-value and
    95% CI β ± 1.96·se; odds_ratio_per_10_points = exp(10 β_j); performance_j = Σ w x_j / Σ w.
    Clusters are the `cluster` column (paired with `stratum` when present) if it exists, else respondents.
    Fewer than `min_n` complete cases → status 'too_few' and an empty table (nothing is fitted).
    importance_low/high and performance_low/high: 95% percentile cluster-bootstrap intervals over
    `replicates` replicates drawn with `seed` (NaN when replicates = 0); see the module docstring.
    """
    drivers = _check_drivers(drivers)
    x, y, w, keep = _complete_cases(frame, drivers, outcome, weight)
    n = len(y)
    n_eff = float(w.sum() ** 2 / (w @ w)) if n else 0.0
    dtypes = {"driver": "str", "rank": "Int64"}
    empty = pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "float64")) for c in TABLE_COLUMNS})
    use_cluster = cluster is not None and cluster in frame.columns
    method = (
        "Importance: Shapley (LMG) share of the weighted R² of the linear model outcome ~ drivers "
        f"(all 2^{len(drivers)} subsets). Effect: weighted logistic regression (GLM Binomial), standard "
        + (
            f"errors clustered by {cluster}"
            + (f" within {stratum}" if stratum and stratum in frame.columns else "")
            if use_cluster
            else "errors robust per respondent (no PSU column)"
        )
        + f". Complete cases only; fitted only with at least {min_n} respondents."
    )
    if n < min_n:
        return DriverResult(empty, n, n_eff, float("nan"), method, "too_few", min_n)
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(f"outcome {outcome!r} must be coded 0/1")
    if y.min() == y.max():
        return DriverResult(empty, n, n_eff, float("nan"), method, "no_variation", min_n)

    k = len(drivers)
    r2_subsets = _subset_r2(x, y, w)
    phi = _shapley(r2_subsets, k)
    r2 = float(r2_subsets[-1])
    groups = None
    if use_cluster:
        keys = [frame[cluster].to_numpy()[keep]]
        if stratum is not None and stratum in frame.columns:
            keys.insert(0, frame[stratum].to_numpy()[keep])
        if any(pd.isna(key).any() for key in keys):
            raise ValueError(f"missing cluster ids in {cluster!r} (or {stratum!r}) among complete cases")
        groups = pd.MultiIndex.from_arrays(keys).factorize()[0]
    beta, se, note = _logistic(x, y, w, groups)
    if note:
        method += f" Note: {note}."
    z = stats.norm.ppf(0.975)
    with np.errstate(divide="ignore", invalid="ignore"):
        importance = phi / r2 if r2 > 1e-12 else np.full(k, np.nan)
        p_value = 2.0 * stats.norm.sf(np.abs(beta / se))
    boot_shares, boot_perf = _bootstrap(x, y, w, groups, replicates, seed) if replicates else (None, None)

    def bounds(boot: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        if boot is None or np.isnan(boot).all():
            return np.full(k, np.nan), np.full(k, np.nan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanpercentile(boot, 2.5, axis=0), np.nanpercentile(boot, 97.5, axis=0)

    importance_low, importance_high = bounds(boot_shares)
    performance_low, performance_high = bounds(boot_perf)
    table = pd.DataFrame(
        {
            "driver": drivers,
            "rank": pd.Series(importance).rank(ascending=False, method="min").astype("Int64"),
            "importance": importance,
            "r2_contribution": phi,
            "coefficient": beta,
            "se": se,
            "p_value": p_value,
            "ci_low": beta - z * se,
            "ci_high": beta + z * se,
            "odds_ratio_per_10_points": np.exp(10.0 * beta),
            "performance": w @ x / w.sum(),
            "importance_low": importance_low,
            "importance_high": importance_high,
            "performance_low": performance_low,
            "performance_high": performance_high,
        }
    )
    return DriverResult(table, n, n_eff, r2, method, "ok", min_n)


def importance_performance(
    table: pd.DataFrame, *, importance_cut: float | None = None, performance_cut: float | None = None
) -> pd.DataFrame:
    """Importance–performance quadrants for a driver table (columns `importance`, `performance`).

    high importance ⇔ importance ≥ importance_cut (default 1/k, the mean share);
    high performance ⇔ performance ≥ performance_cut (default: mean of the drivers' performance).
    priority_improve = high importance, low performance (act here first); maintain = high, high;
    low_priority = low, low; possible_overinvestment = low importance, high performance.
    Returns a copy with `quadrant`, `importance_cut` and `performance_cut` columns added.
    """
    out = table.copy()
    k = len(out)
    i_cut = float(importance_cut) if importance_cut is not None else (1.0 / k if k else float("nan"))
    p_cut = float(performance_cut) if performance_cut is not None else float(out["performance"].mean())
    high_i = (out["importance"] >= i_cut).to_numpy()
    high_p = (out["performance"] >= p_cut).to_numpy()
    quadrant = np.select(
        [high_i & ~high_p, high_i & high_p, ~high_i & ~high_p],
        list(QUADRANTS[:3]),
        default=QUADRANTS[3],
    )
    out["quadrant"] = pd.Series(quadrant, index=out.index, dtype=object)
    out.loc[out["importance"].isna() | out["performance"].isna(), "quadrant"] = None
    out["importance_cut"] = i_cut
    out["performance_cut"] = p_cut
    return out


EVIDENCE = ("clear", "uncertain")


def quadrant_evidence(table: pd.DataFrame) -> pd.DataFrame:
    """Whether each driver's quadrant (`importance_performance`) is supported by its 95% intervals.

    Rule, per axis (cuts c_I = `importance_cut`, c_P = `performance_cut`, treated as fixed lines):
      importance clears its line ⇔ importance_low ≥ c_I (above; and the odds-ratio interval lies above 1,
          exp(10·ci_low) > 1: the element's own effect is established) or importance_high < c_I (below);
      performance clears its line ⇔ performance_low ≥ c_P (above) or performance_high < c_P (below).
    evidence = 'clear' when both axes clear their lines, else 'uncertain' (an interval crosses a line, or
    is missing): such a point may sit in its quadrant by chance, so nothing is advised on it.
    Adds `importance_clear`, `performance_clear` (bool) and `evidence`; returns a copy.
    """
    out = table.copy()
    i_cut, p_cut = out["importance_cut"], out["performance_cut"]
    or_above_one = np.exp(10.0 * out["ci_low"]) > 1.0 if "ci_low" in out else True
    above_i = (out["importance_low"] >= i_cut) & or_above_one
    below_i = out["importance_high"] < i_cut
    high_i = out["importance"] >= i_cut
    out["importance_clear"] = (high_i & above_i) | (~high_i & below_i)
    high_p = out["performance"] >= p_cut
    out["performance_clear"] = (high_p & (out["performance_low"] >= p_cut)) | (
        ~high_p & (out["performance_high"] < p_cut)
    )
    clear = out["importance_clear"] & out["performance_clear"] & out["quadrant"].notna()
    out["evidence"] = np.where(clear, EVIDENCE[0], EVIDENCE[1])
    return out


def odds_ratio_ci(ci_low: pd.Series, ci_high: pd.Series, points: float = 10.0) -> tuple[pd.Series, pd.Series]:
    """95% CI of the odds ratio per `points` score points from the CI of the slope β (`key_drivers`' table
    columns `ci_low`, `ci_high` = β ∓ 1.96·se): (exp(points·(β − 1.96·se)), exp(points·(β + 1.96·se)))."""
    return np.exp(points * ci_low), np.exp(points * ci_high)
