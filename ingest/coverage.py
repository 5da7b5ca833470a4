"""Partial waves: a microdata file that covers fewer provinces than its wave's geography (or far fewer
respondents than the version it replaces) is loaded only when the importer confirms it, and is flagged.

Rule (stated on the Data page and in the README): partial when the file's provinces k < N, the provinces of
the wave's geography (63 before the 2025 reorganisation, 34 after), or when it would replace a wave and
holds fewer than `SHRINK_SHARE` (50%) of that wave's respondents. Unconfirmed: an error (`partial_wave`)
that only asks for the confirmation, like `wave_exists` asks for 'replace'. Confirmed: a warning, and
`plan.summary['partial']` is kept in the import log."""

from __future__ import annotations

from i18n import fmt_number
from ingest.plan import Plan
from store import imports
from store.db import Connection

SHRINK_SHARE = 0.5
CONFIRM_CODES = ("partial_wave",)


def check(con: Connection, plan: Plan, *, confirmed: bool) -> None:
    """Add the partial-wave problem (error unless `confirmed`) and `summary['coverage']` to a built plan."""
    s = plan.summary
    if plan.kind != "microdata" or not s or "provinces" not in s:
        return
    design = imports.count_units(con, "province", s["geo_version"])
    current = (plan.replaces or {}).get("respondents")
    k, n = int(s["provinces"]), int(s["respondents"])
    s["coverage"] = {"provinces": k, "design_provinces": design, "respondents": n, "current": current}
    few_provinces = design > 0 and k < design
    shrinks = bool(current) and n < SHRINK_SHARE * current
    if not (few_provinces or shrinks):
        return
    s["partial"] = True
    fill = {"k": k, "design": design, "year": plan.year, "n_vi": fmt_number(n, "vi", 0),
            "n_en": fmt_number(n, "en", 0), "current_vi": fmt_number(current, "vi", 0) if current else "–",
            "current_en": fmt_number(current, "en", 0) if current else "–"}  # fmt: skip
    code = "partial_wave_shrinks" if shrinks and not few_provinces else "partial_wave"
    if confirmed:
        plan.problems.warning(f"{code}_confirmed", **fill)
    else:
        plan.problems.error(code, **fill)
