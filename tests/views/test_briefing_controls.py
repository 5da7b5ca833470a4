"""Briefing controls under AppTest: with Chromium the Overview and the profile offer the briefing pack and
every chart its PNG/SVG/PDF buttons; without Chromium the page says how to install it instead, in the
page's language, and nothing fails (plotly's own camera button stays)."""

from __future__ import annotations

import pytest

from i18n import t
from tests.views.conftest import open_page
from ui import briefing


@pytest.fixture()
def fresh_preflight():  # noqa: ANN201
    briefing._preflight.cache_clear()
    yield
    briefing._preflight.cache_clear()


def _buttons(app) -> list[str]:  # noqa: ANN001
    return [b.proto.label for b in app.get("download_button")]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_overview_offers_images_and_a_pack(app, fresh_preflight, lang: str) -> None:  # noqa: ANN001
    app = open_page(app, "views/overview.py", {"year": "2024", "geo": "63", "unit": "P63-01"}, lang)
    assert not app.exception
    labels = _buttons(app)
    charts = 2  # the elements chart and the ranked provinces
    for fmt in ("png", "svg", "pdf"):
        assert labels.count(t(f"briefing.image_{fmt}", lang)) == charts
    assert t("briefing.build", lang) in [b.label for b in app.button]
    assert t("briefing.format", lang) in [r.label for r in app.radio]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_without_chromium_the_page_says_how_to_install(
    app, fresh_preflight, monkeypatch, tmp_path, lang: str
) -> None:  # noqa: ANN001
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-chromium"))
    app = open_page(app, "views/overview.py", {"year": "2024", "geo": "63", "unit": "P63-01"}, lang)
    assert not app.exception
    assert not any(label in (t("briefing.image_png", lang),) for label in _buttons(app))
    captions = [c.value for c in app.caption]
    reason = t(
        "briefing.no_chromium", lang, path=str(tmp_path / "no-chromium"), install=briefing.images.INSTALL
    )
    expected = t("briefing.unavailable", lang, reason=reason)
    assert captions.count(expected) == 2  # under each chart
    assert expected in [w.value for w in app.warning]  # in the briefing menu
    assert t("briefing.build", lang) not in [b.label for b in app.button]


def test_a_district_profile_offers_no_pack(app, fresh_preflight) -> None:  # noqa: ANN001
    app = open_page(
        app, "views/profile.py", {"year": "2024", "geo": "63", "unit": "P63-01", "focus": "D63-001"}
    )
    assert not app.exception
    assert t("briefing.build", "vi") not in [b.label for b in app.button]


def test_a_province_profile_offers_its_pack(app, fresh_preflight) -> None:  # noqa: ANN001
    app = open_page(app, "views/profile.py", {"year": "2024", "geo": "63", "unit": "VN", "focus": "P63-48"})
    assert not app.exception
    assert t("briefing.build", "vi") in [b.label for b in app.button]
