"""The embedded demo store: schema, reference data, determinism and calibration to published figures."""

from __future__ import annotations

import duckdb
import pytest

from analysis.engine import compute_indices
from demo import build_demo, national_targets
from store.db import SCHEMA_VERSION, connect_read_only, schema_version

TABLES = {
    "schema_version", "admin_unit", "unit_crosswalk", "methodology", "methodology_component",
    "methodology_item", "survey_wave", "respondent", "answer", "published_value", "import_log",
}  # fmt: skip


@pytest.fixture(scope="module")
def con(demo_db_path):
    connection = connect_read_only(demo_db_path)
    yield connection
    connection.close()


def test_schema_created(con: duckdb.DuckDBPyConnection) -> None:
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert tables >= TABLES
    assert schema_version(con) == SCHEMA_VERSION


def test_provinces_and_crosswalk(con: duckdb.DuckDBPyConnection) -> None:
    counts = dict(
        con.execute(
            "SELECT geo_version, count(*) FROM admin_unit WHERE level = 'province' GROUP BY ALL"
        ).fetchall()
    )
    assert counts == {"pre2025": 63, "2025": 34}
    mapped = con.execute(
        "SELECT count(DISTINCT old_unit_id), count(DISTINCT new_unit_id) FROM unit_crosswalk "
        "WHERE old_unit_id LIKE 'P63-%' AND new_unit_id LIKE 'P34-%'"
    ).fetchall()[0]
    assert mapped == (63, 34)


def test_every_wave_present_with_its_geography(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT s.year, s.geo_version, count(DISTINCT r.province_id), count(*) FROM survey_wave s "
        "JOIN respondent r USING (year) GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert [r[0] for r in rows] == list(range(2017, 2026))
    for year, geo, provinces, respondents in rows:
        assert provinces == (34 if year == 2025 else 63)
        assert geo == ("2025" if year == 2025 else "pre2025")
        assert 33_000 <= respondents <= 41_000


def test_generated_data_is_marked(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("SELECT bool_and(is_generated) FROM respondent").fetchall()[0][0] is True
    kinds = {r[0] for r in con.execute("SELECT DISTINCT data_kind FROM survey_wave").fetchall()}
    assert kinds == {"generated"}
    assert con.execute("SELECT count(*) FROM import_log WHERE kind = 'demo'").fetchall()[0][0] == 1


def test_no_personal_data_columns(con: duckdb.DuckDBPyConnection) -> None:
    columns = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns").fetchall()}
    assert not columns & {"name", "phone", "address", "national_id", "full_name", "phone_number"}


def test_published_figures_loaded_with_sources(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE source IS NULL OR source = '') FROM published_value"
    ).fetchall()[0]
    assert rows[0] > 40 and rows[1] == 0
    value = con.execute(
        "SELECT value FROM published_value WHERE year = 2023 AND unit_id = 'P63-22' AND index_code = 'overall'"
    ).fetchall()[0]
    assert value == (90.61,)


def test_national_results_near_published(con: duckdb.DuckDBPyConnection) -> None:
    published = con.execute(
        "SELECT year, index_code, value FROM published_value WHERE unit_id = 'VN' "
        "AND index_code IN ('overall', 'domain:policy', 'domain:service') AND value IS NOT NULL"
    ).fetchall()
    assert {year for year, _, _ in published} >= {2018, 2019, 2020, 2022, 2023, 2024}
    for year, code, value in published:
        result = compute_indices(con, year, "national")
        estimate = result[result["index_code"] == code]["value"].iloc[0]
        assert abs(estimate - value) <= 1.5, (year, code, estimate, value)


def test_targets_cover_every_wave() -> None:
    assert set(national_targets()) == set(range(2017, 2026))


def test_published_provinces_near_published(con: duckdb.DuckDBPyConnection) -> None:
    published = con.execute(
        "SELECT year, unit_id, value FROM published_value WHERE unit_id LIKE 'P63-%' "
        "AND index_code = 'overall' AND value IS NOT NULL AND measured_by = 'MoHA SIPAS'"
    ).fetchall()
    assert len(published) >= 15
    for year in {y for y, _, _ in published}:
        result = compute_indices(con, year, "province").set_index(["unit_id", "index_code"])
        for y, unit_id, value in published:
            if y == year:
                row = result.loc[(unit_id, "overall")]
                # the published value lies within the demo estimate's 95% interval widened by 1 point
                assert row["ci_low"] - 1 <= value <= row["ci_high"] + 1, (year, unit_id, row["value"], value)


def _fingerprint(path) -> tuple:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT (SELECT count(*) FROM respondent), (SELECT sum(hash(respondent_id, weight, psu_id, sex)) "
            "FROM respondent), (SELECT count(*) FROM answer), (SELECT sum(hash(resp_no, item_code, value)) "
            "FROM answer)"
        ).fetchall()[0]


def test_demo_is_deterministic_and_rebuilt_atomically(tmp_path) -> None:
    target, twin = tmp_path / "demo.duckdb", tmp_path / "twin.duckdb"
    build_demo(target, seed=7, scale=0.05, store_results=False)  # results are tested in analysis/
    build_demo(twin, seed=7, scale=0.05, store_results=False)
    first = _fingerprint(target)
    assert first == _fingerprint(twin)  # same seed, same data
    build_demo(
        target, seed=8, scale=0.05, store_results=False
    )  # another seed, built beside the file and moved into place
    assert _fingerprint(target) != first
    assert not (tmp_path / "demo.duckdb.building").exists()
