"""Command-line report for officers and checks: one row per unit x index with value, CI, n, rank with its
interval, change versus the previous wave and whether it is significant.

    python -m analysis.report --db PATH --year YEAR --level national|region|province|district|commune|agency
        [--breakdown item|element|domain|overall] [--geography 2024|2025]
        [--source auto|computed|published] [--format csv|json] [--lang vi|en]

Values are percentages 0–100. Exit 0 with the table on stdout; exit 2 with one JSON error object (message in
Vietnamese and English) on bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import engine
from analysis.change import year_over_year
from analysis.ranking import rank_many
from store import db, queries
from store.db import Connection

LEVELS = ("national", "region", "province", "district", "commune", "agency")
BREAKDOWNS = ("overall", "domain", "element", "item")
COLUMNS = ["unit_code", "unit_name", "index_code", "value", "ci_low", "ci_high", "n", "rank", "rank_low",
           "rank_high", "change_vs_prev", "change_significant", "flags"]  # fmt: skip


class ReportError(Exception):
    """Bad request: carries a Vietnamese and an English message."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


def _engine_level(con: Connection, year: int, level: str, geography: str | None) -> str:
    wave_geo = engine.wave_info(con, year)["geo_version"] if engine.has_microdata(con, year) else "pre2025"
    if geography is None:
        geography = "2025" if wave_geo == "2025" else "2024"
    if level == "district" and geography == "2025":
        raise ReportError("Từ 1/7/2025 không còn cấp huyện.", "Districts were abolished on 1 July 2025.")
    if wave_geo == "2025" and geography == "2024":
        raise ReportError(
            f"Dữ liệu năm {year} thu theo 34 tỉnh mới; không tách ngược về 63 tỉnh cũ được.",
            f"The {year} data were collected on the 34 new provinces and cannot be split back into the 63 old ones.",
        )
    if level == "province" and geography == "2025" and wave_geo == "pre2025":
        return "province34"
    return level


def _filter_breakdown(frame: pd.DataFrame, breakdown: str) -> pd.DataFrame:
    if breakdown == "overall":
        return frame[frame["index_code"] == "overall"]
    return frame[frame["index_code"].str.startswith(f"{breakdown}:")]


def build_report(
    con: Connection,
    year: int,
    level: str,
    breakdown: str = "overall",
    geography: str | None = None,
    source: str = "auto",
    lang: str = "vi",
) -> pd.DataFrame:
    """The report table (columns `COLUMNS`)."""
    if level not in LEVELS:
        raise ReportError(f"Cấp đơn vị không hợp lệ: {level}", f"Unknown level: {level}")
    if breakdown not in BREAKDOWNS:
        raise ReportError(f"Cách phân tách không hợp lệ: {breakdown}", f"Unknown breakdown: {breakdown}")
    years = sorted(int(y) for y in queries.waves(con)["year"])
    published_years = queries.published_years(con)
    if year not in years and year not in published_years:
        raise ReportError(f"Không có số liệu năm {year}.", f"No data for {year}.")
    eng_level = _engine_level(con, year, level, geography)
    current = _filter_breakdown(engine.results(con, year, eng_level, source=source), breakdown)
    if current.empty:
        raise ReportError(
            f"Không có số liệu cho năm {year}, cấp {level} (nguồn: {source}).",
            f"No figures for {year} at level {level} (source: {source}).",
        )

    ranked = rank_many(current)[["unit_id", "index_code", "rank", "rank_low", "rank_high"]]
    out = current.merge(ranked, on=["unit_id", "index_code"], how="left")

    previous_years = [y for y in years if y < year]
    out["change_vs_prev"] = np.nan
    out["change_significant"] = pd.NA
    if previous_years and source != "published" and engine.has_microdata(con, year):
        prev_year = previous_years[-1]
        prev_level = (
            "province34"
            if eng_level == "province" and engine.wave_info(con, year)["geo_version"] == "2025"
            else eng_level
        )
        prev = _filter_breakdown(engine.results(con, prev_year, prev_level, source=source), breakdown)
        changes = year_over_year(current, prev, comparable=engine.comparable_years(con, year, prev_year))
        out = out.merge(
            changes[["unit_id", "grp", "index_code", "change", "significant", "verdict"]],
            on=["unit_id", "grp", "index_code"],
            how="left",
        )
        out["change_vs_prev"] = out["change"]
        testable = out["verdict"].isin(["up", "down", "no_change"])
        out["change_significant"] = out["significant"].where(testable, pd.NA)
        not_comparable = out["verdict"] == "not_comparable"
        out.loc[not_comparable, "flags"] = out.loc[not_comparable, "flags"].map(
            lambda f: ",".join(x for x in [f, "break_since_prev"] if x)
        )

    units = queries.units(con).set_index("unit_id")
    name_col = "name_vi" if lang == "vi" else "name_en"
    names = units[name_col].to_dict() | {"VN": "Toàn quốc" if lang == "vi" else "Viet Nam"}
    report = pd.DataFrame(
        {
            "unit_code": out["unit_id"],
            "unit_name": out["unit_id"].map(names),
            "index_code": out["index_code"],
            "value": out["value"].round(4),
            "ci_low": out["ci_low"].round(4),
            "ci_high": out["ci_high"].round(4),
            "n": out["n"],
            "rank": out["rank"],
            "rank_low": out["rank_low"],
            "rank_high": out["rank_high"],
            "change_vs_prev": out["change_vs_prev"].astype(float).round(4),
            "change_significant": out["change_significant"],
            "flags": out["flags"],
        }
    )
    return report.sort_values(["index_code", "unit_code"]).reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m analysis.report`."""
    parser = argparse.ArgumentParser(description="SIPAS index report (values in percent).")
    parser.add_argument("--db", type=Path, default=db.db_path())
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--level", choices=LEVELS, required=True)
    parser.add_argument("--breakdown", choices=BREAKDOWNS, default="overall")
    parser.add_argument("--geography", choices=("2024", "2025"))
    parser.add_argument("--source", choices=engine.SOURCES, default="auto")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    args = parser.parse_args(argv)
    try:
        with db.connect_read_only(args.db) as con:
            report = build_report(
                con, args.year, args.level, args.breakdown, args.geography, args.source, args.lang
            )
    except ReportError as error:
        print(json.dumps({"error": {"vi": error.message_vi, "en": error.message_en}}, ensure_ascii=False))
        return 2
    except FileNotFoundError as error:
        print(json.dumps({"error": {"vi": f"Không tìm thấy cơ sở dữ liệu: {args.db}", "en": str(error)}},
                         ensure_ascii=False))  # fmt: skip
        return 2
    if args.format == "csv":
        sys.stdout.write(report.to_csv(index=False))
    else:
        print(json.dumps(json.loads(report.to_json(orient="records", force_ascii=False)), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
