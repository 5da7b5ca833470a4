"""Indices and their design-based variance: a hand-computed fixture, property tests, two independent routes
(statsmodels cluster-robust WLS; a jackknife on raw respondents) and a coverage simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis.indices import estimate, item_coefficients

# ---------------------------------------------------------------- a tiny methodology tree


def _tree(elements: dict[str, list[str]], domains: dict[str, list[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    comps = [{"component_code": "overall", "level": "overall", "parent_code": None, "weight": 1.0}]
    comps += [
        {"component_code": d, "level": "domain", "parent_code": "overall", "weight": 1.0} for d in domains
    ]
    comps += [
        {"component_code": e, "level": "element", "parent_code": d, "weight": 1.0}
        for d, es in domains.items()
        for e in es
    ]
    items = [
        {"item_code": i, "kind": "satisfaction", "element_code": e}
        for e, its in elements.items()
        for i in its
    ]
    items.append({"item_code": "outside", "kind": "perception", "element_code": None})
    return pd.DataFrame(comps), pd.DataFrame(items)


def test_coefficients_follow_the_tree() -> None:
    comps, items = _tree(
        {"e1": ["a", "b"], "e2": ["c"], "p1": ["d"]}, {"service": ["e1", "e2"], "policy": ["p1"]}
    )
    coef = item_coefficients(comps, items).set_index(["index_code", "item_code"])["coef"]
    # overall = mean(service, policy); service = mean(e1, e2); e1 = mean(a, b)
    assert coef[("overall", "a")] == pytest.approx(0.5 * 0.5 * 0.5)
    assert coef[("overall", "c")] == pytest.approx(0.5 * 0.5)
    assert coef[("overall", "d")] == pytest.approx(0.5)
    assert coef[("element:e1", "b")] == pytest.approx(0.5)
    assert coef[("item:c", "c")] == 1.0
    assert "outside" not in set(coef.index.get_level_values("item_code"))
    for code in ("overall", "domain:service", "element:e1"):
        assert coef[code].sum() == pytest.approx(1.0)


# ---------------------------------------------------------------- hand-computed fixture

# Two strata (A, B), two PSUs each; items k1, k2 in one element; every answer valid.
# (psu, weight, y1, y2):  a1: (1,1,0) (2,1,1) | a2: (1,0,0) (1,1,1) | b1: (2,1,1) | b2: (1,0,1) (1,1,0)
RESPONDENTS = [
    ("A", "a1", 1, 1, 0), ("A", "a1", 2, 1, 1), ("A", "a2", 1, 0, 0), ("A", "a2", 1, 1, 1),
    ("B", "b1", 2, 1, 1), ("B", "b2", 1, 0, 1), ("B", "b2", 1, 1, 0),
]  # fmt: skip


def _psu_stats(rows: list[tuple], unit: str = "U") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["stratum_id", "psu_id", "w", "k1", "k2"])
    frame.insert(0, "unit_id", unit)
    return _psu_stats_of(frame)


def _psu_stats_of(frame: pd.DataFrame) -> pd.DataFrame:
    """Per unit, PSU and item: valid answers, their weight and positive weight (columns unit_id, stratum_id,
    psu_id, w, k1, k2 in, one row per respondent)."""
    long = frame.melt(["unit_id", "stratum_id", "psu_id", "w"], var_name="item_code", value_name="y")
    long["wy"] = long["w"] * long["y"]
    out = long.groupby(["unit_id", "stratum_id", "psu_id", "item_code"], as_index=False).agg(
        n_valid=("y", "size"), w_valid=("w", "sum"), w_pos=("wy", "sum")
    )
    out["w_score"] = out["w_pos"]
    out.insert(1, "grp", "")
    return out


def test_hand_computed_fixture() -> None:
    comps, items = _tree({"e": ["k1", "k2"]}, {"service": ["e"]})
    result = estimate(_psu_stats(RESPONDENTS), item_coefficients(comps, items)).set_index("index_code")
    # X_k = Σw = 9; Y_1 = 3+1+2+1 = 7; Y_2 = 2+1+2+1 = 6  ->  R1 = 7/9, R2 = 6/9
    assert result.loc["item:k1", "value"] == pytest.approx(100 * 7 / 9)
    assert result.loc["item:k2", "value"] == pytest.approx(100 * 6 / 9)
    # element = overall = mean = 100 · 13/18
    assert result.loc["element:e", "value"] == pytest.approx(100 * 13 / 18)
    assert result.loc["overall", "value"] == pytest.approx(100 * 13 / 18)
    # z_j = Σ_k ½·100·(Y_jk − R_k X_jk)/X_k:  a1 = 300/81, a2 = −400/81, b1 = 500/81, b2 = −400/81
    # V = Σ_h n_h/(n_h−1) Σ_j (z_j − z̄_h)² = (700/81)² + (900/81)² = 1,300,000/6561
    variance = 1_300_000 / 6561
    assert result.loc["element:e", "se"] == pytest.approx(np.sqrt(variance))
    # df = 4 PSUs − 2 strata = 2 -> t = 4.3027
    half = stats.t.ppf(0.975, 2) * np.sqrt(variance)
    assert result.loc["element:e", "df"] == 2
    assert result.loc["element:e", "ci_low"] == pytest.approx(max(0.0, 100 * 13 / 18 - half))
    assert result.loc["element:e", "ci_high"] == pytest.approx(min(100.0, 100 * 13 / 18 + half))


def test_mean_score_variant() -> None:
    comps, items = _tree({"e": ["k1", "k2"]}, {"service": ["e"]})
    stats_ = _psu_stats(RESPONDENTS)
    stats_["w_score"] = stats_["w_pos"] * 0.5  # every positive answer scores half the scale
    mean = estimate(stats_, item_coefficients(comps, items), measure="mean").set_index("index_code")
    assert mean.loc["overall", "value"] == pytest.approx(50 * 13 / 18)
    with pytest.raises(ValueError):
        estimate(stats_, item_coefficients(comps, items), measure="median")


def test_single_psu_has_no_interval() -> None:
    comps, items = _tree({"e": ["k1", "k2"]}, {"service": ["e"]})
    one_psu = [r for r in RESPONDENTS if r[1] == "a1"]
    result = estimate(_psu_stats(one_psu), item_coefficients(comps, items))
    assert result["se"].isna().all() and result["ci_low"].isna().all()
    assert result["value"].notna().all()


# ---------------------------------------------------------------- property tests

psu_rows = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C"]),
        st.integers(1, 4),
        st.floats(0.1, 50.0),
        st.integers(0, 1),
        st.integers(0, 1),
    ),
    min_size=2,
    max_size=40,
)


@settings(max_examples=30, deadline=None)
@given(psu_rows, st.floats(0.01, 1000.0))
def test_indices_in_range_and_invariant_to_weight_scale(rows: list, factor: float) -> None:
    comps, items = _tree({"e": ["k1", "k2"]}, {"service": ["e"]})
    coef = item_coefficients(comps, items)
    data = [(s, f"{s}{p}", w, y1, y2) for s, p, w, y1, y2 in rows]
    base = estimate(_psu_stats(data), coef)
    scaled = estimate(_psu_stats([(s, p, w * factor, y1, y2) for s, p, w, y1, y2 in data]), coef)
    assert base["value"].between(0, 100).all()
    assert np.allclose(base["value"], scaled["value"], rtol=1e-9, atol=1e-9)
    # SEs in percentage points; a variance that is zero in exact arithmetic can come out as ±1e-14 and its
    # square root as ~1e-7 (found by hypothesis), so the absolute tolerance is 1e-6 points
    assert np.allclose(base["se"].fillna(-1), scaled["se"].fillna(-1), rtol=1e-6, atol=1e-6)
    ok = base["se"].notna()
    assert (base.loc[ok, "ci_low"] <= base.loc[ok, "value"] + 1e-9).all()
    assert (base.loc[ok, "ci_high"] >= base.loc[ok, "value"] - 1e-9).all()


# ---------------------------------------------------------------- independent routes on the demo data


@pytest.fixture(scope="module")
def province_answers(demo_db_path) -> pd.DataFrame:
    """Raw respondent x item rows of one province-wave, read straight from the store."""
    import duckdb

    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        return con.execute(
            """
            SELECT r.psu_id, r.stratum_id, r.weight, a.item_code, m.element_code,
                   CASE WHEN a.value BETWEEN m.positive_min AND m.positive_max THEN 1.0 ELSE 0.0 END AS y
            FROM answer a JOIN respondent r USING (year, resp_no)
            JOIN methodology_item m ON m.methodology_id = 'sipas_2023' AND m.item_code = a.item_code
            WHERE a.year = 2024 AND r.province_id = 'P63-01' AND m.kind = 'satisfaction'
              AND a.value BETWEEN m.scale_min AND m.scale_max AND NOT list_contains(m.missing_codes, a.value)
            """
        ).df()


@pytest.fixture(scope="module")
def engine_result(demo_db_path) -> pd.DataFrame:
    from analysis.engine import compute_indices
    from store.db import connect_read_only

    with connect_read_only(demo_db_path) as con:
        result = compute_indices(con, 2024, "province")
    return result[result["unit_id"] == "P63-01"].set_index("index_code")


def test_item_se_equals_statsmodels_cluster_robust(province_answers, engine_result) -> None:
    """One stratum: the linearised variance of a ratio equals the cluster-robust sandwich of WLS y ~ 1."""
    for item in ("civil_servant_polite", "procedure_fees_as_required", "feedback_handled"):
        rows = province_answers[province_answers["item_code"] == item]
        model = sm.WLS(rows["y"].to_numpy(), np.ones(len(rows)), weights=rows["weight"].to_numpy())
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(rows["psu_id"])[0]})
        assert 100 * fit.params[0] == pytest.approx(engine_result.loc[f"item:{item}", "value"], rel=1e-9)
        assert 100 * fit.bse[0] == pytest.approx(engine_result.loc[f"item:{item}", "se"], rel=1e-6)


def test_element_se_close_to_jackknife(province_answers, engine_result) -> None:
    """Delete-one-PSU jackknife on raw answers (JK1, one stratum) agrees with the linearised SE."""

    def element_index(rows: pd.DataFrame, element: str) -> float:
        sub = rows[rows["element_code"] == element]
        shares = sub.groupby("item_code").apply(
            lambda g: np.average(g["y"], weights=g["weight"]), include_groups=False
        )
        return 100 * shares.mean()

    for element in ("civil_servant", "procedure", "policy_quality"):
        psus = province_answers["psu_id"].unique()
        replicates = np.array(
            [element_index(province_answers[province_answers["psu_id"] != p], element) for p in psus]
        )
        g = len(psus)
        jk_se = np.sqrt((g - 1) / g * np.sum((replicates - replicates.mean()) ** 2))
        assert element_index(province_answers, element) == pytest.approx(
            engine_result.loc[f"element:{element}", "value"], rel=1e-9
        )
        assert engine_result.loc[f"element:{element}", "se"] == pytest.approx(jk_se, rel=0.2)


# ---------------------------------------------------------------- coverage simulation


def _simulate(
    rng: np.random.Generator, strata: int, psus: int, m: int, mu: tuple[float, float], reps: int
) -> pd.DataFrame:
    """PSU statistics of `reps` independent samples, each its own unit ("rep0", "rep1", ...): per PSU a
    random effect v, per respondent a weight, an effect u and two 0/1 answers with P = sigmoid(mu + v + u).
    Draws are taken replication by replication, PSU by PSU; the samples are aggregated in one go."""
    weights, answers1, answers2 = [], [], []
    for _ in range(reps):
        for _ in range(strata * psus):
            v = rng.normal(0, 0.5)
            w = rng.lognormal(0, 0.3, m)
            u = rng.normal(0, 0.8, m)
            weights.append(w)
            answers1.append((rng.random(m) < 1 / (1 + np.exp(-(mu[0] + v + u)))).astype(float))
            answers2.append((rng.random(m) < 1 / (1 + np.exp(-(mu[1] + v + u)))).astype(float))
    stratum = np.repeat([f"S{h}" for h in range(strata)], psus * m)
    psu = np.repeat([f"S{h}P{j}" for h in range(strata) for j in range(psus)], m)
    frame = pd.DataFrame(
        {
            "unit_id": np.repeat([f"rep{r}" for r in range(reps)], strata * psus * m),
            "stratum_id": np.tile(stratum, reps),
            "psu_id": np.tile(psu, reps),
            "w": np.concatenate(weights),
            "k1": np.concatenate(answers1),
            "k2": np.concatenate(answers2),
        }
    )
    return _psu_stats_of(frame)


def _true_share(mu: float) -> float:
    """E[sigmoid(mu + v + u)], v ~ N(0, .5²), u ~ N(0, .8²): Gauss–Hermite over their sum."""
    x, w = np.polynomial.hermite_e.hermegauss(80)
    sd = np.hypot(0.5, 0.8)
    return float(np.sum(w / (1 + np.exp(-(mu + sd * x)))) / np.sqrt(2 * np.pi))


@pytest.mark.parametrize(("strata", "psus"), [(12, 6), (1, 6)], ids=["national", "one_province"])
def test_confidence_intervals_cover_95_percent(strata: int, psus: int) -> None:
    comps, items = _tree({"e": ["k1", "k2"]}, {"service": ["e"]})
    coef = item_coefficients(comps, items)
    mu = (1.2, 0.6)
    truth = 100 * (_true_share(mu[0]) + _true_share(mu[1])) / 2
    rng = np.random.default_rng(20241)
    reps = 400
    # every replication is its own "unit", so one call estimates all of them independently
    sample = _simulate(rng, strata, psus, 30, mu, reps)
    result = estimate(sample, coef)
    element = result[result["index_code"] == "element:e"]
    assert len(element) == reps
    coverage = ((element["ci_low"] <= truth) & (truth <= element["ci_high"])).mean()
    # binomial sd at 400 replications is 1.1 points: accept 92–98%
    assert 0.92 <= coverage <= 0.98, coverage
