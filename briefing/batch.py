"""One briefing pack per province of a year's geography (63 or 34), resumable (no Streamlit).

A pack is written to a temporary name and renamed when complete, so an interrupted run leaves either a
whole file or none; a rerun skips the files already there. `manifest.json` in the folder lists what was
built, skipped and failed, with sizes and times.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from access import audit
from access.scope import ADMIN, CLI_ADMIN
from briefing import build
from content import selection, units
from content.source import StoreKey


@dataclass
class Outcome:
    """What happened to one province's pack."""

    unit_id: str
    unit: str
    file: str
    status: str  # 'built' | 'skipped' | 'failed'
    seconds: float = 0.0
    bytes: int = 0
    error: str | None = None


@dataclass
class Summary:
    """A batch run: its outcomes and totals."""

    year: int
    geo: str
    format: str
    lang: str
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        """How many packs ended with `status`."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def rate(self) -> float:
        """Packs built per minute (built ones only)."""
        built = [o.seconds for o in self.outcomes if o.status == "built"]
        return 60 * len(built) / sum(built) if built and sum(built) > 0 else 0.0


def file_name(year: int, unit_id: str, lang: str, fmt: str) -> str:
    """sipas-briefing-<year>-<unit id>-<lang>.<fmt>"""
    return f"sipas-briefing-{year}-{unit_id.lower()}-{lang}.{fmt}"


def run(key: StoreKey, year: int, fmt: str, out: Path, lang: str = "vi", geo: str | None = None,
        progress: Callable[[int, int, Outcome], None] | None = None) -> Summary:  # fmt: skip
    """Build the packs of every province of `year`'s geography into `out`; existing files are kept."""
    geography = selection.geography_of(key, year, geo)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.part"):
        stale.unlink()  # left by an interrupted run
    provinces = units.province_ids(key, geography)
    summary = Summary(year, geography, fmt, lang)
    start = time.perf_counter()
    for i, unit_id in enumerate(provinces, start=1):
        name = units.unit_name(key, unit_id, lang)
        target = out / file_name(year, unit_id, lang, fmt)
        if target.exists() and target.stat().st_size > 0:
            outcome = Outcome(unit_id, name, target.name, "skipped", bytes=target.stat().st_size)
        else:
            began = time.perf_counter()
            try:
                filters = selection.filters_for(key, lang, year, unit_id, geo, ADMIN)
                data, _ = build.make(key, filters, fmt)
                partial = target.with_name(target.name + ".part")
                partial.write_bytes(data)
                os.replace(partial, target)
                outcome = Outcome(unit_id, name, target.name, "built", time.perf_counter() - began, len(data))
            except Exception as error:  # noqa: BLE001  (one failed pack must not stop the other 62)
                outcome = Outcome(
                    unit_id, name, target.name, "failed", time.perf_counter() - began, error=str(error)
                )
        summary.outcomes.append(outcome)
        if progress is not None:
            progress(i, len(provinces), outcome)
    summary.seconds = time.perf_counter() - start
    audit.record(CLI_ADMIN, "briefing_pack", year=year, detail={"batch": str(out), "format": fmt, "lang": lang,
                 "built": summary.count("built"), "failed": summary.count("failed")})  # fmt: skip
    manifest = {**asdict(summary), "built": summary.count("built"), "skipped": summary.count("skipped"),
                "failed": summary.count("failed"), "packs_per_minute": round(summary.rate, 2)}  # fmt: skip
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return summary
