"""AppTest through the real entry point against the session's demo database."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO_ROOT


@pytest.fixture()
def app(demo_db_path, monkeypatch) -> AppTest:
    """A fresh app session (app.py with st.navigation) reading the demo database."""
    monkeypatch.setenv("SIPAS_DB", str(demo_db_path))
    return AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)


def open_page(app: AppTest, page: str, query: dict, lang: str = "vi") -> AppTest:
    """Run the app with `query` in the URL, then switch to `page` (e.g. "views/trends.py") and run it."""
    app.query_params.update(query | {"lang": lang})
    app.run()
    app.switch_page(page)
    app.run()
    return app
