"""Hostile input in Chromium: SQL fragments, HTML/JS, path traversal, a 5,000-character value and bytes that
are not UTF-8, typed into the page address (lang, year, geo, unit; focus on the profile), into the sign-in
form, and uploaded on the Data page as a file named ../../evil.csv. Each is refused or shown as plain text:
no exception box, no script run (no dialog, no element injected), the invalid-address warning where the
value is a filter, nothing fetched from outside, nobody signed in, and neither the survey database nor the
accounts changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from access import audit
from access.scope import ADMIN
from i18n import t
from store import access_db
from tests.e2e.helpers import (
    REPO_ROOT,
    access_db_of,
    app_exceptions,
    ensure_account,
    go_to,
    sign_in,
    wait_for_app,
)
from tests.e2e.test_app import KNOWN_DEEP_LINK_PROBE  # tolerated deep-link probes (Streamlit #7074)
from tests.ingest.builders import item_codes, microdata_frame

ADMIN_USER = "e2e-hostile-admin"
ADMIN_PASSWORD = "hostile-e2e-Pa55word"
LONG = "A" * 5000
# label -> the value as it goes into the address (already percent-encoded)
HOSTILE = {
    "sql": quote("' OR 1=1--", safe=""),
    "sql-drop": quote("1; DROP TABLE respondent", safe=""),
    "script": quote("<script>alert(1)</script>", safe=""),
    "img": quote("<img src=x onerror=alert(1)>", safe=""),
    "traversal": quote("../../etc/passwd", safe=""),
    "long": LONG,
    "not-utf8": "%FF%FE",  # bytes that are no UTF-8 at all
}
FILTER_PARAMS = ("lang", "year", "geo", "unit")
FOCUS_CASES = ("sql", "script", "not-utf8")
PAGES = ("", "map", "trends", "dimensions", "compare", "data", "methodology")
TITLES = {"": "overview.title", "data": "data.title"}
INJECTED_JS = """() => !!document.querySelector('img[src="x"], img[onerror]')
    || Array.from(document.scripts).some(s => s.textContent.includes('alert(1)'))"""


def load(page: Page, url: str) -> None:
    """A full page load (a new session) and its script run; a shorter quiet time than `open_app`."""
    page.goto(url, wait_until="domcontentloaded", timeout=60_000)
    wait_for_app(page, timeout=60, quiet=0.3)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.resolve().read_bytes()).hexdigest()


def account_rows(survey_db: Path) -> tuple[list, list]:
    """Every account and province grant in the access database beside `survey_db`."""
    with access_db_of(survey_db), access_db.connect() as con:
        return (
            con.execute("SELECT * FROM account ORDER BY username").fetchall(),
            con.execute("SELECT * FROM account_province ORDER BY username, province_id").fetchall(),
        )


@pytest.fixture(scope="module")
def admin_made(demo_db_path: Path) -> Path:
    ensure_account(demo_db_path, ADMIN_USER, "admin", ADMIN_PASSWORD)
    return demo_db_path


@pytest.fixture
def nothing_changes(admin_made: Path) -> Iterator[None]:
    """The survey database file and the accounts are the same after the test as before it."""
    before = sha256(admin_made), account_rows(admin_made)
    yield
    assert sha256(admin_made) == before[0], "the survey database file changed"
    assert account_rows(admin_made) == before[1], "the accounts changed"


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    """Messages of any alert/confirm/prompt the page opens (none may open)."""
    opened: list[str] = []

    def on_dialog(dialog) -> None:
        opened.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return opened


def main_text(page: Page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def check_clean(page: Page, dialogs: list[str], where: str) -> None:
    assert not app_exceptions(page), (where, app_exceptions(page))
    assert not dialogs, (where, dialogs)
    assert not page.evaluate(INJECTED_JS), f"{where}: markup from the input was injected into the page"
    errors = [e for e in page.console_errors if not KNOWN_DEEP_LINK_PROBE.search(e)]
    assert not errors, (where, errors)
    assert not page.external_requests, (where, sorted(set(page.external_requests)))


def invalid_warning(page: Page) -> str:
    """The text of the 'invalid values in the address' warning (empty when there is none)."""
    prefix = t("auth.query_invalid", "vi", params="\x00").split("\x00")[0]
    shown = [a for a in page.locator('[data-testid="stAlert"]').all_inner_texts() if prefix in a]
    return shown[0] if shown else ""


def test_hostile_values_in_the_address(
    page: Page, app_server: str, dialogs: list[str], nothing_changes
) -> None:
    names = {p: t(f"auth.param.{p}", "vi") for p in FILTER_PARAMS}
    for k, (label, value) in enumerate(HOSTILE.items()):
        decoded = unquote(value, errors="replace")
        # every filter at once, on a page in turn; three of the value kinds (SQL, markup, broken bytes) go to the
        # profile with `focus` as well (the filters are read by app.py alike for every page)
        cases = [("profile", f"&focus={value}")] if label in FOCUS_CASES else [(PAGES[k % len(PAGES)], "")]
        for path, extra in cases:
            query = "&".join(f"{p}={value}" for p in FILTER_PARAMS) + extra
            where = f"/{path} ({label})"
            load(page, f"{app_server}/{path}?{query}")
            warning = invalid_warning(page)
            assert warning and all(name in warning for name in names.values()), (where, warning)
            title = TITLES.get(path, f"{path}.title")
            assert page.locator("h1").first.inner_text() == t(title, "vi"), where  # the defaults: Vietnamese
            shown = parse_qs(urlsplit(page.url).query)
            assert shown["lang"] == ["vi"] and shown["unit"] == ["VN"], (
                where,
                shown,
            )  # the address is repaired
            assert decoded not in main_text(page), f"{where}: the hostile value is echoed on the page"
            if path == "profile":
                expect(page.get_by_text(t("profile.focus_unknown", "vi"))).to_be_visible()
            check_clean(page, dialogs, where)
    # one filter at a time: the warning names that one only
    for param in ("year", "unit"):
        load(page, f"{app_server}/?{param}={HOSTILE['sql']}")
        warning = invalid_warning(page)
        assert names[param] in warning, (param, warning)
        assert not any(names[p] in warning for p in FILTER_PARAMS if p != param), (param, warning)
        check_clean(page, dialogs, f"/?{param}=sql")


SIGNIN_ATTEMPTS = [
    ("' OR 1=1--", "' OR '1'='1"),
    ("admin'; DROP TABLE account;--", "x' OR 'x'='x"),
    ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>"),
    ("<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>'),
    ("a" * 300, "b" * 300),
    ("😀👩\u200d💻𝔘𝕏", "🔑" * 12),
    (f"{ADMIN_USER}' --", ADMIN_PASSWORD),  # the right password behind an SQL comment
    (f"{ADMIN_USER}", "' OR '1'='1"),
    (f"{ADMIN_USER}\u200b", ADMIN_PASSWORD),  # a look-alike name: a zero-width space after it
]


def test_hostile_sign_in_attempts(
    page: Page, app_server: str, admin_made: Path, dialogs: list[str], nothing_changes
) -> None:
    with access_db_of(admin_made):
        signins_before = len(audit.read(ADMIN, action="signin"))
        failed_before = len(audit.read(ADMIN, action="signin_failed"))
    bad = t("auth.bad", "vi", n="\x00").split("\x00")[0]
    load(page, f"{app_server}/signin?lang=vi")
    name_box = page.get_by_label(t("auth.name", "vi"), exact=True)
    password_box = page.get_by_label(t("auth.password", "vi"), exact=True)
    sidebar = page.locator('[data-testid="stSidebar"]')
    for name, password in SIGNIN_ATTEMPTS:
        where = f"sign-in as {name[:40]!r}"
        name_box.fill("")
        password_box.fill("")
        name_box.fill(name)
        password_box.fill(password)
        assert len(name_box.input_value()) <= 64 and len(password_box.input_value()) <= 256, where
        page.get_by_role("button", name=t("auth.submit", "vi"), exact=True).click()
        wait_for_app(page)
        shown = page.locator('[data-testid="stAlert"]').all_inner_texts()
        assert any(text.startswith(bad) for text in shown), (where, shown)
        assert sidebar.get_by_role("button", name=t("auth.signout", "vi")).count() == 0, where
        assert urlsplit(page.url).path == "/signin", (where, page.url)
        assert name not in main_text(page) or not name.strip(), f"{where}: the name is echoed"
        check_clean(page, dialogs, where)
    with access_db_of(admin_made):
        assert len(audit.read(ADMIN, action="signin")) == signins_before  # nobody signed in
        failed = audit.read(ADMIN, action="signin_failed")
        assert len(failed) == failed_before + len(SIGNIN_ATTEMPTS)  # each attempt refused and logged
        assert audit.verify(ADMIN)[1] is None


def hostile_microdata(formula: bool = False) -> bytes:
    """A 2024 microdata file in the template's shape whose cells carry hostile text (`formula`: only a
    spreadsheet formula in the first respondent id, which the importer refuses before anything else)."""
    frame = microdata_frame(2024).astype(object)
    if formula:
        frame.loc[0, "respondent_id"] = "=cmd|' /C calc'!A0"
        return frame.to_csv(index=False).encode("utf-8")
    item = item_codes(2024)[0]
    frame.loc[1, "province"] = "<script>alert(1)</script>"
    frame.loc[2, "district"] = "../../etc/passwd"
    frame.loc[3, "commune"] = "'; DROP TABLE respondent;--"
    frame.loc[4, item] = "<img src=x onerror=alert(1)>"
    frame.loc[5, "weight"] = LONG
    frame.loc[6, "sex"] = "😀𝔘"
    return frame.to_csv(index=False).encode("utf-8")


def problem_cell(page: Page, text: str) -> Locator:
    """A cell of the import's problems table reading exactly `text` (drawn on a canvas; its accessible copy)."""
    cells = page.locator('[data-testid="stDataFrame"] td[role="gridcell"]')
    return cells.filter(has_text=re.compile("^" + re.escape(text) + "$")).first


def upload(page: Page, name: str, data: bytes) -> None:
    files = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    files.set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})
    wait_for_app(page, timeout=90)


def test_hostile_upload_is_refused_with_reasons(
    page: Page, app_server: str, admin_made: Path, dialogs: list[str], nothing_changes
) -> None:
    sign_in(page, app_server, ADMIN_USER, ADMIN_PASSWORD)
    go_to(page, t("nav.data", "vi"))
    confirm = page.get_by_role("button", name=t("data.import.confirm", "vi"))
    invalid = t("data.import.status_invalid", "vi", n="\x00").split("\x00")[0]

    # (a) a file named ../../evil.csv with hostile cells: every problem listed as plain text, nothing to confirm
    upload(page, "../../evil.csv", hostile_microdata())
    expect(page.locator('[data-testid="stFileChipName"]')).to_have_text("../../evil.csv")
    expect(page.get_by_text(re.compile("^" + re.escape(invalid)))).to_be_visible()
    expect(confirm).to_be_disabled()
    expect(page.get_by_text(t("data.import.blocked_errors", "vi"))).to_be_visible()
    expect(problem_cell(page, "<script>alert(1)</script>")).to_be_attached()
    expect(problem_cell(page, "'; DROP TABLE respondent;--")).to_be_attached()
    check_clean(page, dialogs, "upload ../../evil.csv")

    # (b) a spreadsheet formula in a cell (CSV injection): refused, the cell shown as text
    upload(page, "../evil.csv", hostile_microdata(formula=True))
    expect(page.get_by_text(re.compile("^" + re.escape(invalid)))).to_be_visible()
    expect(problem_cell(page, "=cmd|' /C calc'!A0")).to_be_attached()
    expect(confirm).to_be_disabled()
    check_clean(page, dialogs, "upload with a formula")

    # (c) bytes that are no CSV at all, under a name with markup: refused with a message, no traceback
    upload(page, "<img src=x onerror=alert(1)>.csv", b"\xff\xfe\x00\x00garbage\x00\x81\x82\n\x00,\x00\n" * 50)
    expect(page.get_by_text(re.compile("^" + re.escape(invalid)))).to_be_visible()
    expect(confirm).to_be_disabled()
    check_clean(page, dialogs, "upload of binary bytes")

    # nothing was written where the name points, relative to the server's or the database's folder
    for base in (REPO_ROOT, admin_made.parent, Path.cwd()):
        for candidate in (base / "../../evil.csv", base.parent / "evil.csv", base / "evil.csv"):
            assert not candidate.resolve().exists(), candidate.resolve()
    with access_db_of(admin_made):
        imports = audit.read(ADMIN, actor=ADMIN_USER)
    assert not {"import", "replace", "restore"} & set(imports["action"]), list(imports["action"])
