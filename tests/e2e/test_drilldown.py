"""A reform officer's drill-down in Chromium: national overview -> a province -> one of its districts ->
an element -> its criteria, then back up through the breadcrumbs. Districts are for signed-in users (issue
14): the test signs in as an administrator and then moves only in-app (a page load would sign it out)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from i18n import t
from tests.e2e.helpers import (
    ARTIFACTS_DIR,
    assert_page_clean,
    ensure_account,
    set_filters,
    sign_in,
    wait_for_app,
)
from tests.e2e.test_app import KNOWN_DEEP_LINK_PROBE  # tolerated deep-link probes (Streamlit #7074)

ADMIN_USER = "e2e-drilldown-admin"
ADMIN_PASSWORD = "drilldown-e2e-Pa55word"


def _click(page: Page, locator) -> None:
    locator.click()
    wait_for_app(page)


def test_national_to_criterion_and_back(page: Page, app_server: str, demo_db_path: Path) -> None:
    ensure_account(demo_db_path, ADMIN_USER, "admin", ADMIN_PASSWORD)
    sign_in(page, app_server, ADMIN_USER, ADMIN_PASSWORD)
    set_filters(page, year=2024)  # the 63-province map of 2024 (was ?lang=vi&year=2024&geo=63)
    assert "year=2024" in page.url and "geo=63" in page.url, page.url
    expect(page.get_by_role("heading", name="Toàn quốc — SIPAS 2024")).to_be_visible()
    # province: chosen in the sidebar
    page.get_by_role("combobox", name=t("filters.unit", "vi")).click()
    page.keyboard.type("Hà Nội")  # the list is virtualised: type to filter, as a user would
    page.get_by_role("option", name="Hà Nội", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Hà Nội — SIPAS 2024")).to_be_visible()
    # its profile, then a sampled district
    _click(page, page.get_by_role("link", name=t("nav.profile", "vi")))
    expect(page.get_by_role("heading", name="Hà Nội", exact=True)).to_be_visible()
    district = page.locator('[data-testid="stPageLink"] a').filter(has_text="%").first
    district_name = district.inner_text().split(" — ")[0]
    _click(page, district)
    expect(page.get_by_role("heading", name=district_name, exact=True)).to_be_visible()
    assert "focus=D63-" in page.url
    # an element and its criteria
    page.get_by_role("combobox", name=t("profile.element", "vi")).click()
    page.keyboard.type("Công chức")  # the list is virtualised: type to filter, as a user would
    page.get_by_role("option").filter(has_text="Công chức").first.click()
    wait_for_app(page)
    expect(page.get_by_text("Các tiêu chí của yếu tố")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').nth(1)).to_be_visible()
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "drilldown-district.png"), full_page=True)
    # back up: the province, then the nation
    _click(page, page.locator('[data-testid="stPageLink"] a').filter(has_text="› Hà Nội").first)
    expect(page.get_by_role("heading", name="Hà Nội", exact=True)).to_be_visible()
    _click(page, page.locator('[data-testid="stPageLink"] a').filter(has_text="Toàn quốc").first)
    expect(page.get_by_role("heading", name="Toàn quốc", exact=True)).to_be_visible()
    page.console_errors[:] = [e for e in page.console_errors if not KNOWN_DEEP_LINK_PROBE.search(e)]
    assert_page_clean(page)
