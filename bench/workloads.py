"""What each page computes on the server, as plain functions of (data API, filters): the same calls the page
files make, without rendering. `Engine` answers them straight from DuckDB (cold); `App` through the app's
caches in `content.source` (warm once filled)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd

from access.scope import ADMIN  # the benchmark measures the whole work: an administrator sees every level
from analysis import drivers as kd
from analysis import engine
from analysis.change import difference, year_over_year
from analysis.ranking import rank_units
from store import queries

BASE_COLUMNS = ("resp_no", "weight", "psu", "stratum", "outcome")  # as in content.source.drivers


@dataclass(frozen=True)
class Interaction:
    """One set of filters an officer might choose."""

    year: int
    unit_id: str
    peers: tuple[str, ...]


class Engine:
    """The page's data calls straight to DuckDB (cold: nothing cached)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def indices(self, year: int, level: str, breakdown: str | None = None) -> pd.DataFrame:
        return engine.compute_indices(self.con, year, level, breakdown)

    def ranks(self, year: int, level: str, code: str, within: str | None = None) -> pd.DataFrame:
        if within is None:
            return engine.ranks(self.con, year, level, code)
        rows = self.indices(year, level)
        rows = rows[(rows.index_code == code) & rows.unit_id.isin(self.children(within))]
        return rank_units(rows, code)

    def changes(self, year: int, prev: int, level: str, code: str, adjust: bool = True,
                level_prev: str | None = None, within: str | None = None) -> pd.DataFrame:  # fmt: skip
        cur, before = self.indices(year, level), self.indices(prev, level_prev or level)
        if within is not None:
            cur = cur[cur.unit_id.isin(self.children(within))]
        return year_over_year(cur[cur["index_code"] == code], before[before["index_code"] == code],
                              comparable=self.comparable(prev, year), adjust=adjust)  # fmt: skip

    def children(self, province: str) -> set[str]:
        units = queries.units(self.con)
        below = set(units.loc[units["parent_id"] == province, "unit_id"])
        return below | set(units.loc[units["parent_id"].isin(below), "unit_id"])

    def comparable(self, a: int, b: int) -> bool:
        return engine.comparable_years(self.con, a, b)

    def drivers(self, year: int, level: str, unit_id: str) -> object:
        scores = engine.respondent_scores(self.con, year, level, unit_id)
        columns = [c for c in scores.columns if c not in BASE_COLUMNS]
        return kd.key_drivers(scores, columns, min_n=kd.DEFAULT_MIN_N) if columns else None

    def years(self) -> list[int]:
        return [int(y) for y in queries.waves(self.con)["year"]]

    def geo_version(self, year: int) -> str:
        return str(engine.wave_info(self.con, year)["geo_version"])


class App(Engine):
    """The same calls through the app's caches (`content.source`, keyed by the database version
    of `$SIPAS_DB`), as the running app makes them: warm after a first pass."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        from content import source as da

        super().__init__(con)
        self.da, self.key = da, da.current_key()

    def indices(self, year: int, level: str, breakdown: str | None = None) -> pd.DataFrame:
        return self.da.indices(self.key, year, level, breakdown, scope=ADMIN)

    def ranks(self, year: int, level: str, code: str, within: str | None = None) -> pd.DataFrame:
        return self.da.ranks(self.key, year, level, code, within, scope=ADMIN)

    def changes(self, year: int, prev: int, level: str, code: str, adjust: bool = True,
                level_prev: str | None = None, within: str | None = None) -> pd.DataFrame:  # fmt: skip
        return self.da.changes(self.key, year, prev, level, code, adjust, level_prev, within, scope=ADMIN)

    def comparable(self, a: int, b: int) -> bool:
        return self.da.comparable(self.key, a, b)

    def drivers(self, year: int, level: str, unit_id: str) -> object:
        return self.da.drivers(self.key, year, level, unit_id, kd.DEFAULT_MIN_N, scope=ADMIN)

    def years(self) -> list[int]:
        return [int(y) for y in self.da.waves(self.key)["year"]]

    def geo_version(self, year: int) -> str:
        waves = self.da.waves(self.key)
        return str(waves.loc[waves["year"] == year, "geo_version"].iloc[0])


def _previous(api: Engine, year: int) -> int | None:
    years = [y for y in api.years() if y < year]
    return years[-1] if years else None


def overview(api: Engine, f: Interaction) -> object:
    """Overview: provinces and nation this year, ranks with intervals, change of every province and of the
    chosen one against the previous wave (views/overview.py)."""
    provinces = api.indices(f.year, "province")
    api.indices(f.year, "national")
    api.ranks(f.year, "province", "overall")
    prev = _previous(api, f.year)
    if prev is None:
        return provinces
    before = api.indices(prev, "province")
    one = lambda frame: frame[(frame.unit_id == f.unit_id) & (frame.index_code == "overall")]  # noqa: E731
    year_over_year(one(provinces), one(before), comparable=api.comparable(prev, f.year), adjust=False)
    return api.changes(f.year, prev, "province", "overall")


def map_page(api: Engine, f: Interaction) -> object:
    """Map: every province's overall index with its rank interval and change, then the units one level down
    in the chosen province, ranked and tested among themselves (views/map.py)."""
    api.indices(f.year, "province")
    api.indices(f.year, "national")
    api.ranks(f.year, "province", "overall")
    prev = _previous(api, f.year)
    if prev is not None:
        api.changes(f.year, prev, "province", "overall")
    level = "district" if api.geo_version(f.year) == "pre2025" else "commune"
    api.indices(f.year, level)
    ranked = api.ranks(f.year, level, "overall", within=f.unit_id)
    if prev is not None:
        api.changes(f.year, prev, level, "overall", within=f.unit_id)
    return ranked


def trends(api: Engine, f: Interaction) -> object:
    """Trends: the unit and 3 peers in every wave with ranks, each unit's own test between consecutive
    waves (views/trends.py)."""
    years = api.years()
    frames = {y: api.indices(y, "province") for y in years}
    for y in years:
        api.ranks(y, "province", "overall")
    for a, b in itertools.pairwise(years):
        tested = api.changes(b, a, "province", "overall", adjust=False)
        tested[tested.unit_id.isin(f.peers)]
    return frames


def dimensions(api: Engine, f: Interaction) -> object:
    """Dimensions: criteria of every element, a breakdown by sex (raw respondents), the heatmap."""
    api.indices(f.year, "province")
    return api.indices(f.year, "province", "sex")


def profile(api: Engine, f: Interaction) -> object:
    """Profile: the province and its sampled units one level down."""
    api.indices(f.year, "province")
    level = "district" if api.geo_version(f.year) == "pre2025" else "commune"
    return api.indices(f.year, level)


def compare(api: Engine, f: Interaction) -> object:
    """Compare: every index of 4 provinces with a test of difference for each pair."""
    frame = api.indices(f.year, "province")
    rows = frame[(frame.index_code == "overall") & frame.unit_id.isin(f.peers)].set_index("unit_id")
    return [difference(rows.loc[a], rows.loc[b]) for a, b in itertools.combinations(rows.index, 2)]


def drivers(api: Engine, f: Interaction) -> object:
    """Drivers: respondents' element scores in the province, Shapley R² shares and a logistic model."""
    return api.drivers(f.year, "province", f.unit_id)


PAGES: dict[str, Callable[[Engine, Interaction], object]] = {
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
