"""Screenshots of pages for a human (or a reviewer) to look at: `python -m tests.e2e.screenshots`.

    python -m tests.e2e.screenshots --out /tmp/shots --pages profile,map \
        --query "year=2024&geo=34&unit=P34-01" --query "year=2020&geo=63&unit=P63-01" [--tall] \
        [--user NAME --password PASSWORD]

Every page x query x language (vi, en) at 1366x768. `--tall` also writes `<name>-2.png`, `-3.png`…: the
page scrolled down one screen at a time (Streamlit scrolls inside its own container, so a "full page"
screenshot shows only the top), up to `--screens` screens. With `--user`/`--password` each page is shot
signed in: the Sign-in page first (with the query), then the page by its sidebar link (a full page load
would start a new, signed-out session). The account must exist in the access database beside $SIPAS_DB.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from i18n import t
from tests.e2e.helpers import (
    CHROMIUM_ARGS,
    REPO_ROOT,
    app_exceptions,
    open_app,
    start_streamlit,
    wait_for_app,
)

# scroll Streamlit's main container one screen down; false when it is already at the bottom
_SCROLL_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
    const before = main.scrollTop;
    main.scrollTop = before + 700;
    return main.scrollTop > before;
}"""
PAGES = ("overview", "map", "trends", "dimensions", "profile", "compare", "drivers", "data", "methodology")
NAV_KEYS = {"data": "nav.data", "accounts": "nav.accounts", "signin": "nav.signin"}


def open_signed_in(page, base: str, name: str, lang: str, query: str, user: str, password: str) -> None:  # noqa: ANN001
    """Sign in on the Sign-in page (with `query`), then open page `name` by its sidebar link."""
    open_app(page, f"{base}/signin?lang={lang}&{query}")
    page.get_by_label(t("auth.name", lang), exact=True).fill(user)
    page.get_by_label(t("auth.password", lang), exact=True).fill(password)
    page.get_by_role("button", name=t("auth.submit", lang)).click()
    page.wait_for_timeout(1500)
    wait_for_app(page)
    if name != "overview":
        page.get_by_role("link", name=t(NAV_KEYS.get(name, f"nav.{name}"), lang), exact=True).click()
        page.wait_for_timeout(1500)
        wait_for_app(page)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/shots"))
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--query", action="append", default=[])
    parser.add_argument("--langs", default="vi,en")
    parser.add_argument("--tall", action="store_true")
    parser.add_argument("--screens", type=int, default=6)
    parser.add_argument("--user", default=None)
    parser.add_argument("--password", default=None)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    queries = args.query or ["year=2024&geo=34&unit=national"]
    server = start_streamlit(REPO_ROOT / "app.py", args.out / "server.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=list(CHROMIUM_ARGS))
            for query in queries:
                tag = query.replace("&", "_").replace("=", "")
                for lang in args.langs.split(","):
                    for name in args.pages.split(","):
                        page = browser.new_page(viewport={"width": 1366, "height": 768})
                        if args.user:
                            open_signed_in(page, server.url, name, lang, query, args.user, args.password)
                        else:
                            open_app(page, f"{server.url}/{name}?lang={lang}&{query}")
                        who = f"-{args.user}" if args.user else ""
                        path = args.out / f"{name}-{lang}-{tag}{who}.png"
                        page.screenshot(path=str(path))
                        errors = app_exceptions(page)
                        print(path.name, "EXCEPTION" if errors else "ok", errors[:1], flush=True)
                        for screen in range(2, args.screens + 1 if args.tall else 0):
                            if not page.evaluate(_SCROLL_JS):
                                break
                            page.wait_for_timeout(400)
                            page.screenshot(path=str(args.out / f"{name}-{lang}-{tag}{who}-{screen}.png"))
                        page.close()
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
