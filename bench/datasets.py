"""Benchmark databases: the demo store as built by `make db`, and a large store with the same units,
methodologies and published figures but 1,000,000 generated respondents per wave (9 waves, ~470 million
answers), written by SQL inside DuckDB (the Python demo generator would take too long at that size)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from analysis.precompute import refresh_wave
from demo import AGE, CHANNELS, EDUCATION, SERVICE_FIELDS, build_demo
from store import db as dbmod

LARGE_PER_WAVE = 1_000_000


def demo_db(work: Path) -> tuple[Path, float]:
    """Build the demo database into `work` (as `make db` does); returns (path, seconds)."""
    path = work / "demo" / "sipas.duckdb"
    started = time.perf_counter()
    build_demo(path)
    return path, time.perf_counter() - started


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


# everything rebuilt per wave at load time (store/aggregates.py, analysis/precompute.py)
AGGREGATE_TABLES = ("agg_psu_item", "agg_psu_respondent", "agg_psu_item_group", "agg_psu_respondent_group",
                    "agg_respondent_score", "agg_result", "agg_result_set", "agg_rank")  # fmt: skip


def _copy_wave(con, source: int, year: int) -> None:
    """Replace wave `year` by the rows of wave `source` (respondents, answers, aggregates) under `year`."""
    con.execute("BEGIN TRANSACTION")
    for table in ("answer", "respondent", "respondent_recheck", *AGGREGATE_TABLES):
        con.execute(f"DELETE FROM {table} WHERE year = ?", [year])
        columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        select = ", ".join("?" if c == "year" else c for c in columns)
        con.execute(f"INSERT INTO {table} SELECT {select} FROM {table} WHERE year = ?", [year, source])
    con.execute("UPDATE survey_wave SET data_kind = 'generated' WHERE year = ?", [year])
    con.execute("COMMIT")


def large_db(
    work: Path, demo: Path, per_wave: int = LARGE_PER_WAVE, years: list[int] | None = None
) -> tuple[Path, dict]:
    """Copy the demo store and replace every wave by `per_wave` generated respondents spread over the demo's
    sampled communes (PSUs) of that wave, each answering every item of the wave's methodology (3% code 9).
    One wave per design and geography is generated; the other years of that design are copies of it (the
    benchmark measures reading, not this generator). Returns (path, timings in seconds per step)."""
    final = work / "large" / "sipas.duckdb"
    path = final.with_name(
        "sipas.duckdb.building"
    )  # renamed when complete: a killed run leaves no "large" db
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    shutil.copyfile(demo, path)
    con = dbmod.connect_write(path)
    timings: dict[str, float] = {}
    try:
        waves = con.execute(
            "SELECT year, methodology_id, geo_version FROM survey_wave ORDER BY year"
        ).fetchall()
        generated: dict[tuple[str, str], int] = {}  # (methodology, geography) -> year generated
        for year, methodology_id, geo_version in waves:
            if years is not None and year not in years:
                continue
            started = time.perf_counter()
            source = generated.get((methodology_id, geo_version))
            if source is not None:  # same design and geography: copy the generated wave under this year
                _copy_wave(con, source, year)
                timings[str(year)] = round(time.perf_counter() - started, 1)
                continue
            generated[(methodology_id, geo_version)] = year
            con.execute("BEGIN TRANSACTION")
            con.execute(
                """
                CREATE OR REPLACE TEMP TABLE _psu AS
                SELECT row_number() OVER (ORDER BY psu_id) - 1 AS k, * FROM (
                    SELECT DISTINCT province_id, district_id, commune_id, stratum_id, psu_id
                    FROM respondent WHERE year = ?)
                """,
                [year],
            )
            n_psu = dbmod.scalar(con, "SELECT count(*) FROM _psu")
            for table in ("answer", "respondent", "respondent_recheck"):
                con.execute(f"DELETE FROM {table} WHERE year = ?", [year])
            con.execute(
                f"""
                INSERT INTO respondent
                SELECT ?, 'BENCH-' || ? || '-' || g.i, g.i::INTEGER, p.province_id, p.district_id, p.commune_id,
                       NULL, p.stratum_id, p.psu_id, 50 + random() * 400,
                       CASE WHEN random() < 0.52 THEN 'female' ELSE 'male' END,
                       {_sql_list(AGE)}[1 + floor(random() * {len(AGE)})::INT],
                       CASE WHEN random() < 0.12 THEN 'minority' ELSE 'kinh' END,
                       {_sql_list(EDUCATION)}[1 + floor(random() * {len(EDUCATION)})::INT],
                       CASE WHEN random() < 0.35 THEN 'urban' ELSE 'rural' END,
                       {_sql_list(SERVICE_FIELDS)}[1 + floor(random() * {len(SERVICE_FIELDS)})::INT],
                       {_sql_list(CHANNELS)}[1 + floor(random() * {len(CHANNELS)})::INT],
                       TRUE, NULL
                FROM range(1, ? + 1) g(i) JOIN _psu p ON p.k = g.i % ?
                """,
                [year, str(year), per_wave, n_psu],
            )
            con.execute(
                """
                INSERT INTO answer
                SELECT r.year, r.resp_no, i.item_code,
                       (CASE WHEN random() < 0.03 THEN i.missing_codes[1]
                             WHEN random() < 0.8 THEN i.positive_min + floor(random() * (i.positive_max - i.positive_min + 1))
                             ELSE i.scale_min + floor(random() * (i.positive_min - i.scale_min)) END)::TINYINT
                FROM respondent r
                JOIN survey_wave s ON s.year = r.year
                JOIN methodology_item i ON i.methodology_id = s.methodology_id
                WHERE r.year = ?
                """,
                [year],
            )
            con.execute("UPDATE survey_wave SET data_kind = 'generated' WHERE year = ?", [year])
            refresh_wave(con, year)
            con.execute("COMMIT")
            timings[str(year)] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        con.execute("CHECKPOINT")
        timings["checkpoint"] = round(time.perf_counter() - started, 1)
    finally:
        con.close()
    path.replace(final)
    return final, timings
