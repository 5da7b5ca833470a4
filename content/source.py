"""Cached, read-only access to the store for content builders (no Streamlit).

Every function takes the database version `key` = (resolved file path, modification time) first: an import
writes a new file, so a new key, and nothing cached for an older version is ever served for a newer one.
Results are cached per process in bounded LRU caches and handed out as shallow copies (pandas copy-on-write:
a caller that adds or changes a column never alters the cached frame).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache, wraps
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import pandas as pd

from access import rules
from access.provinces import readable_provinces
from access.scope import Scope
from analysis import engine
from analysis.change import year_over_year
from analysis.ranking import rank_units
from store import db, queries

if TYPE_CHECKING:
    from analysis.drivers import DriverResult
    from store.db import Connection

StoreKey = tuple[str, float]
P = ParamSpec("P")
R = TypeVar("R")

DRIVER_BASE_COLUMNS = ("resp_no", "weight", "psu", "stratum", "outcome")  # the rest are element scores
# driver models of larger units are fitted on a fixed random subsample of this many respondents: importance
# shares and odds ratios are then as precise as needed, and a page for the whole nation stays fast and small
DRIVER_MAX_RESPONDENTS = 20_000


def current_key() -> StoreKey:
    """Identity of the current database version: the file the database path resolves to (each import writes
    a new file, see `store.versions`) and its modification time (a demo rebuilt in place is new too)."""
    path = db.db_path().resolve()
    return str(path), path.stat().st_mtime if path.exists() else 0.0


_connections: dict[StoreKey, Connection] = {}
_lock = threading.Lock()
MAX_CONNECTIONS = 4


def cursor(key: StoreKey) -> Connection:
    """A cursor on the shared read-only connection of database version `key` (one cursor per call)."""
    with _lock:
        con = _connections.get(key)
        if con is None:
            while len(_connections) >= MAX_CONNECTIONS:
                # dropped, not closed: a session pinned to that version may still hold a cursor on it
                # (closing would break its page mid-render); DuckDB closes it with its last cursor
                _connections.pop(next(iter(_connections)))
            con = _connections[key] = db.connect_read_only(Path(key[0]))
    return con.cursor()


def _shared(maxsize: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """lru_cache whose DataFrame results (also inside tuples) are returned as shallow copies."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            result = cached(*args, **kwargs)
            if isinstance(result, pd.DataFrame):
                return result.copy(deep=False)  # type: ignore[return-value]
            if isinstance(result, tuple):
                return tuple(r.copy(deep=False) if isinstance(r, pd.DataFrame) else r for r in result)  # type: ignore[return-value]
            return result

        wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return wrapper

    return decorate


# ---- access: every read of results below the province, by respondent group, of drivers or of the import
# history goes through `scope` (`access.rules`); a request outside it raises `AccessDenied` here, whatever
# page, link or caller asked


@lru_cache(maxsize=8)
def province_of(key: StoreKey) -> dict[str, str]:
    """unit id -> its province ('P63-xx'/'P34-xx') for every unit at or below a province (agencies, districts
    and communes through their parents)."""
    frame = units(key).set_index("unit_id")
    parent = frame["parent_id"].to_dict()
    level = frame["level"].to_dict()
    out: dict[str, str] = {}
    for unit in frame.index:
        cursor_id, steps = unit, 0
        while cursor_id is not None and level.get(cursor_id) not in (None, "province") and steps < 6:
            cursor_id, steps = parent.get(cursor_id), steps + 1
        if cursor_id is not None and level.get(cursor_id) == "province":
            out[unit] = cursor_id
    return out


@lru_cache(maxsize=64)
def readable(key: StoreKey, scope: Scope) -> frozenset[str]:
    """Provinces whose detail `scope` sees (`access.provinces.readable_provinces`: a new province covers the
    old ones merged into it)."""
    return readable_provinces(cursor(key), scope)


def sees_detail(key: StoreKey, scope: Scope, unit_id: str | None) -> bool:
    """Whether `scope` sees the detail (units below, breakdowns, drivers) of `unit_id` (None or 'VN' or a
    region: the nation)."""
    province = (
        None if unit_id in (None, "VN") or str(unit_id).startswith("R-") else province_of(key).get(unit_id)
    )
    if unit_id not in (None, "VN") and not str(unit_id).startswith("R-") and province is None:
        return scope.is_admin
    return rules.sees_detail(scope, province, readable(key, scope))


def require_detail(key: StoreKey, scope: Scope, unit_id: str | None, what: str) -> None:
    """Raise `AccessDenied` unless `sees_detail`."""
    if not sees_detail(key, scope, unit_id):
        province = province_of(key).get(unit_id or "", unit_id)
        rules.require_detail(scope, province if province != "VN" else None, readable(key, scope), what)
        rules.require_admin(scope, what)  # a unit outside any province: administrators only


def _restrict(
    key: StoreKey, scope: Scope, frame: pd.DataFrame, level: str, breakdown: str | None
) -> pd.DataFrame:
    """Rows of `frame` (results of `level`, by `breakdown`) that `scope` may read; visitors asking for
    anything below the province or by group are refused."""
    if scope.is_admin or (level in rules.AGGREGATE_LEVELS and breakdown is None):
        return frame
    what = "breakdown" if breakdown is not None else level if level in rules.BELOW_LEVELS else "below"
    rules.require_signed_in(scope, what)
    if level in ("national", "region"):
        return frame
    allowed = readable(key, scope)
    provinces = frame["unit_id"].map(province_of(key))
    return frame[provinces.isin(allowed).to_numpy()]


@_shared(256)
def _indices(key: StoreKey, year: int, level: str, breakdown: str | None = None) -> pd.DataFrame:
    return engine.compute_indices(cursor(key), year, level, breakdown)


def indices(
    key: StoreKey, year: int, level: str, breakdown: str | None = None, *, scope: Scope
) -> pd.DataFrame:
    """`analysis.engine.compute_indices` of one wave and unit level (optionally by respondent group), the
    rows `scope` may read (visitors: the nation, regions and provinces without breakdown)."""
    return _restrict(key, scope, _indices(key, year, level, breakdown), level, breakdown)


@_shared(128)
def _ranks(key: StoreKey, year: int, level: str, index_code: str, within: str | None) -> pd.DataFrame:
    if within is None:
        return engine.ranks(cursor(key), year, level, index_code)
    frame = _indices(key, year, level)
    members = _children(key, within)
    return rank_units(frame[(frame["index_code"] == index_code) & frame["unit_id"].isin(members)], index_code)


def ranks(
    key: StoreKey,
    year: int,
    level: str,
    index_code: str = "overall",
    within: str | None = None,
    *,
    scope: Scope,
) -> pd.DataFrame:
    """`analysis.engine.ranks` (rank with its 95% simulation interval) among every unit of `level`, or among
    the units of province `within` (its districts/communes: officers of that province and admins only)."""
    if within is not None:
        require_detail(key, scope, within, "below")
        return _ranks(key, year, level, index_code, within)
    return _restrict(key, scope, _ranks(key, year, level, index_code, None), level, None)


@lru_cache(maxsize=64)
def _children(key: StoreKey, province: str) -> frozenset[str]:
    frame = units(key)
    below = set(frame.loc[frame["parent_id"] == province, "unit_id"])
    return frozenset(below | set(frame.loc[frame["parent_id"].isin(below), "unit_id"]))


def children(key: StoreKey, province: str, *, scope: Scope) -> frozenset[str]:
    """Units below a province: its districts and communes (pre-2025) or its communes (2025); officers of
    that province and admins only."""
    require_detail(key, scope, province, "below")
    return _children(key, province)


def changes(
    key: StoreKey,
    year: int,
    year_prev: int,
    level: str,
    index_code: str,
    adjust: bool = True,
    level_prev: str | None = None,
    within: str | None = None,
    *,
    scope: Scope,
) -> pd.DataFrame:
    """`analysis.change.year_over_year` of one index for every unit of `level` (or of those in province
    `within`) in `year` against the same unit at `level_prev` (default `level`) in `year_prev`, with
    Benjamini–Hochberg across these units when `adjust` (without it each row is the unit's own test); the
    rows `scope` may read, tested among the same units whoever asks."""
    if within is not None:
        require_detail(key, scope, within, "below")
        return _changes(key, year, year_prev, level, index_code, adjust, level_prev, within)
    frame = _changes(key, year, year_prev, level, index_code, adjust, level_prev, None)
    return _restrict(key, scope, frame, level, None)


@_shared(128)
def _changes(
    key: StoreKey, year: int, year_prev: int, level: str, index_code: str, adjust: bool, level_prev: str | None,
    within: str | None,
) -> pd.DataFrame:  # fmt: skip
    current = _indices(key, year, level)
    if within is not None:
        current = current[current["unit_id"].isin(_children(key, within))]
    previous = _indices(key, year_prev, level_prev or level)
    return year_over_year(
        current[current["index_code"] == index_code],
        previous[previous["index_code"] == index_code],
        comparable=comparable(key, year_prev, year),
        adjust=adjust,
    )


def drivers(
    key: StoreKey, year: int, level: str, unit_id: str, min_n: int, *, scope: Scope
) -> tuple[DriverResult | None, tuple[str, ...], int | None]:
    """`_drivers` for a signed-in scope that sees the unit's detail (`AccessDenied` otherwise)."""
    require_detail(key, scope, unit_id, "drivers")
    return _drivers(key, year, level, unit_id, min_n)


@lru_cache(maxsize=64)
def _drivers(
    key: StoreKey, year: int, level: str, unit_id: str, min_n: int
) -> tuple[DriverResult | None, tuple[str, ...], int | None]:
    """(key_drivers(respondent_scores(year, level, unit), element columns, min_n), the columns, the unit's
    respondents when the model used a subsample of `DRIVER_MAX_RESPONDENTS`, else None); (None, (), None)
    without data."""
    from analysis import drivers as kd  # statsmodels: loaded with the first driver model, not at start

    scores = engine.respondent_scores(
        cursor(key), year, level, unit_id, max_respondents=DRIVER_MAX_RESPONDENTS
    )
    columns = tuple(c for c in scores.columns if c not in DRIVER_BASE_COLUMNS)
    if scores.empty or not columns:
        return None, (), None
    return kd.key_drivers(scores, list(columns), min_n=min_n), columns, scores.attrs.get("sampled_from")


@_shared(32)
def labels(key: StoreKey, year: int) -> pd.DataFrame:
    """Index names for a wave's methodology."""
    return engine.index_labels(cursor(key), year)


@_shared(8)
def waves(key: StoreKey) -> pd.DataFrame:
    """Survey waves, with their coverage: `provinces` with respondents and `design_provinces` of the wave's
    geography (`coverage`)."""
    frame = queries.waves(cursor(key))
    counts = wave_catalogue(key)[["year", "provinces", "design_provinces"]]
    return frame.merge(counts, on="year", how="left")


@lru_cache(maxsize=8)
def years(key: StoreKey) -> tuple[int, ...]:
    """Wave years, ascending."""
    return tuple(sorted(int(y) for y in waves(key)["year"]))


def previous_year(key: StoreKey, year: int) -> int | None:
    """The wave before `year`, or None."""
    earlier = [y for y in years(key) if y < year]
    return earlier[-1] if earlier else None


def coverage(key: StoreKey, year: int) -> tuple[int, int]:
    """(provinces with respondents, provinces of the wave's geography) for `year`: (63, 63) for a whole
    wave, (1, 63) for a wave that holds one province's survey; (0, N) without microdata."""
    frame = waves(key)
    row = frame.loc[frame["year"] == year]
    if row.empty:
        return 0, 0
    return int(row["provinces"].iloc[0]), int(row["design_provinces"].iloc[0])


def geo_version(key: StoreKey, year: int) -> str:
    """'pre2025' or '2025': the map a wave was collected on."""
    frame = waves(key)
    return str(frame.loc[frame["year"] == year, "geo_version"].iloc[0])


@_shared(8)
def units(key: StoreKey) -> pd.DataFrame:
    """All administrative units."""
    return queries.units(cursor(key))


@_shared(8)
def crosswalk(key: StoreKey) -> pd.DataFrame:
    """Old unit -> new unit crosswalk."""
    return queries.crosswalk(cursor(key))


@_shared(32)
def published(key: StoreKey, year: int | None = None, unit_id: str | None = None) -> pd.DataFrame:
    """Published figures with sources."""
    return queries.published_values(cursor(key), year, unit_id)


@_shared(8)
def wave_catalogue(key: StoreKey) -> pd.DataFrame:
    """What is loaded, per wave."""
    return queries.wave_catalogue(cursor(key))


@_shared(8)
def _import_history(key: StoreKey) -> pd.DataFrame:
    return queries.import_history(cursor(key))


def import_history(key: StoreKey, *, scope: Scope) -> pd.DataFrame:
    """Import log (signed-in users only: it names files and the people who loaded them)."""
    rules.require_signed_in(scope, "import_history")
    return _import_history(key)


@_shared(8)
def methodology_tree(key: StoreKey, methodology_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Components and items of one methodology."""
    return queries.methodology_tree(cursor(key), methodology_id)


@_shared(8)
def methodologies(key: StoreKey) -> pd.DataFrame:
    """All methodology rows."""
    return queries.methodologies(cursor(key))


@lru_cache(maxsize=64)
def comparable(key: StoreKey, year_a: int, year_b: int) -> bool:
    """Whether two waves lie on the same side of the 2022 methodology break."""
    return engine.comparable_years(cursor(key), year_a, year_b)


@_shared(8)
def wave_sources(key: StoreKey) -> pd.DataFrame:
    """Per wave, where its data came from (kind, file_name, imported_at, imported_by)."""
    return queries.wave_sources(cursor(key))
