"""The Content-Security-Policy that docs/deploy.md tells the reverse proxy to send: the dashboard's pages
render under it in Chromium with no violation (charts drawn, no exception), so the policy in the docs is a
tested one. The header is added to every response by Playwright, standing in for the proxy."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from playwright.sync_api import Browser

from tests.e2e.helpers import CHROMIUM_ARGS, LOCALE, REPO_ROOT, VIEWPORT, app_exceptions, wait_for_app

# a response fulfilled by Playwright has no network address of its own; Chromium's private-network checks
# would then refuse the page's WebSocket to 127.0.0.1 (a test artefact: behind a real proxy there is none)
NO_LOCAL_NETWORK_CHECKS = "--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessChecks"


def documented_policy() -> str:
    """The Content-Security-Policy value in docs/deploy.md's nginx block."""
    text = (REPO_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    found = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', text)
    assert found, "docs/deploy.md lost its Content-Security-Policy line"
    return found.group(1)


def test_pages_render_under_the_documented_policy(
    browser: Browser, app_server: str, chromium_path: str
) -> None:
    policy = documented_policy()
    assert "'unsafe-eval'" not in policy and "http" not in policy  # no eval, no remote host
    strict = browser.browser_type.launch(executable_path=chromium_path, headless=True,
                                         args=[*CHROMIUM_ARGS, NO_LOCAL_NETWORK_CHECKS])  # fmt: skip
    try:
        context = strict.new_context(viewport=VIEWPORT, locale=LOCALE)

        def with_policy(route) -> None:  # noqa: ANN001
            try:
                response = route.fetch()
                headers = dict(response.headers) | {"content-security-policy": policy}
                route.fulfill(response=response, headers=headers)
            except Exception:  # noqa: BLE001  (a request cut short by the next navigation: let it go)
                with contextlib.suppress(Exception):
                    route.abort()

        context.route("**/*", with_policy)
        page = context.new_page()
        violations: list[str] = []
        page.on(
            "console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None
        )
        drawn = {}
        for path in ("/?lang=vi&year=2024&geo=63&unit=P63-01", "/map?lang=en"):
            page.goto(app_server + path)
            wait_for_app(page)
            page.wait_for_timeout(1500)
            assert app_exceptions(page) == [], path
            drawn[path] = page.locator(".js-plotly-plot .main-svg").count()
        assert violations == []
        assert all(n > 0 for n in drawn.values()), drawn  # charts and the map drawn
        context.close()
    finally:
        strict.close()


def test_docs_keep_secrets_out_of_git() -> None:
    ignored = (Path(REPO_ROOT) / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored
