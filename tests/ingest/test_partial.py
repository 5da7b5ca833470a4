"""Partial waves: a file covering fewer provinces than its wave, or under half of the respondents it
replaces, is loaded only when confirmed; the confirmation is kept in the import log, and the wave then
reports its coverage (k of N provinces)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

import ingest
from access.scope import ADMIN, CLI_ADMIN
from content import overview, selection, source, trends
from i18n import t
from tests.ingest.builders import microdata_frame
from tests.ingest.conftest import fingerprint


def _codes(plan) -> list[str]:
    return [p.code for p in plan.problems.listed]


def test_a_partial_wave_needs_a_confirmation_and_is_flagged(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "one_city.csv"
    microdata_frame(2024).to_csv(path, index=False)  # 2 of the 63 provinces of 2024
    before = fingerprint(db)
    plan, result = ingest.import_file("microdata", path, 2024, db=db, principal=CLI_ADMIN, replace=True)
    assert result is None and _codes(plan) == ["partial_wave"]
    problem = plan.problems.listed[0]
    assert "2/63" in problem.message_vi and "2 of the 63 provinces" in problem.message_en
    assert plan.summary["coverage"] == {"provinces": 2, "design_provinces": 63, "respondents": 48,
                                        "current": plan.replaces["respondents"]}  # fmt: skip
    assert fingerprint(db) == before

    plan, result = ingest.import_file("microdata", path, 2024, db=db, principal=CLI_ADMIN, replace=True,
                                      partial=True)  # fmt: skip
    assert result is not None and _codes(plan) == ["partial_wave_confirmed"]
    with duckdb.connect(str(db.resolve()), read_only=True) as con:
        note = con.execute("SELECT note FROM import_log ORDER BY import_id DESC LIMIT 1").fetchone()[0]
    assert json.loads(note)["summary"]["partial"] is True
    current = db.resolve()
    key = (str(current), current.stat().st_mtime)
    assert source.coverage(key, 2024) == (2, 63)
    # every page of 2024 warns, and national figures state their coverage; a later wave's trends say it too
    filters = selection.filters_for(key, "vi", 2024, "VN", "63", ADMIN)
    assert filters.partial and filters.coverage == (2, 63) and filters.data_kind == "microdata"
    page = overview.build(key, filters)
    notices = [n.text for n in page.header.notices]
    assert t("common.partial_notice", "vi", year=2024, k=2, n=63) in notices
    assert t("common.demo_notice", "vi") not in notices  # imported, not demo data
    assert page.metrics[0].label == t("overview.kpi_index_partial", "vi", k=2, n=63)
    assert "2/63 tỉnh" in page.metrics[2].delta
    later = trends.build(key, selection.filters_for(key, "en", 2025, "VN", "34", ADMIN))
    assert any("2024: 2/63 provinces" in n.text for n in later.header.notices)


def _all_provinces_frame(db: Path) -> pd.DataFrame:
    """Three respondents in one commune of each of the 63 provinces of 2024: whole coverage, few people."""
    with duckdb.connect(str(db), read_only=True) as con:
        units = con.execute(
            """
            SELECT p.name_vi AS province, d.name_vi AS district, c.name_vi AS commune
            FROM admin_unit p JOIN admin_unit d ON d.parent_id = p.unit_id AND d.level = 'district'
            JOIN admin_unit c ON c.parent_id = d.unit_id AND c.level = 'commune'
            WHERE p.level = 'province' AND p.geo_version = 'pre2025'
            QUALIFY row_number() OVER (PARTITION BY p.unit_id ORDER BY d.unit_id, c.unit_id) = 1
            """
        ).df()
    template = microdata_frame(2024, per_psu=1).iloc[0]
    rows = []
    for k, unit in enumerate(units.itertuples()):
        for j in range(3):
            row = template.copy()
            row["respondent_id"] = f"F-{k:03d}-{j}"
            row["province"], row["district"], row["commune"] = unit.province, unit.district, unit.commune
            rows.append(row)
    return pd.DataFrame(rows)


def test_far_fewer_respondents_than_the_wave_needs_a_confirmation(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "all_provinces_few_people.csv"
    frame = _all_provinces_frame(db)
    assert len(frame) == 189
    frame.to_csv(path, index=False)
    with duckdb.connect(str(db), read_only=True) as con:
        plan = ingest.prepare("microdata", con, path, 2024, replace=True)
        assert plan.summary["provinces"] == 63, plan.problems.listed[:3]
        assert _codes(plan) == ["partial_wave_shrinks"]
        confirmed = ingest.prepare("microdata", con, path, 2024, replace=True, partial=True)
    assert confirmed.ok and _codes(confirmed) == ["partial_wave_shrinks_confirmed"]
