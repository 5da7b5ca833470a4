"""Reusable pieces of the browser-test harness: a Streamlit server process and a "wait until idle" helper.

Nothing here depends on pytest fixtures, so a test may also start its own server (see test_harness.py).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, expect

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1366, "height": 768}
LOCALE = "vi-VN"

SERVER_START_TIMEOUT_S = 60.0
APP_IDLE_TIMEOUT_S = 30.0
APP_IDLE_QUIET_S = 1.0

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
NETWORK_SCHEMES = {"http", "https", "ws", "wss"}

# Streamlit 1.67 marks its root element with the script and connection state; see the frontend bundle
# (static/js/index.*.js): data-testid="stApp", data-test-script-state in {initial, running, rerunRequested,
# stopRequested, notRunning, compilationError}, data-test-connection-state in {INITIAL, CONNECTING,
# CONNECTED, PINGING_SERVER, DISCONNECTED_FOREVER, ...}. The "running man" icon is stStatusWidgetRunningIcon.
_APP_STATE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return {found: false};
    const widget = document.querySelector('[data-testid="stStatusWidget"]');
    return {
        found: true,
        script: app.getAttribute('data-test-script-state'),
        connection: app.getAttribute('data-test-connection-state'),
        runningIcon: !!document.querySelector('[data-testid="stStatusWidgetRunningIcon"]'),
        statusText: widget ? widget.innerText : '',
        skeleton: !!document.querySelector('[data-testid="stAppSkeleton"]'),
    };
}"""
_IDLE_SCRIPT_STATES = {"notRunning", "compilationError"}


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_external_url(url: str) -> bool:
    """True for http(s)/ws(s) URLs whose host is not this machine (data:, blob:, about: never are)."""
    parts = urlsplit(url)
    if parts.scheme not in NETWORK_SCHEMES:
        return False
    return (parts.hostname or "") not in LOCAL_HOSTS


def _tail(path: Path, n_chars: int = 4000) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"<cannot read {path}: {exc}>"
    return text[-n_chars:]


@dataclass
class StreamlitServer:
    """A `streamlit run` child process in its own process group, logging to `log_path`."""

    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, n_chars: int = 4000) -> str:
        return _tail(self.log_path, n_chars)

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=timeout)


def start_streamlit(
    script: str | Path,
    log_path: Path,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path = REPO_ROOT,
    timeout: float = SERVER_START_TIMEOUT_S,
    address: str | None = "127.0.0.1",
) -> StreamlitServer:
    """Start `streamlit run script` on a free port and wait until /_stcore/health answers "ok". `address`
    None: no --server.address, so .streamlit/config.toml decides where it listens.

    On failure (process exits, or no "ok" within `timeout` seconds) the process group is killed and
    RuntimeError is raised with the tail of the server output.
    """
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        *(["--server.address", address] if address else []),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    full_env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = StreamlitServer(proc=proc, port=port, log_path=log_path)
    try:
        _wait_for_health(server, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_for_health(server: StreamlitServer, timeout: float) -> None:
    health_url = f"{server.url}/_stcore/health"
    deadline = time.monotonic() + timeout
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        code = server.proc.poll()
        if code is not None:
            raise RuntimeError(
                f"Streamlit server exited with code {code} before becoming healthy.\n"
                f"--- server output ({server.log_path}) ---\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(health_url, timeout=2) as resp:
                body = resp.read().decode(errors="replace").strip()
                if resp.status == 200 and body == "ok":
                    return
                last_error = f"HTTP {resp.status}: {body[:200]!r}"
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            last_error = repr(exc)
        time.sleep(0.2)
    raise RuntimeError(
        f"Streamlit server at {health_url} not healthy after {timeout:.0f} s (last: {last_error}).\n"
        f"--- server output ({server.log_path}) ---\n{server.log_tail()}"
    )


def record_problems(context: BrowserContext, page: Page) -> None:
    """Attach `page.console_errors` and `page.external_requests` lists, filled while the test runs.

    console_errors: text of console messages of type "error" plus uncaught page errors ("pageerror: ...").
    external_requests: URLs of any request or WebSocket leaving this machine (any page/frame in the context).
    """
    console_errors: list[str] = []
    external_requests: list[str] = []

    def on_console(msg) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc.get("url") else ""
            console_errors.append(f"console.error: {msg.text}{where}")

    def on_request(request) -> None:
        if is_external_url(request.url):
            external_requests.append(request.url)

    def on_websocket(ws) -> None:
        if is_external_url(ws.url):
            external_requests.append(ws.url)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: console_errors.append(f"pageerror: {exc}"))
    page.on("websocket", on_websocket)
    context.on("request", on_request)
    page.console_errors = console_errors
    page.external_requests = external_requests


def app_state(page: Page) -> dict:
    """Streamlit's own view of the page: script state, connection state, running indicator."""
    return page.evaluate(_APP_STATE_JS)


def wait_for_app(page: Page, timeout: float = APP_IDLE_TIMEOUT_S, quiet: float = APP_IDLE_QUIET_S) -> None:
    """Wait until the Streamlit script has finished and stayed finished for `quiet` seconds.

    Idle means: the stApp root exists, the websocket is CONNECTED, the script state is notRunning (or
    compilationError), and no "Running" status widget / running icon / app skeleton is shown.
    Call it after page.goto(...) and after every interaction that triggers a rerun.
    """
    deadline = time.monotonic() + timeout
    page.wait_for_selector('[data-testid="stApp"]', state="attached", timeout=timeout * 1000)
    idle_since: float | None = None
    state: dict = {}
    while True:
        state = app_state(page)
        idle = (
            state.get("found")
            and state.get("connection") in (None, "CONNECTED")
            and state.get("script") in _IDLE_SCRIPT_STATES
            and not state.get("runningIcon")
            and not state.get("skeleton")
            and "Running" not in (state.get("statusText") or "")
        )
        now = time.monotonic()
        if idle:
            idle_since = idle_since if idle_since is not None else now
            if now - idle_since >= quiet:
                return
        else:
            idle_since = None
        if now >= deadline:
            raise AssertionError(
                f"Streamlit app did not become idle within {timeout:.0f} s; last state: {state}"
            )
        page.wait_for_timeout(100)


def open_app(page: Page, url: str, timeout: float = APP_IDLE_TIMEOUT_S) -> Page:
    """page.goto(url) then wait_for_app(page); returns the page for chaining."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
    wait_for_app(page, timeout=timeout)
    return page


def app_exceptions(page: Page) -> list[str]:
    """Texts of Python exceptions Streamlit shows on the page (st.exception / uncaught errors)."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


def assert_page_clean(page: Page) -> None:
    """No console errors, no requests leaving the machine, no Python exception boxes on the page."""
    problems = []
    if page.console_errors:
        problems.append("console errors:\n  " + "\n  ".join(page.console_errors))
    if page.external_requests:
        problems.append("external requests:\n  " + "\n  ".join(sorted(set(page.external_requests))))
    exceptions = app_exceptions(page)
    if exceptions:
        problems.append("exceptions shown in the app:\n  " + "\n  ".join(exceptions))
    assert not problems, "\n".join(problems)


def save_artifacts(page: Page, name: str) -> Path:
    """Full-page screenshot plus a text file with console errors / external requests; returns the PNG path."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:150]
    png = ARTIFACTS_DIR / f"{safe}.png"
    with contextlib.suppress(Exception):
        page.screenshot(path=str(png), full_page=True, timeout=10_000)
    notes = [
        f"url: {page.url}",
        "console_errors:",
        *getattr(page, "console_errors", []),
        "external_requests:",
        *getattr(page, "external_requests", []),
    ]
    (ARTIFACTS_DIR / f"{safe}.txt").write_text("\n".join(notes) + "\n")
    return png


# --- signing in (issue 14) --------------------------------------------------------------------------------
# The sign-in lives in the Streamlit session: a full page load (page.goto) starts a new session, signed out.
# After `sign_in`, move with in-app links only (`go_to`), never with page.goto, to stay signed in.

SIDEBAR_NAV = '[data-testid="stSidebarNav"]'


def sign_in(
    page: Page,
    base_url: str,
    user: str,
    password: str,
    lang: str = "vi",
    query: str = "",
    timeout: float = APP_IDLE_TIMEOUT_S,
) -> Page:
    """Open the Sign-in page (`/signin?lang=…&<query>`, a new session), fill the built-in form, submit, wait
    for the app and check that the sidebar says who is signed in ("Đang đăng nhập: {user}" / "Signed in:
    {user}"). Returns the page, now on the Overview. To be sure of the filters after signing in, choose
    them in the sidebar (`set_filters`)."""
    from i18n import t  # the harness itself does not need the app's catalogue

    open_app(page, f"{base_url}/signin?lang={lang}" + (f"&{query}" if query else ""), timeout=timeout)
    page.get_by_label(t("auth.name", lang), exact=True).fill(user)
    page.get_by_label(t("auth.password", lang), exact=True).fill(password)
    page.get_by_role("button", name=t("auth.submit", lang), exact=True).click()
    wait_for_app(page)
    caption = t("auth.signed_in_as", lang, user=user, role="\x00").split(" (\x00")[0]
    sidebar = page.locator('[data-testid="stSidebar"]')
    try:
        sidebar.get_by_text(caption, exact=False).first.wait_for(state="visible", timeout=10_000)
    except Exception as exc:  # say what the page shows instead
        shown = page.locator('[data-testid="stAlert"]').all_inner_texts()
        raise AssertionError(
            f"not signed in as {user!r}: no {caption!r} in the sidebar; alerts: {shown}"
        ) from exc
    return page


def go_to(page: Page, label: str, quiet: float = APP_IDLE_QUIET_S) -> Page:
    """Click the sidebar navigation link `label` (in-app: the session, and its sign-in, is kept) and wait."""
    link = page.locator(SIDEBAR_NAV).get_by_role("link", name=label, exact=True)
    link.click()
    # the link is marked current once the server has switched page; then the page's script must finish
    expect(link).to_have_attribute("aria-current", "page", timeout=APP_IDLE_TIMEOUT_S * 1000)
    wait_for_app(page, quiet=quiet)
    return page


def sign_out(page: Page, lang: str = "vi") -> Page:
    """Click the sidebar's sign-out button and wait."""
    from i18n import t

    page.locator('[data-testid="stSidebar"]').get_by_role("button", name=t("auth.signout", lang)).click()
    wait_for_app(page)
    return page


@contextlib.contextmanager
def access_db_of(survey_db: Path):
    """Run the block with `access.*` acting on the access database beside `survey_db` (the one a server
    started with SIPAS_DB=survey_db uses): $SIPAS_DB and $SIPAS_ACCESS_DB set for the block, then restored."""
    keys = ("SIPAS_DB", "SIPAS_ACCESS_DB")
    saved = {key: os.environ.get(key) for key in keys}
    os.environ["SIPAS_DB"] = str(survey_db)
    os.environ["SIPAS_ACCESS_DB"] = str(Path(survey_db).parent / "access.duckdb")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def ensure_account(
    survey_db: Path, user: str, role: str, password: str, provinces: tuple[str, ...] = ()
) -> str:
    """Create account `user` (role 'officer' or 'admin') in the access database beside `survey_db`, acting as
    the command line's administrator; an account of that name already there gets `password` again (and any
    lock-out lifted). Returns the stored name."""
    from access import accounts
    from access.scope import CLI_ADMIN

    with access_db_of(survey_db):
        try:
            return accounts.add(CLI_ADMIN, user, role, password, list(provinces))
        except accounts.AccountError as exc:
            if exc.code != "exists":
                raise
            accounts.reset(CLI_ADMIN, user, password)
            return accounts.normalise(user)


def set_filters(
    page: Page,
    lang: str = "vi",
    *,
    year: int | None = None,
    unit: str | None = None,
    to_lang: str | None = None,
) -> Page:
    """Choose filters in the sidebar as a user does (in-app, so a sign-in is kept): the `year`, then the
    `unit` by its name as listed in the sidebar's language `lang` (typed into the box: the list is
    virtualised), then the language `to_lang` (its radio)."""
    from i18n import t

    sidebar = page.locator('[data-testid="stSidebar"]')
    if year is not None:
        sidebar.get_by_role("combobox", name=t("filters.year", lang)).click()
        page.get_by_role("option", name=str(year), exact=True).click()
        wait_for_app(page)
    if unit is not None:
        sidebar.get_by_role("combobox", name=t("filters.unit", lang)).click()
        page.keyboard.type(unit)
        page.get_by_role("option", name=unit, exact=True).click()
        wait_for_app(page)
    if to_lang is not None and to_lang != lang:
        sidebar.get_by_text(t(f"language.{to_lang}", to_lang), exact=True).click()
        wait_for_app(page)
    return page
