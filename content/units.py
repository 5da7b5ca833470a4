"""Unit names and geography lookups of one database version, built once and shared (no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from content import source
from content.filters import GEOGRAPHIES, NATIONAL
from content.source import StoreKey
from i18n import t
from reference.units import fold


@dataclass(frozen=True)
class UnitLookup:
    """Read-only lookups over the units and the crosswalk of one database version (shared by sessions)."""

    names: Mapping[str, Mapping[str, str]]  # lang -> unit_id -> display name
    ids: frozenset[str]
    provinces: Mapping[str, tuple[str, ...]]  # geography -> province ids in alphabetical (folded) order
    successor_34: Mapping[str, str]  # unit id -> its first P34 successor in the crosswalk


@lru_cache(maxsize=4)
def lookup(key: StoreKey) -> UnitLookup:
    """Built once per database version: every page formats dozens of unit names, and reading the cached
    units table value by value for each is slow."""
    units = source.units(key)
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
    cw = source.crosswalk(key)
    successor: dict[str, str] = {}
    for old, new in zip(cw["old_unit_id"].tolist(), cw["new_unit_id"].tolist(), strict=True):
        if isinstance(new, str) and new.startswith("P34-"):
            successor.setdefault(old, new)
    return UnitLookup(
        names=MappingProxyType(names),
        ids=frozenset(ids),
        provinces=MappingProxyType(provinces),
        successor_34=MappingProxyType(successor),
    )


def province_ids(key: StoreKey, geo: str) -> tuple[str, ...]:
    """Province ids of a geography ('63' or '34'), sorted by their folded Vietnamese short name."""
    return lookup(key).provinces[geo]


def translate_unit(key: StoreKey, unit_id: str, geo: str) -> str:
    """Carry a selected province across geographies: P63 -> its P34 successor; P34 -> the P63 with its code."""
    if unit_id == NATIONAL or unit_id.startswith("P63-" if geo == "63" else "P34-"):
        return unit_id
    table = lookup(key)
    if geo == "34":
        return table.successor_34.get(unit_id, NATIONAL)
    candidate = "P63-" + unit_id.split("-", 1)[1]
    return candidate if candidate in table.ids else NATIONAL


def unit_names(key: StoreKey, lang: str) -> Mapping[str, str]:
    """Display names of all units in `lang` (unit id -> name), read-only and shared; without the nation."""
    return lookup(key).names["vi" if lang == "vi" else "en"]


def unit_name(key: StoreKey, unit_id: str, lang: str) -> str:
    """Display name of a unit in the chosen language (the nation: 'Toàn quốc' / 'Whole country')."""
    if unit_id == NATIONAL:
        return t("filters.national", lang)
    return unit_names(key, lang).get(unit_id, unit_id)
