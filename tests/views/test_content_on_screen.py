"""Every page shows exactly its content object: each KPI card, table, chart and sentence of the object is on
screen as it is in the object, and the object equals a fresh build from the same filters and choices."""

from __future__ import annotations

import importlib
import json

import pandas as pd
import plotly.io as pio
import pytest

from content.model import Chart, Link, Metric, Note, Table, parts
from content.serialise import to_json
from content.source import current_key
from tests.views.conftest import AppStates
from ui.components import styled_frame
from ui.page_content import SHOWN_KEY

PAGES = [
    "views/overview.py",
    "views/map.py",
    "views/trends.py",
    "views/dimensions.py",
    "views/profile.py",
    "views/compare.py",
    "views/drivers.py",
    "views/data_catalogue.py",
    "views/methodology.py",
]
STATES = [{"lang": "vi"}, {"lang": "en"}, {"lang": "vi", "year": "2024", "geo": "63", "unit": "P63-01"}]


def _texts(app) -> list[str]:
    kinds = ("markdown", "caption", "info", "warning", "error", "subheader", "title", "success")
    return [str(e.value) for kind in kinds for e in app.get(kind)]


def _same_table(shown: pd.DataFrame, expected: pd.DataFrame) -> bool:
    if list(map(str, shown.columns)) != list(map(str, expected.columns)) or len(shown) != len(expected):
        return False
    try:
        pd.testing.assert_frame_equal(
            shown.reset_index(drop=True),
            expected.reset_index(drop=True),
            check_dtype=False,
            check_names=False,
        )
    except AssertionError:
        return False
    return True


def _figure_json(spec: str) -> dict:
    fig = json.loads(spec)
    fig.get("layout", {}).pop("template", None)
    return {"data": fig["data"], "layout": fig.get("layout", {})}


@pytest.mark.parametrize("state", STATES, ids=lambda s: "-".join(s.values()))
@pytest.mark.parametrize("page", PAGES)
def test_the_page_shows_its_content_object(app_states: AppStates, page: str, state: dict) -> None:
    app = app_states.page(page, state)
    assert not app.exception, [e.message for e in app.exception]
    shown = app.session_state[SHOWN_KEY]
    assert shown.builder == f"content.{page.split('/')[1][:-3]}"
    assert shown.filters.lang == state["lang"]

    # the object on screen is the object the content function builds for these filters and choices
    module = importlib.import_module(shown.builder)
    fresh = module.build(current_key(), shown.filters, **shown.choices)
    assert to_json(fresh) == to_json(shown.content)

    texts = _texts(app)
    metrics = [(m.label, m.value) for m in app.metric]
    tables = [d.value for d in app.dataframe]
    charts = [_figure_json(c.proto.spec) for c in app.get("plotly_chart")]
    links = [(p.proto.label, p.proto.page) for p in app.get("page_link")] if app.get("page_link") else []
    found = {"metric": 0, "table": 0, "chart": 0, "note": 0}
    for part in parts(shown.content):
        if isinstance(part, Metric):
            assert (part.label, part.text) in metrics, part
            found["metric"] += 1
        elif isinstance(part, Table):
            # the renderer shows a numeric column with gaps as formatted text ("–" for a gap): compare
            # with the frame as it hands it to Streamlit (`ui.components.styled_frame`, tested on its own)
            expected = styled_frame(part.frame, state["lang"], part.key)[0].data
            assert any(_same_table(t, expected) for t in tables), (part.key, part.frame.head())
            found["table"] += 1
        elif isinstance(part, Chart):
            expected = _figure_json(pio.to_json(part.figure, validate=False))
            assert expected in charts, part.key
            assert part.caption in texts, part.caption
            found["chart"] += 1
        elif isinstance(part, Note):
            assert part.text in texts, part
            found["note"] += 1
        elif isinstance(part, Link):
            assert any(label == part.label for label, _ in links), part
    # what the page shows of these kinds all comes from the object
    assert len(app.metric) == found["metric"]
    assert len(charts) == found["chart"]
