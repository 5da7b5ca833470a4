"""What each page computes on the server, as plain functions of (connection, filters): the same `analysis`
calls the page files make, without rendering. Used cold (straight to DuckDB) and warm (through the app's
Streamlit caches in `ui.data_access`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from analysis import drivers as kd
from analysis import engine
from analysis.change import difference, year_over_year
from analysis.ranking import rank_units

BASE_COLUMNS = ("resp_no", "weight", "psu", "stratum", "outcome")  # as in views/drivers.py


@dataclass(frozen=True)
class Interaction:
    """One set of filters an officer might choose."""

    year: int
    unit_id: str
    peers: tuple[str, ...]


def _previous(con: duckdb.DuckDBPyConnection, year: int) -> int | None:
    years = [
        r[0]
        for r in con.execute("SELECT year FROM survey_wave WHERE year < ? ORDER BY year", [year]).fetchall()
    ]
    return years[-1] if years else None


def overview(con: duckdb.DuckDBPyConnection, f: Interaction) -> object:
    """Overview: provinces and nation this year, ranks with intervals, change against the previous wave."""
    provinces = engine.compute_indices(con, f.year, "province")
    engine.compute_indices(con, f.year, "national")
    rank_units(provinces, "overall")
    prev = _previous(con, f.year)
    if prev is not None:
        before = engine.compute_indices(con, prev, "province")
        return year_over_year(provinces, before, comparable=engine.comparable_years(con, prev, f.year))
    return provinces


def map_page(con: duckdb.DuckDBPyConnection, f: Interaction) -> object:
    """Map: every province's overall index with its rank interval, and the districts of the chosen one."""
    provinces = engine.compute_indices(con, f.year, "province")
    rank_units(provinces, "overall")
    level = "district" if engine.wave_info(con, f.year)["geo_version"] == "pre2025" else "commune"
    return engine.compute_indices(con, f.year, level)


def trends(con: duckdb.DuckDBPyConnection, f: Interaction) -> object:
    """Trends: the unit and its peers in every wave, year-over-year tests between consecutive waves."""
    years = [r[0] for r in con.execute("SELECT year FROM survey_wave ORDER BY year").fetchall()]
    frames = {y: engine.compute_indices(con, y, "province") for y in years}
    for a, b in itertools.pairwise(years):
        year_over_year(frames[b], frames[a], comparable=engine.comparable_years(con, a, b))
    return frames


def dimensions(con: duckdb.DuckDBPyConnection, f: Interaction) -> object:
    """Dimensions: criteria of every element, a breakdown by sex (raw respondents), the heatmap."""
    engine.compute_indices(con, f.year, "province")
    return engine.compute_indices(con, f.year, "province", breakdown="sex")


def profile(con: duckdb.DuckDBPyConnection, f: Interaction) -> object:
    """Profile: the province and its sampled units one level down."""
    engine.compute_indices(con, f.year, "province")
    level = "district" if engine.wave_info(con, f.year)["geo_version"] == "pre2025" else "commune"
    return engine.compute_indices(con, f.year, level)


def compare(con: duckdb.DuckDBPyConnection, f: Interaction) -> object:
    """Compare: every index of 4 provinces with a test of difference for each pair."""
    frame = engine.compute_indices(con, f.year, "province")
    rows = frame[(frame.index_code == "overall") & frame.unit_id.isin(f.peers)].set_index("unit_id")
    return [difference(rows.loc[a], rows.loc[b]) for a, b in itertools.combinations(rows.index, 2)]


def drivers(con: duckdb.DuckDBPyConnection, f: Interaction) -> object:
    """Drivers: respondents' element scores in the province, Shapley R² shares and a logistic model."""
    scores = engine.respondent_scores(con, f.year, "province", f.unit_id)
    columns = [c for c in scores.columns if c not in BASE_COLUMNS]
    return kd.key_drivers(scores, columns) if columns else None


PAGES: dict[str, Callable[[duckdb.DuckDBPyConnection, Interaction], object]] = {
    "overview": overview,
    "map": map_page,
    "trends": trends,
    "dimensions": dimensions,
    "profile": profile,
    "compare": compare,
    "drivers": drivers,
}


def interactions(con: duckdb.DuckDBPyConnection, n: int, seed: int = 0) -> list[Interaction]:
    """`n` varied filter choices: years cycle through the waves, provinces through that wave's geography."""
    import random

    rng = random.Random(seed)
    waves = con.execute("SELECT year, geo_version FROM survey_wave ORDER BY year").fetchall()
    out = []
    for k in range(n):
        year, geo = waves[(len(waves) - 1 - k) % len(waves)]
        provinces = [r[0] for r in con.execute(
            "SELECT DISTINCT province_id FROM agg_psu_respondent WHERE year = ? ORDER BY 1", [year]).fetchall()]  # fmt: skip
        picks = rng.sample(provinces, 4)
        out.append(Interaction(year, picks[0], tuple(picks)))
    return out
