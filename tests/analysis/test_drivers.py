"""Key-driver analysis: hand-computed Shapley values, known-truth simulation, invariances, guards, quadrants."""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.drivers import QUADRANTS, DriverResult, importance_performance, key_drivers, shapley_r2

BETA = np.array([1.2, 1.0, 0.8, 0.5, 0.2])
SCORE_SD = 12.0


def simulate(
    n: int,
    beta: np.ndarray = BETA,
    rho: float = 0.4,
    seed: int = 0,
    psu_sd: float = 0.0,
    psu_size: int = 25,
) -> pd.DataFrame:
    """Drivers 60 + 12·z (clipped to 0–100) from equicorrelated latent normals z; y ~ Bernoulli(σ(0.3 + zβ)).

    The true logistic slope per score point is β / 12. `psu_sd` adds PSU effects (sd `psu_sd`) to every latent
    driver and to the logit, so that both scores and outcomes cluster within PSUs.
    """
    rng = np.random.default_rng(seed)
    k = len(beta)
    cov = np.full((k, k), rho) + np.eye(k) * (1 - rho)
    z = rng.multivariate_normal(np.zeros(k), cov, size=n)
    psu = rng.integers(0, max(n // psu_size, 2), n)
    eta = 0.3 + z @ beta
    if psu_sd:
        z = z + rng.normal(0, psu_sd, (psu.max() + 1, k))[psu]
        eta = 0.3 + z @ beta + rng.normal(0, psu_sd, psu.max() + 1)[psu]
    frame = pd.DataFrame(np.clip(60 + SCORE_SD * z, 0, 100), columns=[f"d{j}" for j in range(k)])
    frame["outcome"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    frame["weight"] = rng.lognormal(0, 0.4, n)
    frame["psu"] = psu
    return frame


def wls_r2(frame: pd.DataFrame, cols: list[str], weight: str = "weight") -> float:
    """Weighted R² of outcome ~ 1 + cols by statsmodels WLS (0 for the empty model)."""
    if not cols:
        return 0.0
    exog = sm.add_constant(frame[cols].to_numpy(), has_constant="add")
    return float(sm.WLS(frame["outcome"].to_numpy(), exog, weights=frame[weight].to_numpy()).fit().rsquared)


# ---- Shapley decomposition: hand-computed and closed-form checks


def test_orthogonal_two_driver_fixture_by_hand() -> None:
    """Orthogonal ±1 patterns: y = 2·a + b + a·b, each part with squared norm 8 ⇒ SST = 8·(4+1+1) = 48.

    R²(1) = 32/48 = 2/3, R²(2) = 8/48 = 1/6, R²(1,2) = 40/48 = 5/6;
    φ1 = ½[R²(1) + R²(1,2) − R²(2)] = ½[2/3 + 5/6 − 1/6] = 2/3, φ2 = 1/6; shares 0.8 and 0.2.
    """
    a = np.array([1, 1, -1, -1, 1, 1, -1, -1], dtype=float)
    b = np.array([1, -1, 1, -1, 1, -1, 1, -1], dtype=float)
    frame = pd.DataFrame({"x1": 50 + 10 * a, "x2": 50 + 10 * b, "outcome": 2 * a + b + a * b, "weight": 1.0})
    phi = shapley_r2(frame, ["x1", "x2"])
    assert phi["x1"] == pytest.approx(2 / 3, abs=1e-12)
    assert phi["x2"] == pytest.approx(1 / 6, abs=1e-12)
    assert phi.sum() == pytest.approx(5 / 6, abs=1e-12)
    assert list(phi.index) == ["x1", "x2"] and phi.name == "r2_contribution"


def test_two_correlated_weighted_drivers_match_closed_form_with_statsmodels_wls() -> None:
    rng = np.random.default_rng(11)
    n = 60
    x1 = rng.normal(50, 15, n)
    x2 = 0.6 * x1 + rng.normal(20, 10, n)
    frame = pd.DataFrame({"x1": x1, "x2": x2, "weight": rng.uniform(0.3, 3.0, n)})
    frame["outcome"] = (rng.random(n) < 1 / (1 + np.exp(-(x1 - 50) / 10))).astype(float)
    r1, r2, r12 = wls_r2(frame, ["x1"]), wls_r2(frame, ["x2"]), wls_r2(frame, ["x1", "x2"])
    phi = shapley_r2(frame, ["x1", "x2"])
    assert phi["x1"] == pytest.approx(0.5 * (r1 + (r12 - r2)), abs=1e-10)
    assert phi["x2"] == pytest.approx(0.5 * (r2 + (r12 - r1)), abs=1e-10)
    assert phi.sum() == pytest.approx(r12, abs=1e-9)


def test_shapley_equals_average_over_orderings_and_sums_to_full_r2() -> None:
    """Brute force on the definition: average over all 4! orderings of the marginal WLS R² gain."""
    frame = simulate(400, beta=np.array([1.0, 0.7, 0.4, 0.1]), seed=3)
    drivers = ["d0", "d1", "d2", "d3"]
    cache: dict[frozenset[str], float] = {}

    def r2_of(cols: frozenset[str]) -> float:
        if cols not in cache:
            cache[cols] = wls_r2(frame, sorted(cols))
        return cache[cols]

    expected = dict.fromkeys(drivers, 0.0)
    orders = list(permutations(drivers))
    for order in orders:
        for pos, d in enumerate(order):
            expected[d] += (r2_of(frozenset(order[: pos + 1])) - r2_of(frozenset(order[:pos]))) / len(orders)
    phi = shapley_r2(frame, drivers)
    for d in drivers:
        assert phi[d] == pytest.approx(expected[d], abs=1e-10)
    assert phi.sum() == pytest.approx(wls_r2(frame, drivers), abs=1e-9)


def test_more_than_twelve_drivers_is_refused() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.uniform(0, 100, (50, 13)), columns=[f"d{j}" for j in range(13)])
    frame["outcome"] = rng.integers(0, 2, 50).astype(float)
    frame["weight"] = 1.0
    with pytest.raises(ValueError, match="at most 12"):
        shapley_r2(frame, list(frame.columns[:13]))
    with pytest.raises(ValueError, match="at most 12"):
        key_drivers(frame, list(frame.columns[:13]), min_n=10)


# ---- known truth


@pytest.fixture(scope="module")
def truth_frame() -> pd.DataFrame:
    return simulate(5000, seed=2024)


def test_known_truth_ranking_and_coefficient_coverage(truth_frame: pd.DataFrame) -> None:
    drivers = [f"d{j}" for j in range(5)]
    result = key_drivers(truth_frame, drivers)
    assert isinstance(result, DriverResult) and result.status == "ok" and result.n == 5000
    table = result.table.set_index("driver")
    assert table["importance"].idxmax() == "d0"
    assert table["importance"].idxmin() == "d4"
    assert table.loc["d0", "rank"] == 1 and table.loc["d4", "rank"] == 5
    assert table["importance"].sum() == pytest.approx(1.0, abs=1e-12)
    assert table["r2_contribution"].sum() == pytest.approx(result.r2, abs=1e-9)
    truth = BETA / SCORE_SD
    covered = (table["ci_low"].to_numpy() <= truth) & (truth <= table["ci_high"].to_numpy())
    assert covered.sum() >= 4, table[["coefficient", "ci_low", "ci_high"]].assign(truth=truth)
    assert (table["p_value"].loc[["d0", "d1", "d2"]] < 1e-6).all()
    np.testing.assert_allclose(table["odds_ratio_per_10_points"], np.exp(10 * table["coefficient"]))
    w = truth_frame["weight"].to_numpy()
    np.testing.assert_allclose(table["performance"], w @ truth_frame[drivers].to_numpy() / w.sum())
    assert result.n_eff == pytest.approx(w.sum() ** 2 / (w @ w))
    assert result.min_n == 200 and "Shapley" in result.method and "psu" in result.method


def test_constant_weights_equal_the_unweighted_fits(truth_frame: pd.DataFrame) -> None:
    drivers = [f"d{j}" for j in range(5)]
    frame = truth_frame.assign(weight=2.5)
    result = key_drivers(frame, drivers)
    table = result.table.set_index("driver")
    exog = sm.add_constant(frame[drivers].to_numpy())
    y = frame["outcome"].to_numpy()
    assert result.r2 == pytest.approx(sm.OLS(y, exog).fit().rsquared, abs=1e-10)
    logit = sm.Logit(y, exog).fit(disp=0, cov_type="cluster", cov_kwds={"groups": frame["psu"].to_numpy()})
    np.testing.assert_allclose(table["coefficient"], logit.params[1:], rtol=1e-6)
    np.testing.assert_allclose(table["se"], logit.bse[1:], rtol=1e-6)
    np.testing.assert_allclose(table["performance"], frame[drivers].mean(), rtol=1e-12)
    assert result.n_eff == pytest.approx(5000)


def test_cluster_se_is_the_weighted_sandwich_and_grows_with_psu_effects() -> None:
    """V = c · H⁻¹ (Σ_g u_g u_gᵀ) H⁻¹, u_g = Σ_{i∈g} w̃_i x_i (y_i − μ_i), H = Σ w̃ μ(1−μ) x xᵀ, w̃ = w/mean(w),
    c = G/(G−1) · (n−1)/(n−p)."""
    drivers = [f"d{j}" for j in range(5)]
    frame = simulate(3000, seed=7, psu_sd=1.0, psu_size=50)
    result = key_drivers(frame, drivers)
    table = result.table.set_index("driver")
    x = sm.add_constant(frame[drivers].to_numpy())
    y, w = frame["outcome"].to_numpy(), frame["weight"].to_numpy() / frame["weight"].mean()
    beta = np.concatenate([[0.0], table["coefficient"].to_numpy()])
    beta[0] = sm.GLM(y, x, family=sm.families.Binomial(), freq_weights=w).fit().params[0]
    mu = 1 / (1 + np.exp(-(x @ beta)))
    h_inv = np.linalg.inv((x * (w * mu * (1 - mu))[:, None]).T @ x)
    u = pd.DataFrame(x * (w * (y - mu))[:, None]).groupby(frame["psu"].to_numpy()).sum().to_numpy()
    g, (n, p) = len(u), x.shape
    v = g / (g - 1) * (n - 1) / (n - p) * h_inv @ (u.T @ u) @ h_inv
    np.testing.assert_allclose(table["se"], np.sqrt(np.diag(v))[1:], rtol=1e-5)

    per_respondent = key_drivers(frame.drop(columns="psu"), drivers)
    assert "no PSU column" in per_respondent.method
    np.testing.assert_allclose(per_respondent.table["coefficient"], table["coefficient"], rtol=1e-8)
    ratio = table["se"].to_numpy() / per_respondent.table["se"].to_numpy()
    assert ratio.mean() > 1.2 and (ratio > 1.0).all(), ratio  # design effect of clustered scores and outcomes
    unclustered = key_drivers(frame, drivers, cluster=None)
    np.testing.assert_allclose(unclustered.table["se"], per_respondent.table["se"], rtol=1e-10)


def test_psu_ids_reused_across_strata_are_kept_apart() -> None:
    drivers = [f"d{j}" for j in range(3)]
    frame = simulate(900, beta=BETA[:3], seed=9, psu_sd=0.5)
    frame["stratum"] = frame["psu"] % 3
    reused = frame.assign(psu=frame["psu"] // 3)  # the same local ids 0, 1, 2, ... in every stratum
    unique = frame.drop(columns="stratum")
    a = key_drivers(reused, drivers)
    b = key_drivers(unique, drivers)
    np.testing.assert_allclose(a.table["se"], b.table["se"], rtol=1e-10)
    assert "within stratum" in a.method


def test_importance_shares_stabilise_with_sample_size() -> None:
    """Why min_n = 200: the bootstrap SD of the shares falls like 1/√n (×≈0.35 from n = 100 to 800)."""
    drivers = [f"d{j}" for j in range(7)]
    population = simulate(20_000, beta=np.array([1.2, 1.0, 0.8, 0.5, 0.2, 0.4, 0.3]), rho=0.5, seed=3)
    rng = np.random.default_rng(5)
    spread = {}
    for n in (100, 200, 800):
        shares = []
        for _ in range(30):
            phi = shapley_r2(population.iloc[rng.integers(0, len(population), n)], drivers)
            shares.append(phi / phi.sum())
        spread[n] = float(np.std(shares, axis=0).mean())
    assert spread[100] > spread[200] > spread[800]
    assert spread[800] < 0.6 * spread[100]
    assert spread[200] > 0.025  # at the threshold shares are still only good to a few points


# ---- invariances (hypothesis)


def random_frame(seed: int, n: int, k: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, k)) + rng.normal(size=(n, 1))
    frame = pd.DataFrame(np.clip(55 + 15 * latent, 0, 100), columns=[f"e{j}" for j in range(k)])
    signal = latent @ rng.normal(0.5, 0.5, k)
    frame["outcome"] = (rng.random(n) < 1 / (1 + np.exp(-signal))).astype(float)
    frame["weight"] = rng.lognormal(0, 0.5, n)
    frame["psu"] = rng.integers(0, 8, n)
    return frame


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(40, 150),
    k=st.integers(1, 6),
    factor=st.floats(1e-3, 1e3),
    data=st.data(),
)
def test_shapley_invariances(seed: int, n: int, k: int, factor: float, data: st.DataObject) -> None:
    frame = random_frame(seed, n, k)
    drivers = [f"e{j}" for j in range(k)]
    phi = shapley_r2(frame, drivers)
    full = wls_r2(frame, drivers)
    assert phi.sum() == pytest.approx(full, abs=1e-9)
    if full > 1e-8:
        assert (phi / phi.sum()).sum() == pytest.approx(1.0, abs=1e-12)
    scaled = shapley_r2(frame.assign(weight=frame["weight"] * factor), drivers)
    np.testing.assert_allclose(scaled.to_numpy(), phi.to_numpy(), atol=1e-10)
    order = data.draw(st.permutations(drivers))
    permuted = shapley_r2(frame, order)
    assert list(permuted.index) == order
    np.testing.assert_allclose(permuted.to_numpy(), phi[order].to_numpy(), atol=1e-10)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(2, 5), factor=st.floats(1e-2, 1e2), data=st.data())
def test_key_driver_invariances(seed: int, k: int, factor: float, data: st.DataObject) -> None:
    frame = random_frame(seed, 300, k)
    drivers = [f"e{j}" for j in range(k)]
    base = key_drivers(frame, drivers)
    assert base.status == "ok"
    assert base.table["importance"].sum() == pytest.approx(1.0, abs=1e-12)
    scaled = key_drivers(frame.assign(weight=frame["weight"] * factor), drivers)
    cols = ["importance", "r2_contribution", "coefficient", "se", "performance"]
    np.testing.assert_allclose(scaled.table[cols].to_numpy(), base.table[cols].to_numpy(), rtol=1e-6)
    assert scaled.r2 == pytest.approx(base.r2, abs=1e-12)
    assert scaled.n_eff == pytest.approx(base.n_eff, rel=1e-12)
    order = data.draw(st.permutations(drivers))
    permuted = key_drivers(frame, order).table
    assert list(permuted["driver"]) == order
    expected = base.table.set_index("driver").loc[order, cols].to_numpy()
    np.testing.assert_allclose(permuted[cols].to_numpy(), expected, rtol=1e-6, atol=1e-12)


# ---- guards


def test_too_few_complete_cases_fit_nothing() -> None:
    frame = simulate(260, seed=4)
    drivers = [f"d{j}" for j in range(5)]
    frame.loc[:39, "outcome"] = np.nan
    frame.loc[40:49, "d2"] = np.nan
    frame.loc[50:59, "weight"] = np.nan  # 200 complete cases left
    ok = key_drivers(frame, drivers)
    assert ok.status == "ok" and ok.n == 200
    clean = key_drivers(frame.dropna(), drivers)
    pd.testing.assert_frame_equal(ok.table, clean.table)
    frame.loc[60, "d0"] = np.nan
    few = key_drivers(frame, drivers)
    assert few.status == "too_few" and few.n == 199 and few.min_n == 200
    assert few.table.empty and list(few.table.columns) == list(ok.table.columns)
    pd.testing.assert_series_equal(few.table.dtypes, ok.table.dtypes)
    assert np.isnan(few.r2)
    assert key_drivers(frame, drivers, min_n=100).status == "ok"


def test_bad_inputs() -> None:
    frame = simulate(300, seed=5)
    drivers = [f"d{j}" for j in range(5)]
    with pytest.raises(ValueError, match="0/1"):
        key_drivers(frame.assign(outcome=frame["outcome"] * 2), drivers)
    with pytest.raises(ValueError, match="weights"):
        key_drivers(frame.assign(weight=frame["weight"] - 1.0), drivers)
    with pytest.raises(ValueError, match="unique"):
        shapley_r2(frame, ["d0", "d0"])
    with pytest.raises(ValueError, match="cluster ids"):
        key_drivers(frame.assign(psu=frame["psu"].where(frame.index > 0)), drivers)
    everyone = key_drivers(frame.assign(outcome=1.0), drivers)
    assert everyone.status == "no_variation" and everyone.table.empty


def test_unidentified_logistic_fits_show_no_coefficients_but_keep_importance() -> None:
    drivers = [f"d{j}" for j in range(5)]
    frame = simulate(1000, seed=1)
    separated = key_drivers(frame.assign(outcome=(frame["d0"] > 60).astype(float)), drivers)
    assert separated.status == "ok" and "separation" in separated.method
    assert (
        separated.table["coefficient"].isna().all()
        and separated.table["odds_ratio_per_10_points"].isna().all()
    )
    assert separated.table["importance"].sum() == pytest.approx(1.0)
    assert separated.table.loc[0, "rank"] == 1

    constant = key_drivers(frame.assign(d1=100.0), drivers)
    table = constant.table.set_index("driver")
    assert "without variation" in constant.method
    assert (
        np.isnan(table.loc["d1", "coefficient"])
        and table[["coefficient", "se"]].drop("d1").notna().all().all()
    )
    assert table.loc["d1", "importance"] == pytest.approx(0.0, abs=1e-12)
    assert table.loc["d1", "performance"] == pytest.approx(100.0)

    collinear = key_drivers(frame.assign(d4=100.0 - frame["d3"]), drivers)
    assert "collinear" in collinear.method and collinear.table["coefficient"].isna().all()
    assert collinear.table["importance"].sum() == pytest.approx(1.0)


def test_forty_thousand_by_nine_runs() -> None:
    """National-scale input works (its speed is measured by `make bench`, never asserted in a test)."""
    beta = np.array([1.2, 1.0, 0.8, 0.5, 0.2, 0.4, 0.3, 0.6, 0.1])
    frame = simulate(40_000, beta=beta, seed=1)
    result = key_drivers(frame, [f"d{j}" for j in range(9)])
    assert result.status == "ok" and result.n == 40_000
    assert result.table.sort_values("rank")["driver"].iloc[0] == "d0"


# ---- importance–performance quadrants


def test_quadrants_one_driver_each() -> None:
    table = pd.DataFrame(
        {
            "driver": ["access", "procedure", "officials", "results"],
            "importance": [0.40, 0.30, 0.20, 0.10],
            "performance": [50.0, 80.0, 40.0, 90.0],
        }
    )
    out = importance_performance(table)
    assert tuple(out["quadrant"]) == QUADRANTS  # priority_improve, maintain, low_priority, overinvestment
    assert (out["importance_cut"] == 0.25).all() and (out["performance_cut"] == 65.0).all()
    assert list(table.columns) == ["driver", "importance", "performance"]  # input untouched
    custom = importance_performance(table, importance_cut=0.35, performance_cut=45.0)
    over = "possible_overinvestment"
    assert list(custom["quadrant"]) == ["maintain", over, "low_priority", over]
    assert (custom["importance_cut"] == 0.35).all() and (custom["performance_cut"] == 45.0).all()


def test_quadrants_on_a_real_result(truth_frame: pd.DataFrame) -> None:
    table = key_drivers(truth_frame, [f"d{j}" for j in range(5)]).table
    out = importance_performance(table)
    assert set(out["quadrant"]) <= set(QUADRANTS)
    assert out.loc[out["driver"] == "d0", "quadrant"].iloc[0] in {"priority_improve", "maintain"}
    assert out["importance_cut"].iloc[0] == pytest.approx(0.2)


def test_bootstrap_intervals_hold_the_estimate_repeat_and_can_be_switched_off(
    truth_frame: pd.DataFrame,
) -> None:
    """The cluster-bootstrap intervals of importance and performance contain the point estimates, are the
    same on a rerun (fixed seed), differ with another seed, and are absent (NaN) with 0 replicates."""
    drivers = [f"d{j}" for j in range(5)]
    first = key_drivers(truth_frame, drivers, replicates=60).table.set_index("driver")
    again = key_drivers(truth_frame, drivers, replicates=60).table.set_index("driver")
    other = key_drivers(truth_frame, drivers, replicates=60, seed=7).table.set_index("driver")
    for name in ("importance", "performance"):
        low, high = first[f"{name}_low"], first[f"{name}_high"]
        assert ((low <= first[name] + 1e-12) & (first[name] <= high + 1e-12)).all(), name
        assert (high > low).all(), name
        pd.testing.assert_series_equal(low, again[f"{name}_low"])
        assert not np.allclose(low.to_numpy(), other[f"{name}_low"].to_numpy())
    none = key_drivers(truth_frame, drivers, replicates=0).table
    assert (
        none[["importance_low", "importance_high", "performance_low", "performance_high"]].isna().all().all()
    )
