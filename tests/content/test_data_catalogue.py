"""The Data page's content object holds what the store holds, in both languages: the waves with their counts
and source, every published figure with its links, the import history and the stored versions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from content import common
from content import data_catalogue as page
from i18n import fmt_number, markup, t
from store import queries
from store.db import connect_read_only
from store.versions import Version
from tests.content.conftest import make_filters


@pytest.fixture(scope="module")
def store(demo_db_path):
    with connect_read_only(demo_db_path) as con:
        counts = dict(con.execute("SELECT year, count(*) FROM respondent GROUP BY year").fetchall())
        yield {
            "counts": counts,
            "waves": queries.waves(con),
            "published": queries.published_values(con),
            "log": queries.import_history(con),
        }


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_waves_published_history_and_versions(store_key, store, lang: str) -> None:
    filters = make_filters(lang, 2024)
    view = page.build(store_key, filters)
    assert view.header.title == t("data.title", lang)
    assert [n.text for n in view.header.notices] == [t("common.demo_notice", lang)]
    assert view.waves_title == t("data.waves", lang)

    waves = view.waves.frame
    assert view.waves.key == "data-waves"
    columns = (
        "year",
        "methodology_id",
        "geo_version",
        "data_kind",
        "source",
        "respondents",
        "provinces",
        "psus",
    )
    assert list(waves.columns) == [t(f"data.col_{c}", lang) for c in columns]
    shown = dict(zip(waves[t("data.col_year", lang)], waves[t("data.col_respondents", lang)], strict=True))
    assert shown == store["counts"]
    by_year = store["waves"].set_index("year")
    years = waves[t("data.col_year", lang)]
    short = {"sipas_2017": "SIPAS 2017–2021", "sipas_2022": "SIPAS 2022", "sipas_2023": "SIPAS 2023–2026"}
    assert waves[t("data.col_methodology_id", lang)].tolist() == [
        short[m] for m in by_year.loc[years, "methodology_id"]
    ]  # names, never codes such as sipas_2017
    geo_names = [t("filters.geo_34" if y == 2025 else "filters.geo_63", lang) for y in years]
    assert waves[t("data.col_geo_version", lang)].tolist() == geo_names  # never pre2025
    assert (waves[t("data.col_data_kind", lang)] == t("data.kind_generated", lang)).all()
    assert (waves[t("data.col_source", lang)] == t("data.source_generated", lang)).all()
    assert waves[t("data.col_provinces", lang)].tolist() == [34 if y == 2025 else 63 for y in years]

    published = view.published.frame
    source_col, link_col = t("table.source", lang), t("table.source_link", lang)
    name_col = "name_vi" if lang == "vi" else "name_en"
    assert view.published.key == "data-published"
    assert view.published.links == {"profile": t("table.open_profile", lang), link_col: ""}
    value_col, index_col, rank_col = (
        t("table.value", lang),
        t("data.pub.index", lang),
        t("data.pub.rank", lang),
    )
    assert list(published.columns) == [
        t("data.col_year", lang), t("table.name", lang), "profile", index_col, t("data.pub.as_published", lang),
        value_col, rank_col, t("data.pub.measured_by", lang), source_col, link_col,
    ]  # fmt: skip
    assert len(published) == len(store["published"])
    assert published[t("table.name", lang)].tolist() == store["published"][name_col].tolist()
    assert published[value_col].tolist() == pytest.approx(store["published"]["value"].tolist(), nan_ok=True)
    ranks = store["published"]["rank"].astype("Int64")
    assert published[rank_col].fillna(-1).tolist() == ranks.fillna(-1).tolist()  # the published rank kept
    assert not published[index_col].str.contains(":").any()  # index names, never codes
    assert t("data.indicators.perception__no_harassment", lang) in set(published[index_col])
    # a source is a link when it is an http(s) URL, else text (issue 15: text from data is never a link)
    sources = store["published"]["source"].tolist()
    assert published[link_col].tolist() == [markup.safe_url(s) or "" for s in sources]
    assert published[source_col].tolist() == ["" if markup.safe_url(s) else s for s in sources]
    assert published["profile"].tolist() == [
        common.profile_url(u, filters) for u in store["published"]["unit_id"]
    ]
    assert published["profile"].iloc[0].startswith(f"profile?lang={lang}&year=2024&geo=63&unit=VN&focus=")
    assert view.published_note.text == t("data.published_note", lang, n=len(store["published"]))

    assert (view.import_title, view.template_title) == (
        t("data.import.title", lang),
        t("data.template.title", lang),
    )
    assert view.template_intro.text == t("data.template.intro", lang)

    history = view.history.frame
    assert view.history.key == "data-history" and view.history_empty is None
    log = store["log"].sort_values("imported_at", ascending=False)
    assert history[t("data.log.rows", lang)].tolist() == log["rows_loaded"].tolist()
    assert history[t("data.log.kind", lang)].tolist() == [t("data.log.kind_demo", lang)] * len(log)
    assert history[t("data.log.who", lang)].tolist() == log["imported_by"].tolist()
    assert history[t("data.log.when", lang)].tolist() == [page.when_text(v, lang) for v in log["imported_at"]]

    assert view.versions is None  # the demo database is a plain file: no stored versions
    assert view.versions_none.text == t("data.versions.none", lang)
    assert view.versions_title.text == f"**{t('data.versions.title', lang)}**"
    assert "python -m ingest restore NAME" in view.restore_note.text


def test_when_text() -> None:
    assert page.when_text("2026-12-03 10:26:26", "vi") == "03/12/2026 10:26"
    assert page.when_text(pd.Timestamp("2026-12-03 10:26:26"), "en") == "2026-12-03 10:26"
    for missing in (None, "", "None", float("nan"), pd.NaT):
        assert page.when_text(missing, "vi") == "–"
    assert page.when_text("not a time", "en") == "not a time"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_history_frame_says_what_was_replaced(lang: str) -> None:
    log = pd.DataFrame(
        {
            "imported_at": pd.to_datetime(["2026-01-01 08:00", "2026-02-01 09:30", "2026-03-01 10:00"]),
            "kind": ["demo", "microdata", "published"],
            "year": [None, 2024, 2023],
            "file_name": [None, "phieu_2024.csv", "sipas_2023.csv"],
            "rows_loaded": [100, 48, 6],
            "imported_by": ["root", "Lê Thị Nạp", "Kiểm"],
            "replaced": [
                None,
                json.dumps({"respondents": 1234, "data_kind": "generated"}),
                json.dumps({"rows": 7}),
            ],
        }
    )
    frame = page.history_frame(log, lang)
    assert frame[t("data.log.who", lang)].tolist() == ["Kiểm", "Lê Thị Nạp", "root"]  # newest first
    assert frame[t("data.log.year", lang)].tolist() == ["2023", "2024", ""]
    replaced = frame[t("data.log.replaced", lang)].tolist()
    assert replaced[0] == t("data.log.replaced_published", lang, n=fmt_number(7, lang, 0))
    assert replaced[1] == t("data.log.replaced_microdata", lang, n=fmt_number(1234, lang, 0),
                            source=t("data.source_generated", lang))  # fmt: skip
    assert replaced[2] == ""
    assert frame[t("data.log.kind", lang)].tolist() == [
        t("data.log.kind_published", lang), t("data.log.kind_microdata", lang), t("data.log.kind_demo", lang)
    ]  # fmt: skip


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_versions_frame_newest_first(lang: str) -> None:
    stored = [
        Version(Path("sipas-20260101T080000000000Z-demo.duckdb"), dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC),
                "demo", 12_345_678, False),
        Version(Path("sipas-20260201T093000000000Z-microdata.duckdb"), dt.datetime(2026, 2, 1, 9, 30, tzinfo=dt.UTC),
                "microdata", 2_000_000, True),
    ]  # fmt: skip
    frame = page.versions_frame(stored, lang)
    assert frame[t("data.versions.name", lang)].tolist() == [v.path.name for v in stored[::-1]]
    assert frame[t("data.versions.size", lang)].tolist() == [2.0, 12.3]
    assert frame[t("data.versions.current", lang)].tolist() == [True, False]
    created = "01/02/2026 09:30:00" if lang == "vi" else "2026-02-01 09:30:00"
    assert frame[t("data.versions.created", lang)].iloc[0] == created
    assert page.versions_frame([], lang).empty


def test_database_path_is_the_keys_file_when_not_configured(store_key, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("SIPAS_DB", str(tmp_path / "elsewhere.duckdb"))
    assert page.database_path(store_key) == Path(store_key[0])
    monkeypatch.setenv("SIPAS_DB", store_key[0])
    assert page.database_path(store_key) == Path(store_key[0])
