"""The column-wise CSV reader (`_assemble_plain`, for text without quotes) gives exactly what the row-wise one
(`_assemble` over `_csv_rows`) gives: columns, rows, row numbers, notices and errors."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import readers
from ingest.readers import Column, ReadError, read_table

KEYWORDS = ("tỉnh", "province", "stt", "chỉ số", "sipas", "xếp hạng", "value", "respondent_id")
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def score(cells: list[str]) -> int:
    """Test scorer: cells whose text contains a known header keyword."""
    return sum(any(k in c.casefold() for k in KEYWORDS) for c in cells)


def read_both(path: Path, monkeypatch, **kw) -> tuple[object, object]:
    """(fast result, row-wise result): a Table, or the problems of the ReadError raised."""

    def run() -> object:
        try:
            table = read_table(path, header_score=score, **kw)
        except ReadError as exc:
            return ("error", exc.problems)
        return (table.columns, table.rows, table.row_numbers, table.header_row, table.encoding, table.notices)

    fast = run()
    with monkeypatch.context() as m:
        m.setattr(readers, "_assemble_plain", lambda *a, **k: None)
        slow = run()
    return fast, slow


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_fast_path_is_used_for_plain_text(tmp_path):
    table = read_table(write(tmp_path, "STT,Tỉnh,Chỉ số\n1,Hà Nội,82\n"), header_score=score)
    assert table._data is not None  # column-wise
    assert table.rows == [["1", "Hà Nội", "82"]]
    assert [c.values for c in table.column_data()] == [["1"], ["Hà Nội"], ["82"]]


@pytest.mark.parametrize(
    "text",
    [
        "Báo cáo SIPAS 2023\nSTT,Tỉnh/thành phố,Chỉ số SIPAS\n1,Hà Nội,82\n2,  Đắk\u00a0 Lắk ,\n,,\n\nNguồn: Bộ Nội vụ\n",
        "STT;Tỉnh;Chỉ số\r\n1;Hà Nội;82,5\r\n2;Huế\r\n3;Huế;1;extra;;x\r\n\r\n",
        "STT\tTỉnh\tChỉ số\r1\tHà Nội\t82\r2\tHu\u0065\u0302\u0301\t=1+1\r",
        "STT,Tỉnh,Chỉ số\n1,Hà Nội,82\nGhi chú: số liệu sơ bộ\n4,Huế,80\n",
        "STT,Tỉnh,Tỉnh\n1,a,b\n",  # duplicate header
        "STT,Tỉnh,Chỉ số\n,,,,x\n1,a,2\n",  # data only beyond the header columns
        "Tỉnh,Chỉ số\nHà Nội,Tổng\nA,1\n",  # a second header row
        "STT,Tỉnh,Chỉ số\n" + "".join(f"{i},a,{i}{',x' * (i % 2)}\n" for i in range(40)),  # > 20 long rows
        "STT,Tỉnh,Chỉ số\n1,a\u3000,b\u2028c\n2,\u00a0,\u0085\n",
        "STT,Tỉnh,Chỉ số",  # header only
    ],
)
def test_same_as_row_wise(tmp_path, monkeypatch, text):
    fast, slow = read_both(write(tmp_path, text), monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("max_rows", [1, 2, 3, 10])
def test_same_row_limit(tmp_path, monkeypatch, max_rows):
    text = "STT,Tỉnh,Chỉ số\n1,a,1\n\n2,b,2\n3,c,3\nNguồn: x\n4,d,4\n"
    fast, slow = read_both(write(tmp_path, text), monkeypatch, max_rows=max_rows)
    assert fast == slow


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1258"])
def test_same_in_other_encodings(tmp_path, monkeypatch, encoding):
    # Windows-1258 keeps tone marks as combining characters: the cells are brought to NFC
    text = "STT,Province,Value\r\n1,Ha\u0300 N\u00f4\u0323i,82\r\n2,Hue ,  80\r\n"
    fast, slow = read_both(write(tmp_path, text, encoding), monkeypatch)
    assert fast == slow and fast[0] != "error"


LEGACY = "".join(sorted(readers.LEGACY_MARKERS))
CELL = st.text(
    st.one_of(
        st.sampled_from("aăâđêôơưàảãáạ0123456789=@.-/ "),
        st.sampled_from([" ", "\u00a0", "\u2003", "\u3000", "\x0b", "\x1c", "\u0301", "\u0323", "\u0302"]),
        # no legacy-font look-alikes ('µ', 'ø', ...): such text is refused before any row is read
        st.characters(blacklist_categories=("Cs",), blacklist_characters=',;\t"\r\n\x00\ufeff' + LEGACY),
    ),
    max_size=8,
)
LINE_END = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def plain_csv(draw) -> str:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    width = draw(st.integers(2, 5))
    header = ["STT", "Tỉnh", "Chỉ số", "Xếp hạng", "value"][:width]
    lines = [delimiter.join(header)]
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["row", "row", "row", "short", "long", "empty", "note", "blank"]))
        if kind == "empty":
            lines.append("")
        elif kind == "blank":
            lines.append(delimiter * draw(st.integers(0, width + 1)))
        elif kind == "note":
            lines.append(draw(st.sampled_from(["Nguồn: Bộ Nội vụ", "* ghi chú", "(1) sơ bộ", "x" * 70])))
        else:
            n = {"row": width, "short": draw(st.integers(1, width)), "long": width + draw(st.integers(1, 3))}[
                kind
            ]
            lines.append(delimiter.join(draw(st.lists(CELL, min_size=n, max_size=n))))
    ends = draw(st.lists(LINE_END, min_size=len(lines), max_size=len(lines)))
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    return text if draw(st.booleans()) else text.rstrip("\r\n")


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fast_path")


@FUZZ
@given(plain_csv(), st.sampled_from([None, 1, 3]))
def test_fuzz_same_as_row_wise(fuzz_dir, text, max_rows):
    path = fuzz_dir / "f.csv"
    path.write_bytes(text.encode("utf-8"))
    kw = {} if max_rows is None else {"max_rows": max_rows}
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = read_both(path, monkeypatch, **kw)
    assert fast == slow


def test_column_helpers():
    column = Column.from_cells(np.array(["a", None, "b", "a", 1, 1.5], dtype=object))
    assert column.values == ["a", "b", 1, 1.5] and column.codes.tolist() == [0, -1, 1, 0, 2, 3]
    assert column.cells().tolist() == ["a", None, "b", "a", 1, 1.5]
    upper = column.map(lambda v: v.upper() if isinstance(v, str) and v != "b" else None)
    assert upper.cells().tolist() == ["A", None, None, "A", None, None] and upper.values == ["A"]
    taken = column.take(np.array([1, 2]))
    assert taken.values == ["b"] and taken.codes.tolist() == [-1, 0]
    merged = Column(["a ", "a"], np.array([0, 1])).remap(["a", "a"])
    assert merged.values == ["a"] and merged.codes.tolist() == [0, 0]
    assert unicodedata.is_normalized("NFC", "".join(merged.values))
