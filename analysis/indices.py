"""Satisfaction indices with design-based uncertainty, from per-PSU sufficient statistics.

Formulas (percent scale, for one unit):
- item index        R_k = 100 · Σ w·positive_k / Σ w·valid_k            (weighted share of valid answers)
                    or, as the mean-score variant, R_k = 100 · Σ w·s_k / Σ w·valid_k with
                    s = (answer − scale_min) / (scale_max − scale_min)
- component index   θ_c = Σ_k a_ck · R_k, with a_ck from the methodology tree: each component is the
                    weighted mean of its children (default weight 1), so θ is linear in the item ratios.
- linearised variance (Taylor, with-replacement PSUs within strata):
      z_j  = Σ_k a_ck · 100 · (Y_jk − R_k/100 · X_jk) / X_k          for PSU j (Y, X: Σw·positive, Σw·valid)
      V(θ) = Σ_h n_h/(n_h − 1) · Σ_{j∈h} (z_j − z̄_h)²
- 95% CI            θ ± t_{0.975, df} · √V,  df = #PSU − #strata (at least 1)
- effective n       n_eff = (Σw)² / Σw²  (Kish, weighting only)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special  # t quantile without importing all of scipy.stats

Z_COLUMNS = ["unit_id", "grp", "index_code"]


def item_coefficients(components: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Coefficient a_ck of every satisfaction item k in every index c (overall, domain:*, element:*, item:*).

    Each component is the weighted mean of its children; an item's coefficient in an ancestor is the product
    of normalised weights along the path.
    """
    comp = components.set_index("component_code")
    children: dict[str, list[tuple[str, float]]] = {}
    for code, row in comp.iterrows():
        if pd.notna(row["parent_code"]):
            children.setdefault(row["parent_code"], []).append((code, float(row["weight"])))
    index_items = items[(items["kind"] == "satisfaction") & items["element_code"].notna()]
    for row in index_items.itertuples():
        children.setdefault(row.element_code, []).append(("item:" + row.item_code, 1.0))

    def label(code: str) -> str:
        if code.startswith("item:"):
            return code
        level = comp.loc[code, "level"]
        return "overall" if level == "overall" else f"{level}:{code}"

    rows: list[tuple[str, str, float]] = []

    def walk(code: str) -> dict[str, float]:
        if code.startswith("item:"):
            leaves = {code[5:]: 1.0}
        else:
            kids = children.get(code, [])
            total = sum(w for _, w in kids)
            leaves = {}
            for kid, weight in kids:
                for item, coef in walk(kid).items():
                    leaves[item] = leaves.get(item, 0.0) + coef * weight / total
        rows.extend((label(code), item, coef) for item, coef in leaves.items())
        return leaves

    root = comp.index[comp["level"] == "overall"][0]
    walk(root)
    return pd.DataFrame(rows, columns=["index_code", "item_code", "coef"]).drop_duplicates()


MEASURES = {"share": "w_pos", "mean": "w_score"}


def _combine(*codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense ids for rows of several integer code columns: (inverse index, unique rows as a 2-D array)."""
    sizes = [int(c.max()) + 1 if len(c) else 1 for c in codes]
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for column, size in zip(codes, sizes, strict=True):
        key = key * size + column  # mixed-radix key: one int64 per row
    unique_key, inverse = np.unique(key, return_inverse=True)
    unique = np.empty((len(unique_key), len(codes)), dtype=np.int64)
    for position in range(len(codes) - 1, -1, -1):
        unique_key, unique[:, position] = np.divmod(unique_key, sizes[position])
    return inverse.reshape(-1), unique


def estimate(
    psu_stats: pd.DataFrame,
    coefficients: pd.DataFrame,
    totals: pd.DataFrame | None = None,
    confidence: float = 0.95,
    measure: str = "share",
) -> pd.DataFrame:
    """Indices with linearised standard errors and CIs for every unit x group x index.

    `psu_stats`: unit_id, grp, stratum_id, psu_id, item_code, n_valid, w_valid, w_pos, w_score (from
    `store.queries.psu_item_stats`). Returns unit_id, grp, index_code, value, se, ci_low, ci_high, df,
    n_valid (largest item base), n_psu, n_strata, plus n and n_eff when `totals` is given.

    Domains (a unit's group): every PSU of the unit's strata counts in n_h, those without members of the
    group with z = 0, as domain estimation requires. Items a unit lacks are dropped and the remaining
    coefficients of each index re-normalised to sum to one.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {sorted(MEASURES)}")
    data = psu_stats[psu_stats["item_code"].isin(coefficients["item_code"])]
    if data.empty:  # no unit at this level (e.g. agencies when no respondent names one)
        columns = ["unit_id", "grp", "index_code", "value", "se", "n_valid", "n_psu", "n_strata", "df",
                   "ci_low", "ci_high"] + (["n", "n_eff"] if totals is not None else [])  # fmt: skip
        return pd.DataFrame({c: pd.Series(dtype=object if c in Z_COLUMNS else float) for c in columns})
    index_codes = pd.Index(coefficients["index_code"].unique())
    item_codes = pd.Index(coefficients["item_code"].unique())
    a_matrix = np.zeros((len(index_codes), len(item_codes)))
    a_matrix[
        index_codes.get_indexer(coefficients["index_code"]), item_codes.get_indexer(coefficients["item_code"])
    ] = coefficients["coef"].to_numpy()

    unit_code, unit_names = pd.factorize(data["unit_id"].astype(str))
    grp_code, grp_names = pd.factorize(data["grp"].astype(object).where(data["grp"].notna(), "").astype(str))
    stratum_code, stratum_names = pd.factorize(data["stratum_id"].astype(str))
    psu_code, psu_names = pd.factorize(data["psu_id"].astype(str))
    g_idx, g_rows_ = _combine(unit_code, grp_code)
    g_unit, g_grp = g_rows_[:, 0], g_rows_[:, 1]
    k_idx = item_codes.get_indexer(data["item_code"])
    n_g, n_k, n_c = len(g_rows_), len(item_codes), len(index_codes)
    x = data["w_valid"].to_numpy(float)
    y = data[MEASURES[measure]].to_numpy(float)
    n_valid = data["n_valid"].to_numpy(float)

    # item totals per group: X_gk, Y_gk, ratio R_gk
    flat = g_idx * n_k + k_idx
    x_tot = np.bincount(flat, x, n_g * n_k).reshape(n_g, n_k)
    y_tot = np.bincount(flat, y, n_g * n_k).reshape(n_g, n_k)
    n_tot = np.bincount(flat, n_valid, n_g * n_k).reshape(n_g, n_k)
    present = x_tot > 0
    ratio = np.divide(y_tot, x_tot, out=np.zeros_like(x_tot), where=present)
    norm = present.astype(float) @ a_matrix.T  # Σ_k a_ck over the items the group has  (g x c)
    has_index = norm > 0
    safe_norm = np.where(has_index, norm, 1.0)
    value = 100.0 * (ratio @ a_matrix.T) / safe_norm
    base = np.where(present[:, None, :] & (a_matrix[None, :, :] > 0), n_tot[:, None, :], 0.0).max(axis=2)

    # PSU residuals e_jk = 100·(Y_jk − R_k X_jk)/X_k and influence z_jc = Σ_k a_ck e_jk / norm_gc
    j_idx, j_rows = _combine(g_idx, stratum_code, psu_code)
    j_group, j_stratum, j_psu = j_rows[:, 0], j_rows[:, 1], j_rows[:, 2]
    residual = 100.0 * (y - ratio[g_idx, k_idx] * x) / x_tot[g_idx, k_idx]
    e_matrix = np.zeros((len(j_rows), n_k))
    np.add.at(e_matrix, (j_idx, k_idx), residual)
    z = (e_matrix @ a_matrix.T) / safe_norm[j_group]

    # strata of each unit (not of each group): n_h counts every PSU the unit has in the stratum
    unit_of_psu_row = g_unit[j_group]
    _, unit_psu_rows = _combine(unit_of_psu_row, j_stratum, j_psu)  # distinct (unit, stratum, psu)
    us_idx, us_rows = _combine(unit_psu_rows[:, 0], unit_psu_rows[:, 1])
    psus_per_unit_stratum = np.bincount(us_idx)
    h_idx, h_unique = _combine(j_group, j_stratum)  # (group, stratum) cells
    h_group = h_unique[:, 0]
    lookup = {(u, st_): k for k, (u, st_) in enumerate(us_rows)}
    n_h = np.array([psus_per_unit_stratum[lookup[(g_unit[g], st_)]] for g, st_ in h_unique], dtype=float)
    s1 = np.zeros((len(h_unique), n_c))
    s2 = np.zeros((len(h_unique), n_c))
    np.add.at(s1, h_idx, z)
    np.add.at(s2, h_idx, z * z)
    multi = n_h > 1
    v_h = np.zeros_like(s1)
    v_h[multi] = (n_h[multi] / (n_h[multi] - 1))[:, None] * (s2[multi] - s1[multi] ** 2 / n_h[multi][:, None])
    var = np.zeros((n_g, n_c))
    np.add.at(var, h_group, v_h)
    n_psu = np.bincount(h_group, n_h, n_g)
    n_strata = np.bincount(h_group, minlength=n_g).astype(float)

    g_rows, c_rows = np.nonzero(has_index)
    out = pd.DataFrame(
        {
            "unit_id": np.asarray(unit_names)[g_unit[g_rows]],
            "grp": np.asarray(grp_names)[g_grp[g_rows]],
            "index_code": index_codes[c_rows],
            "value": value[g_rows, c_rows],
            "se": np.sqrt(np.clip(var[g_rows, c_rows], 0.0, None)),
            "n_valid": base[g_rows, c_rows],
            "n_psu": n_psu[g_rows],
            "n_strata": n_strata[g_rows],
        }
    )
    out["df"] = (out["n_psu"] - out["n_strata"]).clip(lower=1)
    t = special.stdtrit(out["df"].to_numpy(float), 0.5 + confidence / 2.0)
    out["ci_low"] = (out["value"] - t * out["se"]).clip(lower=0.0)
    out["ci_high"] = (out["value"] + t * out["se"]).clip(upper=100.0)
    # a single PSU per stratum gives no variance estimate: say so rather than show a zero-width interval
    no_var = out["n_psu"] - out["n_strata"] < 1
    out.loc[no_var, ["se", "ci_low", "ci_high"]] = np.nan
    if totals is not None:
        tot = totals.copy()
        tot["grp"] = tot["grp"].astype(object).where(tot["grp"].notna(), "").astype(str)
        tot["n_eff"] = tot["sum_w"] ** 2 / tot["sum_w2"]
        out = out.merge(tot[["unit_id", "grp", "n", "n_eff"]], on=["unit_id", "grp"], how="left")
    return out.sort_values(Z_COLUMNS).reset_index(drop=True)
