"""Satisfaction indices with design-based uncertainty, from per-PSU sufficient statistics.

Formulas (percent scale, for one unit):
- item index        R_k = 100 · Σ w·positive_k / Σ w·valid_k            (weighted share of valid answers)
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
from scipy import stats

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


def estimate(
    psu_stats: pd.DataFrame,
    coefficients: pd.DataFrame,
    totals: pd.DataFrame | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Indices with linearised standard errors and CIs for every unit x group x index.

    `psu_stats`: unit_id, grp, stratum_id, psu_id, item_code, n_valid, w_valid, w_pos (from
    `data.queries.psu_item_stats`). Returns unit_id, grp, index_code, value, se, ci_low, ci_high, df,
    n_valid (answers in the base), plus n, n_eff, n_psu when `totals` is given.
    """
    stats_ = psu_stats.copy()
    stats_["grp"] = stats_["grp"].astype(object).where(stats_["grp"].notna(), "")
    item_tot = stats_.groupby(["unit_id", "grp", "item_code"], as_index=False)[
        ["w_valid", "w_pos", "n_valid"]
    ].sum()
    item_tot = item_tot[item_tot["w_valid"] > 0]
    item_tot["ratio"] = item_tot["w_pos"] / item_tot["w_valid"]

    # re-normalise coefficients over the items present in each unit (a unit may lack an item)
    coef = item_tot[["unit_id", "grp", "item_code"]].merge(coefficients, on="item_code")
    coef["coef"] = coef["coef"] / coef.groupby(Z_COLUMNS)["coef"].transform("sum")

    point = coef.merge(item_tot, on=["unit_id", "grp", "item_code"])
    point["part"] = point["coef"] * point["ratio"] * 100.0
    values = point.groupby(Z_COLUMNS, as_index=False).agg(value=("part", "sum"), n_valid=("n_valid", "max"))

    resid = stats_.merge(item_tot[["unit_id", "grp", "item_code", "ratio", "w_valid"]].rename(
        columns={"w_valid": "x_total"}), on=["unit_id", "grp", "item_code"])  # fmt: skip
    resid["e"] = 100.0 * (resid["w_pos"] - resid["ratio"] * resid["w_valid"]) / resid["x_total"]
    z = resid.merge(coef, on=["unit_id", "grp", "item_code"])
    z["ze"] = z["coef"] * z["e"]
    z = z.groupby([*Z_COLUMNS, "stratum_id", "psu_id"], as_index=False)["ze"].sum()
    z["ze2"] = z["ze"] ** 2
    strata = z.groupby([*Z_COLUMNS, "stratum_id"], as_index=False).agg(
        n_h=("ze", "size"), s1=("ze", "sum"), s2=("ze2", "sum")
    )
    multi = strata["n_h"] > 1
    strata["v_h"] = 0.0
    strata.loc[multi, "v_h"] = (
        strata.loc[multi, "n_h"] / (strata.loc[multi, "n_h"] - 1)
        * (strata.loc[multi, "s2"] - strata.loc[multi, "s1"] ** 2 / strata.loc[multi, "n_h"])
    )  # fmt: skip
    var = strata.groupby(Z_COLUMNS, as_index=False).agg(
        var=("v_h", "sum"), n_psu=("n_h", "sum"), n_strata=("n_h", "size")
    )
    out = values.merge(var, on=Z_COLUMNS, how="left")
    out["se"] = np.sqrt(out["var"].clip(lower=0.0))
    out["df"] = (out["n_psu"] - out["n_strata"]).clip(lower=1)
    t = stats.t.ppf(0.5 + confidence / 2.0, out["df"])
    out["ci_low"] = (out["value"] - t * out["se"]).clip(lower=0.0)
    out["ci_high"] = (out["value"] + t * out["se"]).clip(upper=100.0)
    # a single PSU gives no variance estimate: say so rather than show a zero-width interval
    no_var = out["n_psu"] - out["n_strata"] < 1
    out.loc[no_var, ["se", "ci_low", "ci_high"]] = np.nan
    out = out.drop(columns=["var"])
    if totals is not None:
        tot = totals.copy()
        tot["grp"] = tot["grp"].astype(object).where(tot["grp"].notna(), "")
        tot["n_eff"] = tot["sum_w"] ** 2 / tot["sum_w2"]
        out = out.drop(columns=["n_psu"]).merge(
            tot[["unit_id", "grp", "n", "n_eff", "n_psu"]], on=["unit_id", "grp"], how="left"
        )
    return out.sort_values(Z_COLUMNS).reset_index(drop=True)
