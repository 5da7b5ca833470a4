"""Downloads people can use: chart data in the chosen language, rounded as displayed, with names and codes,
n, intervals and the source, and a header block that says what, where, when and from which source; the
files (CSV and XLSX) as the screen makes them for every chart of the pages."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from content import compare, dimensions, drivers, overview, profile, trends
from content import map as map_page
from content.exports import (
    DROPPED,
    caption_source,
    export_frame,
    export_header,
    number_format,
    plain,
    table_export,
)
from content.model import Chart, Table, parts
from i18n import catalogue, has, markup, t
from tests.content.conftest import make_filters
from tests.e2e.screens import raw_findings
from ui.downloads import csv_bytes, xlsx_bytes

PAGES = (overview, map_page, trends, dimensions, profile, compare, drivers)
FILE_PAGES = (overview, map_page, profile, dimensions, trends, drivers)
FILE_FILTERS = {
    "vi-2024-P63-01": ("vi", 2024, "P63-01", "63"),
    "vi-2025-P34-01": ("vi", 2025, "P34-01", "34"),
    "en-2020-VN": ("en", 2020, "VN", "63"),
}
# data columns that hold codes of units, indices, elements or groups (kept beside the names)
CODE_COLUMNS = ("unit_id", "unit", "holder", "source_unit", "best_unit", "index_code", "driver", "grp")
# pairs of interval ends: a value's 95% CI, or the interval of what the chart shows (ranks, importance)
INTERVALS = (("ci_low", "ci_high"), ("rank_low", "rank_high"), ("importance_low", "importance_high"))
# charts whose data has no respondent count per row: the file carries n in the caption row
N_IN_CAPTION = {"drivers-matrix"}


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


def test_export_frame_rounds_as_displayed_and_says_flags_reliability_and_source_in_words() -> None:
    data = pd.DataFrame(
        {
            "unit_id": ["P34-01", "P34-02"],
            "label": ["Hà Nội", "Huế"],
            "value": [87.11449, 85.0],
            "ci_low": [84.0, 60.0],
            "ci_high": [90.2, 99.0],
            "n": [1084.0, 31.0],
            "n_eff": [1017.6, 20.2],
            "flags": ["generated", "single_psu"],
            "hover": ["<b>x</b>", "<b>y</b>"],
        }
    )
    out = export_frame(data, "vi")
    assert list(out.columns) == [t(f"export.columns.{c}", "vi") for c in
                                 ("unit_id", "label", "value", "ci_low", "ci_high", "n", "n_eff", "flags",
                                  "reliability", "source")]  # fmt: skip
    assert out.iloc[0, 2] == 87.11 and out.iloc[0, 6] == 1018 and str(out.dtypes.iloc[5]) == "Int64"
    assert out.iloc[1, 7] == t("flags.single_psu", "vi")
    assert out.iloc[:, 8].tolist() == [
        t("reliability.short_reliable", "vi"),
        t("reliability.short_unreliable", "vi"),
    ]
    assert out.iloc[:, 0].tolist() == ["P34-01", "P34-02"]  # codes kept beside the names
    # the source of each row from its flags: generated demo data, or imported survey data
    assert out.iloc[:, 9].tolist() == [t("export.sources.generated", "vi"), t("export.sources.survey", "vi")]
    # a source given by the caller (a caption) wins; its label 'Nguồn:' is left out
    given = export_frame(data, "en", source="n = 1,115 respondents · Source: MoHA SIPAS 2024 report")
    assert given[t("export.columns.source", "en")].tolist() == ["MoHA SIPAS 2024 report"] * 2


def test_export_frame_gives_drivers_in_percent_and_keeps_small_numbers() -> None:
    """Importance is a share of R² in the chart data and % of R² in the file (100·φ_j/R²), as on screen;
    odds ratios keep 3 decimals, coefficients 4, p-values 4 significant digits; yes/no in words."""
    data = pd.DataFrame(
        {
            "driver": ["policy_quality"],
            "importance": [0.28391],
            "importance_low": [0.19304],
            "importance_high": [0.34687],
            "coefficient": [0.0493162],
            "se": [0.0052237],
            "p_value": [3.697203e-21],
            "odds_ratio_per_10_points": [1.637485],
            "successor": [False],
        }
    )
    row = export_frame(data, "vi").iloc[0].tolist()
    assert row == [
        "policy_quality",
        28.39,
        19.3,
        34.69,
        0.0493,
        0.0052,
        3.697e-21,
        1.637,
        t("export.no", "vi"),
    ]
    percent = data.assign(importance=[28.391], importance_low=[19.304], importance_high=[34.687])
    assert export_frame(percent, "en").iloc[0, 1] == 28.39  # already in %: not multiplied again


def test_number_formats_by_column() -> None:
    whole = pd.Series([36522, 1084], dtype="Int64")
    assert number_format(t("export.columns.n", "vi"), whole) == "#,##0"
    assert number_format(t("export.columns.year", "en"), pd.Series([2017, 2024])) == "0"
    assert number_format(t("export.columns.p_value", "vi"), pd.Series([0.5, 1e-20])) == "0.000"
    assert number_format(t("export.columns.value", "en"), pd.Series([87.11, 85.5])) == "0.00"
    assert number_format("Năm", pd.Series([2024], dtype="Int64")) == "0"  # a table's year column
    assert number_format("Số năm", pd.Series([5, 3])) == "#,##0"
    assert number_format("Tỷ số chênh", pd.Series([1.637, 1.2])) == "0.000"  # a table's 3 decimals
    assert number_format("2017", pd.Series([84.38, None])) == "0.00"
    assert number_format(t("export.columns.label", "vi"), pd.Series(["Hà Nội"])) is None


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_export_header_says_what_where_when_and_source(store_key, lang: str) -> None:
    filters = make_filters(lang, 2020, "P34-01", "34")  # re-aggregated view of a pre-2025 year
    caption = f"n = 1 · {t('common.source_demo', lang)} · x"
    rows = dict(export_header(store_key, filters, "<b>Chỉ số</b><br><sup>Hà Nội</sup>", caption))
    assert rows[t("export.title", lang)] == "Chỉ số — Hà Nội"
    assert rows[t("export.unit", lang)].endswith("(P34-01)")
    assert rows[t("export.year", lang)] == "2020"
    assert rows[t("export.note", lang)] == t("common.reaggregated_notice", lang, year=2020)
    assert rows[t("export.source", lang)] == t("export.sources.generated", lang)
    assert rows[t("export.caption", lang)] == "n = 1 · x"
    assert rows[t("export.notice", lang)] == t("common.demo_notice", lang)
    other = dict(export_header(store_key, filters, "A", "Nguồn khác"))  # no 'Nguồn:' segment: kept whole
    assert other[t("export.source", lang)] == "Nguồn khác" and t("export.caption", lang) not in other
    assert plain("<b>A</b><br><sup>B</sup>") == "A — B"
    assert plain("A<br>wrapped<br><sup>B</sup><br><sup>C</sup>") == "A wrapped — B C"
    assert caption_source(t("common.source_demo", lang), lang) == (t("export.sources.generated", lang), "")


def test_titles_and_captions_with_text_from_data_come_out_as_typed() -> None:
    """A figure title holds names escaped for HTML, a table title or caption names escaped for markdown
    (`i18n.markup`): the file gets the words as typed, an escaped '<b>' as text, never a tag dropped."""
    name = 'Hà Nội [x](http://e.x) <img src=x> & "q" \\ :red[a]'
    assert plain(f"<b>{markup.html(name)}</b><br><sup>{markup.html(name)}</sup>") == f"{name} — {name}"
    assert plain(markup.md(name)) == name
    assert plain(f"Xếp hạng — {markup.md('<b>x</b> &lt;')}") == "Xếp hạng — <b>x</b> &lt;"
    caption = f"n = 1 · Nguồn: {markup.md('=cmd <i>x</i>')}"
    assert caption_source(caption, "vi") == ("=cmd <i>x</i>", "n = 1")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_column_names_differ_from_the_header_block_labels(lang: str) -> None:
    """In a CSV the header block becomes columns beside the data: a data column named like a header row
    would hide that row (only the source is meant to: a per-row source replaces the caption's)."""
    header = {
        t(f"export.{k}", lang) for k in ("title", "unit", "year", "geography", "note", "caption", "notice")
    }
    columns = {v for k, v in catalogue(lang).items() if k.startswith("export.columns.")}
    assert not header & columns
    assert t("export.columns.source", lang) == t("export.source", lang)


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


# --- the files of every chart, as the screen makes them (ui.components._file) ---------------------------


@pytest.fixture(scope="module", params=list(FILE_FILTERS))
def page_charts(request, store_key):
    """(filters, [(page, chart)]) of the file pages for one filter set."""
    filters = make_filters(*FILE_FILTERS[request.param])
    charts = [
        (module.__name__.split(".")[-1], part)
        for module in FILE_PAGES
        for part in parts(module.build(store_key, filters))
        if isinstance(part, Chart)
    ]
    return filters, charts


def _chart_files(store_key, filters, chart: Chart) -> tuple[pd.DataFrame, list, list[list[str]], object]:
    """What `ui.components.chart` offers: the exported frame, the header block, the CSV rows and the sheet."""
    data = export_frame(chart.data, filters.lang)
    head = export_header(store_key, filters, str(chart.figure.layout.title.text or ""), chart.caption)
    text = csv_bytes(data, head, filters.lang).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if filters.lang == "vi" else ","))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(data, sheet=chart.key, header=head))).active
    return data, head, rows, sheet


def test_every_chart_file_has_codes_n_intervals_and_source(store_key, page_charts) -> None:
    filters, charts = page_charts
    lang = filters.lang
    label = {name: t(f"export.columns.{name}", lang) for name in {"n", *CODE_COLUMNS, *sum(INTERVALS, ())}}
    source = t("export.source", lang)
    assert {page for page, _ in charts} == {m.__name__.split(".")[-1] for m in FILE_PAGES}
    for page, chart in charts:
        if chart.data.empty:
            continue
        where = f"{page}/{chart.key} ({lang} {filters.year} {filters.unit_id})"
        data, head, rows, _ = _chart_files(store_key, filters, chart)
        columns = rows[0]
        assert len(rows) == len(data) + 1, where
        assert any(label[c] in columns for c in CODE_COLUMNS), f"{where}: no code column in {columns}"
        assert any(label[lo] in columns and label[hi] in columns for lo, hi in INTERVALS), where
        if chart.key in N_IN_CAPTION:
            assert dict(head)[t("export.caption", lang)].startswith("n = "), where
        else:
            assert label["n"] in columns, f"{where}: no n in {columns}"
        # one source column in every CSV: per row from the data's flags, else the caption's source
        assert columns.count(source) == 1, where
        sources = {r[columns.index(source)] for r in rows[1:]}
        assert sources == {dict(head)[source]} == {t("export.sources.generated", lang)}, where
        # the unit the file is about, with its code
        assert rows[1][columns.index(t("export.unit", lang))].endswith(f"({filters.unit_id})"), where
        if "flags" in chart.data.columns:  # the XLSX holds the source per row too
            assert source in data.columns, where
        # headers in the chosen language, texts in words (codes only in the code columns)
        codes = {label[c] for c in CODE_COLUMNS}
        texts = [c for c in data.columns]
        for column in data.columns:
            if column not in codes and not pd.api.types.is_numeric_dtype(data[column]):
                texts += [str(v) for v in data[column].dropna().unique()]
        assert not raw_findings(texts, lang), f"{where}: {raw_findings(texts, lang)}"


def test_every_chart_xlsx_has_formats_widths_and_a_frozen_bold_header(store_key, page_charts) -> None:
    filters, charts = page_charts
    lang = filters.lang
    expected = {t(f"export.columns.{name}", lang): fmt for name, fmt in
                {"value": "0.00", "ci_low": "0.00", "ci_high": "0.00", "n": "#,##0", "n_eff": "#,##0",
                 "year": "0", "rank": "#,##0", "p_value": "0.000", "importance": "0.00",
                 "odds_ratio_per_10_points": "0.000"}.items()}  # fmt: skip
    for page, chart in charts:
        if chart.data.empty:
            continue
        where = f"{page}/{chart.key} ({lang})"
        data, head, _, sheet = _chart_files(store_key, filters, chart)
        top = len(head) + 2  # the header block, a blank row, then the table's header row
        assert [sheet.cell(row=r, column=1).value for r in range(1, len(head) + 1)] == [h for h, _ in head]
        assert sheet.cell(row=top - 1, column=1).value is None, where
        header = [c.value for c in sheet[top]]
        assert header == list(data.columns), where
        assert all(c.font.bold for c in sheet[top]), where
        assert sheet.freeze_panes == f"A{top + 1}", where
        for col, name in enumerate(header, start=1):
            cell = sheet.cell(row=top + 1, column=col)
            if name in expected:
                assert cell.number_format == expected[name], f"{where}: {name} {cell.number_format}"
            if pd.api.types.is_numeric_dtype(data[name]) and not pd.isna(data[name].iloc[0]):
                assert cell.data_type == "n", f"{where}: {name} is not a number"
            width = sheet.column_dimensions[cell.column_letter].width
            assert 8 <= width <= 60 and width >= min(60, len(name) + 2), f"{where}: {name} width {width}"


def test_table_files_keep_codes_and_numbers(store_key) -> None:
    """A table's file keeps the shown columns, codes in place of profile links, numbers as numbers."""
    filters = make_filters("en", 2020, "VN", "63")
    tables = {p.key: p for p in parts(overview.build(store_key, filters)) if isinstance(p, Table)}
    frame = table_export(tables["overview-top"].frame, tables["overview-top"].links, "en")
    head = export_header(store_key, filters, "Top")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, header=head))).active
    top = len(head) + 2
    header = [c.value for c in sheet[top]]
    assert t("export.columns.unit_id", "en") in header and "profile" not in header
    codes = [sheet.cell(row=r, column=header.index(t("export.columns.unit_id", "en")) + 1).value
             for r in range(top + 1, top + 1 + len(frame))]  # fmt: skip
    assert all(str(c).startswith("P63-") for c in codes)
    value = sheet.cell(row=top + 1, column=header.index("Index (%)") + 1)
    assert value.data_type == "n" and value.number_format == "0.00"
    rank = sheet.cell(row=top + 1, column=header.index("Rank") + 1)
    assert rank.data_type == "n" and rank.number_format == "#,##0"
