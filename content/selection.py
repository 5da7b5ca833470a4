"""Filters for a unit and year outside the sidebar (briefing packs, the command line), and units written
the way officers write them ("01", "P63-01", "Hà Nội", "TP Hồ Chí Minh"). No Streamlit.

The geography follows the year as on screen (`content.filters.geography_for`): a wave before 1 July 2025
on its 63 provinces unless the 34-province view is asked for, a 2025 wave on the 34 provinces.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from access.scope import PUBLIC, Scope
from content import source, units
from content.filters import GEOGRAPHIES, NATIONAL, Filters, for_wave, geography_for
from content.source import StoreKey
from i18n import t
from reference.units import UnitMatcher, fold

NATION_WORDS = {"vn", "toan quoc", "ca nuoc", "viet nam", "national", "nation", "whole country"}


class SelectionError(ValueError):
    """A year or unit that the database does not have; `message_vi` and `message_en` say which and why."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.message_vi = message_vi
        self.message_en = message_en


@dataclass(frozen=True)
class Resolved:
    """A unit text resolved for a year: the unit id, and a note when it was carried across the 2025 break."""

    unit_id: str
    note_vi: str | None = None
    note_en: str | None = None


def _error(key: str, **values: object) -> SelectionError:
    return SelectionError(t(key, "vi", **values), t(key, "en", **values))


@lru_cache(maxsize=4)
def _matcher(key: StoreKey) -> UnitMatcher:
    return UnitMatcher.from_frame(source.units(key), source.crosswalk(key))


def wave(key: StoreKey, year: int) -> dict:
    """The wave row of `year` as a dict; SelectionError when the database has no such wave."""
    waves = source.waves(key)
    rows = waves[waves["year"] == int(year)]
    if rows.empty:
        have = ", ".join(str(y) for y in source.years(key))
        raise _error("selection.no_wave", year=year, have=have)
    return rows.iloc[0].to_dict()


def geography_of(key: StoreKey, year: int, geo: str | None = None) -> str:
    """The geography a year is shown on, by the screen's rule (`content.filters.geography_for`): its own (63
    before 1 July 2025, 34 after) unless `geo` = '34' asks for a pre-2025 wave re-aggregated."""
    if geo is not None and geo not in GEOGRAPHIES:
        raise _error("selection.bad_geo", geo=geo)
    return geography_for(str(wave(key, year)["geo_version"]), geo, None, explicit=geo is not None)


def resolve_unit(key: StoreKey, text: str, year: int, geo: str | None = None) -> Resolved:
    """The province (or the nation) that `text` names in the geography of `year`: a GSO code ("01"), a unit
    id ("P63-01", "P34-01"), or a name in any spelling ("Hà Nội", "ha noi", "TP. Hồ Chí Minh"). A province
    of the other geography is carried to its successor (63 → 34) or its namesake (34 → 63) with a note."""
    geography = geography_of(key, year, geo)
    raw = str(text).strip()
    if fold(raw) in NATION_WORDS:
        return Resolved(NATIONAL)
    version = "pre2025" if geography == "63" else "2025"
    result = _matcher(key).resolve(raw, level="province", geo_version=version)
    if result.unit_id is None and result.issue != "ambiguous":
        other = "2025" if version == "pre2025" else "pre2025"
        elsewhere = _matcher(key).resolve(raw, level="province", geo_version=other)
        if elsewhere.unit_id is not None:
            carried = units.translate_unit(key, elsewhere.unit_id, geography)
            if carried != NATIONAL:
                return Resolved(
                    carried,
                    t(
                        "selection.carried",
                        "vi",
                        text=raw,
                        name=units.unit_name(key, carried, "vi"),
                        year=year,
                    ),
                    t(
                        "selection.carried",
                        "en",
                        text=raw,
                        name=units.unit_name(key, carried, "en"),
                        year=year,
                    ),
                )
    if result.unit_id is None:
        names = ", ".join(s.name_vi for s in result.suggestions[:3])
        hint = {lang: t("selection.suggest", lang, names=names) if names else "" for lang in ("vi", "en")}
        raise SelectionError(
            *(t("selection.not_found", lang, text=raw, year=year) + hint[lang] for lang in ("vi", "en"))
        )
    return Resolved(str(result.unit_id), result.note_vi, result.note_en)


def filters_for(
    key: StoreKey, lang: str, year: int, unit_id: str, geo: str | None = None, scope: Scope = PUBLIC
) -> Filters:
    """The filters the sidebar would make for this language, year, unit (id) and geography."""
    geography = geography_of(key, year, geo)
    if unit_id != NATIONAL and unit_id not in units.province_ids(key, geography):
        raise _error("selection.not_province", unit=unit_id, year=year)
    return for_wave(lang, year, geography, unit_id, wave(key, year), scope)
