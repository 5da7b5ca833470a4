"""The filters every page reads (chosen in the sidebar, mirrored in the URL): a plain, hashable value."""

from __future__ import annotations

from dataclasses import dataclass

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

    @property
    def is_nation(self) -> bool:
        """Whether the nation (not a province) is chosen."""
        return self.unit_id == NATIONAL

    @property
    def unit_level(self) -> str:
        """Engine level of the chosen unit: 'national', or the filters' province level."""
        return "national" if self.is_nation else self.level
