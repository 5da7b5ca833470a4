"""What an import will do, worked out before anything is written: the parsed rows, every problem, a preview."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ingest.problems import Problems
from reference.methodology import load_waves
from store import imports
from store.db import Connection


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Plan:
    """The outcome of validating one file: `status` is 'ready', 'invalid' or 'unchanged' (same file already
    loaded); `payload` holds the frames to write, `preview` what a person should see before confirming."""

    kind: str  # 'microdata' | 'published'
    year: int
    path: Path
    file_name: str
    file_sha256: str
    file_size: int
    problems: Problems = field(default_factory=Problems)
    status: str = "invalid"
    summary: dict = field(default_factory=dict)
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    payload: dict = field(default_factory=dict)
    replaces: dict | None = None
    options: dict = field(default_factory=dict)
    provinces: list[str] = field(default_factory=list)  # of the rows to load, kept by `without_payload`

    @property
    def ok(self) -> bool:
        """Whether the import may go ahead (no errors)."""
        return not self.problems.has_errors and self.status != "invalid"

    def loaded_provinces(self) -> list[str]:
        """Sorted province ids of the respondents to load (microdata; [] for published figures): from the
        payload, or as recorded when the payload was dropped. What `access.rules.check_import` checks."""
        if self.kind == "microdata" and "respondent" in self.payload:
            return sorted(set(self.payload["respondent"]["province_id"].dropna()))
        return list(self.provinces)

    def without_payload(self) -> Plan:
        """The plan without the rows to load (what a form shows before confirming; they are built again
        under the import lock), its provinces kept for the access check."""
        return dataclasses.replace(self, payload={}, provinces=self.loaded_provinces())


@dataclass(frozen=True)
class WaveFacts:
    """Methodology and geography of a year, from the database or else `reference/waves.toml`."""

    year: int
    methodology_id: str
    geo_version: str
    in_database: bool
    data_kind: str | None


def wave_facts(con: Connection, year: int) -> WaveFacts | None:
    """Facts for `year`, or None when no wave of that year is known anywhere."""
    row = imports.wave_row(con, year)
    if row:
        return WaveFacts(year, row[0], row[1], True, row[2])
    wave = load_waves().get(year)
    if wave is None:
        return None
    return WaveFacts(year, wave.methodology, wave.geo_version, False, None)


def geo_version_for(year: int) -> str:
    """Geography in force for a year with no wave: 63 provinces before 2025, 34 from 2025 (reorganisation of
    1 July 2025; SIPAS fieldwork is in the last quarter)."""
    return "pre2025" if year < 2025 else "2025"
