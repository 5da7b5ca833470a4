"""Exports: CSV cells cannot run as formulas; the XLSX is a real workbook with the same content."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd

from ui.downloads import csv_bytes, xlsx_bytes

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", '=HYPERLINK("http://x")']


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"name": ["Hà Nội", *DANGEROUS], "value": [84.5, 1.0, 2.0, -3.5, 4.0, 5.0, 6.0]})


def test_csv_neutralises_formulas_and_keeps_numbers() -> None:
    text = csv_bytes(_frame()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    names = [r[0] for r in rows[1:]]
    assert names[0] == "Hà Nội"
    assert all(n.startswith("'") for n in names[1:])
    assert [float(r[1]) for r in rows[1:]][3] == -3.5  # negative numbers stay numbers


def test_xlsx_opens_and_holds_no_formula() -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(_frame(), sheet="chỉ số")))
    sheet = book.active
    assert sheet.title == "chỉ số"
    values = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[0] == ("Hà Nội", 84.5)
    for cell in sheet["A"][2:]:
        assert cell.data_type != "f" and str(cell.value).startswith("'")
