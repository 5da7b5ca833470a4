"""Identifying data has one way in (hashed, at import) and no way out: no page, export or report reads it."""

from __future__ import annotations

from pathlib import Path

from ingest.columns import identifying_kind

REPO = Path(__file__).resolve().parents[2]


def test_recheck_hashes_are_read_by_nothing_that_displays_or_exports() -> None:
    # the schema creates it, the store's import writer fills it; the Parquet export names it only to leave it
    # out (tested there)
    allowed = {
        REPO / "store" / "schema.sql",
        REPO / "store" / "imports.py",
        REPO / "store" / "parquet.py",
    }
    readers = [
        path
        for folder in (
            "app.py",
            "views",
            "ui",
            "content",
            "charts",
            "analysis",
            "store",
            "reference",
            "ingest",
            "demo",
            "geo",
        )
        for path in ([REPO / folder] if folder.endswith(".py") else (REPO / folder).rglob("*.*"))
        if path.suffix in (".py", ".sql", ".toml")
        and "respondent_recheck" in path.read_text(encoding="utf-8")
    ]
    assert set(readers) <= allowed, readers


def test_identifying_headers_are_recognised_in_both_languages() -> None:
    assert identifying_kind("Họ và tên người trả lời") == "name"
    assert identifying_kind("SĐT") == "phone"
    assert identifying_kind("Số điện thoại liên hệ") == "phone"
    assert identifying_kind("Địa chỉ thường trú") == "address"
    assert identifying_kind("Số CCCD") == "national_id"
    assert identifying_kind("phone") == "phone" and identifying_kind("E-mail") == "email"
    for not_personal in ("Tên xã", "Tỉnh/Thành phố", "Mã phiếu", "access_signage", "Tên đơn vị", "weight"):
        assert identifying_kind(not_personal) is None, not_personal
