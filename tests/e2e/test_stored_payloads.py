"""Text from data is text, in Chromium (issue 15): a private copy of the demo database whose stored text is
hostile (`tests.content.hostile`: a published figure's source, who measured it and its note imported through
`ingest.import_file` as an administrator with a hostile account name and a hostile file name; then a unit's,
an element's and a criterion's name and a methodology's legal basis) is served, and the Overview, the unit
profile, the Methodology page and (signed in as an administrator) the Data page are opened. On each: every
request the page makes goes to the app's own server, no dialog opens, the payloads are on screen as the words
typed (`[Bấm vào đây](http://evil.example/x)` reads as such), and no link, image, frame or script points at
the evil host. The tables' own toolbar offers no download (`client.disableDataExport`): the app's download
menu, which neutralises formulas, is the only way to a file. Two page loads in all (the visitor, then the
sign-in); everything else moves in-app."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from i18n import markup, t
from tests.content import hostile
from tests.e2e.helpers import (
    REPO_ROOT,
    app_exceptions,
    ensure_account,
    go_to,
    open_app,
    sign_in,
    start_streamlit,
)
from tests.e2e.test_data_upload import CELL, KNOWN_DEEP_LINK_PROBE

ADMIN_USER = "e2e-payload-admin"
ADMIN_PASSWORD = "payload-e2e-Pa55word"
# every element that fetches or links something, with the attributes that hold the address
POINTERS_JS = """(host) => {
    const found = [];
    const attrs = ['href', 'xlink:href', 'src', 'srcset', 'data', 'action', 'formaction', 'poster', 'background'];
    for (const el of document.querySelectorAll('*')) {
        for (const name of attrs) {
            const value = el.getAttribute(name);
            if (value && (value.includes(host) || /^\\s*(javascript|data:text)/i.test(value))) {
                found.push(`${el.tagName} ${name}=${value}`);
            }
        }
        for (const attr of el.attributes) {
            if (/^on/i.test(attr.name)) found.push(`${el.tagName} ${attr.name}=${attr.value}`);
        }
        const style = el.getAttribute('style') || '';
        if (style.includes(host)) found.push(`${el.tagName} style=${style}`);
    }
    for (const s of document.scripts) {
        if (s.textContent.includes('alert(1)')) found.push('SCRIPT ' + s.textContent.slice(0, 80));
    }
    return found;
}"""


def words(text: str) -> str:
    """Text with its whitespace runs as single spaces (as the screen lays it out), without the invisible word
    joiners that keep 'http://…' in text from becoming a link (`i18n.markup.md`)."""
    return " ".join(text.replace(markup.JOINER, "").split())


def shown_text(page: Page) -> str:
    """Everything the page says: its text, the tables' accessible cells, the charts' SVG text."""
    parts = [page.locator('[data-testid="stMain"]').inner_text()]
    parts += page.locator(CELL).all_inner_texts()
    parts += page.locator(".js-plotly-plot text").all_text_contents()
    return words("\n".join(parts))


def assert_inert(page: Page, where: str, expected: list[str]) -> None:
    """No exception box, nothing pointing at the evil host (links, images, frames, scripts, handlers), the
    expected payloads on screen as typed."""
    assert not app_exceptions(page), (where, app_exceptions(page))
    pointers = page.evaluate(POINTERS_JS, hostile.EVIL)
    assert not pointers, (where, pointers)
    text = shown_text(page)
    missing = [payload for payload in expected if words(payload) not in text]
    assert not missing, (where, missing)


def test_stored_payloads_stay_text(page: Page, demo_db_path: Path, tmp_path: Path) -> None:
    store = hostile.build(demo_db_path, tmp_path / "store")
    ensure_account(store.db, ADMIN_USER, "admin", ADMIN_PASSWORD)
    env = {**os.environ, "SIPAS_DB": str(store.db), "SIPAS_ACCESS_DB": str(store.access_db)}
    server = start_streamlit(REPO_ROOT / "app.py", tmp_path / "server.log", env=env)
    origin = urlsplit(server.url)
    requests: list[str] = []
    dialogs: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        # 1. a visitor: Overview of the unit whose name and published source are hostile
        open_app(page, f"{server.url}/?lang=vi&year={hostile.YEAR}&geo=63&unit={hostile.UNIT}", timeout=60)
        headings = " ".join(page.locator('[data-testid="stHeading"]').all_inner_texts())
        assert words(hostile.UNIT_NAME) in words(headings)  # the heading, as typed
        assert_inert(
            page, "overview", [hostile.SOURCE, "[Bấm vào đây](http://evil.example/x)", hostile.UNIT_NAME]
        )

        # 2. the unit's profile: the published table (source and measure as typed, no link) and the criteria
        go_to(page, t("nav.profile", "vi"))
        published = page.locator('[data-testid="stDataFrame"]').last
        published.scroll_into_view_if_needed()
        expect(published.locator(CELL, has_text=hostile.MEASURED_BY).first).to_be_attached(timeout=20_000)
        assert_inert(
            page, "profile", [hostile.UNIT_NAME, hostile.MEASURED_BY, hostile.SOURCE, hostile.ELEMENT_NAME]
        )

        # 3. the Methodology page: the legal basis read from the store, in the wave's expander
        go_to(page, t("nav.methodology", "vi"))
        assert_inert(page, "methodology", [hostile.LEGAL_BASIS])

        # 4. an administrator on the Data page: the import history (the file's name, who imported it)
        sign_in(page, server.url, ADMIN_USER, ADMIN_PASSWORD)
        go_to(page, t("nav.data", "vi"))
        history = page.locator('[data-testid="stDataFrame"]').filter(
            has=page.locator(CELL, has_text=re.compile(re.escape(hostile.FILE_NAME)))
        )
        history.first.scroll_into_view_if_needed()
        expect(history.first).to_be_attached(timeout=20_000)
        assert_inert(page, "data", [hostile.FILE_NAME, hostile.IMPORTED_BY])

        # the table's own toolbar (hovered) has no download button: only the app's formula-safe menu
        history.first.hover()
        page.wait_for_timeout(300)
        toolbar = page.locator('[data-testid="stElementToolbar"]')
        labels = [
            f"{b.get_attribute('aria-label') or ''} {b.get_attribute('title') or ''} {b.inner_text()}"
            for b in toolbar.locator("button").all()
        ]
        assert toolbar.count() >= 1 and labels, "the table toolbar was not found"
        assert not [label for label in labels if re.search(r"download|tải", label, re.IGNORECASE)], labels
    finally:
        server.stop()
    assert not dialogs, dialogs
    elsewhere = [url for url in requests if urlsplit(url).scheme in ("http", "https", "ws", "wss")
                 and urlsplit(url).netloc != origin.netloc]  # fmt: skip
    assert not elsewhere, elsewhere
    assert not [url for url in requests if hostile.EVIL in url]
    errors = [e for e in page.console_errors if not KNOWN_DEEP_LINK_PROBE.search(e)]
    assert not errors, errors
