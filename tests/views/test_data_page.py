"""The Data page under AppTest: catalogue with each wave's source, importer inputs, validation shown before
any write (AppTest can set an uploaded file), templates, import history and stored versions."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from access import audit
from access.scope import ADMIN
from i18n import fmt_number, t
from i18n.markup import md
from reference.methodology import load_waves
from store import versions
from store.db import connect_read_only
from tests.ingest.builders import item_codes, microdata_frame, published_rows_2023
from tests.views.conftest import TEST_ADMIN, open_page
from ui import import_panel

PAGE = "views/data_catalogue.py"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.resolve().read_bytes()).hexdigest()


def bad_csv(year: int = 2024) -> bytes:
    """A microdata file with an abolished province on data row 4 and an answer 7 on a 1–5 item on row 7."""
    frame = microdata_frame(year)
    frame.loc[2, "province"] = "Hà Tây"
    frame.loc[5, item_codes(year)[0]] = 7
    return frame.to_csv(index=False).encode()


def upload(app: AppTest, name: str, data: bytes) -> AppTest:
    app.file_uploader[0].set_value((name, data, "text/csv"))
    return app.run()


def uploads_left() -> list[Path]:
    return sorted(Path(tempfile.gettempdir()).glob("sipas-upload-*"))


def texts(elements) -> list[str]:
    return [e.value for e in elements]


@pytest.fixture()
def db_copy(tmp_path: Path, demo_db_path: Path, monkeypatch) -> Path:
    """A private copy of the demo database (imports write new versions beside it)."""
    target = tmp_path / "sipas.duckdb"
    shutil.copyfile(demo_db_path, target)
    monkeypatch.setenv("SIPAS_DB", str(target))
    return target


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_renders_every_section(app: AppTest, demo_db_path: Path, lang: str) -> None:
    open_page(app, PAGE, {"year": "2024"}, lang)
    assert not app.exception, [e.message for e in app.exception]
    assert app.title[0].value == t("data.title", lang)
    assert t("common.demo_notice", lang) in texts(app.warning)
    headers = texts(app.subheader)
    for key in ("data.waves", "data.published", "data.import.title", "data.template.title", "data.history"):
        assert t(key, lang) in headers
    assert t("data.import.choose_file", lang) in texts(app.caption)

    waves = app.dataframe[0].value  # every wave, with where its data came from
    with connect_read_only(demo_db_path) as con:
        years = [y for (y,) in con.execute("SELECT year FROM survey_wave ORDER BY year").fetchall()]
    assert waves[t("data.col_year", lang)].tolist() == years
    assert (waves[t("data.col_source", lang)] == t("data.source_generated", lang)).all()  # the demo's waves

    history = next(d.value for d in app.dataframe if t("data.log.who", lang) in d.value.columns)
    assert history[t("data.log.kind", lang)].tolist() == [t("data.log.kind_demo", lang)]
    columns = ("when", "kind", "year", "file", "rows", "who", "replaced", "coverage")
    assert history.columns.tolist() == [t(f"data.log.{c}", lang) for c in columns]
    assert t("data.versions.none", lang) in texts(app.caption)  # the demo is a plain file: no versions yet
    assert any("python -m ingest restore NAME" in c for c in texts(app.caption))


def test_importer_inputs_exist(app: AppTest) -> None:
    open_page(app, PAGE, {"year": "2024"}, "vi")
    assert app.radio(key="data-import-kind").value == "microdata"
    year = app.selectbox(key="data-import-year-microdata")
    assert year.options == [str(y) for y in sorted(load_waves())] and year.value == 2024
    name = app.text_input(key="data-import-name")  # who imports: the signed-in account, not typed
    assert name.label == t("data.import.name", "vi") and name.value == TEST_ADMIN and name.disabled
    assert app.radio(key="data-import-pii").value == "drop"
    uploader = app.file_uploader[0]
    assert uploader.label == t("data.import.file", "vi")
    assert sorted(uploader.allowed_type) == [".csv", ".xlsx"]
    assert "100 MB" in uploader.help  # ingest.readers.max_import_bytes() by default
    assert not [b for b in app.button if b.key == "data-import-confirm"]  # nothing to confirm before a check

    app.radio(key="data-import-kind").set_value("published").run()
    assert not app.exception
    year = app.selectbox(key="data-import-year-published")
    assert year.options[0] == "2015" and year.options[-1] == str(dt.date.today().year)
    assert app.text_input(key="data-import-index").value == "overall"
    assert app.text_input(key="data-import-source").value == ""
    assert app.text_input(key="data-import-measured-by").value == "MoHA SIPAS"


def test_template_downloads(app: AppTest) -> None:
    open_page(app, PAGE, {"year": "2024"}, "en")
    labels = [b.label for b in app.get("download_button")]
    assert t("data.template.xlsx", "en") in labels and t("data.template.csv", "en") in labels
    app.selectbox(key="data-template-year").set_value(2025).run()
    assert not app.exception

    xlsx, csv_zip = import_panel.template_files(2025)
    book = load_workbook(io.BytesIO(xlsx), read_only=True)
    assert book.sheetnames == ["du_lieu", "huong_dan"]
    header = next(book["du_lieu"].iter_rows(values_only=True))
    assert "district" not in header and set(item_codes(2025)) <= set(header)  # no districts after 1 July 2025
    with zipfile.ZipFile(io.BytesIO(csv_zip)) as archive:
        assert sorted(archive.namelist()) == ["sipas_mau_nhap_2025.README.md", "sipas_mau_nhap_2025.csv"]


def test_bad_file_is_explained_and_blocked(app: AppTest, demo_db_path: Path) -> None:
    before = sha256(demo_db_path)
    left = uploads_left()
    open_page(app, PAGE, {"year": "2024"}, "vi")
    upload(app, "sai_2024.csv", bad_csv())
    assert not app.exception, [e.message for e in app.exception]
    assert any(e.startswith(t("data.import.status_invalid", "vi", n=3)[:10]) for e in texts(app.error)), (
        texts(app.error)
    )
    problems = next(d.value for d in app.dataframe if t("data.import.col_severity", "vi") in d.value.columns)
    rows = {
        (r[t("data.import.col_row", "vi")], r[t("data.import.col_column", "vi")]): r
        for _, r in problems.iterrows()
    }
    province = rows[("4", "province")]
    assert province[t("data.import.col_value", "vi")] == "Hà Tây"
    assert "không còn tồn tại" in province[t("data.import.col_message", "vi")]
    answer = rows[("7", item_codes(2024)[0])]
    assert "nằm ngoài thang đo" in answer[t("data.import.col_message", "vi")]
    severities = problems[t("data.import.col_severity", "vi")].tolist()
    assert severities == sorted(severities, key=lambda s: s != t("data.import.severity_error", "vi"))
    confirm = app.button(key="data-import-confirm")
    assert confirm.disabled
    assert t("data.import.blocked_errors", "vi") in texts(app.caption)
    assert sha256(demo_db_path) == before
    assert uploads_left() == left  # the temporary copy of the upload is gone


def test_published_table_needs_a_source_then_replace(app: AppTest, demo_db_path: Path) -> None:
    before = sha256(demo_db_path)
    lines = ["Tỉnh/thành phố,Chỉ số SIPAS,Xếp hạng"]
    lines += [f'"{unit}","{value}",{rank}' for unit, value, _, _, rank in published_rows_2023()]
    open_page(app, PAGE, {"year": "2023"}, "en")
    app.radio(key="data-import-kind").set_value("published").run()
    assert app.selectbox(key="data-import-year-published").value == 2023
    upload(app, "sipas_2023.csv", "\n".join(lines).encode())
    assert not app.exception, [e.message for e in app.exception]
    problems = next(d.value for d in app.dataframe if t("data.import.col_severity", "en") in d.value.columns)
    assert problems[t("data.import.col_message", "en")].str.contains("source").any()
    assert app.button(key="data-import-confirm").disabled

    app.text_input(key="data-import-source").input("MoHA, SIPAS 2023 report").run()
    assert not app.exception
    assert app.checkbox(key="data-import-replace")  # two of these units already have a MoHA 2023 figure
    assert app.button(key="data-import-confirm").disabled
    app.checkbox(key="data-import-replace").check().run()
    assert t("data.import.status_ready", "en") in texts(app.success)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics[t("data.import.m_rows", "en")] == "6"
    assert metrics[t("data.import.m_units_matched", "en")] == "6"
    assert not app.button(key="data-import-confirm").disabled  # ready: the importer is the signed-in admin
    assert sha256(demo_db_path) == before  # nothing written before the confirmation


def test_import_busy_then_done_then_unchanged(app: AppTest, db_copy: Path, monkeypatch) -> None:
    monkeypatch.setattr(import_panel, "LOCK_WAIT_S", 0.3)
    before = sha256(db_copy)
    with connect_read_only(db_copy) as con:
        demo_2024 = con.execute("SELECT count(*) FROM respondent WHERE year = 2024").fetchone()[0]
    data = microdata_frame(2024).to_csv(index=False).encode()
    open_page(app, PAGE, {"year": "2024"}, "vi")
    upload(app, "phieu_2024.csv", data)
    assert app.button(key="data-import-confirm").disabled  # 2024 is loaded: 'replace' not ticked yet
    assert t("data.import.blocked_replace", "vi") in texts(app.caption)
    app.checkbox(key="data-import-replace").check().run()
    assert app.button(key="data-import-confirm").disabled  # 2 of 63 provinces: a partial wave
    assert t("data.import.blocked_partial", "vi") in texts(app.caption)
    assert t("data.import.partial", "vi", year=2024, k=2, n=63) in texts(app.warning)
    app.checkbox(key="data-import-partial").check().run()
    assert not app.button(key="data-import-confirm").disabled

    with versions.import_lock(db_copy):  # another import is running
        app.button(key="data-import-confirm").click().run()
    assert not app.exception
    assert t("ingest.problem.import_busy", "vi", value=db_copy.name) in texts(app.error)
    assert sha256(db_copy) == before and not db_copy.is_symlink()

    app.button(key="data-import-confirm").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert any("48" in s and md("phieu_2024.csv") in s for s in texts(app.success))  # the name as text
    waves = app.dataframe[0].value.set_index(t("data.col_year", "vi"))
    assert waves.loc[2024, t("data.col_respondents", "vi")] == 48
    assert waves.loc[2024, t("data.col_data_kind", "vi")] == t("data.kind_microdata", "vi")
    assert waves.loc[2024, t("data.col_source", "vi")].startswith("phieu_2024.csv")
    history = next(d.value for d in app.dataframe if t("data.log.who", "vi") in d.value.columns)
    assert history[t("data.log.who", "vi")].iloc[0] == TEST_ADMIN
    assert history[t("data.log.coverage", "vi")].iloc[0] == "2/63 tỉnh (nạp một phần, đã xác nhận)"
    logged = audit.read(ADMIN, actor=TEST_ADMIN)
    assert logged["action"].iloc[0] == "replace" and "phieu_2024.csv" in logged["detail"].iloc[0]
    replaced = history[t("data.log.replaced", "vi")].iloc[0]  # what was replaced: the demo's 2024
    assert replaced == t("data.log.replaced_microdata", "vi", n=fmt_number(demo_2024, "vi", 0),
                         source=t("data.source_generated", "vi"))  # fmt: skip
    stored = next(d.value for d in app.dataframe if t("data.versions.current", "vi") in d.value.columns)
    assert stored[t("data.versions.current", "vi")].tolist() == [True, False]  # new version, the demo kept
    assert t("common.partial_notice", "vi", year=2024, k=2, n=63) in texts(app.warning)
    assert t("common.demo_notice", "vi") not in texts(app.warning)
    assert not app.file_uploader[0].value  # a fresh, empty uploader after the import

    upload(app, "phieu_2024_lan2.csv", data)  # the same bytes again
    assert any("đã được nạp" in i and md("phieu_2024.csv") in i for i in texts(app.info))
    assert not [b for b in app.button if b.key == "data-import-confirm"]


def test_an_administrator_pins_and_restores_a_version(app: AppTest, db_copy: Path) -> None:
    work, final = versions.new_work_file(db_copy, "microdata_2024")
    versions.publish(db_copy, work, final)  # the demo file is kept as the 'initial' version
    initial = versions.list_versions(db_copy)[0].path.name
    open_page(app, PAGE, {"year": "2024"}, "vi")
    assert not app.exception
    stored = next(d.value for d in app.dataframe if t("data.versions.kept", "vi") in d.value.columns)
    kept = dict(
        zip(stored[t("data.versions.name", "vi")], stored[t("data.versions.kept", "vi")], strict=True)
    )
    assert t("data.versions.kept_first", "vi") in kept[initial]
    assert t("data.versions.kept_current", "vi") in kept[final.name]
    chooser = app.selectbox(key="data-version-choose")
    assert chooser.options == [final.name, initial]  # newest first
    chooser.set_value(initial).run()
    app.button(key="data-version-pin").click().run()
    assert not app.exception and versions.list_versions(db_copy)[0].pinned
    assert t("data.versions.pinned_done", "vi", name=md(initial)) in texts(app.success)
    assert app.button(key="data-version-restore").disabled  # not before the confirmation is ticked
    app.checkbox(key="data-version-sure").check().run()
    app.button(key="data-version-restore").click().run()
    assert not app.exception
    assert db_copy.resolve().name == initial
    assert t("data.versions.restored", "vi", name=md(initial)) in texts(app.success)
    actions = audit.read(ADMIN, actor=TEST_ADMIN)["action"].tolist()
    assert actions[:2] == ["restore", "pin"]  # newest first


def test_an_officer_sees_versions_but_cannot_change_them(app: AppTest, db_copy: Path) -> None:
    from tests.views.conftest import signed_in

    work, final = versions.new_work_file(db_copy, "microdata_2024")
    versions.publish(db_copy, work, final)
    signed_in(app, "can-bo-ha-noi", "officer", ("P63-01",))
    open_page(app, PAGE, {"year": "2024"}, "vi")
    assert not app.exception
    assert not [s for s in app.selectbox if s.key == "data-version-choose"]
    assert not [b for b in app.button if b.key in ("data-version-pin", "data-version-restore")]
