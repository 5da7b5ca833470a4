"""Sign-in and roles in Chromium (issue 14): what a visitor can and cannot reach, an officer's session from the
sign-in form to sign-out, the lock-out after repeated wrong passwords and its lifting, and the audit rows
all of that writes.

The sign-in lives in the Streamlit session: a full page load starts a new, signed-out session, so a
signed-in test moves only with in-app links (`go_to`). Accounts are made in the access database beside the
demo database the shared server uses (`ensure_account`), with names no other test file uses.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from access import accounts, audit, settings
from access.scope import ADMIN, CLI_ADMIN
from i18n import t
from tests.e2e.helpers import (
    SIDEBAR_NAV,
    access_db_of,
    app_exceptions,
    ensure_account,
    go_to,
    set_filters,
    sign_in,
    sign_out,
    wait_for_app,
)
from tests.e2e.test_app import KNOWN_DEEP_LINK_PROBE  # tolerated deep-link probes (Streamlit #7074)

OFFICER = "e2e-access-officer"
OFFICER_PASSWORD = "officer-e2e-Pa55word"
LOCKED = "e2e-access-lockout"
LOCKED_PASSWORD = "lockout-e2e-Pa55word"
PROVINCE = "P63-01"  # Hà Nội on the 63-province map
ROLE_DEPENDENT = ("", "map", "dimensions", "profile", "data")  # pages whose sections depend on the role
UPLOADER = '[data-testid="stFileUploader"]'


@pytest.fixture(scope="module")
def accounts_made(demo_db_path: Path) -> Path:
    """The officer of Hà Nội and the account the lock-out test locks, in the shared server's access DB."""
    ensure_account(demo_db_path, OFFICER, "officer", OFFICER_PASSWORD, (PROVINCE,))
    ensure_account(demo_db_path, LOCKED, "officer", LOCKED_PASSWORD, (PROVINCE,))
    return demo_db_path


def load(page: Page, url: str) -> None:
    """A full page load (a new session) and its script run; a shorter quiet time than `open_app`."""
    page.goto(url, wait_until="domcontentloaded", timeout=60_000)
    wait_for_app(page, timeout=60, quiet=0.3)


def unexpected_console_errors(page: Page, *allowed: str) -> list[str]:
    return [
        e
        for e in page.console_errors
        if not KNOWN_DEEP_LINK_PROBE.search(e) and not any(a in e for a in allowed)
    ]


def assert_offline_and_clean(page: Page, *allowed: str) -> None:
    assert not app_exceptions(page), app_exceptions(page)
    assert not unexpected_console_errors(page, *allowed), unexpected_console_errors(page, *allowed)
    assert not page.external_requests, sorted(set(page.external_requests))


def alerts(page: Page) -> list[str]:
    return page.locator('[data-testid="stAlert"]').all_inner_texts()


def nav_links(page: Page) -> list[str]:
    """Labels of the sidebar's page links (without an icon's ligature text such as 'login')."""
    texts = page.locator(SIDEBAR_NAV).get_by_role("link").all_inner_texts()
    return [text.strip().split("\n")[-1].strip() for text in texts]


def district_of(db: Path, province: str) -> tuple[str, str, str]:
    """(id, Vietnamese name, English name) of one district of `province` in the demo database."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT unit_id, name_vi, name_en FROM admin_unit WHERE level = 'district' AND parent_id = ? "
            "ORDER BY unit_id LIMIT 1",
            [province],
        ).fetchone()
    finally:
        con.close()
    assert row is not None, f"no district of {province} in the demo database"
    return row


def test_a_visitor_reaches_only_the_public_pages(page: Page, app_server: str) -> None:
    # every public page in Vietnamese; in English the pages whose sections depend on the role
    # (trends, compare and methodology have no role-dependent part: the screen tests cover their content)
    for lang, paths in (("vi", ROLE_DEPENDENT), ("en", ("data", "profile"))):
        for path in paths:
            load(page, f"{app_server}/{path}?lang={lang}")
            where = f"/{path}?lang={lang}"
            assert page.locator(UPLOADER).count() == 0, f"{where}: a file uploader for a visitor"
            main = page.locator('[data-testid="stMain"]').inner_text()
            assert t("data.audit.title", lang) not in main, f"{where}: the audit log for a visitor"
            links = nav_links(page)
            assert t("nav.accounts", lang) not in links and t("nav.drivers", lang) not in links, (
                where,
                links,
            )
            assert t("nav.signin", lang) in links, (where, links)
            assert page.locator('a[href$="/accounts"], a[href$="/drivers"]').count() == 0, where
            assert not app_exceptions(page), (where, app_exceptions(page))
            if path == "data":  # still the Data page, saying what a visitor does not see and why
                assert t("data.public_note", lang) in main, main[:500]
                headings = page.locator("h1, h2, h3").all_inner_texts()
                for key in ("data.import.title", "data.history", "data.audit.title"):
                    assert t(key, lang) not in headings, (where, headings)
    # an address a visitor's role lacks opens a page that says why (in the chosen language), never the
    # page's content, and no Streamlit "page not found" dialog
    for lang, path in (("vi", "accounts"), ("en", "drivers")):
        load(page, f"{app_server}/{path}?lang={lang}")
        assert page.get_by_role("dialog").count() == 0, f"/{path}: a dialog"
        assert page.locator("h1").first.inner_text() == t("auth.restricted_title", lang)
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert t("auth.restricted_visitor", lang) in main
        for text in (
            t("accounts.form_title", lang),
            t("accounts.col_user", lang),
            t("drivers.title", lang),
        ):
            assert text not in main, f"/{path}: {text!r} shown to a visitor"
        assert page.locator(UPLOADER).count() == 0
        assert not app_exceptions(page), app_exceptions(page)
    assert_offline_and_clean(page)


def test_a_visitor_focusing_a_district_gets_the_sidebar_unit(
    page: Page, app_server: str, demo_db_path: Path
) -> None:
    district, name_vi, name_en = district_of(demo_db_path, PROVINCE)
    for lang, name in (("vi", name_vi), ("en", name_en)):
        load(page, f"{app_server}/profile?lang={lang}&year=2024&geo=63&focus={district}")
        refusal = t("access.denied.public_detail", lang, what=t("access.what.below", lang), unit="\x00")
        expect(page.get_by_text(refusal.split("\x00")[0].strip(), exact=False).first).to_be_visible()
        headings = page.locator("h1, h2, h3").all_inner_texts()
        assert name not in headings, f"{name!r} shown as a heading to a visitor: {headings}"
        assert t("filters.national", lang) in headings  # the sidebar unit (the nation) instead
        assert not app_exceptions(page), app_exceptions(page)
    assert_offline_and_clean(page)


def test_an_officer_signs_in_works_and_signs_out(page: Page, app_server: str, accounts_made: Path) -> None:
    sign_in(page, app_server, OFFICER, OFFICER_PASSWORD)
    set_filters(page, year=2024, unit="Hà Nội")  # Hà Nội on the 63-province map: P63-01
    assert "unit=P63-01" in page.url, page.url
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_contain_text("· Hà Nội")  # the caption names the officer's provinces
    links = nav_links(page)
    assert t("nav.drivers", "vi") in links, links
    assert t("nav.accounts", "vi") not in links and t("nav.signin", "vi") not in links, links

    go_to(page, t("nav.data", "vi"))
    expect(page.locator(UPLOADER)).to_have_count(1)
    scope = t("data.import.officer_scope", "vi", provinces="\x00").split("\x00")[0]  # which provinces
    expect(page.get_by_text(re.compile(re.escape(scope) + ".*" + PROVINCE))).to_be_visible()
    expect(page.get_by_role("textbox", name=t("data.import.name", "vi"))).to_have_value(OFFICER)
    assert t("data.audit.title", "vi") not in page.locator('[data-testid="stMain"]').inner_text()

    go_to(page, t("nav.profile", "vi"))
    expect(page.get_by_role("heading", name="Hà Nội", exact=True)).to_be_visible()
    assert t("nav.drivers", "vi") in nav_links(page)
    # the officer's own province shows its districts; open one through its link (in-app)
    district = page.locator('[data-testid="stPageLink"] a').filter(has_text="%").first
    district_name = district.inner_text().split(" — ")[0]
    district.click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=district_name, exact=True)).to_be_visible()
    assert "focus=D63-" in page.url

    sign_out(page)
    expect(page.get_by_text(t("auth.signed_out", "vi"))).to_be_visible()
    expect(page.get_by_role("heading", name=district_name, exact=True)).to_have_count(0)
    links = nav_links(page)
    assert t("nav.signin", "vi") in links and t("nav.drivers", "vi") not in links, links
    go_to(page, t("nav.data", "vi"))
    expect(page.locator(UPLOADER)).to_have_count(0)
    expect(sidebar.get_by_text(OFFICER)).to_have_count(0)
    assert_offline_and_clean(page)

    with access_db_of(accounts_made):
        rows = audit.read(ADMIN, actor=OFFICER)
        assert audit.verify(ADMIN)[1] is None  # the hash chain is intact
    actions = list(rows["action"])
    assert actions[:2] == ["signout", "signin"], actions  # newest first
    signin = rows[rows["action"] == "signin"].iloc[0]
    assert signin["role"] == "officer" and signin["outcome"] == "ok" and "password" in signin["detail"]


def _attempt(page: Page, user: str, password: str, lang: str = "vi") -> list[str]:
    page.get_by_label(t("auth.name", lang), exact=True).fill(user)
    page.get_by_label(t("auth.password", lang), exact=True).fill(password)
    page.get_by_role("button", name=t("auth.submit", lang), exact=True).click()
    wait_for_app(page)
    return alerts(page)


def test_signing_in_keeps_the_language_and_filters(page: Page, app_server: str, accounts_made: Path) -> None:
    """Someone reading the English pages of Hà Nội in 2024 who signs in stays in English, 2024, Hà Nội."""
    load(page, f"{app_server}/signin?lang=en&year=2024&geo=63&unit=P63-01")
    _attempt(page, OFFICER, OFFICER_PASSWORD, "en")
    caption = t("auth.signed_in_as", "en", user=OFFICER, role=t("access.role.officer", "en"))
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert caption in sidebar, f"not signed in in English; sidebar: {sidebar[-300:]!r}"
    for param in ("lang=en", "year=2024", "geo=63", "unit=P63-01"):
        assert param in page.url, f"{param} lost on signing in: {page.url}"
    expect(page.get_by_role("heading", name="Hanoi — SIPAS 2024")).to_be_visible()


def test_lock_out_after_wrong_passwords_and_its_lifting(
    page: Page, app_server: str, accounts_made: Path
) -> None:
    limit = settings.max_failures()  # the server runs with the same environment
    bad = t("auth.bad", "vi", n="\x00").split("\x00")[0]
    locked = t("auth.locked", "vi", until="\x00").split("\x00")[0]
    load(page, f"{app_server}/signin?lang=vi")
    for k in range(1, limit):
        shown = _attempt(page, LOCKED, f"wrong-password-{k}")
        assert any(text.startswith(bad) for text in shown), shown
        assert t("auth.bad", "vi", n=limit - k) in shown, shown  # how many attempts are left
    shown = _attempt(page, LOCKED, "wrong-password-last")
    assert any(text.startswith(locked) for text in shown), shown
    assert re.search(r"\d\d:\d\d", next(text for text in shown if text.startswith(locked)))
    # while locked even the right password is refused, without saying whether it was right
    shown = _attempt(page, LOCKED, LOCKED_PASSWORD)
    assert any(text.startswith(locked) for text in shown), shown
    expect(page.locator('[data-testid="stSidebar"]').get_by_text(LOCKED)).to_have_count(0)

    with access_db_of(accounts_made):
        accounts.unlock(CLI_ADMIN, LOCKED)  # what an administrator does (or `python -m data.users unlock`)
    _attempt(page, LOCKED, LOCKED_PASSWORD)
    caption = t("auth.signed_in_as", "vi", user=LOCKED, role=t("access.role.officer", "vi"))
    expect(page.locator('[data-testid="stSidebar"]').get_by_text(caption)).to_be_visible()
    assert page.locator("h1").first.inner_text() == t("overview.title", "vi")  # sent to the Overview
    assert_offline_and_clean(page)

    with access_db_of(accounts_made):
        rows = audit.read(ADMIN, actor=LOCKED)
        unlocks = audit.read(ADMIN, action="account_unlock", actor=CLI_ADMIN.actor)
    actions = list(rows["action"])[::-1]  # oldest first
    assert actions == ["signin_failed"] * (limit - 1) + ["signin_locked", "signin_locked", "signin"], actions
    refused = rows[rows["action"] != "signin"]
    assert (refused["outcome"] == "refused").all() and (refused["role"] == "public").all()
    assert rows[rows["action"] == "signin"].iloc[0]["role"] == "officer"
    assert any(LOCKED in (detail or "") for detail in unlocks["detail"])
