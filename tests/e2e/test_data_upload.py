"""Importing on the Data page in Chromium against a private server and a private copy of the demo database:
a bad file is explained and nothing is written; a valid 2024 file replaces the wave and shows up at once.
Importing is for signed-in users (issue 14): the importer is the administrator account signed in, and the
test moves only in-app after signing in (a page load would sign it out)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from i18n import t
from tests.e2e.helpers import (
    REPO_ROOT,
    assert_page_clean,
    ensure_account,
    go_to,
    set_filters,
    sign_in,
    start_streamlit,
    wait_for_app,
)
from tests.ingest.builders import item_codes, microdata_frame

# Streamlit issue #7074: a deep link first probes <page>/_stcore/health and /host-config (404); see test_app.py.
KNOWN_DEEP_LINK_PROBE = re.compile(
    r"404 \(Not Found\) \(http://127\.0\.0\.1:\d+/\w+/_stcore/(health|host-config):0\)$"
)
IMPORTER = "e2e-importer"  # the account signed in is who imports (the history shows its name)
IMPORTER_PASSWORD = "importer-e2e-Pa55word"
IMPORT_TIMEOUT_S = 90.0
CELL = 'td[role="gridcell"]'


def sha256(path: Path) -> str:
    return hashlib.sha256(path.resolve().read_bytes()).hexdigest()


def table(page: Page, cell_text: str) -> Locator:
    """The st.dataframe with a cell reading exactly `cell_text`. Glide draws on a canvas and keeps an
    accessible grid of the visible cells (visually hidden, so CSS locators rather than roles)."""
    cell = page.locator(CELL, has_text=re.compile(f"^{re.escape(cell_text)}$"))
    return page.locator('[data-testid="stDataFrame"]').filter(has=cell)


def row_cells(frame: Locator, has_text: str) -> list[str]:
    """The cells of the first row of `frame` containing `has_text`."""
    return frame.locator("tr").filter(has_text=has_text).first.locator(CELL).all_inner_texts()


def upload(page: Page, path: Path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    wait_for_app(page, timeout=IMPORT_TIMEOUT_S)


def test_upload_checks_then_imports(page: Page, demo_db_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "sipas.duckdb"
    shutil.copyfile(demo_db_path, db)
    frame = microdata_frame(2024)
    good = tmp_path / "phieu_2024.csv"
    frame.to_csv(good, index=False)
    item = item_codes(2024)[0]
    frame.loc[2, "province"] = "Hà Tây"  # data row 4 (row 1 is the header)
    frame.loc[5, item] = 7  # data row 7, on a 1–5 scale
    bad = tmp_path / "phieu_sai_2024.csv"
    frame.to_csv(bad, index=False)

    ensure_account(db, IMPORTER, "admin", IMPORTER_PASSWORD)  # in the access database beside the copy
    env = {**os.environ, "SIPAS_DB": str(db), "SIPAS_USER": "e2e"}
    server = start_streamlit(REPO_ROOT / "app.py", tmp_path / "server.log", env=env)
    try:
        sign_in(page, server.url, IMPORTER, IMPORTER_PASSWORD, timeout=60)
        set_filters(page, year=2024)  # was /data?lang=vi&year=2024
        go_to(page, t("nav.data", "vi"))
        expect(page.get_by_role("heading", name=t("data.import.title", "vi"), exact=True)).to_be_visible()
        name = page.get_by_role("textbox", name=t("data.import.name", "vi"))
        expect(name).to_have_value(IMPORTER)  # who imports: the account signed in, not typed
        expect(name).to_be_disabled()
        confirm = page.get_by_role("button", name=t("data.import.confirm", "vi"))

        # (a) a bad file: every problem with its row, column and Vietnamese message; nothing written
        before = sha256(db)
        upload(page, bad)
        problems = table(page, t("data.import.severity_error", "vi"))
        province = row_cells(problems, "Hà Tây")
        assert province[1:4] == ["4", "province", "Hà Tây"]
        assert "không còn tồn tại trong địa giới" in province[4]
        answer = row_cells(problems, item)
        assert answer[1:4] == ["7", item, "7"]
        assert "nằm ngoài thang đo" in answer[4]
        expect(confirm).to_be_disabled()
        assert sha256(db) == before and not db.is_symlink()

        # (b) a valid file for 2024: tick 'replace', confirm, and the catalogue shows the new wave
        upload(page, good)
        expect(confirm).to_be_disabled()  # 2024 already holds the generated wave
        page.get_by_text(t("data.import.replace", "vi", year=2024), exact=True).click()
        wait_for_app(page, timeout=IMPORT_TIMEOUT_S)
        # 2 of the 63 provinces: a partial wave, loaded only once that is confirmed too
        expect(confirm).to_be_disabled()
        expect(page.get_by_text(t("data.import.blocked_partial", "vi"), exact=True)).to_be_visible()
        page.get_by_text(t("data.import.partial_confirm", "vi", year=2024), exact=True).click()
        wait_for_app(page, timeout=IMPORT_TIMEOUT_S)
        expect(confirm).to_be_enabled()
        confirm.click()
        wait_for_app(page, timeout=IMPORT_TIMEOUT_S)
        expect(page.get_by_text(re.compile(r"^Đã nạp 48 dòng"))).to_be_visible()

        waves = table(page, "SIPAS 2017–2021")
        wave_2024 = row_cells(waves, good.name)
        assert wave_2024[0] == "2024"
        assert wave_2024[3] == t("data.kind_microdata", "vi")
        assert wave_2024[4].startswith(good.name)
        assert wave_2024[5] == "48"
        history = row_cells(table(page, IMPORTER), IMPORTER)
        assert history[1:6] == [t("data.log.kind_microdata", "vi"), "2024", good.name, "48", IMPORTER]
        assert db.is_symlink() and sha256(db) != before  # the database now points at a new version
        # every page of 2024 now says national figures rest on 2 of 63 provinces (no longer "demo data")
        notice = t("common.partial_notice", "vi", year=2024, k=2, n=63)
        expect(page.get_by_text(notice, exact=True)).to_be_visible()
        go_to(page, t("nav.overview", "vi"))
        expect(page.get_by_text(notice, exact=True)).to_be_visible()
        expect(page.get_by_text(t("overview.kpi_index_partial", "vi", k=2, n=63), exact=True)).to_be_visible()
        expect(page.get_by_text(t("common.demo_notice", "vi"), exact=True)).to_have_count(0)

        page.console_errors[:] = [e for e in page.console_errors if not KNOWN_DEEP_LINK_PROBE.search(e)]
        assert_page_clean(page)
    finally:
        server.stop()
