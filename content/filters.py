"""The filters every page reads (chosen in the sidebar, mirrored in the URL): a plain, hashable value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from access.scope import PUBLIC, Scope

GEOGRAPHIES = ("63", "34")
NATIONAL = "VN"
DEFAULT_GEO = {"pre2025": "63", "2025": "34"}  # the geography of a wave's own territory


def geography_for(
    year_geo_version: str,
    previous_geo: str | None,
    previous_year_geo_version: str | None,
    explicit: bool,
) -> str:
    """The geography ('63' or '34') to show for a wave whose territory is `year_geo_version`
    ('pre2025' or '2025').

    - A 2025 wave exists only on the 34-province map: '34'.
    - A wave before 1 July 2025 is shown on the 63 provinces of its time, unless the user explicitly asked
      for the re-aggregated view ('34') while on a pre-2025 wave (`explicit`, `previous_geo` = '34') or
      by a link (`previous_year_geo_version` None: first run, `previous_geo` from ?geo=).
    - Crossing the 2025 boundary (`previous_year_geo_version` differs from `year_geo_version`) drops the
      explicit choice: the default of the new wave applies.
    """
    if year_geo_version == "2025":
        return "34"
    crossed = previous_year_geo_version is not None and previous_year_geo_version != year_geo_version
    if explicit and not crossed and previous_geo in GEOGRAPHIES:
        return str(previous_geo)
    return DEFAULT_GEO["pre2025"]


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
    scope: Scope = PUBLIC  # who is looking (`access`): content shows what this scope may see, nothing more
    coverage: tuple[int, int] = (0, 0)  # (provinces with respondents, provinces of the wave's geography)

    @property
    def is_nation(self) -> bool:
        """Whether the nation (not a province) is chosen."""
        return self.unit_id == NATIONAL

    @property
    def partial(self) -> bool:
        """Whether the wave holds respondents of only some of its provinces (a partial import): national
        and regional figures then rest on `coverage[0]` of `coverage[1]` provinces."""
        k, n = self.coverage
        return self.data_kind != "published_only" and 0 < k < n

    @property
    def unit_level(self) -> str:
        """Engine level of the chosen unit: 'national', or the filters' province level."""
        return "national" if self.is_nation else self.level


def for_wave(
    lang: str, year: int, geo: str, unit_id: str, wave: Mapping[str, object], scope: Scope = PUBLIC
) -> Filters:
    """The filters of a unit in a wave (`wave`: its geo_version, data_kind and methodology_id) shown on
    geography `geo`: the province level of that geography, re-aggregated when a pre-2025 wave is shown on
    the 34 provinces; `scope` says who looks (default: a visitor)."""
    return Filters(
        lang=lang,
        year=int(year),
        geo=geo,
        unit_id=unit_id,
        level="province34" if geo == "34" else "province",
        reaggregated=geo == "34" and wave["geo_version"] == "pre2025",
        data_kind=str(wave["data_kind"]),
        methodology_id=str(wave["methodology_id"]),
        scope=scope,
        coverage=_coverage(wave),
    )


def _coverage(wave: Mapping[str, object]) -> tuple[int, int]:
    """(provinces, design_provinces) of a wave row, (0, 0) when it does not say."""
    try:
        return int(wave["provinces"]), int(wave["design_provinces"])  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return 0, 0
