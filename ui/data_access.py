"""Cached, read-only access to the store for pages (Streamlit caching around `data` and `analysis`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import streamlit as st

from analysis import engine
from analysis.change import year_over_year
from analysis.ranking import rank_units
from store import db, queries

if TYPE_CHECKING:
    from analysis.drivers import DriverResult

PIN_KEY = "_sipas_db_key"


def current_key() -> tuple[str, float]:
    """Identity of the current database version: the file the database path resolves to (each import
    writes a new file, see `store.versions`) and its modification time (a demo rebuilt in place is new too)."""
    path = db.db_path().resolve()
    return str(path), path.stat().st_mtime if path.exists() else 0.0


def pin_db_key() -> tuple[str, float]:
    """Fix the database version for this script run (called first by `app.py`): every query of one page
    render reads the same version even if an import switches the database in the middle of it."""
    key = current_key()
    st.session_state[PIN_KEY] = key
    return key


def db_key() -> tuple[str, float]:
    """The database version of this script run (pinned by `app.py`), else the current one."""
    try:
        pinned = st.session_state.get(PIN_KEY)
    except Exception:  # outside a Streamlit script run (no session)
        pinned = None
    return tuple(pinned) if pinned else current_key()


@st.cache_resource(max_entries=4)
def _connection(key: tuple[str, float]) -> duckdb.DuckDBPyConnection:
    return db.connect_read_only(Path(key[0]))


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the shared read-only connection (one cursor per call, safe across sessions)."""
    return _connection(db_key()).cursor()


@st.cache_data(max_entries=256, show_spinner=False)
def indices(key: tuple[str, float], year: int, level: str, breakdown: str | None = None) -> pd.DataFrame:
    """`analysis.engine.compute_indices`, cached per database version."""
    return engine.compute_indices(cursor(), year, level, breakdown)


@st.cache_data(max_entries=128, show_spinner=False)
def ranks(
    key: tuple[str, float], year: int, level: str, index_code: str = "overall", within: str | None = None
) -> pd.DataFrame:
    """`analysis.engine.ranks` (rank with its 95% simulation interval) among every unit of `level`, or among
    the units of province `within` (its districts/communes), cached per database version."""
    if within is None:
        return engine.ranks(cursor(), year, level, index_code)
    frame = engine.compute_indices(cursor(), year, level)
    members = children(key, within)
    return rank_units(frame[(frame["index_code"] == index_code) & frame["unit_id"].isin(members)], index_code)


@st.cache_data(max_entries=64, show_spinner=False)
def children(key: tuple[str, float], province: str) -> set[str]:
    """Units below a province: its districts and communes (pre-2025) or its communes (2025)."""
    frame = units(key)
    below = set(frame.loc[frame["parent_id"] == province, "unit_id"])
    return below | set(frame.loc[frame["parent_id"].isin(below), "unit_id"])


@st.cache_data(max_entries=128, show_spinner=False)
def changes(
    key: tuple[str, float],
    year: int,
    year_prev: int,
    level: str,
    index_code: str,
    adjust: bool = True,
    level_prev: str | None = None,
    within: str | None = None,
) -> pd.DataFrame:
    """`analysis.change.year_over_year` of one index for every unit of `level` (or of those in province
    `within`) in `year` against the same unit at `level_prev` (default `level`) in `year_prev`, with
    Benjamini–Hochberg across these units when `adjust` (without it each row is the unit's own test),
    cached per database version."""
    con = cursor()
    current = engine.compute_indices(con, year, level)
    if within is not None:
        current = current[current["unit_id"].isin(children(key, within))]
    previous = engine.compute_indices(con, year_prev, level_prev or level)
    return year_over_year(
        current[current["index_code"] == index_code],
        previous[previous["index_code"] == index_code],
        comparable=engine.comparable_years(con, year_prev, year),
        adjust=adjust,
    )


DRIVER_BASE_COLUMNS = ("resp_no", "weight", "psu", "stratum", "outcome")  # the rest are element scores
# driver models of larger units are fitted on a fixed random subsample of this many respondents: importance
# shares and odds ratios are then as precise as needed, and a page for the whole nation stays fast and small
DRIVER_MAX_RESPONDENTS = 20_000


@st.cache_data(max_entries=64, show_spinner=False)
def drivers(
    key: tuple[str, float], year: int, level: str, unit_id: str, min_n: int
) -> tuple[DriverResult | None, list[str], int | None]:
    """(key_drivers(respondent_scores(year, level, unit), element columns, min_n), the columns, the unit's
    respondents when the model used a subsample of `DRIVER_MAX_RESPONDENTS`, else None); (None, [], None)
    without data."""
    from analysis import drivers as kd  # statsmodels: loaded with the first driver model, not at start

    scores = engine.respondent_scores(cursor(), year, level, unit_id, max_respondents=DRIVER_MAX_RESPONDENTS)
    columns = [c for c in scores.columns if c not in DRIVER_BASE_COLUMNS]
    if scores.empty or not columns:
        return None, [], None
    return kd.key_drivers(scores, columns, min_n=min_n), columns, scores.attrs.get("sampled_from")


@st.cache_data(max_entries=32, show_spinner=False)
def labels(key: tuple[str, float], year: int) -> pd.DataFrame:
    """Index names for a wave's methodology."""
    return engine.index_labels(cursor(), year)


@st.cache_data(max_entries=8, show_spinner=False)
def waves(key: tuple[str, float]) -> pd.DataFrame:
    """Survey waves."""
    return queries.waves(cursor())


@st.cache_data(max_entries=8, show_spinner=False)
def units(key: tuple[str, float]) -> pd.DataFrame:
    """All administrative units."""
    return queries.units(cursor())


@st.cache_data(max_entries=8, show_spinner=False)
def crosswalk(key: tuple[str, float]) -> pd.DataFrame:
    """Old unit -> new unit crosswalk."""
    return cursor().execute("SELECT * FROM unit_crosswalk").df()


@st.cache_data(max_entries=32, show_spinner=False)
def published(key: tuple[str, float], year: int | None = None, unit_id: str | None = None) -> pd.DataFrame:
    """Published figures with sources."""
    return queries.published_values(cursor(), year, unit_id)


@st.cache_data(max_entries=8, show_spinner=False)
def wave_catalogue(key: tuple[str, float]) -> pd.DataFrame:
    """What is loaded, per wave."""
    return queries.wave_catalogue(cursor())


@st.cache_data(max_entries=8, show_spinner=False)
def import_history(key: tuple[str, float]) -> pd.DataFrame:
    """Import log."""
    return queries.import_history(cursor())


@st.cache_data(max_entries=8, show_spinner=False)
def methodology_tree(key: tuple[str, float], methodology_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Components and items of one methodology."""
    return queries.methodology_tree(cursor(), methodology_id)


@st.cache_data(max_entries=8, show_spinner=False)
def methodologies(key: tuple[str, float]) -> pd.DataFrame:
    """All methodology rows."""
    return cursor().execute("SELECT * FROM methodology ORDER BY first_year").df()


@st.cache_data(max_entries=64, show_spinner=False)
def comparable(key: tuple[str, float], year_a: int, year_b: int) -> bool:
    """Whether two waves lie on the same side of the 2022 methodology break."""
    return engine.comparable_years(cursor(), year_a, year_b)


@st.cache_data(max_entries=8, show_spinner=False)
def wave_sources(key: tuple[str, float]) -> pd.DataFrame:
    """Per wave, where its data came from: the import behind its respondents, or for a wave without
    respondents the latest import behind its published figures (kind, file_name, imported_at, imported_by)."""
    sql = """
        WITH resp AS (SELECT year, max(import_id) AS import_id FROM respondent GROUP BY year),
        pub AS (
            SELECT year, max(import_id) AS import_id FROM published_value
            WHERE year NOT IN (SELECT year FROM resp) GROUP BY year
        ),
        src AS (SELECT * FROM resp UNION ALL SELECT * FROM pub)
        SELECT s.year, l.kind, l.file_name, l.imported_at, l.imported_by
        FROM survey_wave s LEFT JOIN src USING (year) LEFT JOIN import_log l USING (import_id)
        ORDER BY s.year
    """
    return cursor().execute(sql).df()
