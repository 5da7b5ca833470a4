"""Text a spreadsheet would run ('=', '+', '-', '@', a leading tab or carriage return, also after spaces) is
refused in the columns that are loaded and in the options typed on the Data page; numbers (negative ones too)
are not formulas, and columns that are dropped are neither checked nor echoed."""

from __future__ import annotations

import duckdb
import pytest

import ingest
from ingest.columns import formula_cells, formula_cells_by_column, looks_like_formula
from ingest.published import OPTION_MAX_CHARS, option_problem
from ingest.readers import Column
from tests.ingest.builders import microdata_frame

FORMULAS = ["=1+1", "=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)",
            "\t=1", "\rabc", "\tabc", "  =1", " \t@x", "- ghi chú", "+", "@", "-1+2", "+84abc"]  # fmt: skip
NOT_FORMULAS = ["-0.5", "-0,5", "+84 912 345 678", "-3", "+2", "−5", "-5%", "1e-3", "-", "--", "abc",
                "R-1", "HN-001-0042", "a=b", "email@x.vn", "", None, 5, -2.5]  # fmt: skip


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_starts_are_caught(value) -> None:
    assert looks_like_formula(value)


@pytest.mark.parametrize("value", NOT_FORMULAS)
def test_numbers_and_plain_text_are_not_formulas(value) -> None:
    assert not looks_like_formula(value)


def test_row_wise_and_column_wise_checks_agree() -> None:
    labels = ["a", "b", "c"]
    rows = [["=1", "-0.5", "x"], ["ok", "+cmd", "@y"], ["-1+2", None, "-"], ["\tz", 7, "+84 912 345 678"]]
    data = [Column.from_cells([r[k] for r in rows]) for k in range(3)]
    numbers = [2, 3, 4, 5]
    expected = [(2, "a", "=1"), (3, "b", "+cmd"), (3, "c", "@y"), (4, "a", "-1+2"), (5, "a", "\tz")]
    assert formula_cells(labels, rows, numbers) == expected
    assert formula_cells_by_column(labels, data, numbers) == expected
    assert formula_cells_by_column(labels, data, numbers, ["b"]) == [(3, "b", "+cmd")]


@pytest.fixture(scope="module")
def con(demo_db_path):
    connection = duckdb.connect(str(demo_db_path), read_only=True)
    yield connection
    connection.close()


def test_microdata_formulas_in_loaded_text_columns_are_refused(con, tmp_path) -> None:
    frame = microdata_frame(2024)
    frame.insert(3, "psu_id", [f"PSU-{k % 4}" for k in range(len(frame))])
    frame.insert(4, "Ghi chú", '=HYPERLINK("http://evil")')  # dropped: neither refused nor echoed
    frame["cot_la"] = "- gọi lại sau"
    cells = {0: "+cmd|' /C calc'!A0", 1: "-2+3", 2: "@SUM(A1)", 3: "  =1+1"}
    for k, value in cells.items():
        frame.loc[k, "psu_id"] = value
    path = tmp_path / "formulas.csv"
    frame.to_csv(path, index=False)
    plan = ingest.prepare("microdata", con, path, 2024, replace=True, partial=True)
    errors = [(p.code, p.row, p.column) for p in plan.problems.errors()]
    assert errors == [("formula", k + 2, "psu_id") for k in cells]
    assert plan.problems.errors()[0].value == "+cmd|' /C calc'!A0"
    assert "=, +, -, @" in plan.problems.errors()[0].message_vi
    ignored = {p.column for p in plan.problems.warnings() if p.code == "column_ignored"}
    assert ignored == {"Ghi chú", "cot_la"}
    assert "HYPERLINK" not in str(plan.problems.as_json())


def test_microdata_negative_numbers_are_numbers(con, tmp_path) -> None:
    frame = microdata_frame(2024)
    frame.insert(3, "psu_id", [f"-{k % 4 + 1}" for k in range(len(frame))])  # a negative number is no formula
    frame["weight"] = frame["weight"].astype(object)
    frame.loc[5, "weight"] = "-0.5"
    frame.loc[6, "weight"] = "+2"
    frame.loc[7, "access_signage"] = -1
    path = tmp_path / "negative.csv"
    frame.to_csv(path, index=False)
    plan = ingest.prepare("microdata", con, path, 2024, replace=True, partial=True)
    errors = [(p.code, p.row, p.column, p.value) for p in plan.problems.errors()]
    assert errors == [
        ("weight_invalid", 7, "weight", "-0.5"),
        ("answer_out_of_range", 9, "access_signage", "-1"),
    ]


def test_published_formulas_refused_in_recognised_columns_only(con, tmp_path) -> None:
    path = tmp_path / "bang.csv"
    path.write_text(
        "Tỉnh;Chỉ số SIPAS;Ghi chú;Nguồn;Người nhập\n"
        "Lạng Sơn;80,1;-;Báo cáo 2019;=cmd\n"
        "Cao Bằng;-0,5;số liệu sơ bộ;Báo cáo 2019;@x\n"
        "Bắc Kạn;79,0;+HYPERLINK(1);-2+3;-\n",
        encoding="utf-8-sig",
    )
    plan = ingest.prepare("published", con, path, 2019, replace=True)
    errors = [(p.code, p.row, p.column) for p in plan.problems.errors()]
    assert errors == [("formula", 4, "Ghi chú"), ("formula", 4, "Nguồn")]
    assert {p.column for p in plan.problems.warnings() if p.code == "column_ignored"} == {"Người nhập"}
    path.write_text(path.read_text(encoding="utf-8-sig").replace("+HYPERLINK(1);-2+3", "x;y"),
                    encoding="utf-8-sig")  # fmt: skip
    plan = ingest.prepare("published", con, path, 2019, replace=True)
    assert [(p.code, p.row) for p in plan.problems.errors()] == [("percent_out_of_range", 3)]


@pytest.mark.parametrize(("option", "value", "code"), [
    ("source", "=HYPERLINK(\"http://evil\")", "option_formula"),
    ("source", "  +cmd|' /C calc'!A0", "option_formula"),
    ("source", "\tBáo cáo", "option_formula"),
    ("measured_by", "-MoHA", "option_formula"),
    ("measured_by", "@SIPAS", "option_formula"),
    ("measured_by", "MoHA\x07", "option_control"),
    ("source", "Báo cáo\u202e2023", "option_control"),
    ("source", "Báo cáo\nnăm 2023", "option_control"),
    ("index_code", "=overall", "option_formula"),
    ("index_code", "item:" + "x" * 80, "option_long"),
    ("source", "x" * (OPTION_MAX_CHARS["source"] + 1), "option_long"),
])  # fmt: skip
def test_published_options_are_refused(con, tmp_path, option, value, code) -> None:
    path = tmp_path / "bang.csv"
    path.write_text("Tỉnh;Chỉ số SIPAS\nLạng Sơn;80,1\n", encoding="utf-8-sig")
    options = {"source": "Báo cáo 2019", option: value}
    plan = ingest.prepare("published", con, path, 2019, replace=True, **options)
    assert [(p.code, p.column) for p in plan.problems.errors()] == [(code, option)]
    problem = plan.problems.errors()[0]
    assert problem.message_vi and problem.message_en and problem.message_vi != problem.message_en
    assert value.strip() not in problem.message_en and problem.value is None


def test_published_plain_options_pass() -> None:
    for option, value in (("source", "https://moha.gov.vn/bao-cao-sipas-2023 (tr. 12-15)"),
                          ("measured_by", "Sở Nội vụ tỉnh Lạng Sơn"), ("index_code", "domain:policy"),
                          ("source", "Báo cáo - phụ lục 2")):  # fmt: skip
        assert option_problem(option, value) is None
