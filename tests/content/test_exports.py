"""Downloads people can use: chart data in the chosen language, rounded as displayed, with names and codes,
and a header block that says what, where, when and from which source."""

from __future__ import annotations

import pandas as pd
import pytest

from content import compare, dimensions, drivers, overview, profile, trends
from content import map as map_page
from content.exports import DROPPED, export_frame, export_header, plain, table_export
from content.model import Chart, parts
from i18n import has, t
from tests.content.conftest import make_filters

PAGES = (overview, map_page, trends, dimensions, profile, compare, drivers)


def test_every_chart_column_has_a_name_in_both_languages(store_key) -> None:
    """Every column of every chart's data is named in the catalogue (or is presentation only and dropped)."""
    unnamed = set()
    for module in PAGES:
        for part in parts(module.build(store_key, make_filters("vi", 2024, "P34-01", "34"))):
            if isinstance(part, Chart):
                unnamed |= {
                    (module.__name__, str(c))
                    for c in part.data.columns
                    if str(c) not in DROPPED
                    and not (has(f"export.columns.{c}", "vi") and has(f"export.columns.{c}", "en"))
                }
                for lang in ("vi", "en"):
                    assert not set(export_frame(part.data, lang).columns) & DROPPED
    assert not unnamed, f"chart data columns without a name in the catalogue: {sorted(unnamed)}"


def test_export_frame_rounds_as_displayed_and_says_flags_and_reliability_in_words() -> None:
    data = pd.DataFrame(
        {
            "unit_id": ["P34-01", "P34-02"],
            "label": ["Hà Nội", "Huế"],
            "value": [87.11449, 85.0],
            "ci_low": [84.0, 60.0],
            "ci_high": [90.2, 99.0],
            "n": [1084.0, 31.0],
            "n_eff": [1017.6, 20.2],
            "flags": ["generated", "generated,single_psu"],
            "hover": ["<b>x</b>", "<b>y</b>"],
        }
    )
    out = export_frame(data, "vi")
    assert list(out.columns) == [t(f"export.columns.{c}", "vi") for c in
                                 ("unit_id", "label", "value", "ci_low", "ci_high", "n", "n_eff", "flags",
                                  "reliability")]  # fmt: skip
    assert out.iloc[0, 2] == 87.11 and out.iloc[0, 6] == 1018 and str(out.dtypes.iloc[5]) == "Int64"
    assert out.iloc[1, 7] == f"{t('flags.generated', 'vi')}, {t('flags.single_psu', 'vi')}"
    assert out.iloc[:, 8].tolist() == [
        t("reliability.short_reliable", "vi"),
        t("reliability.short_unreliable", "vi"),
    ]
    assert out.iloc[:, 0].tolist() == ["P34-01", "P34-02"]  # codes kept beside the names


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_export_header_says_what_where_when_and_source(store_key, lang: str) -> None:
    filters = make_filters(lang, 2020, "P34-01", "34")  # re-aggregated view of a pre-2025 year
    rows = dict(export_header(store_key, filters, "<b>Chỉ số</b><br><sup>Hà Nội</sup>", "Nguồn: x"))
    assert rows[t("export.title", lang)] == "Chỉ số — Hà Nội"
    assert rows[t("export.unit", lang)].endswith("(P34-01)")
    assert rows[t("export.year", lang)] == "2020"
    assert rows[t("export.note", lang)] == t("common.reaggregated_notice", lang, year=2020)
    assert rows[t("export.source", lang)] == "Nguồn: x"
    assert rows[t("export.notice", lang)] == t("common.demo_notice", lang)
    assert plain("<b>A</b><br><sup>B</sup>") == "A — B"
    assert has("export.columns.value", lang)


def test_table_export_gives_codes_beside_names_instead_of_profile_links() -> None:
    frame = pd.DataFrame(
        {
            "Hạng": [1, 2],
            "Tên": ["Hải Phòng", "Điện Biên"],
            "profile": [
                "profile?lang=vi&year=2024&geo=34&unit=VN&focus=P34-31",
                "profile?lang=vi&focus=P34-11",
            ],
            "Chỉ số (%)": [87.63, 87.2],
        }
    )
    out = table_export(frame, {"profile": "Mở hồ sơ"}, "vi")
    assert list(out.columns) == ["Hạng", "Tên", t("export.columns.unit_id", "vi"), "Chỉ số (%)"]
    assert out.iloc[:, 2].tolist() == ["P34-31", "P34-11"]
    assert list(table_export(frame.drop(columns="profile"), {}, "vi").columns) == [
        "Hạng",
        "Tên",
        "Chỉ số (%)",
    ]
