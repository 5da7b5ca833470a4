"""'Data behind this chart' downloads (files cached by content in `ui.components`): the CSV and XLSX under an
Overview chart arrive in the browser with the chart's rows, and again unchanged after a rerun."""

from __future__ import annotations

import io

import pandas as pd
from playwright.sync_api import Page

from i18n import t
from tests.e2e.helpers import open_app, wait_for_app


def _download(page: Page, label: str) -> bytes:
    button = page.get_by_role("button", name=label).first
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=30_000) as info:
        button.click()
    return info.value.path().read_bytes()


def test_overview_chart_downloads(page: Page, app_server: str) -> None:
    open_app(page, f"{app_server}/?lang=vi&year=2024")
    csv = _download(page, t("common.download_csv", "vi"))
    assert csv.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    # a Vietnamese file: ';' between fields, decimal commas, headers in Vietnamese, the header block as columns
    frame = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", sep=";", decimal=",")
    columns = [t(f"export.columns.{c}", "vi") for c in ("index_code", "label", "value")]
    assert set(columns) <= set(frame.columns) and len(frame) >= 3
    assert pd.api.types.is_float_dtype(frame[t("export.columns.value", "vi")])
    assert (frame[t("export.year", "vi")] == 2024).all()
    assert (frame[t("export.notice", "vi")] == t("common.demo_notice", "vi")).all()
    xlsx = _download(page, t("common.download_xlsx", "vi"))
    block = pd.read_excel(io.BytesIO(xlsx), engine="openpyxl", header=None)
    assert block.iloc[0, 0] == t("export.title", "vi")  # the header block above the table
    start = int(block.index[block.iloc[:, 0].isna()][0]) + 1  # the blank row, then the table
    sheet = pd.read_excel(io.BytesIO(xlsx), engine="openpyxl", skiprows=start)
    data_columns = [c for c in frame.columns if c in set(sheet.columns)]
    assert len(data_columns) == len(sheet.columns) and len(sheet) == len(frame)
    page.get_by_role("combobox", name=t("filters.year", "vi")).click()  # rerun: the files come from the cache
    page.get_by_role("option", name="2023").click()
    wait_for_app(page)
    again = pd.read_csv(
        io.BytesIO(_download(page, t("common.download_csv", "vi"))),
        encoding="utf-8-sig",
        sep=";",
        decimal=",",
    )
    assert list(again.columns) == list(frame.columns) and len(again) >= 3
    assert page.locator('[data-testid="stException"]').count() == 0
