"""Cached, read-only access to the store for pages (Streamlit caching around `data` and `analysis`)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from analysis import engine
from data import db, queries


def db_key() -> tuple[str, float]:
    """Identity of the current database file: path and modification time (a rebuilt file is a new key)."""
    path = db.db_path()
    return str(path), path.stat().st_mtime if path.exists() else 0.0


@st.cache_resource(max_entries=4)
def _connection(key: tuple[str, float]) -> duckdb.DuckDBPyConnection:
    return db.connect_read_only(Path(key[0]))


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the shared read-only connection (one cursor per call, safe across sessions)."""
    return _connection(db_key()).cursor()


@st.cache_data(max_entries=128, show_spinner=False)
def indices(key: tuple[str, float], year: int, level: str, breakdown: str | None = None) -> pd.DataFrame:
    """`analysis.engine.compute_indices`, cached per database version."""
    return engine.compute_indices(cursor(), year, level, breakdown)


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
