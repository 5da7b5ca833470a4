"""A copy of the demo database with hostile text in every field that comes from a file, a form or the store's
own tables: a published figure's source, who measured it and its note, the imported file's name and who
imported it (through `ingest.import_file`, as an administrator whose account name is hostile: the
audit log holds it too), and, written into the copy afterwards, a
unit's name, an element's and a criterion's name and a methodology's legal basis.

Shared by the content tests (`tests/content/test_stored_text.py`) and the browser test
(`tests/e2e/test_stored_payloads.py`). Each payload would do something if it were read as markdown or HTML:
a link, an image fetched from `evil.example`, a script, a Streamlit colour directive, math, a javascript:
address."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

EVIL = "evil.example"
PAYLOADS = (
    "[Bấm vào đây](http://evil.example/x)",
    "![x](http://evil.example/p.png)",
    "<img src=http://evil.example/i.png onerror=alert(1)>",
    "<script>alert(1)</script>",
    ":red[x]",
    "$x$",
    "javascript:alert(1)",
)
# what must never appear as it is in markdown (it would become a link, an image, a directive, math, HTML)
LIVE_MARKDOWN = ("](http", "![", "<img", "<script", ":red[", "$x$", "javascript:", "<b>", "[x]")
# what must never appear as it is in plotly text (tags that would become elements or links)
LIVE_HTML = ("<img", "<script", "<a ", "<b>đậm", "<b>x")

YEAR = 2024
UNIT = "P63-01"  # Hà Nội on the 63-province map: its published figure carries every payload
SOURCE = " ".join(PAYLOADS)
NOTE = "ghi chú ![n](http://evil.example/n.png) <script>alert(1)</script>"
MEASURED_BY = "Nhóm đo [x](http://evil.example/m) <b>đậm</b>"
FILE_NAME = "bao_cao [x](http://evil.example/f) <img src=http://evil.example/f.png>.csv"
IMPORTED_BY = "người nhập <script>alert(1)</script> [x](http://evil.example/u)"
UNIT_NAME = "Hà Nội [x](http://evil.example/u) <img src=http://evil.example/u.png> :red[đỏ] $x$"
ELEMENT_NAME = "Tiếp cận ![e](http://evil.example/e.png) <b>x</b> :red[e]"
ITEM_NAME = "Tiêu chí [c](http://evil.example/c) <img src=http://evil.example/c.png>"
LEGAL_BASIS = "Quyết định [x](http://evil.example/l) <img src=http://evil.example/l.png> :red[l]"
VALID_URL = "https://nguon.example.vn/bao-cao-2024?nam=2024"
# published rows: (province, value, rank, source); the Hà Nội row carries every payload
ROWS = (
    ("Hà Nội", "80,5", "10", SOURCE),
    ("Hải Phòng", "79,1", "12", "javascript:alert(1)"),
    ("Đà Nẵng", "85,2", "2", VALID_URL),
    ("Cần Thơ", "81,0", "8", "http://user:pw@evil.example/x"),
    ("Hà Giang", "77,3", "20", "Báo cáo in ngày 1/3 (tr. 12)"),
)


@dataclass(frozen=True)
class HostileStore:
    """The copy (`db`, the path the app is given), its access database, and the element and criterion
    whose names were replaced."""

    db: Path
    access_db: Path
    element_code: str  # the index code ('element:…') whose name is ELEMENT_NAME
    item_code: str  # the index code ('item:…') whose name is ITEM_NAME


@contextlib.contextmanager
def _environment(db: Path, access_db: Path) -> Iterator[None]:
    """$SIPAS_DB and $SIPAS_ACCESS_DB pointing at the copy for the block (the import's audit record goes to
    the copy's access database), then restored."""
    saved = {key: os.environ.get(key) for key in ("SIPAS_DB", "SIPAS_ACCESS_DB")}
    os.environ["SIPAS_DB"], os.environ["SIPAS_ACCESS_DB"] = str(db), str(access_db)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def build(demo_db: Path, folder: Path) -> HostileStore:
    """Copy the demo database into `folder`, import the published table (ROWS) for YEAR with the hostile
    file name, measure and importer, then write the hostile names into the version the import made."""
    import ingest
    from access.scope import ADMIN, Principal

    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "sipas.duckdb"
    access_db = folder / "access.duckdb"
    shutil.copyfile(demo_db, db)
    table = folder / "bang.csv"
    lines = ["Tỉnh;Chỉ số SIPAS;Xếp hạng;Nguồn;Ghi chú"]
    lines += [f"{name};{value};{rank};{source};{NOTE}" for name, value, rank, source in ROWS]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    with _environment(db, access_db):
        importer = Principal(IMPORTED_BY, ADMIN, "password")  # an administrator with a hostile account name
        plan, result = ingest.import_file("published", table, YEAR, db=db, principal=importer,
                                          measured_by=MEASURED_BY, file_name=FILE_NAME)  # fmt: skip
    assert plan.ok and result is not None, plan.problems.as_json()
    con = duckdb.connect(str(db.resolve()))  # before any reader opens this version
    try:
        con.execute(
            "UPDATE admin_unit SET short_vi = ?, name_en = ? WHERE unit_id = ?", [UNIT_NAME, UNIT_NAME, UNIT]
        )
        methodology = con.execute("SELECT methodology_id FROM survey_wave WHERE year = ?", [YEAR]).fetchone()[
            0
        ]
        element = con.execute(
            "SELECT component_code FROM methodology_component WHERE methodology_id = ? AND level = 'element' "
            "ORDER BY position LIMIT 1", [methodology],
        ).fetchone()[0]  # fmt: skip
        con.execute("UPDATE methodology_component SET name_vi = ?, name_en = ? WHERE methodology_id = ? "
                    "AND component_code = ?", [ELEMENT_NAME, ELEMENT_NAME, methodology, element])  # fmt: skip
        item = con.execute(
            "SELECT item_code FROM methodology_item WHERE methodology_id = ? AND element_code = ? "
            "AND kind = 'satisfaction' ORDER BY position LIMIT 1", [methodology, element],
        ).fetchone()[0]  # fmt: skip
        con.execute("UPDATE methodology_item SET text_vi = ?, text_en = ? WHERE methodology_id = ? AND item_code = ?",
                    [ITEM_NAME, ITEM_NAME, methodology, item])  # fmt: skip
        con.execute(
            "UPDATE methodology SET legal_basis = ? WHERE methodology_id = ?", [LEGAL_BASIS, methodology]
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return HostileStore(db, access_db, f"element:{element}", f"item:{item}")
