"""Published SIPAS figures (national, element, provincial, agency) as copied from their sources.

The CSVs under `reference/published_figures/` are verbatim copies of `../shared/domain/published/` (public facts, each row
with its source); `tests/data/test_published.py` checks they have not drifted from the shared originals.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from reference.units import UnitMatcher, fold

PUBLISHED_DIR = Path(__file__).resolve().parent / "published_figures"
MOHA = "MoHA SIPAS"

# Published national indicator (English wording in the CSV) -> index code used across the store.
INDICATOR_CODES: dict[str, str] = {
    "Access to services": "element:access",
    "Access to public administrative services (overall)": "element:access",
    "Administrative procedures": "element:procedure",
    "Civil servants' performance": "element:civil_servant",
    "Service outcomes": "element:result",
    "Complaint settlement (receiving & handling feedback)": "element:feedback",
    "Satisfaction with policy development & implementation": "domain:policy",
    "Satisfaction with public administrative service delivery": "domain:service",
    "No civil servant causing difficulty/harassment": "perception:no_harassment",
    "No civil servant causing trouble/harassment": "perception:no_harassment",
    "Not asked to pay bribes": "perception:no_informal_payment",
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


def _number(text: object) -> int | None:
    """Integer from a published count such as '36525' or '35,268'; None when approximate or absent."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    digits = str(text).replace(",", "").replace(".", "").strip()
    return int(digits) if digits.isdigit() else None


def _read(name: str) -> pd.DataFrame:
    frame = pd.read_csv(PUBLISHED_DIR / name, dtype=str, keep_default_na=False)
    return frame.map(lambda v: unicodedata.normalize("NFC", v) if isinstance(v, str) else v)


def _float(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def national_rows() -> list[dict]:
    """National overall and domain values by year (years with no published value are skipped)."""
    rows: list[dict] = []
    for rec in _read("sipas_national_by_year.csv").to_dict("records"):
        year = int(rec["year"])
        for column, code in (
            ("sipas_national_pct", "overall"),
            ("policy_domain_pct", "domain:policy"),
            ("service_domain_pct", "domain:service"),
        ):
            value = _float(rec[column])
            if value is None:
                continue
            rows.append(
                {
                    "year": year,
                    "unit_id": "VN",
                    "index_code": code,
                    "value": value,
                    "value_as_published": rec["value_as_published"] if code == "overall" else None,
                    "rank": None,
                    "rank_of": None,
                    "respondents": _number(rec["respondents"]),
                    "note": rec["note"] or None,
                    "source": rec["source"],
                    "measured_by": MOHA,
                }
            )
    return rows


def element_rows() -> list[dict]:
    """National element, domain, perception and expectation indicators with a published value."""
    rows: list[dict] = []
    for rec in _read("sipas_national_elements.csv").to_dict("records"):
        value = _float(rec["value_pct"])
        if rec["level"] != "national" or value is None:
            continue
        code = INDICATOR_CODES.get(rec["indicator_en"])
        if code is None:
            kind = "expectation" if "expectation" in rec["note"] else "indicator"
            code = f"{kind}:{_slug(rec['indicator_en'])}"
        rows.append(
            {
                "year": int(rec["year"]),
                "unit_id": "VN",
                "index_code": code,
                "value": value,
                "value_as_published": rec["value_as_published"],
                "rank": None,
                "rank_of": None,
                "respondents": None,
                "note": "; ".join(x for x in (rec["indicator_vi"], rec["note"]) if x) or None,
                "source": rec["source"],
                "measured_by": MOHA,
            }
        )
    return rows


def province_rows(matcher: UnitMatcher) -> list[dict]:
    """Provincial values and ranks (63-province geography). Unmatched names raise ValueError."""
    rows: list[dict] = []
    for rec in _read("sipas_province_points_2017_2024.csv").to_dict("records"):
        result = matcher.resolve(rec["province_std"], level="province", geo_version="pre2025")
        if result.unit_id is None:
            raise ValueError(f"published province not matched: {rec['province_std']!r}")
        rank = int(rec["rank"]) if rec["rank"] else None
        base = {
            "year": int(rec["year"]),
            "unit_id": result.unit_id,
            "rank_of": 63 if rank else None,
            "respondents": None,
            "source": rec["source"],
            "measured_by": MOHA,
        }
        rows.append(
            base
            | {
                "index_code": "overall",
                "value": _float(rec["sipas"]),
                "value_as_published": rec["value_as_published"] or None,
                "rank": rank,
                "note": "; ".join(
                    x
                    for x in (
                        rec["rank_change_vs_prev_year"] and f"rank change {rec['rank_change_vs_prev_year']}",
                        rec["note"],
                    )
                    if x
                )
                or None,
            }
        )
        for column, code in (
            ("policy_domain_index", "domain:policy"),
            ("service_domain_index", "domain:service"),
        ):
            value = _float(rec[column])
            if value is not None:
                rows.append(
                    base
                    | {
                        "index_code": code,
                        "value": value,
                        "value_as_published": None,
                        "rank": None,
                        "note": rec["note"] or None,
                    }
                )
    return rows


def agency_units_and_rows(matcher: UnitMatcher) -> tuple[pd.DataFrame, list[dict]]:
    """Hà Nội's own 2022 agency/district survey: agency units to add, and their values.

    These come from the city's own survey (different sample and scale) and are stored with `measured_by`
    saying so; they are never compared with MoHA's SIPAS.
    """
    units: list[dict] = []
    rows: list[dict] = []
    hanoi = matcher.resolve("Hà Nội", level="province", geo_version="pre2025").unit_id
    for rec in _read("sipas_agency_hanoi_2022.csv").to_dict("records"):
        if rec["unit_type"] == "quận/huyện":
            unit_id = matcher.resolve(
                rec["unit"], level="district", geo_version="pre2025", parent_id=hanoi
            ).unit_id
            if unit_id is None:
                raise ValueError(f"published district not matched: {rec['unit']!r}")
        else:
            unit_id = f"A-{hanoi}-{_slug(rec['unit'])}"
            units.append(
                {
                    "unit_id": unit_id,
                    "gso_code": None,
                    "level": "agency",
                    "geo_version": "pre2025",
                    "name_vi": rec["unit"],
                    "short_vi": rec["unit"],
                    "type_vi": rec["unit_type"],
                    "name_en": rec["unit"],
                    "parent_id": hanoi,
                    "region_id": None,
                    "valid_from": None,
                    "valid_to": None,
                    "lat": None,
                    "lon": None,
                    "is_generated": False,
                }
            )
        rows.append(
            {
                "year": int(rec["year"]),
                "unit_id": unit_id,
                "index_code": "overall",
                "value": _float(rec["sipas"]),
                "value_as_published": rec["value_as_published"],
                "rank": int(rec["rank"]) if rec["rank"] else None,
                "rank_of": None,
                "respondents": None,
                "note": rec["unit_type"],
                "source": rec["source"],
                "measured_by": rec["measured_by"],
            }
        )
    return pd.DataFrame(units), rows


PUBLISHED_COLUMNS = [
    "year", "unit_id", "index_code", "value", "value_as_published", "rank", "rank_of",
    "respondents", "note", "source", "measured_by",
]  # fmt: skip


def _merge_duplicates(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (year, unit, index, measurer): the same figure cited by two files keeps both sources."""
    key = ["year", "unit_id", "index_code", "measured_by"]
    sources = frame.groupby(key)["source"].agg(lambda s: " ; ".join(dict.fromkeys(s)))
    merged = frame.drop_duplicates(key, keep="first").set_index(key)
    merged["source"] = sources
    return merged.reset_index()[PUBLISHED_COLUMNS]


def published_tables(matcher: UnitMatcher, import_id: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(agency units to add to `admin_unit`, every published figure as `published_value` rows with
    `import_id`): what `store.reference_tables.load_published` inserts."""
    agencies, agency_rows = agency_units_and_rows(matcher)
    rows = national_rows() + element_rows() + province_rows(matcher) + agency_rows
    frame = _merge_duplicates(pd.DataFrame(rows, columns=PUBLISHED_COLUMNS))
    frame["import_id"] = import_id
    frame["rank"] = frame["rank"].astype("Int64")
    frame["rank_of"] = frame["rank_of"].astype("Int64")
    frame["respondents"] = frame["respondents"].astype("Int64")
    return agencies, frame
