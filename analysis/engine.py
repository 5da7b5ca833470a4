"""Index results for one wave at one unit level: queries in DuckDB, statistics in `analysis.indices`.

Suppression lives here, below every page: a unit x group with fewer than `min_n` respondents gets no
value, no interval and the flag `suppressed` ("không đủ mẫu"); pages cannot ask for the hidden value.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analysis.indices import estimate, item_coefficients
from data import queries

DEFAULT_MIN_N = 30
RESULT_COLUMNS = ["year", "unit_id", "grp", "index_code", "value", "se", "ci_low", "ci_high",
                  "n", "n_eff", "n_valid", "n_psu", "flags"]  # fmt: skip


def wave_info(con: duckdb.DuckDBPyConnection, year: int) -> dict:
    """Methodology, geography and data kind of a wave (KeyError when the year has no wave)."""
    frame = queries.waves(con)
    row = frame[frame["year"] == year]
    if row.empty:
        raise KeyError(f"no survey wave for {year}")
    return row.iloc[0].to_dict()


def compute_indices(
    con: duckdb.DuckDBPyConnection,
    year: int,
    level: str = "province",
    breakdown: str | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """Every index (overall, domains, elements, items) for every unit of `level` in `year`.

    Values are percentages 0–100 with 95% design-based CIs; `flags` lists 'generated', 'suppressed',
    'single_psu' and 'reaggregated' (pre-2025 wave shown on the 34-province geography) as they apply.
    """
    wave = wave_info(con, year)
    components, items = queries.methodology_tree(con, wave["methodology_id"])
    coefficients = item_coefficients(components, items)
    psu = queries.psu_item_stats(con, year, level, breakdown)
    totals = queries.respondent_totals(con, year, level, breakdown)
    result = estimate(psu, coefficients, totals)
    result.insert(0, "year", year)
    flags = []
    for row in result.itertuples():
        row_flags = []
        if wave["data_kind"] == "generated":
            row_flags.append("generated")
        if level == "province34" and wave["geo_version"] == "pre2025":
            row_flags.append("reaggregated")
        if row.n < min_n:
            row_flags.append("suppressed")
        elif np.isnan(row.se):
            row_flags.append("single_psu")
        flags.append(",".join(row_flags))
    result["flags"] = flags
    hidden = result["n"] < min_n
    result.loc[hidden, ["value", "se", "ci_low", "ci_high"]] = np.nan
    return result[RESULT_COLUMNS]


def index_labels(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
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
