"""The shared app states of `tests/views/conftest.py` are exact stand-ins for fresh sessions: a copy shows
the same elements and state as a fresh AppTest that went through the same steps, reruns the same after an
interaction, and changing one copy changes neither the cached state nor later copies."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from content.serialise import to_json
from tests.views.conftest import AppStates, open_page
from ui import auth
from ui.page_content import SHOWN_KEY

PAGE = "views/dimensions.py"
QUERY = {"year": "2024", "geo": "63", "unit": "P63-01"}
# each export builds a new XLSX file (with its creation time), served under a content-hash URL
_XLSX_URL = re.compile(r"/mock/media/[0-9a-f]+\.xlsx")
# a download made on click is registered under a fresh random id on every run
_DEFERRED_ID = re.compile(r'deferred_file_id: "[0-9a-f]+"')


def snapshot(app: AppTest) -> tuple[list[tuple[str, str]], dict, dict]:
    """Every element (type and protobuf), the user-visible session state and the query string."""
    elements = [(type(node).__name__, _DEFERRED_ID.sub("<deferred>", _XLSX_URL.sub("<xlsx>", str(node.proto))))
                for node in app._tree
                if getattr(node, "proto", None) is not None]  # fmt: skip
    state = dict(app.session_state.to_dict())
    for clock in (auth.LAST_SEEN, auth.SIGNED_IN_AT, auth.CHECKED_AT):  # when the session was last active
        state.pop(clock, None)
    if SHOWN_KEY in state:  # the content object on screen: compared by its JSON (it holds DataFrames)
        shown = state[SHOWN_KEY]
        state[SHOWN_KEY] = (
            shown.builder,
            shown.filters,
            sorted(shown.choices.items()),
            to_json(shown.content),
        )
    return elements, state, dict(app.query_params)


def first_difference(a: tuple, b: tuple) -> str:
    """Where two snapshots differ first (for a readable failure)."""
    for k, (x, y) in enumerate(zip(a[0], b[0], strict=False)):
        if x != y:
            return f"element {k}:\n{x}\n!=\n{y}"
    return f"elements {len(a[0])} vs {len(b[0])}; state {a[1]} vs {b[1]}; query {a[2]} vs {b[2]}"


def _choose_age_group(app: AppTest) -> AppTest:
    return app.selectbox(key="dimensions-breakdown").set_value("age_group").run()


def test_copy_equals_a_fresh_session_before_and_after_an_interaction(
    app: AppTest, app_states: AppStates
) -> None:
    fresh = open_page(app, PAGE, QUERY, "vi")
    shared = app_states.page(PAGE, QUERY | {"lang": "vi"})
    before = snapshot(fresh)
    assert len(before[0]) > 20 and not fresh.exception
    assert snapshot(shared) == before, first_difference(snapshot(shared), before)
    after, after_fresh = snapshot(_choose_age_group(shared)), snapshot(_choose_age_group(fresh))
    assert after == after_fresh, first_difference(after, after_fresh)
    assert snapshot(shared) != before  # the interaction did change the page
    assert snapshot(app_states.page(PAGE, QUERY | {"lang": "vi"})) == before  # the cached state did not


def test_copies_are_independent(app_states: AppStates) -> None:
    first = app_states.first_run({"lang": "en", **QUERY})
    second = app_states.first_run({"lang": "en", **QUERY})
    assert first is not second and first.session_state["unit"] == "P63-01"
    first.session_state["unit"] = "P63-79"
    assert second.session_state["unit"] == "P63-01"
    assert app_states.first_run({"lang": "en", **QUERY}).session_state["unit"] == "P63-01"
