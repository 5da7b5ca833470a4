"""Tables show numbers in the language's format and gaps as a dash (`ui.components.styled_frame`)."""

from __future__ import annotations

import pandas as pd

from ui.components import styled_frame


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Tên": ["Hà Nội", None],
            "Năm": [2024, 2025],
            "Chỉ số (%)": [87.114, 85.5],
            "2017": [84.38, None],  # a component measured only in some years
            "n": pd.array([36522, 1084], dtype="Int64"),
        }
    )


def test_vietnamese_numbers_years_and_gaps() -> None:
    styler, config = styled_frame(_frame(), "vi", "t")
    html = styler.to_html()
    for shown in ("87,11", "85,50", "36.522", "1.084", ">2024<"):
        assert shown in html, shown
    assert "2.024" not in html  # years are not numbers with separators
    data = styler.data
    assert data["2017"].tolist() == [
        "84,38",
        "–",
    ]  # a column with a gap becomes text: Streamlit shows "None" otherwise
    assert data["Tên"].tolist() == ["Hà Nội", "–"]
    assert set(config) == {"2017"}  # the text column of numbers stays right-aligned
    assert data["Chỉ số (%)"].tolist() == [87.114, 85.5]  # full columns keep their values: sortable


def test_english_numbers() -> None:
    html = styled_frame(_frame(), "en", "t")[0].to_html()
    assert "87.11" in html and "36,522" in html


def test_table_file_gives_codes_instead_of_profile_links_and_a_header_block() -> None:
    from ui.components import _file  # the file a table's download button makes when clicked

    frame = pd.DataFrame(
        {"Tên": ["Hà Nội"], "profile": ["profile?lang=vi&focus=P34-01"], "Chỉ số (%)": [87.11]}
    )
    text = _file(frame, (("Năm khảo sát", "2025"),), "csv", "vi", False, ("profile",)).decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.split(";") == ["Tên", "Mã đơn vị", "Chỉ số (%)", "Năm khảo sát"]
    assert row.split(";") == ["Hà Nội", "P34-01", "87,11", "2025"]
