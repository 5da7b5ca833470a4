"""Index results for one wave at one unit level: queries in DuckDB, statistics in `analysis.indices`.

Suppression lives here, below every page: a unit x group with fewer than `min_n` respondents gets no
value, no interval and the flag `suppressed` ("không đủ mẫu"); pages cannot ask for the hidden value.
Pooling adjacent years of the same design (`pool_years`) is the way to get a value for a small cell.

Flags on result rows: generated (demo data), suppressed, single_psu (no variance estimate),
reaggregated (a pre-2025 wave shown on the 34 provinces), pooled, published (a published figure: no
computed uncertainty is attached to it), not_aggregated (a published-only figure asked for on another
geography: published values are never averaged across provinces).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.indices import estimate, item_coefficients
from analysis.ranking import rank_units, ranks_from_stored
from store import queries
from store import results as result_store
from store.db import Connection

DEFAULT_MIN_N = 30
RESULT_COLUMNS = ["year", "unit_id", "grp", "index_code", "value", "se", "ci_low", "ci_high", "df",
                  "n", "n_eff", "n_valid", "n_psu", "flags"]  # fmt: skip
SOURCES = ("auto", "computed", "published")


def wave_info(con: Connection, year: int) -> dict:
    """Methodology, geography and data kind of a wave (KeyError when the year has no wave)."""
    frame = queries.waves(con)
    row = frame[frame["year"] == year]
    if row.empty:
        raise KeyError(f"no survey wave for {year}")
    return row.iloc[0].to_dict()


def has_microdata(con: Connection, year: int) -> bool:
    """Whether respondent rows exist for the year."""
    return queries.has_microdata(con, year)


def _pooled_stats(
    con: Connection, years: Sequence[int], level: str, breakdown: str | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """PSU statistics and totals of several years as one sample (each year's strata kept apart)."""
    psu_parts, total_parts = [], []
    for year in years:
        psu = queries.psu_item_stats(con, year, level, breakdown)
        psu["stratum_id"] = f"{year}:" + psu["stratum_id"].astype(str)
        psu["psu_id"] = f"{year}:" + psu["psu_id"].astype(str)
        psu_parts.append(psu)
        total_parts.append(queries.respondent_totals(con, year, level, breakdown))
    totals = pd.concat(total_parts, ignore_index=True)
    totals["grp"] = totals["grp"].astype(object).where(totals["grp"].notna(), "")
    totals = totals.groupby(["unit_id", "grp"], as_index=False)[
        ["n", "sum_w", "sum_w2", "n_psu", "n_strata"]
    ].sum()
    return pd.concat(psu_parts, ignore_index=True), totals


def _base_flags(wave: dict, level: str) -> list[str]:
    """Flags that follow from the wave and the level: generated (demo data), reaggregated."""
    flags = []
    if wave["data_kind"] == "generated":
        flags.append("generated")
    if level == "province34" and wave["geo_version"] == "pre2025":
        flags.append("reaggregated")
    return flags


def _stored_results(con: Connection, year: int, level: str, wave: dict) -> pd.DataFrame | None:
    """The results stored for (year, level) at load time, in the frame `compute_indices` returns; None
    when none are stored (a database written before schema 3, or a level not stored)."""
    frame = result_store.stored_results(con, year, level)
    if frame is None:
        return None
    prefix = ",".join(_base_flags(wave, level))
    data = frame.pop("data_flags")
    flags = [(prefix + "," + f if f else prefix) if prefix else f for f in data.tolist()]
    frame["flags"] = pd.Series(flags, index=frame.index, dtype=object)
    frame.insert(0, "year", year)
    return frame[RESULT_COLUMNS]


def ranks(con: Connection, year: int, level: str, index_code: str = "overall") -> pd.DataFrame:
    """`analysis.ranking.rank_units(compute_indices(year, level), index_code)`, read from the ranks stored
    at load time where they exist (the overall index at province levels), else simulated now."""
    results = compute_indices(con, year, level)
    rows = results[results["index_code"] == index_code]
    stored = result_store.stored_ranks(con, year, level, index_code)
    if stored is None or stored.empty or len(stored) != len(rows):
        return rank_units(rows, index_code)
    return ranks_from_stored(rows, stored)


def compute_indices(
    con: Connection,
    year: int,
    level: str = "province",
    breakdown: str | None = None,
    min_n: int = DEFAULT_MIN_N,
    measure: str = "share",
    pool_years: Sequence[int] | None = None,
    use_stored: bool = True,
) -> pd.DataFrame:
    """Every index (overall, domains, elements, items) for every unit of `level` in `year`, from microdata.

    Values are percentages 0–100 with 95% design-based CIs. `measure` is 'share' (share satisfied, the
    default) or 'mean' (mean score rescaled to 0–100). `pool_years` (which must include `year` and share its
    methodology) pools adjacent waves into one sample for small cells. With the default options the rows
    stored at load time (`analysis.precompute`) are returned when present (`use_stored=False` estimates).
    """
    wave = wave_info(con, year)
    default = breakdown is None and min_n == DEFAULT_MIN_N and measure == "share" and not pool_years
    if use_stored and default:
        stored = _stored_results(con, year, level, wave)
        if stored is not None:
            return stored
    years = sorted(set(pool_years or [year]) | {year})
    for other in years:
        if wave_info(con, other)["methodology_id"] != wave["methodology_id"]:
            raise ValueError(f"cannot pool {year} with {other}: different survey designs")
    components, items = queries.methodology_tree(con, wave["methodology_id"])
    coefficients = item_coefficients(components, items)
    if len(years) == 1:
        psu = queries.psu_item_stats(con, year, level, breakdown)
        totals = queries.respondent_totals(con, year, level, breakdown)
    else:
        psu, totals = _pooled_stats(con, years, level, breakdown)
    result = estimate(psu, coefficients, totals, measure=measure)
    result.insert(0, "year", year)
    base_flags = _base_flags(wave, level)
    if len(years) > 1:
        base_flags.append("pooled")
    hidden = result["n"] < min_n
    no_var = result["se"].isna() & ~hidden
    flags = pd.Series([list(base_flags) for _ in range(len(result))], index=result.index)
    flags[hidden] = flags[hidden].map(lambda f: [*f, "suppressed"])
    flags[no_var] = flags[no_var].map(lambda f: [*f, "single_psu"])
    result["flags"] = flags.map(",".join).astype(object)
    result.loc[hidden, ["value", "se", "ci_low", "ci_high"]] = np.nan
    return result[RESULT_COLUMNS]


# published index codes use the same vocabulary as computed ones
_LEVEL_PREFIX = {
    "national": "VN",
    "province": "P63-",
    "province34": "P34-",
    "agency": "A-",
    "district": "D63-",
}


def published_indices(con: Connection, year: int, level: str = "province") -> pd.DataFrame:
    """Published figures for `year` at `level`, in the shape of `compute_indices`, flagged 'published'.

    No standard error or interval is invented for them; n is the published respondent count where given.
    Figures are returned only on the geography they were published for; asking for the 34-province view of
    a pre-2025 published-only year returns nothing (they are never averaged across provinces).
    """
    prefix = _LEVEL_PREFIX.get(level)
    if prefix is None:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    frame = queries.published_sipas(con, year, prefix)
    out = pd.DataFrame(
        {
            "year": year,
            "unit_id": frame["unit_id"],
            "grp": "",
            "index_code": frame["index_code"],
            "value": frame["value"],
            "se": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "df": np.nan,
            "n": frame["respondents"].astype(float),
            "n_eff": np.nan,
            "n_valid": np.nan,
            "n_psu": np.nan,
            "flags": "published",
        }
    )
    out["rank_published"] = frame["rank"]
    out["source"] = frame["source"]
    return out


def results(
    con: Connection,
    year: int,
    level: str = "province",
    source: str = "auto",
    **kwargs: object,
) -> pd.DataFrame:
    """Computed indices where microdata exist (`auto`/`computed`), else published figures (`auto`/
    `published`); `published` always returns the published figures only."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    if source == "published":
        return published_indices(con, year, level)
    try:
        computable = has_microdata(con, year) and wave_info(con, year) is not None
    except KeyError:
        computable = False
    if computable:
        return compute_indices(con, year, level, **kwargs)
    if source == "computed":
        raise LookupError(f"no respondent data for {year}")
    return published_indices(con, year, level)


def respondent_scores(
    con: Connection, year: int, level: str, unit_id: str, max_respondents: int | None = None
) -> pd.DataFrame:
    """Respondent-level element scores and outcome of one unit (for key-driver analysis), a fixed random
    subsample of `max_respondents` when the unit has more (`attrs["sampled_from"]` = its respondents)."""
    return queries.respondent_scores(con, year, level, unit_id, max_respondents=max_respondents)


def comparable_years(con: Connection, year_a: int, year_b: int) -> bool:
    """Whether two waves are on the same side of the 2022 methodology break (same survey population).

    The 2022 and 2023 designs differ in questionnaire detail (8 vs 9 policy groups) but share population,
    domains and elements, so they are treated as comparable; 2017–2021 versus 2022+ are not.
    """
    return (wave_info(con, year_a)["methodology_id"] == "sipas_2017") == (
        wave_info(con, year_b)["methodology_id"] == "sipas_2017"
    )


def index_labels(con: Connection, year: int) -> pd.DataFrame:
    """index_code, level, parent index_code, name_vi, name_en, position for the wave's methodology."""
    wave = wave_info(con, year)
    components, items = queries.methodology_tree(con, wave["methodology_id"])

    def code(row: pd.Series) -> str:
        return "overall" if row["level"] == "overall" else f"{row['level']}:{row['component_code']}"

    levels = dict(zip(components["component_code"], components["level"], strict=True))

    def parent(value: object) -> str | None:
        if pd.isna(value):
            return None
        return "overall" if levels[value] == "overall" else f"{levels[value]}:{value}"

    comp = pd.DataFrame(
        {
            "index_code": components.apply(code, axis=1),
            "level": components["level"],
            "parent": components["parent_code"].map(parent),
            "name_vi": components["name_vi"],
            "name_en": components["name_en"],
            "position": components["position"],
        }
    )
    sat = items[(items["kind"] == "satisfaction") & items["element_code"].notna()]
    item_frame = pd.DataFrame(
        {
            "index_code": "item:" + sat["item_code"],
            "level": "item",
            "parent": "element:" + sat["element_code"],
            "name_vi": sat["text_vi"],
            "name_en": sat["text_en"],
            "position": sat["position"] + 1000,
        }
    )
    return pd.concat([comp, item_frame], ignore_index=True)
