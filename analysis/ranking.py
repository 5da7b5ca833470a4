"""Ranks of units with honest intervals, and which units a unit is statistically tied with.

With ~600 respondents per province, index values carry standard errors of 1–2 points, so a place in
the ranking is uncertain: rank 12 may well be anything from 8 to 17. `rank_units` gives that interval
by simulation; `tied_with` lists the units whose difference from one unit is within sampling error.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special

RANK_COLUMNS = [
    "unit_id", "grp", "index_code", "year", "value", "se", "rank", "rank_of", "rank_low", "rank_high",
    "tier", "gap_to_target", "gap_to_best", "flags",
]  # fmt: skip
TIED_COLUMNS = ["unit_id", "value", "se", "difference", "difference_se", "z", "p_value"]


def _group_rows(results: pd.DataFrame, grp: str) -> pd.DataFrame:
    """Rows of one group (grp NULL read as ''), with se, flags and year present."""
    rows = results.copy()
    rows["grp"] = rows["grp"].astype(object).where(rows["grp"].notna(), "")
    rows = rows[rows["grp"] == grp]
    for column, default in (("se", np.nan), ("flags", ""), ("year", pd.NA)):
        if column not in rows.columns:
            rows[column] = default
    return rows


def _select(results: pd.DataFrame, index_code: str, grp: str) -> pd.DataFrame:
    rows = _group_rows(results[results["index_code"] == index_code], grp)
    if rows["unit_id"].duplicated().any():
        raise ValueError(f"more than one row per unit for index {index_code!r}, group {grp!r}")
    return rows


def _min_ranks(scores: np.ndarray, may_tie: bool = True) -> np.ndarray:
    """Row-wise 'min'-method ranks, 1 = highest score: rank_i = 1 + #{j : s_j > s_i} (ties share the best).

    When ties are possible (units held fixed, without se) ranks are counted exactly by broadcasting;
    otherwise (every unit drawn from a continuous distribution: ties have probability zero) by sorting.
    """
    n_units = scores.shape[1]
    if may_tie and n_units <= 200:
        return 1 + (scores[:, None, :] > scores[:, :, None]).sum(axis=2)
    order = np.argsort(-scores, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, n_units + 1)[None, :].repeat(len(scores), 0), axis=1)
    return ranks


def rank_units(
    results: pd.DataFrame,
    index_code: str = "overall",
    *,
    n_sim: int = 2000,
    seed: int = 0,
    target: float = 80.0,
    higher_is_better: bool = True,
    grp: str = "",
) -> pd.DataFrame:
    """Rank every unit with a value, with a 95% simulation interval for the rank.

    - rank: 1 = best; ties share the best rank ('min' method); rank_of = number of units ranked.
    - rank_low / rank_high: each of `n_sim` draws sets every unit to N(value, se²) (units without se are
      held at their value), ranks within the draw ('min' method), and takes the 2.5th / 97.5th
      percentile of the unit's ranks, rounded outwards (floor / ceil). The interval is then widened to
      contain the point rank where needed, so "rank r (low–high)" always reads consistently; with all
      se = 0 it collapses to (rank, rank). When no unit has an se (published-only figures) the interval
      is left empty (NA) rather than shown as certain.
    - tier = ⌈4 · rank / rank_of⌉: 1 = top quarter … 4 = bottom quarter.
    - gap_to_target = value − target; gap_to_best = value − best value (≤ 0 when higher is better).
    Suppressed units (no value) follow with rank NA and their flags kept. Deterministic for a seed.
    """
    _select(results, index_code, grp)  # validates: one row per unit
    return rank_many(
        results,
        [index_code],
        n_sim=n_sim,
        seed=seed,
        target=target,
        higher_is_better=higher_is_better,
        grp=grp,
    )


def rank_many(
    results: pd.DataFrame,
    index_codes: list[str] | None = None,
    *,
    n_sim: int = 2000,
    seed: int = 0,
    target: float = 80.0,
    higher_is_better: bool = True,
    grp: str = "",
) -> pd.DataFrame:
    """`rank_units` for several indices at once (default: every index in `results`), one simulation.

    Same definitions as `rank_units`; each index is ranked among the units that have a value for it
    (missing units are placed at −∞ in the draws, so they never outrank anyone).
    """
    rows = _group_rows(results, grp)
    codes = list(dict.fromkeys(index_codes if index_codes is not None else rows["index_code"]))
    rows = rows[rows["index_code"].isin(codes)]
    if rows.duplicated(["index_code", "unit_id"]).any():
        raise ValueError("more than one row per unit and index")
    units = pd.Index(sorted(rows["unit_id"].unique()))
    c_idx = pd.Index(codes).get_indexer(rows["index_code"])
    u_idx = units.get_indexer(rows["unit_id"])
    value = np.full((len(codes), len(units)), np.nan)
    se = np.full_like(value, np.nan)
    value[c_idx, u_idx] = rows["value"].to_numpy(float)
    se[c_idx, u_idx] = rows["se"].to_numpy(float)
    present = np.isfinite(value)
    sign = 1.0 if higher_is_better else -1.0
    score = np.where(present, sign * value, -np.inf)  # higher score = better
    point = 1 + (score[:, None, :] > score[:, :, None]).sum(axis=2)  # exact 'min' ranks, c x u
    rank_of = present.sum(axis=1)
    has_se = present & np.isfinite(se) & (se > 0)
    low = np.full(value.shape, -1)
    high = np.full(value.shape, -1)
    simulate = has_se.any(axis=1)
    if simulate.any():
        rng = np.random.default_rng(seed)
        noise = rng.standard_normal((n_sim, len(codes), len(units))) * np.where(has_se, se, 0.0)
        draws = np.where(present, score + sign * noise, -np.inf)
        may_tie = (present & ~has_se).sum(axis=1) > 1
        ranks = np.empty(draws.shape, dtype=np.int32)
        for c in range(len(codes)):
            ranks[:, c, :] = _min_ranks(draws[:, c, :], may_tie=bool(may_tie[c]))
        low = np.floor(np.percentile(ranks, 2.5, axis=0)).astype(int)
        high = np.ceil(np.percentile(ranks, 97.5, axis=0)).astype(int)

    best = np.where(
        present.any(axis=1), np.nanmax(np.where(present, sign * value, -np.inf), axis=1) * sign, np.nan
    )
    frame = rows.copy()
    p = point[c_idx, u_idx]
    ok = present[c_idx, u_idx]
    sim = simulate[c_idx] & ok
    frame["rank"] = pd.array(np.where(ok, p, 0), dtype="Int64")
    frame["rank_low"] = pd.array(np.minimum(low[c_idx, u_idx], p), dtype="Int64")
    frame["rank_high"] = pd.array(np.maximum(high[c_idx, u_idx], p), dtype="Int64")
    frame["rank_of"] = pd.array(rank_of[c_idx], dtype="Int64")
    frame["tier"] = pd.array(
        np.ceil(4 * p / np.maximum(rank_of[c_idx], 1)).astype(int).clip(1, 4), dtype="Int64"
    )
    for column, keep in (("rank", ok), ("tier", ok), ("rank_low", sim), ("rank_high", sim)):
        frame.loc[~keep, column] = pd.NA
    frame["gap_to_target"] = np.where(ok, frame["value"] - target, np.nan)
    frame["gap_to_best"] = np.where(ok, frame["value"] - best[c_idx], np.nan)
    frame["_order"] = pd.Index(codes).get_indexer(frame["index_code"])
    frame["_missing"] = ~ok
    frame = frame.sort_values(["_order", "_missing", "rank", "unit_id"], na_position="last")
    return frame[RANK_COLUMNS].reset_index(drop=True)


def ranks_from_stored(
    results: pd.DataFrame, stored: pd.DataFrame, *, target: float = 80.0, grp: str = ""
) -> pd.DataFrame:
    """The frame `rank_units(results, index_code)` returns (default options), from ranks stored for these
    very results: `stored` has unit_id, rank, rank_of, rank_low, rank_high, tier and position (the row order
    of the stored frame). Gaps are recomputed from the values: gap_to_target = value − target, gap_to_best =
    value − best value (NaN for units without a rank)."""
    rows = _group_rows(results, grp)
    frame = rows.merge(stored, on="unit_id", how="left", validate="one_to_one")
    for column in ("rank", "rank_of", "rank_low", "rank_high", "tier"):
        frame[column] = frame[column].astype("Int64")
    value = frame["value"].to_numpy(float)
    ok = frame["rank"].notna().to_numpy()
    present = np.isfinite(value)
    best = np.max(value[present]) if present.any() else np.nan
    frame["gap_to_target"] = np.where(ok, value - target, np.nan)
    frame["gap_to_best"] = np.where(ok, value - best, np.nan)
    frame = frame.sort_values("position", kind="stable")
    return frame[RANK_COLUMNS].reset_index(drop=True)


def tied_with(
    results: pd.DataFrame,
    unit_id: str,
    index_code: str = "overall",
    alpha: float = 0.05,
    *,
    grp: str = "",
) -> pd.DataFrame:
    """Units statistically tied with `unit_id`: difference within sampling error.

    For every other unit u with a value and se: difference d = value_u − value_ref,
    difference_se = √(se_u² + se_ref²) (independent samples), z = d / difference_se,
    p = 2 · (1 − Φ(|z|)). Units with p ≥ alpha are returned (unadjusted test: a generous notion of "tied",
    which is the cautious side for a ranking). Sorted by value, best first. Empty when the reference
    unit has no value or no se (nothing can be tested); units without se are left out.
    """
    rows = _select(results, index_code, grp)
    ref = rows[rows["unit_id"] == unit_id]
    if ref.empty:
        raise KeyError(f"unit {unit_id!r} has no row for index {index_code!r}, group {grp!r}")
    ref_value = float(ref["value"].iloc[0])
    ref_se = float(ref["se"].iloc[0])
    if not (np.isfinite(ref_value) and np.isfinite(ref_se)):
        return pd.DataFrame(columns=TIED_COLUMNS)
    others = rows[(rows["unit_id"] != unit_id) & rows["value"].notna() & rows["se"].notna()].copy()
    value = others["value"].to_numpy(dtype=float)
    se = others["se"].to_numpy(dtype=float)
    diff = value - ref_value
    diff_se = np.sqrt(se**2 + ref_se**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = diff / diff_se
    # zero se on both sides: an exactly equal value is tied (p = 1), any other value is not (p = 0)
    z = np.where(diff_se == 0, np.where(diff == 0, 0.0, np.sign(diff) * np.inf), z)
    p_value = 2.0 * special.ndtr(-np.abs(z))
    out = pd.DataFrame(
        {
            "unit_id": others["unit_id"].to_numpy(),
            "value": value,
            "se": se,
            "difference": diff,
            "difference_se": diff_se,
            "z": z,
            "p_value": p_value,
        }
    )
    out = out[out["p_value"] >= alpha]
    return out.sort_values(["value", "unit_id"], ascending=[False, True]).reset_index(drop=True)


def tier_of(rank: float, rank_of: float, groups: int = 4) -> int:
    """The tier of a rank: ⌈groups · rank / rank_of⌉, clipped to 1…groups (1 = best; with groups = 4 the
    same quarters as `rank_units`' tier column)."""
    if rank_of <= 0:
        raise ValueError("rank_of must be positive")
    return int(min(groups, max(1, math.ceil(groups * rank / rank_of))))


def tier_span(rank_low: float, rank_high: float, rank_of: float, groups: int = 4) -> tuple[int, int]:
    """(tier of rank_low, tier of rank_high): the tiers a 95% rank interval reaches. Equal ends mean the
    tier is certain at that level; different ends mean the unit could belong to any tier between them."""
    return tier_of(rank_low, rank_of, groups), tier_of(rank_high, rank_of, groups)
