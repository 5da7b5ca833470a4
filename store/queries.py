"""Named, parameterised queries. Heavy aggregation happens here, in DuckDB; `analysis/` gets small frames.

Unit levels are chosen from a fixed whitelist (never from user text), and every value is a bound parameter.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from reference.units import UnitMatcher
from store.db import Connection

# Unit level -> SQL expression giving the unit of a respondent `r` (joined with its province `pu`
# and, for the 2025 geography of a pre-2025 wave, the province crosswalk `cw`).
UNIT_EXPRESSIONS: dict[str, str] = {
    "national": "'VN'",
    "region": "pu.region_id",
    "province": "r.province_id",
    "district": "r.district_id",
    "commune": "r.commune_id",
    "agency": "r.agency_id",
    "province34": "coalesce(cw.new_unit_id, r.province_id)",
}
BREAKDOWNS = ("sex", "age_group", "ethnicity", "education", "area", "service_field", "channel")


def _unit_sql(level: str) -> str:
    try:
        return UNIT_EXPRESSIONS[level]
    except KeyError:
        raise ValueError(
            f"unknown unit level {level!r}; expected one of {sorted(UNIT_EXPRESSIONS)}"
        ) from None


def _group_sql(breakdown: str | None) -> str:
    if breakdown is None:
        return "NULL::VARCHAR"
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {breakdown!r}; expected one of {BREAKDOWNS}")
    return f"r.{breakdown}"


_FROM = """
    FROM answer a
    JOIN respondent r ON r.year = a.year AND r.resp_no = a.resp_no
    JOIN survey_wave s ON s.year = a.year
    JOIN methodology_item m ON m.methodology_id = s.methodology_id AND m.item_code = a.item_code
    LEFT JOIN admin_unit pu ON pu.unit_id = r.province_id
    LEFT JOIN unit_crosswalk cw ON cw.old_unit_id = r.province_id AND cw.new_unit_id LIKE 'P34-%'
"""


_AGG_JOINS = """
    LEFT JOIN admin_unit pu ON pu.unit_id = r.province_id
    LEFT JOIN unit_crosswalk cw ON cw.old_unit_id = r.province_id AND cw.new_unit_id LIKE 'P34-%'
"""


def psu_item_stats(
    con: Connection,
    year: int,
    level: str,
    breakdown: str | None = None,
    use_aggregates: bool = True,
) -> pd.DataFrame:
    """Per unit x group x stratum x PSU x item: n_valid, w_valid = Σw·valid, w_pos = Σw·positive,
    w_score = Σw·(value − scale_min)/(scale_max − scale_min).

    valid = answer within the item's scale and not a missing code; positive = valid and within
    [positive_min, positive_max] (for satisfaction items: "satisfied"). The rows come from the pre-computed
    `agg_psu_item` table, or with a breakdown at a province-derived level from `agg_psu_item_group`
    (identical numbers, tested); other breakdowns read the raw answers.
    """
    if use_aggregates and (breakdown is None or _group_aggregates_serve(con, year, level)):
        _group_sql(breakdown)  # validates the breakdown name
        group = "NULL::VARCHAR" if breakdown is None else "r.grp"
        table = "agg_psu_item" if breakdown is None else "agg_psu_item_group"
        frame = con.execute(
            f"""
            SELECT {_unit_sql(level)} AS unit_id, {group} AS grp, r.stratum_id, r.psu_id, r.item_code,
                   sum(r.n_valid) AS n_valid, sum(r.w_valid) AS w_valid, sum(r.w_pos) AS w_pos,
                   sum(r.w_score) AS w_score
            FROM {table} r {_AGG_JOINS}
            WHERE r.year = ? {"" if breakdown is None else "AND r.breakdown = ?"} GROUP BY ALL
            """,
            [year] if breakdown is None else [year, breakdown],
        ).df()
        return frame.dropna(subset=["unit_id"])
    sql = f"""
        SELECT {_unit_sql(level)} AS unit_id, {_group_sql(breakdown)} AS grp,
               r.stratum_id, r.psu_id, a.item_code,
               count(*) AS n_valid,
               sum(r.weight) AS w_valid,
               sum(r.weight) FILTER (WHERE a.value BETWEEN m.positive_min AND m.positive_max) AS w_pos,
               sum(r.weight * (a.value - m.scale_min) / (m.scale_max - m.scale_min)) AS w_score
        {_FROM}
        WHERE a.year = ?
          AND a.value BETWEEN m.scale_min AND m.scale_max
          AND NOT list_contains(m.missing_codes, a.value)
        GROUP BY ALL
    """
    frame = con.execute(sql, [year]).df()
    frame["w_pos"] = frame["w_pos"].fillna(0.0)
    return frame.dropna(subset=["unit_id"])


def respondent_scores(
    con: Connection,
    year: int,
    level: str,
    unit_id: str,
    use_aggregates: bool = True,
    max_respondents: int | None = None,
) -> pd.DataFrame:
    """One row per respondent of one unit: weight, psu, stratum, the outcome (1 satisfied / 0 not, NaN if
    unanswered) and, per element, the share (0–100) of that element's criteria the respondent was satisfied
    with (NaN when none of them was answered). Read from `agg_respondent_score` where it exists (the same
    numbers, stored at load time in province order), else from the raw answers. With `max_respondents`, a
    unit with more respondents gives a fixed random subsample of that many (smallest hash(resp_no)), and
    `attrs["sampled_from"]` holds the unit's number of respondents."""
    sql = f"""
        SELECT r.resp_no, r.weight, r.psu_id AS psu, r.stratum_id AS stratum, m.kind,
               coalesce(m.element_code, m.item_code) AS part,
               100.0 * avg(CASE WHEN a.value BETWEEN m.positive_min AND m.positive_max THEN 1 ELSE 0 END) AS score
        {_FROM}
        WHERE a.year = ? AND {_unit_sql(level)} = ?
          AND m.kind IN ('satisfaction', 'outcome')
          AND a.value BETWEEN m.scale_min AND m.scale_max
          AND NOT list_contains(m.missing_codes, a.value)
        GROUP BY ALL
    """
    if use_aggregates and has_respondent_scores(con, year):
        sql = f"""
            SELECT r.resp_no, r.weight, r.psu_id AS psu, r.stratum_id AS stratum, r.kind, r.part, r.score
            FROM agg_respondent_score r {_AGG_JOINS}
            WHERE r.year = ? AND {_unit_sql(level)} = ?
        """
    params: list = [year, unit_id]
    total = None
    if max_respondents is not None:
        total = int(con.execute(f"SELECT count(DISTINCT resp_no) FROM ({sql})", params).fetchall()[0][0])
    if total is not None and total > max_respondents:
        # a fixed random subsample: the respondents with the smallest hash of their number
        sql = f"""
            WITH q AS ({sql}),
            pick AS (SELECT DISTINCT resp_no FROM q ORDER BY hash(resp_no), resp_no LIMIT ?)
            SELECT * FROM q WHERE resp_no IN (SELECT resp_no FROM pick)
        """
        params = [*params, max_respondents]
    long = con.execute(sql, params).df()
    if long.empty:
        return pd.DataFrame(columns=["resp_no", "weight", "psu", "stratum", "outcome"])
    base = ["resp_no", "weight", "psu", "stratum"]
    wide = (
        long[long["kind"] == "satisfaction"]
        .pivot_table(index=base, columns="part", values="score")
        .reset_index()
    )
    outcome = long[long["kind"] == "outcome"][["resp_no", "score"]].rename(columns={"score": "outcome"})
    wide = wide.merge(outcome, on="resp_no", how="left")
    wide["outcome"] = wide["outcome"] / 100.0
    wide.columns.name = None
    if total is not None and total > max_respondents:
        wide.attrs["sampled_from"] = total  # respondents of the unit the subsample was drawn from
    return wide


def respondent_totals(
    con: Connection,
    year: int,
    level: str,
    breakdown: str | None = None,
    use_aggregates: bool = True,
) -> pd.DataFrame:
    """Per unit x group: respondents n, Σw, Σw², number of PSUs and strata."""
    if use_aggregates and (breakdown is None or _group_aggregates_serve(con, year, level)):
        _group_sql(breakdown)  # validates the breakdown name
        group = "NULL::VARCHAR" if breakdown is None else "r.grp"
        table = "agg_psu_respondent" if breakdown is None else "agg_psu_respondent_group"
        return (
            con.execute(
                f"""
                SELECT {_unit_sql(level)} AS unit_id, {group} AS grp, sum(r.n) AS n,
                       sum(r.sum_w) AS sum_w, sum(r.sum_w2) AS sum_w2,
                       count(DISTINCT r.psu_id) AS n_psu, count(DISTINCT r.stratum_id) AS n_strata
                FROM {table} r {_AGG_JOINS}
                WHERE r.year = ? {"" if breakdown is None else "AND r.breakdown = ?"} GROUP BY ALL
                """,
                [year] if breakdown is None else [year, breakdown],
            )
            .df()
            .dropna(subset=["unit_id"])
        )
    sql = f"""
        SELECT {_unit_sql(level)} AS unit_id, {_group_sql(breakdown)} AS grp,
               count(*) AS n, sum(r.weight) AS sum_w, sum(r.weight * r.weight) AS sum_w2,
               count(DISTINCT r.psu_id) AS n_psu, count(DISTINCT r.stratum_id) AS n_strata
        FROM respondent r
        LEFT JOIN admin_unit pu ON pu.unit_id = r.province_id
        LEFT JOIN unit_crosswalk cw ON cw.old_unit_id = r.province_id AND cw.new_unit_id LIKE 'P34-%'
        WHERE r.year = ?
        GROUP BY ALL
    """
    return con.execute(sql, [year]).df().dropna(subset=["unit_id"])


GROUP_LEVELS = ("national", "region", "province", "province34")  # levels the group aggregates serve


def _group_aggregates_serve(con: Connection, year: int, level: str) -> bool:
    return level in GROUP_LEVELS and has_group_aggregates(con, year)


def has_group_aggregates(con: Connection, year: int) -> bool:
    """Whether the per-group PSU aggregates of a wave exist (schema 3; a wave with respondents has rows)."""
    try:
        row = con.execute("SELECT 1 FROM agg_psu_respondent_group WHERE year = ? LIMIT 1", [year]).fetchall()
    except duckdb.CatalogException:  # schema before 3
        return False
    return bool(row)


def has_respondent_scores(con: Connection, year: int) -> bool:
    """Whether per-respondent scores of a wave are stored (schema 3)."""
    try:
        return bool(
            con.execute("SELECT 1 FROM agg_respondent_score WHERE year = ? LIMIT 1", [year]).fetchall()
        )
    except duckdb.CatalogException:  # schema before 3
        return False


def waves(con: Connection) -> pd.DataFrame:
    """All survey waves with their methodology and geography."""
    return con.execute("SELECT * FROM survey_wave ORDER BY year").df()


def methodology_tree(con: Connection, methodology_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(components, items) of one methodology, in file order."""
    components = con.execute(
        "SELECT * FROM methodology_component WHERE methodology_id = ? ORDER BY position", [methodology_id]
    ).df()
    items = con.execute(
        "SELECT * FROM methodology_item WHERE methodology_id = ? ORDER BY position", [methodology_id]
    ).df()
    return components, items


def units(con: Connection, level: str | None = None, geo_version: str | None = None) -> pd.DataFrame:
    """Administrative units, optionally filtered by level and geography version."""
    return con.execute(
        "SELECT * FROM admin_unit WHERE (? IS NULL OR level = ?) AND (? IS NULL OR geo_version IN (?, 'any')) "
        "ORDER BY unit_id",
        [level, level, geo_version, geo_version],
    ).df()


def published_values(con: Connection, year: int | None = None, unit_id: str | None = None) -> pd.DataFrame:
    """Published figures with their sources."""
    return con.execute(
        "SELECT p.*, u.name_vi, u.name_en, u.level FROM published_value p LEFT JOIN admin_unit u USING (unit_id) "
        "WHERE (? IS NULL OR p.year = ?) AND (? IS NULL OR p.unit_id = ?) ORDER BY p.year, p.unit_id, p.index_code",
        [year, year, unit_id, unit_id],
    ).df()


def import_history(con: Connection) -> pd.DataFrame:
    """The import log, newest first."""
    return con.execute("SELECT * FROM import_log ORDER BY imported_at DESC").df()


def wave_catalogue(con: Connection) -> pd.DataFrame:
    """Per wave: methodology, geography, kind of data, respondents, provinces and PSUs covered, and the
    provinces of the wave's geography (`design_provinces`: 63 before the 2025 reorganisation, 34 after)."""
    return con.execute(
        """
        SELECT s.year, s.methodology_id, s.geo_version, s.data_kind,
               count(r.resp_no) AS respondents, count(DISTINCT r.province_id) AS provinces,
               count(DISTINCT r.psu_id) AS psus,
               (SELECT count(*) FROM admin_unit u
                WHERE u.level = 'province' AND u.geo_version = s.geo_version) AS design_provinces
        FROM survey_wave s LEFT JOIN respondent r ON r.year = s.year
        GROUP BY ALL ORDER BY s.year
        """
    ).df()


def has_microdata(con: Connection, year: int) -> bool:
    """Whether respondent rows exist for the year."""
    return bool(con.execute("SELECT count(*) > 0 FROM respondent WHERE year = ?", [year]).fetchall()[0][0])


def published_years(con: Connection) -> set[int]:
    """Years with at least one published figure."""
    return {int(r[0]) for r in con.execute("SELECT DISTINCT year FROM published_value").fetchall()}


def published_sipas(con: Connection, year: int, unit_prefix: str) -> pd.DataFrame:
    """MoHA SIPAS figures with a value published for `year`, for units whose id starts with `unit_prefix`
    (every column of `published_value`)."""
    return con.execute(
        "SELECT * FROM published_value WHERE year = ? AND starts_with(unit_id, ?) AND value IS NOT NULL "
        "AND measured_by = 'MoHA SIPAS'",
        [year, unit_prefix],
    ).df()


def published_province_overall(con: Connection, measured_by: str) -> pd.DataFrame:
    """Published overall values or ranks of the 63 provinces by one measurer (year, unit_id, value, rank)."""
    return con.execute(
        "SELECT year, unit_id, value, rank FROM published_value "
        "WHERE index_code = 'overall' AND unit_id LIKE 'P63-%' AND measured_by = ? "
        "AND (value IS NOT NULL OR rank IS NOT NULL)",
        [measured_by],
    ).df()


def crosswalk(con: Connection) -> pd.DataFrame:
    """Every old unit -> new unit row of the crosswalk."""
    return con.execute("SELECT * FROM unit_crosswalk").df()


def methodologies(con: Connection) -> pd.DataFrame:
    """Every methodology row, oldest first."""
    return con.execute("SELECT * FROM methodology ORDER BY first_year").df()


def wave_sources(con: Connection) -> pd.DataFrame:
    """Per wave, where its data came from: the import behind its respondents, or for a wave without
    respondents the latest import behind its published figures (kind, file_name, imported_at, imported_by)."""
    sql = """
        WITH resp AS (SELECT year, max(import_id) AS import_id FROM respondent GROUP BY year),
        pub AS (
            SELECT year, max(import_id) AS import_id FROM published_value
            WHERE year NOT IN (SELECT year FROM resp) GROUP BY year
        ),
        src AS (SELECT * FROM resp UNION ALL SELECT * FROM pub)
        SELECT s.year, l.kind, l.file_name, l.imported_at, l.imported_by
        FROM survey_wave s LEFT JOIN src USING (year) LEFT JOIN import_log l USING (import_id)
        ORDER BY s.year
    """
    return con.execute(sql).df()


def unit_matcher_tables(con: Connection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(units, crosswalk) a `reference.units.UnitMatcher` is built from: the `admin_unit` columns it reads,
    and the old province -> 2025 province rows of `unit_crosswalk` (empty when the store has none)."""
    units = con.execute(
        "SELECT unit_id, gso_code, level, geo_version, name_vi, short_vi, type_vi, name_en, parent_id "
        "FROM admin_unit"
    ).df()
    crosswalk = con.execute(
        "SELECT old_unit_id, new_unit_id FROM unit_crosswalk WHERE old_unit_id LIKE ? AND new_unit_id LIKE ?",
        ["P63-%", "P34-%"],
    ).df()
    return units, crosswalk


def unit_matcher(con: Connection) -> UnitMatcher:
    """A matcher over the units and crosswalk of the store (the package's crosswalk when the store has none)."""
    units, crosswalk = unit_matcher_tables(con)
    return UnitMatcher.from_frame(units, crosswalk if len(crosswalk) else None)
