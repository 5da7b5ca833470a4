"""AppTest through the real entry point against the session's demo database.

Two ways to get an app session:

- `app` + `open_page`: a fresh AppTest that the test runs itself (needed when the test changes the
  environment first, e.g. points SIPAS_DB at a private copy or monkeypatches a constant).
- `app_states`: the same runs, done once per session and handed out as independent copies. A script run
  of app.py is a function of the session state and query string it starts from (the demo database is
  read-only), so every test that starts from the same URL and goes to the same page would compute the same
  state again; `app_states` computes each state once and gives every test its own deep copy, on which the
  test may click and rerun freely without touching the cached state or other tests' copies.
  `tests/views/test_shared_runs.py` checks that a copy behaves exactly like a fresh session.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.runtime.fragment import MemoryFragmentStorage
from streamlit.runtime.state.safe_session_state import SafeSessionState
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import element_tree as et
from streamlit.testing.v1.app_test import _AppTestSessionState

from tests.conftest import REPO_ROOT

APP_TIMEOUT_S = 180


_components: list[BidiComponentManager] = []


TEST_ADMIN = "test-admin"


def signed_in(app: AppTest, user: str, role: str, provinces: tuple[str, ...] = ()) -> AppTest:
    """`app` as a session signed in as `user` (role 'officer' with `provinces`, or 'admin'): the account is
    created in the access database if missing (so the session's periodic re-reading of its rights keeps
    it), and the session starts as `ui.auth.start` leaves it after a successful sign-in. Tests of the
    sign-in itself go through the form (tests/access)."""
    from access import accounts  # noqa: PLC0415  (SIPAS_DB is set by then: the access database sits beside it)
    from access.scope import CLI_ADMIN, Principal, Scope  # noqa: PLC0415
    from ui import auth  # noqa: PLC0415

    if accounts.scope_of(user) is None:
        accounts.add(CLI_ADMIN, user, role, None, list(provinces))
    now = auth._now()
    app.session_state[auth.PRINCIPAL] = Principal(user, Scope(role, frozenset(provinces)), "password")
    for key in (auth.SIGNED_IN_AT, auth.LAST_SEEN, auth.CHECKED_AT):
        app.session_state[key] = now
    return app


def new_app(as_admin: bool = True) -> AppTest:
    """AppTest.from_file(app.py), signed in as an administrator unless `as_admin` is False (a visitor): the
    page tests check what the pages show with every right; tests/access checks what each role is refused.
    Every AppTest scans the installed packages for custom components on its first run (a second or so
    each); the packages do not change during the session, so all share one scan."""
    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    if as_admin:
        signed_in(app, TEST_ADMIN, "admin")
    if not _components:
        manager = BidiComponentManager()
        manager.discover_and_register_components(start_file_watching=False)
        _components.append(manager)
    app._bidi_component_manager = _components[0]
    return app


@pytest.fixture()
def app(demo_db_path, monkeypatch) -> AppTest:
    """A fresh app session (app.py with st.navigation) reading the demo database."""
    monkeypatch.setenv("SIPAS_DB", str(demo_db_path))
    return new_app()


def open_page(app: AppTest, page: str, query: dict, lang: str = "vi") -> AppTest:
    """Run the app with `query` in the URL, then switch to `page` (e.g. "views/trends.py") and run it."""
    app.query_params.update(query | {"lang": lang})
    app.run()
    app.switch_page(page)
    app.run()
    return app


def _clone_node(node, memo: dict):
    """Deep copy of an element-tree node. The nodes forward unknown attributes to their protobuf, so the
    generic deepcopy would find the proto's __deepcopy__ and return a proto instead of the node."""
    new = object.__new__(type(node))
    memo[id(node)] = new
    for name, value in vars(node).items():
        object.__setattr__(new, name, copy.deepcopy(value, memo))
    return new


@contextmanager
def _copyable_tree() -> Iterator[None]:
    et.Element.__deepcopy__ = _clone_node
    et.Block.__deepcopy__ = _clone_node
    try:
        yield
    finally:
        del et.Element.__deepcopy__
        del et.Block.__deepcopy__


def fork(app: AppTest) -> AppTest:
    """An independent AppTest in exactly the state `app` is in: session state (widget values included),
    query string, current page and the last element tree (from which the next run takes widget values)."""
    assert not app._fragment_storage._fragments, "the dashboard defines no fragments"
    safe = SafeSessionState(copy.deepcopy(app._session_state._state), lambda: None)
    memo = {
        id(app._session_state): safe,
        id(app.session_state): _AppTestSessionState(safe),
        id(app._fragment_storage): MemoryFragmentStorage(),  # empty, like the original
        id(app._bidi_component_manager): app._bidi_component_manager,  # installed components: read-only
    }
    with _copyable_tree():
        return copy.deepcopy(app, memo)


def _key(query: dict) -> tuple:
    return tuple(sorted(query.items()))


class AppStates:
    """Session-wide cache of app states, handed out as forks (see the module docstring)."""

    def __init__(self) -> None:
        self._first: dict[tuple, AppTest] = {}
        self._pages: dict[tuple, AppTest] = {}

    def first_run(self, query: dict) -> AppTest:
        """A fresh session after `app.run()` with `query` (e.g. {"lang": "en", "year": "2024"}) in the URL:
        the default page (Overview) as a visitor opening that link sees it."""
        key = _key(query)
        if key not in self._first:
            app = new_app()
            app.query_params.update(query)
            app.run()
            self._first[key] = app
        return fork(self._first[key])

    def page(self, page: str, query: dict) -> AppTest:
        """`first_run(query)`, then `switch_page(page)` and a run: what `open_page` gives."""
        key = (page, _key(query))
        if key not in self._pages:
            app = self.first_run(query)
            app.switch_page(page)
            app.run()
            self._pages[key] = app
        return fork(self._pages[key])


@pytest.fixture(scope="session")
def _app_state_cache() -> AppStates:
    return AppStates()


@pytest.fixture()
def app_states(_app_state_cache: AppStates, demo_db_path, monkeypatch) -> AppStates:
    """The session's app states; SIPAS_DB points at the demo database while the test runs (cached states
    are computed, and copies rerun, under the test)."""
    monkeypatch.setenv("SIPAS_DB", str(demo_db_path))
    return _app_state_cache
