"""Per-PSU sufficient statistics kept beside the raw answers, rebuilt in the same transaction as a load."""

from __future__ import annotations

import duckdb

UNIT_COLUMNS = "r.stratum_id, r.psu_id, r.province_id, r.district_id, r.commune_id, r.agency_id"


def refresh_aggregates(con: duckdb.DuckDBPyConnection, year: int) -> None:
    """Recompute `agg_psu_item` and `agg_psu_respondent` for one wave from `answer` and `respondent`.

    w_valid = Σw over valid answers, w_pos = Σw over answers in [positive_min, positive_max],
    w_score = Σw·(value − scale_min)/(scale_max − scale_min); valid = within the scale, not a missing code.
    """
    con.execute("DELETE FROM agg_psu_item WHERE year = ?", [year])
    con.execute("DELETE FROM agg_psu_respondent WHERE year = ?", [year])
    con.execute(
        f"""
        INSERT INTO agg_psu_item
        SELECT a.year, {UNIT_COLUMNS}, a.item_code,
               count(*),
               sum(r.weight),
               coalesce(sum(r.weight) FILTER (WHERE a.value BETWEEN m.positive_min AND m.positive_max), 0),
               sum(r.weight * (a.value - m.scale_min) / (m.scale_max - m.scale_min))
        FROM answer a
        JOIN respondent r ON r.year = a.year AND r.resp_no = a.resp_no
        JOIN survey_wave s ON s.year = a.year
        JOIN methodology_item m ON m.methodology_id = s.methodology_id AND m.item_code = a.item_code
        WHERE a.year = ? AND a.value BETWEEN m.scale_min AND m.scale_max
          AND NOT list_contains(m.missing_codes, a.value)
        GROUP BY ALL
        """,
        [year],
    )
    con.execute(
        f"""
        INSERT INTO agg_psu_respondent
        SELECT r.year, {UNIT_COLUMNS}, count(*), sum(r.weight), sum(r.weight * r.weight)
        FROM respondent r WHERE r.year = ? GROUP BY ALL
        """,
        [year],
    )
