"""Per-PSU sufficient statistics kept beside the raw answers, rebuilt in the same transaction as a load,
overall and per respondent group of every breakdown. SQL only: the wave's stored results are computed on top
of these by `analysis.precompute.refresh_wave` (aggregates, then results)."""

from __future__ import annotations

from store.db import Connection

UNIT_COLUMNS = "r.stratum_id, r.psu_id, r.province_id, r.district_id, r.commune_id, r.agency_id"
GROUP_UNIT_COLUMNS = "r.stratum_id, r.psu_id, r.province_id"  # group aggregates serve province levels
# respondent characteristics a page can break results down by (store.queries.BREAKDOWNS)
GROUP_COLUMNS = ("sex", "age_group", "ethnicity", "education", "area", "service_field", "channel")
_TABLES = ("agg_psu_item", "agg_psu_respondent", "agg_psu_item_group", "agg_psu_respondent_group",
           "agg_respondent_score")  # fmt: skip


def _respondent_groups(year_param: str = "?") -> str:
    """(year, resp_no, breakdown, grp): one row per respondent and breakdown, grp NULL when not recorded."""
    names = ", ".join(f"('{c}')" for c in GROUP_COLUMNS)
    cases = " ".join(f"WHEN '{c}' THEN {c}::VARCHAR" for c in GROUP_COLUMNS)
    return f"""
        (SELECT year, resp_no, b.breakdown, CASE b.breakdown {cases} END AS grp
         FROM respondent CROSS JOIN (VALUES {names}) b(breakdown) WHERE year = {year_param})
    """


def refresh_aggregates(con: Connection, year: int) -> None:
    """Recompute the PSU aggregates of one wave from `answer` and `respondent` (on the caller's transaction;
    the stored index results and ranks are `analysis.precompute.refresh_results`).

    Per PSU x item (x breakdown x group): w_valid = Σw over valid answers, w_pos = Σw over answers in
    [positive_min, positive_max], w_score = Σw·(value − scale_min)/(scale_max − scale_min); valid = within
    the scale, not a missing code. Per PSU (x breakdown x group): n, Σw, Σw². Per respondent x element or
    outcome item: score = 100 · (satisfied valid answers) / (valid answers).
    """
    for table in _TABLES:
        con.execute(f"DELETE FROM {table} WHERE year = ?", [year])
    # per (item, value) of the wave's design: valid answers only, pos = satisfied (0/1), score in [0, 1]
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _item_value AS
        SELECT m.item_code, v.value::TINYINT AS value,
               (v.value BETWEEN m.positive_min AND m.positive_max)::INTEGER AS pos,
               (v.value - m.scale_min) / (m.scale_max - m.scale_min) AS score
        FROM survey_wave s JOIN methodology_item m ON m.methodology_id = s.methodology_id
        CROSS JOIN range(-128, 128) v(value)
        WHERE s.year = ? AND v.value BETWEEN m.scale_min AND m.scale_max
          AND NOT list_contains(m.missing_codes, v.value::INTEGER)
        """,
        [year],
    )
    # one row per respondent and breakdown, materialised: joined twice below, and DuckDB 2.0's
    # dictionary-surviving hash join fails on a join built from the cross join directly
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _respondent_group AS SELECT * FROM {_respondent_groups()}", [year]
    )
    item_stats = "count(*), sum(r.weight), sum(r.weight * iv.pos), sum(r.weight * iv.score)"
    valid_answers = """
        FROM answer a
        JOIN _item_value iv ON iv.item_code = a.item_code AND iv.value = a.value
        JOIN respondent r ON r.year = a.year AND r.resp_no = a.resp_no
    """
    try:
        con.execute(
            f"INSERT INTO agg_psu_item SELECT a.year, {UNIT_COLUMNS}, a.item_code, {item_stats} "
            f"{valid_answers} WHERE a.year = ? GROUP BY ALL",
            [year],
        )
        con.execute(
            f"INSERT INTO agg_psu_item_group SELECT a.year, g.breakdown, g.grp, {GROUP_UNIT_COLUMNS}, "
            f"a.item_code, {item_stats} {valid_answers} JOIN _respondent_group g ON g.resp_no = a.resp_no "
            "WHERE a.year = ? GROUP BY ALL",
            [year],
        )
        con.execute(
            """
            INSERT INTO agg_respondent_score
            SELECT a.year, a.resp_no, r.province_id, r.district_id, r.commune_id, r.agency_id, r.weight,
                   r.psu_id, r.stratum_id, m.kind, coalesce(m.element_code, m.item_code),
                   100.0 * avg(iv.pos)
            FROM answer a
            JOIN _item_value iv ON iv.item_code = a.item_code AND iv.value = a.value
            JOIN respondent r ON r.year = a.year AND r.resp_no = a.resp_no
            JOIN survey_wave s ON s.year = a.year
            JOIN methodology_item m ON m.methodology_id = s.methodology_id AND m.item_code = a.item_code
            WHERE a.year = ? AND m.kind IN ('satisfaction', 'outcome')
            GROUP BY ALL ORDER BY r.province_id, a.resp_no
            """,
            [year],
        )
        con.execute(
            f"INSERT INTO agg_psu_respondent SELECT r.year, {UNIT_COLUMNS}, count(*), sum(r.weight), "
            "sum(r.weight * r.weight) FROM respondent r WHERE r.year = ? GROUP BY ALL",
            [year],
        )
        con.execute(
            f"INSERT INTO agg_psu_respondent_group SELECT r.year, g.breakdown, g.grp, {GROUP_UNIT_COLUMNS}, "
            "count(*), sum(r.weight), sum(r.weight * r.weight) FROM respondent r JOIN _respondent_group g "
            "ON g.resp_no = r.resp_no WHERE r.year = ? GROUP BY ALL",
            [year],
        )
    finally:
        con.execute("DROP TABLE IF EXISTS _item_value")
        con.execute("DROP TABLE IF EXISTS _respondent_group")
