"""Browser-test harness: a live Streamlit server on the demo database, driven by Playwright + system Chromium.

Fixtures
    chromium_path   (session)  path of the Chromium binary; fails (never skips) when it is missing
    app_server      (session)  base URL "http://127.0.0.1:PORT" of `streamlit run app.py` on the demo DB
    browser         (session)  a headless Playwright Chromium browser
    page            (function) fresh context (1366x768, vi-VN) with page.console_errors and
                               page.external_requests; screenshot to tests/e2e/artifacts/ on failure
Every test collected under tests/e2e/ is marked `e2e` automatically.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.helpers import (
    CHROMIUM_ARGS,
    DEFAULT_CHROMIUM,
    LOCALE,
    REPO_ROOT,
    VIEWPORT,
    record_problems,
    save_artifacts,
    start_streamlit,
)

_E2E_DIR = Path(__file__).resolve().parent
_REPORT_KEY = pytest.StashKey[dict]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    item.stash.setdefault(_REPORT_KEY, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Chromium binary for Playwright: $CHROMIUM_PATH or /usr/bin/chromium (Debian package `chromium`)."""
    path = os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {path!r}. The e2e tests need a system Chromium: run .ci/run "
            "(installs it) or `apt-get install chromium`, or set CHROMIUM_PATH.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def app_server(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the real dashboard (app.py) serving the demo database; one server per test session."""
    log_path = tmp_path_factory.mktemp("streamlit") / "app_server.log"
    server = start_streamlit("app.py", log_path, env={"SIPAS_DB": str(demo_db_path)}, cwd=REPO_ROOT)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        pw.stop()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh page; inspect page.console_errors / page.external_requests or call assert_page_clean(page)."""
    context = browser.new_context(viewport=VIEWPORT, locale=LOCALE)
    page = context.new_page()
    record_problems(context, page)
    try:
        yield page
    finally:
        reports = request.node.stash.get(_REPORT_KEY, {})
        if any(rep.failed for rep in reports.values()):
            save_artifacts(page, request.node.nodeid)
        context.close()
