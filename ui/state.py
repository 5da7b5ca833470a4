"""Global filters (language, year, geography, unit): sidebar widgets, session state and the URL.

The entry point renders the widgets on every run, so their keyed state survives page switches; the
filters are mirrored into the query string (?lang=vi&year=2024&geo=63&unit=P63-01) so a view can be
shared by link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import streamlit as st

from i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from reference.units import fold
from ui import data_access as da

GEOGRAPHIES = ("63", "34")
NATIONAL = "VN"


@dataclass(frozen=True)
class Filters:
    """What every page reads."""

    lang: str
    year: int
    geo: str  # '63' (before 1 July 2025) or '34'
    unit_id: str  # 'VN' or a province of the chosen geography
    level: str  # unit level for `analysis.engine`: 'province' or 'province34'
    reaggregated: bool  # pre-2025 wave shown on the 34-province geography
    data_kind: str  # 'generated' | 'microdata' | 'published_only'
    methodology_id: str


def _from_query(key: str, allowed: list[str]) -> str | None:
    value = st.query_params.get(key)
    return value if value in allowed else None


@dataclass(frozen=True)
class _UnitLookup:
    """Read-only lookups over the units and the crosswalk of one database version (shared by sessions)."""

    names: Mapping[str, Mapping[str, str]]  # lang -> unit_id -> display name
    ids: frozenset[str]
    provinces: Mapping[str, tuple[str, ...]]  # geography -> province ids in alphabetical (folded) order
    successor_34: Mapping[str, str]  # unit id -> its first P34 successor in the crosswalk


@st.cache_resource(max_entries=4, show_spinner=False)
def _unit_lookup(key: tuple[str, float]) -> _UnitLookup:
    """Built once per database version: every script run formats dozens of unit names (the unit select
    box's options, page labels), and reading the cached units table unpickles all 14,000 rows each time."""
    units = da.units(key)
    ids = units["unit_id"].tolist()  # plain lists: iterating Arrow-backed columns value by value is slow
    names = {}
    for lang, column in (("vi", "short_vi"), ("en", "name_en")):
        names[lang] = MappingProxyType(
            {u: name for u, name in zip(ids, units[column].tolist(), strict=True) if isinstance(name, str)}
        )
    provinces = {}
    for geo in GEOGRAPHIES:
        version = "pre2025" if geo == "63" else "2025"
        frame = units[(units["level"] == "province") & (units["geo_version"] == version)]
        pairs = zip(map(fold, frame["short_vi"].tolist()), frame["unit_id"].tolist(), strict=True)
        provinces[geo] = tuple(unit_id for _, unit_id in sorted(pairs, key=lambda pair: pair[0]))
    cw = da.crosswalk(key)
    successor: dict[str, str] = {}
    for old, new in zip(cw["old_unit_id"].tolist(), cw["new_unit_id"].tolist(), strict=True):
        if isinstance(new, str) and new.startswith("P34-"):
            successor.setdefault(old, new)
    return _UnitLookup(
        names=MappingProxyType(names),
        ids=frozenset(ids),
        provinces=MappingProxyType(provinces),
        successor_34=MappingProxyType(successor),
    )


def _lookup() -> _UnitLookup:
    return _unit_lookup(da.db_key())


def province_ids(geo: str) -> tuple[str, ...]:
    """Province ids of a geography ('63' or '34'), sorted by their folded Vietnamese short name."""
    return _lookup().provinces[geo]


def translate_unit(unit_id: str, geo: str) -> str:
    """Carry a selected province across geographies: P63 -> its P34 successor; P34 -> the P63 with its code."""
    if unit_id == NATIONAL or unit_id.startswith("P63-" if geo == "63" else "P34-"):
        return unit_id
    lookup = _lookup()
    if geo == "34":
        return lookup.successor_34.get(unit_id, NATIONAL)
    candidate = "P63-" + unit_id.split("-", 1)[1]
    return candidate if candidate in lookup.ids else NATIONAL


def unit_names(lang: str) -> Mapping[str, str]:
    """Display names of all units in `lang` (unit id -> name), read-only and shared; without the nation
    (see `unit_name`)."""
    return _lookup().names["vi" if lang == "vi" else "en"]


def unit_name(unit_id: str, lang: str) -> str:
    """Display name of a unit in the chosen language."""
    if unit_id == NATIONAL:
        return t("filters.national", lang)
    return unit_names(lang).get(unit_id, unit_id)


def sidebar_filters() -> Filters:
    """Render the global filters in the sidebar and return them; called once per run by app.py."""
    state = st.session_state
    waves = da.waves(da.db_key())
    years = [int(y) for y in waves["year"]]
    if "lang" not in state:
        state["lang"] = _from_query("lang", list(LANGUAGES)) or DEFAULT_LANGUAGE
    if "year" not in state:
        query_year = _from_query("year", [str(y) for y in years])
        state["year"] = int(query_year) if query_year else max(years)
    lang = state["lang"]
    with st.sidebar:
        st.radio(
            t("filters.language", lang), LANGUAGES, key="lang", horizontal=True,
            format_func=lambda code: t(f"language.{code}", code),
        )  # fmt: skip
        lang = state["lang"]
        st.selectbox(t("filters.year", lang), years[::-1], key="year")
        year = int(state["year"])
        wave = waves[waves["year"] == year].iloc[0]
        geo_options = ["34"] if wave["geo_version"] == "2025" else list(GEOGRAPHIES)
        chosen = state.get("geo") or _from_query("geo", geo_options)
        if chosen not in geo_options:
            chosen = geo_options[0]
        # keyed by its option set: the widget is a different one when 2025 allows only '34'
        geo = st.radio(
            t("filters.geography", lang), geo_options, index=geo_options.index(chosen),
            key=f"geo-{'-'.join(geo_options)}", format_func=lambda g: t(f"filters.geo_{g}", lang),
        )  # fmt: skip
        state["geo"] = geo
        options = [NATIONAL, *province_ids(geo)]
        if "unit" not in state:
            state["unit"] = _from_query("unit", options) or NATIONAL
        state["unit"] = translate_unit(state["unit"], geo)
        if state["unit"] not in options:
            state["unit"] = NATIONAL
        names = unit_names(lang)
        labels = {NATIONAL: t("filters.national", lang)} | {u: names.get(u, u) for u in options[1:]}
        st.selectbox(t("filters.unit", lang), options, key="unit", format_func=labels.__getitem__)
    reaggregated = geo == "34" and wave["geo_version"] == "pre2025"
    filters = Filters(
        lang=lang,
        year=year,
        geo=geo,
        unit_id=state["unit"],
        level="province34" if geo == "34" else "province",
        reaggregated=reaggregated,
        data_kind=str(wave["data_kind"]),
        methodology_id=str(wave["methodology_id"]),
    )
    st.query_params.update({"lang": lang, "year": str(year), "geo": geo, "unit": filters.unit_id})
    state["filters"] = filters
    return filters


def current() -> Filters:
    """The filters chosen in this run (set by the entry point before the page runs)."""
    return st.session_state["filters"]
