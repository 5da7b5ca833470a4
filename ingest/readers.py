"""Turn an uploaded CSV or XLSX file into a clean table of cells (used by the importer, ``ingest/``).

:func:`read_table` checks the size, detects the format from the content (not only the extension), decodes
CSV text (UTF-8, UTF-16, Windows-1258; legacy TCVN3/VNI font encodings are refused), reads XLSX streamed,
one sheet row at a time with openpyxl's parser (merged cells filled, formulas and logical values refused,
percent formats scaled), finds the header row with the importer's scorer (title rows above it skipped, a second header row merged as
'Parent / Child'), drops trailing note rows and returns every cell as text, a number or None.

Everything that goes wrong is reported as :class:`Problem` values with a Vietnamese and an English message:
fatal ones in :class:`ReadError`, warnings in :attr:`Table.notices`. Limits: file size, unpacked size of a
workbook and data rows (`max_import_bytes`, `max_unpacked_bytes`, `max_import_rows`; see the constants).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import itertools
import math
import operator
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.worksheet._reader import DATA_TAG as _DATA_TAG
from openpyxl.worksheet._reader import MERGE_TAG as _MERGE_TAG
from openpyxl.worksheet._reader import ROW_TAG as _ROW_TAG
from openpyxl.worksheet._reader import VALUE_TAG as _VALUE_TAG
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.xml.constants import SHEET_MAIN_NS

MIB = 1024 * 1024
# Size limits, set from measured costs (`python -m bench.import_costs`: validating 2024 microdata of 59 columns
# in `ingest.worker`, whose memory limit is 2,048 MB of address space beyond its start-up footprint). Peak
# address-space growth and time on a 2-core machine (Python 3.11):
#   CSV:  ≈ 55 + 11.3 × file MB (valid answers), ≈ 65 + 10.8 × file MB (every answer a distinct text);
#         0.1–0.2 s per MB
#   XLSX: ≈ 40 + 1.8 × unpacked MB (valid), ≈ 30 + 2.4 × unpacked MB (distinct texts); ≈ 0.2 s per unpacked MB
# so a 100 MB CSV needs 1.2–1.4 GB (a margin of 1.5 or more below the memory limit), and a workbook of
# 300 MB unpacked 0.6–0.8 GB and 60–75 s (a quarter of the worker's 300 s: the streamed parse is CPU-bound).
ENV_MAX_MB = "SIPAS_IMPORT_MAX_MB"
DEFAULT_MAX_MB = 100
ENV_MAX_UNPACKED_MB = "SIPAS_IMPORT_MAX_UNPACKED_MB"
DEFAULT_MAX_UNPACKED_MB = 300
ENV_MAX_ROWS = "SIPAS_IMPORT_MAX_ROWS"
DEFAULT_MAX_ROWS = 1_000_000  # 25 times a national wave (≈ 40,000 respondents); ≈ 180 MB of template CSV
HEADER_SEARCH_ROWS = 30  # the header is looked for among this many first non-empty rows
MIN_HEADER_SCORE = 2
MAX_VALUE_CHARS = 80
MAX_ROW_WARNINGS = 20  # 'row_too_long' notices listed one by one, then one summary
ZIP_TOTAL_FACTOR = 20  # uncompressed XLSX may be at most 20 x max_bytes and `max_unpacked_bytes()`
ZIP_MAX_RATIO = 200  # a member compressed more than 200:1 ...
ZIP_RATIO_MIN_SIZE = 10 * MIB  # ... and larger than 10 MB uncompressed is refused
NOTE_MAX_CHARS = 60
LEGACY_SAMPLE_CHARS = 300_000  # legacy-font files are garbled throughout: a sample is enough
MAX_MERGED_CELLS = 1_000_000  # cells an XLSX sheet's merged ranges may fill (see `_fill_merged`)
_MERGE_CELL_TAG = f"{{{SHEET_MAIN_NS}}}mergeCell"

CSV_EXTENSIONS = frozenset({".csv", ".txt", ".tsv"})
XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm"})
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
DELIMITERS = (",", ";", "\t")
NOTE_PREFIXES = (
    "nguồn",
    "nguon",
    "ghi chú",
    "ghi chu",
    "chú thích",
    "chu thich",
    "chú ý",
    "lưu ý",
    "source",
    "note",
    "*",
    "(",
)

# Characters that legacy Vietnamese font encodings produce when their bytes are read as Windows-1252/1258
# and that never occur in genuine Vietnamese: TCVN3/ABC ('Hµ Néi', '§µ N½ng', 'H\xadng Yªn') and VNI
# ('Haø Noäi', 'Ñaø Naüng', 'Tænh Baéc Kaïn'). Letters that are also Vietnamese (á, é, ô, ...) are left out.
TCVN3_MARKERS = "¡¢£¤¥¦§¨©ª«¬\u00ad®µ¶·¸¹»¼½¾ÆÇËÎÏÑÖ×ØÜÞßäåæçëîïñöøûüþ÷"
VNI_MARKERS = "øûïåäüëñÑæöîØÛÏÅÄÜËÆÖÎ"
LEGACY_MARKERS = frozenset(TCVN3_MARKERS + VNI_MARKERS)
_TCVN3_ONLY = frozenset(TCVN3_MARKERS) - frozenset(VNI_MARKERS)
_VNI_ONLY = frozenset(VNI_MARKERS) - frozenset(TCVN3_MARKERS)
_MICRO_UNITS = frozenset({"µg", "µm", "µl", "µL", "µs", "µmol", "µM"})


def _vietnamese_letters() -> frozenset[str]:
    """Toned/modified Vietnamese letters beyond Latin-1, minus those Windows-1258 has as single bytes."""
    tones = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
    letters = set()
    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY":
        for tone in tones:
            letters.add(unicodedata.normalize("NFC", base + tone))
    letters |= set("ăâêôơưđĂÂÊÔƠƯĐ")
    # Windows-1258 decodes some legacy bytes to these, so they prove nothing about genuine Unicode text.
    return frozenset(ch for ch in letters if ord(ch) > 0xFF and ch not in "ĂăƠơƯưĐđ")


VIETNAMESE_LETTERS = _vietnamese_letters()
_TOKEN_RE = re.compile(r"[\w\u0300-\u036f" + re.escape("".join(sorted(LEGACY_MARKERS))) + "]+")
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_SPACED_THOUSANDS_RE = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?")
_NUMBER_CHARS_RE = re.compile(r"[+-]?[0-9.,]+(?:[eE][+-]?[0-9]+)?")


# --------------------------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class Problem:
    """One thing wrong with (or worth knowing about) an uploaded file."""

    code: str
    message_vi: str
    message_en: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = "error"

    def __post_init__(self) -> None:
        if self.value is not None and len(self.value) > MAX_VALUE_CHARS:
            object.__setattr__(self, "value", self.value[: MAX_VALUE_CHARS - 1] + "…")


class ReadError(Exception):
    """Raised when the file cannot be read at all; .problems lists every reason (non-empty)."""

    problems: list[Problem]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        if not self.problems:
            raise ValueError("ReadError needs at least one problem")
        text = "; ".join(p.message_en for p in self.problems[:5])
        if len(self.problems) > 5:
            text += f" (+{len(self.problems) - 5} more)"
        super().__init__(text)

    def __reduce__(self) -> tuple[type[ReadError], tuple[list[Problem]]]:
        return (type(self), (self.problems,))


@dataclass(frozen=True)
class Column:
    """One column of a table, factorised: its distinct non-empty values and, per row, the index of the row's
    value in `values` (-1 for an empty cell). Row i holds ``values[codes[i]]`` (None when ``codes[i] < 0``)."""

    values: list[object]
    codes: np.ndarray  # int64, one per row

    @classmethod
    def from_cells(cls, cells: Iterable[object]) -> Column:
        """Factorise a sequence of cells (None = empty); equal values share one entry (pandas.factorize)."""
        array = np.fromiter(cells, dtype=object) if not isinstance(cells, np.ndarray) else cells
        codes, uniques = pd.factorize(array, use_na_sentinel=True)
        return cls(list(uniques), codes.astype(np.int64, copy=False))

    def cells(self) -> np.ndarray:
        """The cells as an object array (None for empty cells)."""
        lookup = np.empty(len(self.values) + 1, dtype=object)
        lookup[: len(self.values)] = self.values
        return lookup[self.codes]  # code -1 picks the trailing None

    def map(self, fn: Callable[[object], object]) -> Column:
        """`fn` applied once per distinct value (None results become empty cells), re-factorised."""
        return self.remap([fn(v) for v in self.values])

    def remap(self, mapped: list[object]) -> Column:
        """The column with value k replaced by ``mapped[k]`` (None: empty), equal results merged."""
        same = mapped == self.values and all(map(operator.is_, map(type, mapped), map(type, self.values)))
        if same and None not in mapped:
            return Column(mapped, self.codes)  # nothing changed (the usual case for clean text)
        index: dict[object, int] = {}
        lut = np.full(len(mapped) + 1, -1, dtype=np.int64)
        values: list[object] = []
        for k, v in enumerate(mapped):
            if v is None:
                continue
            code = index.get((type(v), v))
            if code is None:
                code = index[(type(v), v)] = len(values)
                values.append(v)
            lut[k] = code
        return Column(values, lut[self.codes])

    def take(self, rows: np.ndarray) -> Column:
        """The column restricted to `rows` (indexes or a boolean mask), values used by them only."""
        codes = self.codes[rows]
        used = np.zeros(len(self.values) + 1, dtype=bool)
        used[codes] = True  # -1 marks the trailing slot
        keep = np.flatnonzero(used[:-1])
        lut = np.full(len(self.values) + 1, -1, dtype=np.int64)
        lut[keep] = np.arange(len(keep))
        return Column([self.values[k] for k in keep], lut[codes])


class Table:
    """A clean table read from a file: header labels, data rows and where they came from.

    Rows are kept either as lists of cells or column-wise (:class:`Column`, from the CSV fast path); each
    form is built from the other on first use.
    """

    def __init__(
        self,
        columns: list[str],
        rows: list[list[object]] | None,
        row_numbers: list[int],
        header_row: int,
        sheet: str | None,
        encoding: str | None,
        notices: list[Problem],
        *,
        data: list[Column] | None = None,
    ) -> None:
        if rows is None and data is None:
            raise ValueError("Table needs rows or column data")
        self.columns = columns
        self._rows = rows
        self._data = data
        self.row_numbers = row_numbers
        self.header_row = header_row
        self.sheet = sheet
        self.encoding = encoding
        self.notices = notices

    def __repr__(self) -> str:
        return (
            f"Table(columns={self.columns!r}, n_rows={len(self.row_numbers)}, header_row={self.header_row}, "
            f"sheet={self.sheet!r}, encoding={self.encoding!r}, notices={len(self.notices)})"
        )

    @property
    def rows(self) -> list[list[object]]:
        """Data rows as lists of cells (str, int, float or None), one per header column."""
        if self._rows is None:
            assert self._data is not None
            cells = [column.cells() for column in self._data]
            self._rows = [list(row) for row in zip(*cells, strict=True)] if cells else []
        return self._rows

    def column_data(self) -> list[Column]:
        """The rows column-wise, one :class:`Column` per header column."""
        if self._data is None:
            rows = self.rows
            self._data = [
                Column.from_cells(np.fromiter((row[j] for row in rows), dtype=object, count=len(rows)))
                for j in range(len(self.columns))
            ]
        return self._data


# ------------------------------------------------------------------------------------------ small helpers


def _env_positive(name: str, default: float) -> float:
    """A positive number from environment variable `name`; `default` when unset or not a positive number."""
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


def max_import_bytes() -> int:
    """Upload size limit in bytes: env SIPAS_IMPORT_MAX_MB (megabytes, default 100)."""
    return int(_env_positive(ENV_MAX_MB, DEFAULT_MAX_MB) * MIB)


def max_unpacked_bytes() -> int:
    """Limit of a workbook's unpacked size in bytes: env SIPAS_IMPORT_MAX_UNPACKED_MB (default 300); a
    workbook is also refused beyond ZIP_TOTAL_FACTOR (20) times the upload limit."""
    return int(_env_positive(ENV_MAX_UNPACKED_MB, DEFAULT_MAX_UNPACKED_MB) * MIB)


def max_import_rows() -> int:
    """Limit of data rows in a file: env SIPAS_IMPORT_MAX_ROWS (default 1,000,000)."""
    return max(1, int(_env_positive(ENV_MAX_ROWS, DEFAULT_MAX_ROWS)))


def clean_text(text: str) -> str | None:
    """Cell text as stored: NFC, whitespace (incl. NBSP and line breaks) collapsed, stripped; '' -> None."""
    if len(text) <= 200:
        return _clean_short(text)  # survey files repeat the same texts: cached, and the copies shared
    return _clean(text)


def _clean(text: str) -> str | None:
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = " ".join(text.split())
    return text or None


_clean_short = functools.lru_cache(maxsize=1 << 16)(_clean)


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index (0 -> 'A', 27 -> 'AB'); no upper bound."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _mb(n: int | float) -> str:
    """Megabytes for messages: '250.3', or more digits for tiny sizes/limits ('0.000095')."""
    value = n / MIB
    if value >= 0.1:
        return f"{value:.1f}"
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


def _vi_num(text: str) -> str:
    return text.replace(".", ",")


def _clip(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _problem(code: str, vi: str, en: str, **kw: Any) -> Problem:
    return Problem(code, vi, en, **kw)


# ------------------------------------------------------------------------------------------ parse_number


def _strip_grouping(digits: str, sep: str) -> str | None:
    """'1.234.567' with sep '.' -> '1234567'; None if the groups are not thousands groups."""
    if re.fullmatch(r"\d{1,3}(?:" + re.escape(sep) + r"\d{3})+", digits):
        return digits.replace(sep, "")
    return None


def parse_number(cell: object, *, integer: bool = False) -> float | int | None:
    """'82,66' -> 82.66; '82,66%' -> 82.66; '82.66 %' -> 82.66; '1.234' with integer=True -> 1234; '35,268'
    integer -> 35268; '1.234,5' -> 1234.5; '1,234.5' -> 1234.5; '' / None -> None; numbers pass through; raises
    ValueError (with a short English reason) for anything else, e.g. 'abc', '=SUM(A1)', '12,3,4'.

    Text without a thousands/decimal ambiguity gives a float (an int with integer=True). A single ',' or '.'
    is the decimal separator unless integer=True and exactly three digits follow it (then it groups
    thousands); with both, the last one is the decimal separator. Spaces may group thousands ('1 234,5').
    """
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise ValueError("logical value, not a number")
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float | Decimal):
        value = float(cell)
        if math.isnan(value):
            return None
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        if integer:
            if not value.is_integer():
                raise ValueError("not an integer")
            return int(value)
        return value
    if not isinstance(cell, str):
        raise ValueError(f"unsupported type {type(cell).__name__}")
    text = clean_text(cell)
    if text is None:
        return None
    if text.startswith("="):
        raise ValueError("formula, not a number")
    if text.endswith("%"):
        text = text[:-1].rstrip()
    if text.startswith("−"):  # U+2212 minus sign
        text = "-" + text[1:]
    if any(ch.isspace() for ch in text):
        if not _SPACED_THOUSANDS_RE.fullmatch(text):
            raise ValueError("not a number")
        text = re.sub(r"\s", "", text)
    if not _NUMBER_CHARS_RE.fullmatch(text) or not any(ch.isdigit() for ch in text):
        raise ValueError("not a number")
    sign = ""
    if text[0] in "+-":
        sign, text = text[0], text[1:]
    mantissa, exp_mark, exponent = text.partition("e") if "e" in text else text.partition("E")
    n_comma, n_dot = mantissa.count(","), mantissa.count(".")
    if n_comma and n_dot:
        dec = "," if mantissa.rfind(",") > mantissa.rfind(".") else "."
        thousands = "." if dec == "," else ","
        whole, _, frac = mantissa.rpartition(dec)
        grouped = _strip_grouping(whole, thousands)
        if grouped is None or not frac.isdigit():
            raise ValueError("ambiguous thousands/decimal separators")
        normal = f"{grouped}.{frac}"
    elif n_comma or n_dot:
        sep = "," if n_comma else "."
        count = n_comma or n_dot
        if count > 1:
            grouped = _strip_grouping(mantissa, sep)
            if grouped is None:
                raise ValueError("ambiguous thousands/decimal separators")
            normal = grouped
        else:
            whole, _, frac = mantissa.partition(sep)
            if not frac.isdigit() or (whole and not whole.isdigit()):
                raise ValueError("not a number")
            if integer and len(frac) == 3 and whole and not whole.startswith("0") and not exp_mark:
                normal = whole + frac
            else:
                normal = f"{whole or '0'}.{frac}"
    else:
        normal = mantissa
    if exp_mark:
        if not exponent or not exponent.lstrip("+-").isdigit():
            raise ValueError("not a number")
        normal += "e" + exponent
    if integer:
        if "." in normal or "e" in normal:
            value = float(sign + normal)
            if not math.isfinite(value) or not value.is_integer():
                raise ValueError("not an integer")
            return int(value)
        return int(sign + normal)
    value = float(sign + normal)
    if not math.isfinite(value):
        raise ValueError("number too large")
    return value


def _is_numeric(cell: object) -> bool:
    """True for numbers and for text that parse_number accepts."""
    if isinstance(cell, bool) or cell is None or isinstance(cell, _Bad):
        return False
    if isinstance(cell, int | float):
        return True
    try:
        return parse_number(cell) is not None
    except ValueError:
        return False


# ----------------------------------------------------------------------------------------------- decoding


def _encoding_unknown(detail_vi: str, detail_en: str) -> ReadError:
    return ReadError(
        [
            _problem(
                "encoding_unknown",
                f"Không nhận dạng được bảng mã của tệp ({detail_vi}). Hãy lưu tệp dưới dạng CSV UTF-8 "
                "(trong Excel: Lưu thành → CSV UTF-8 (Comma delimited)).",
                f"The file's text encoding could not be recognised ({detail_en}). Save it as CSV UTF-8 "
                "(in Excel: Save As → CSV UTF-8 (Comma delimited)).",
            )
        ]
    )


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when NUL bytes sit at alternating positions (ASCII-heavy UTF-16)."""
    sample = raw[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    zeros_even = sample[0 : 2 * pairs : 2].count(0)
    zeros_odd = sample[1 : 2 * pairs : 2].count(0)
    if zeros_odd >= 0.3 * pairs and zeros_even <= 0.05 * pairs:
        return "utf-16-le"
    if zeros_even >= 0.3 * pairs and zeros_odd <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _decode_raw(raw: bytes) -> tuple[str, str]:
    """Decoded (not yet normalised) text and the encoding name; raises ReadError('encoding_unknown')."""
    try:
        if raw.startswith(codecs.BOM_UTF8):
            text, encoding = raw[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text, encoding = raw.decode("utf-16"), "utf-16"
        elif order := _utf16_without_bom(raw):
            text, encoding = raw.decode(order), "utf-16"
        else:
            try:
                text, encoding = raw.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                text, encoding = raw.decode("cp1258"), "cp1258"
    except UnicodeDecodeError as exc:
        raise _encoding_unknown(
            f"byte không hợp lệ ở vị trí {exc.start}", f"invalid byte at position {exc.start}"
        ) from None
    if "\x00" in text:
        raise _encoding_unknown(
            "tệp chứa ký tự NUL, có thể là tệp nhị phân", "the file holds NUL characters, it may be binary"
        )
    sample = text[:100_000]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\x0c\x1a")
    if controls > 0.1 * len(sample):
        raise _encoding_unknown("tệp có vẻ là tệp nhị phân", "the file looks binary")
    return text.rstrip("\x1a"), encoding


def _legacy_evidence(text: str) -> tuple[int, int, list[str], str]:
    """(legacy words, genuine Vietnamese words, sample legacy words, likely legacy encoding) in NFC text."""
    sample = text[:LEGACY_SAMPLE_CHARS]
    if sample.isascii():
        return 0, 0, [], ""
    legacy = genuine = tcvn3 = vni = 0
    examples: list[str] = []
    for token in _TOKEN_RE.findall(sample):
        if token.isascii():
            continue
        if not LEGACY_MARKERS.isdisjoint(token):
            markers = [ch for ch in token if ch in LEGACY_MARKERS]
            if token in _MICRO_UNITS:
                continue
            if len(markers) >= 2 or any("a" <= ch.lower() <= "z" for ch in token):
                legacy += 1
                tcvn3 += sum(ch in _TCVN3_ONLY for ch in markers)
                vni += sum(ch in _VNI_ONLY for ch in markers)
                if len(examples) < 3 and token not in examples:
                    examples.append(token)
        elif not VIETNAMESE_LETTERS.isdisjoint(token):
            genuine += 1
    return legacy, genuine, examples, ("TCVN3 (ABC)" if tcvn3 >= vni else "VNI")


def _check_legacy(text: str) -> None:
    """Raise ReadError('encoding_legacy') when the text looks typed with a TCVN3/ABC or VNI font."""
    legacy, genuine, examples, kind = _legacy_evidence(text)
    # Genuine Unicode text practically never holds a legacy-looking word, so a third is plenty.
    if legacy == 0 or 3 * legacy < genuine:
        return
    sample = ", ".join(f"'{w}'" for w in examples)
    raise ReadError(
        [
            _problem(
                "encoding_legacy",
                "Văn bản trong tệp được gõ bằng bảng mã tiếng Việt cũ (TCVN3/ABC hoặc VNI, với phông như "
                f".VnTime hay VNI-Times; ở đây có vẻ là {kind}) nên chữ có dấu bị lỗi, ví dụ {sample}. "
                "Hãy chuyển sang Unicode, ví dụ bằng công cụ “Chuyển mã” của Unikey (bảng mã nguồn TCVN3 "
                "hoặc VNI Windows, bảng mã đích Unicode), rồi lưu thành CSV UTF-8.",
                "The text was typed with a legacy Vietnamese font encoding (TCVN3/ABC or VNI, with fonts "
                f"such as .VnTime or VNI-Times; here most likely {kind}), so the accented letters are "
                f"garbled, e.g. {sample}. Convert it to Unicode, e.g. with Unikey's “Chuyển mã” (convert) "
                "tool (source TCVN3 or VNI Windows, target Unicode), then save as CSV UTF-8.",
                value=", ".join(examples),
            )
        ]
    )


def decode_text(raw: bytes) -> tuple[str, str]:
    """Decode uploaded CSV bytes: (text NFC, encoding name); raises ReadError.

    Encodings: 'utf-8-sig', 'utf-16' (BOM or NUL pattern), 'utf-8', else 'cp1258'. Legacy TCVN3/VNI text
    (even re-saved as UTF-8) -> 'encoding_legacy'; NUL bytes or undecodable bytes -> 'encoding_unknown'.
    """
    text, encoding = _decode_raw(raw)
    text = unicodedata.normalize("NFC", text)
    _check_legacy(text)
    return text, encoding


# ------------------------------------------------------------------------------------------- row assembly


class _Bad:
    """An XLSX cell that must not be imported (formula or logical value); reported if inside the table."""

    __slots__ = ("kind", "text")

    def __init__(self, kind: str, text: str) -> None:
        self.kind = kind
        self.text = text


@dataclass
class _Row:
    number: int  # 1-based source row/line
    cells: list[object]
    copies: frozenset[int] = frozenset()  # columns holding a copy of a merged range's top-left cell


def _cell_text(cell: object) -> str:
    """Text of a cell for header labels and scoring."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, _Bad):
        return cell.text
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _is_empty(row: _Row) -> bool:
    return row.cells.count(None) == len(row.cells)


def _score_view(row: _Row) -> list[str]:
    """The row as the header scorer sees it: merged copies blanked (a merged title or a label merged over
    two header rows counts once, in its top-left cell)."""
    return ["" if j in row.copies else _cell_text(c) for j, c in enumerate(row.cells)]


def _take_buffer(rows: Iterator[_Row]) -> list[_Row]:
    """Rows up to and including the (HEADER_SEARCH_ROWS + 1)-th non-empty one."""
    buffer: list[_Row] = []
    non_empty = 0
    for row in rows:
        buffer.append(row)
        if not _is_empty(row):
            non_empty += 1
            if non_empty > HEADER_SEARCH_ROWS:
                break
    return buffer


def _find_header(buffer: list[_Row], header_score: Callable[[list[str]], int]) -> int | None:
    """Index (in buffer) of the first best-scoring row among the first non-empty rows, if it scores >= 2."""
    best_index, best_score, seen = None, MIN_HEADER_SCORE - 1, 0
    for index, row in enumerate(buffer):
        if _is_empty(row):
            continue
        seen += 1
        if seen > HEADER_SEARCH_ROWS:
            break
        score = header_score(_score_view(row))
        if score > best_score:
            best_index, best_score = index, score
    return best_index


def _preview(buffer: list[_Row], limit: int = 5) -> str:
    """First non-empty rows as short text, for 'no_header' messages."""
    parts = []
    for row in buffer:
        if _is_empty(row):
            continue
        cells = [t for t in _score_view(row) if t]
        parts.append(f"{row.number}: " + _clip(" | ".join(cells), 80))
        if len(parts) >= limit:
            break
    return " ¶ ".join(parts)


def _no_header(buffer: list[_Row], sheet: str | None = None) -> Problem:
    where_vi = f" trong trang tính '{sheet}'" if sheet is not None else ""
    where_en = f" in sheet '{sheet}'" if sheet is not None else ""
    preview = _preview(buffer)
    if preview:
        found_vi, found_en = f" Các dòng đầu: {preview}", f" First rows: {preview}"
    else:
        found_vi, found_en = " Không có dòng nào có dữ liệu.", " There are no rows with data."
    return _problem(
        "no_header",
        f"Không tìm thấy dòng tiêu đề (tên cột){where_vi} trong {HEADER_SEARCH_ROWS} dòng đầu: cần ít nhất "
        f"{MIN_HEADER_SCORE} tên cột nhận biết được (ví dụ 'Tỉnh', 'Chỉ số SIPAS').{found_vi}",
        f"No header row (column names) was recognised{where_en} in the first {HEADER_SEARCH_ROWS} rows: at "
        f"least {MIN_HEADER_SCORE} known column names are needed (e.g. 'Province', 'SIPAS index').{found_en}",
        value=_clip(preview) if preview else None,
    )


def _is_second_header(header: _Row, below: _Row) -> bool:
    """The row directly below the header continues it: no numeric cells and new text under some column.

    A row that only repeats the header's text (labels merged over two rows in Excel) continues it too.
    """
    if _is_empty(below):
        return False
    for j, cell in enumerate(below.cells):
        if cell is None:
            continue
        if j in below.copies and j < len(header.cells) and cell == header.cells[j]:
            continue  # a label merged over both header rows (number or not)
        if _is_numeric(cell):
            return False
    return True


def _header_labels(header: _Row, below: _Row | None) -> list[str]:
    """Column labels from one or two header rows ('Parent / Child'); blanks become Excel letters."""
    parents = [_cell_text(c) for c in header.cells]
    children = [_cell_text(c) for c in below.cells] if below is not None else []
    width = 0
    for j in range(max(len(parents), len(children))):
        if (j < len(parents) and parents[j]) or (j < len(children) and children[j]):
            width = j + 1
    parents = (parents + [""] * width)[:width]
    children = (children + [""] * width)[:width] if below is not None else [""] * width
    if below is not None:
        # A merged parent exported to CSV sits over its first child only: carry it right over the children.
        for j in range(1, width):
            if not parents[j] and children[j]:
                k = j - 1
                while k >= 0 and not parents[k] and children[k]:
                    k -= 1
                if k >= 0 and parents[k] and all(children[i] for i in range(k, j)):
                    parents[j] = parents[k]
    labels = []
    for j in range(width):
        parent, child = parents[j], children[j]
        label = parent
        if child and child != parent:
            label = f"{parent} / {child}" if parent else child
        labels.append(clean_text(label) or column_letter(j))
    return labels


def _cell_problem(cell: _Bad, row: int, col: int, label: str | None) -> Problem:
    ref = f"{column_letter(col)}{row}"
    if cell.kind == "formula":
        return _problem(
            "formula",
            f"Ô {ref} chứa công thức ({_clip(cell.text, 60)}); hãy dán giá trị thay vì công thức "
            "(Paste Special → Values).",
            f"Cell {ref} holds a formula ({_clip(cell.text, 60)}); paste values only (Paste Special → Values).",
            row=row,
            column=label or column_letter(col),
            value=cell.text,
        )
    return _problem(
        "cell_type",
        f"Ô {ref} chứa giá trị logic ({cell.text}); hãy nhập số hoặc chữ.",
        f"Cell {ref} holds a logical value ({cell.text}); enter a number or text instead.",
        row=row,
        column=label or column_letter(col),
        value=cell.text,
    )


def _is_note(row: _Row) -> bool:
    """A trailing note: text in at most two cells, nothing numeric, starts like a note or is long."""
    if not row.copies and len(row.cells) - row.cells.count(None) > 2:
        return False
    cells = [c for j, c in enumerate(row.cells) if c is not None and j not in row.copies]
    if not 1 <= len(cells) <= 2 or any(_is_numeric(c) for c in cells):
        return False
    texts = [_cell_text(c) for c in cells]
    return texts[0].casefold().startswith(NOTE_PREFIXES) or len(" ".join(texts)) > NOTE_MAX_CHARS


def _row_list(numbers: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (", …" if len(numbers) > limit else "")


@dataclass
class _Assembled:
    columns: list[str]
    rows: list[list[object]] | None
    row_numbers: list[int]
    header_row: int
    notices: list[Problem]
    data: list[Column] | None = None


def _assemble(
    buffer: list[_Row], rest: Iterator[_Row], hidx: int, max_rows: int, *, check_cells: bool = False
) -> _Assembled:
    """Header labels and data rows from the header at buffer[hidx]; raises ReadError for cell errors.

    ``check_cells``: the rows may hold _Bad cells (XLSX formulas / logical values) to report.
    """
    header, second, columns, errors = _header_part(buffer, hidx)
    width = len(columns)
    notices: list[Problem] = []

    rows: list[list[object]] = []
    numbers: list[int] = []
    long_rows = 0
    note_rows: list[int] = []
    note_text: str | None = None
    start = hidx + (2 if second is not None else 1)
    for row in itertools.chain(buffer[start:], rest):
        if _is_empty(row):
            continue
        if note_rows:
            note_rows.append(row.number)
            continue
        if _is_note(row):
            note_rows.append(row.number)
            note_text = _note_text(row)
            continue
        cells = row.cells
        extra = [_cell_text(c) for c in cells[width:] if c is not None]
        if extra:
            long_rows += 1
            if long_rows <= MAX_ROW_WARNINGS:
                notices.append(_row_too_long(row.number, width, extra))
        cells = (cells + [None] * width)[:width]  # padded or truncated copy
        if check_cells:
            for j, cell in enumerate(cells):
                if isinstance(cell, _Bad):
                    errors.append(_cell_problem(cell, row.number, j, columns[j]))
                    cells[j] = None
        rows.append(cells)
        numbers.append(row.number)
        if len(rows) > max_rows:
            raise _too_many_rows(max_rows, row.number)
    notices.extend(_tail_notices(long_rows, note_rows, note_text))
    if errors:
        raise ReadError(errors)
    return _Assembled(columns, rows, numbers, header.number, notices)


def _note_text(row: _Row) -> str:
    return " ".join(_cell_text(c) for j, c in enumerate(row.cells) if c is not None and j not in row.copies)


def _row_too_long(number: int, width: int, extra: list[str]) -> Problem:
    return _problem(
        "row_too_long",
        f"Dòng {number} có dữ liệu ngoài {width} cột của tiêu đề; phần thừa bị bỏ qua.",
        f"Row {number} has data beyond the {width} header columns; the extra cells are ignored.",
        row=number,
        value=" | ".join(extra),
        severity="warning",
    )


def _too_many_rows(max_rows: int, number: int) -> ReadError:
    limit_vi = f"{max_rows:,}".replace(",", ".")
    return ReadError(
        [
            _problem(
                "too_many_rows",
                f"Tệp có hơn {limit_vi} dòng dữ liệu, vượt giới hạn; hãy chia nhỏ tệp (quản trị viên có thể "
                f"nâng giới hạn bằng biến môi trường {ENV_MAX_ROWS}).",
                f"The file has more than {max_rows:,} data rows, above the limit; split the file (an "
                f"administrator can raise the limit with the environment variable {ENV_MAX_ROWS}).",
                row=number,
            )
        ]
    )


def _tail_notices(long_rows: int, note_rows: list[int], note_text: str | None) -> list[Problem]:
    """The summary of further over-long rows and the notice about ignored trailing note rows."""
    notices = []
    if long_rows > MAX_ROW_WARNINGS:
        more = long_rows - MAX_ROW_WARNINGS
        notices.append(
            _problem(
                "row_too_long",
                f"Còn {more} dòng khác cũng có dữ liệu ngoài các cột của tiêu đề (bị bỏ qua).",
                f"{more} more rows also have data beyond the header columns (ignored).",
                severity="warning",
            )
        )
    if note_rows:
        listed = _row_list(note_rows)
        notices.append(
            _problem(
                "trailing_notes_ignored",
                f"Đã bỏ qua {len(note_rows)} dòng ghi chú ở cuối bảng (dòng {listed}).",
                f"Ignored {len(note_rows)} note row(s) at the end of the table (rows {listed}).",
                row=note_rows[0],
                value=note_text,
                severity="warning",
            )
        )
    return notices


def _header_part(buffer: list[_Row], hidx: int) -> tuple[_Row, _Row | None, list[str], list[Problem]]:
    """(header row, second header row or None, column labels, header errors) for the header at buffer[hidx]."""
    header = buffer[hidx]
    below = buffer[hidx + 1] if hidx + 1 < len(buffer) else None
    second = below if below is not None and _is_second_header(header, below) else None
    columns = _header_labels(header, second)
    width = len(columns)
    errors: list[Problem] = []
    for hrow in (header, second):
        if hrow is None:
            continue
        for j, cell in enumerate(hrow.cells[:width]):
            if isinstance(cell, _Bad):
                errors.append(_cell_problem(cell, hrow.number, j, None))
    seen: dict[str, list[int]] = {}
    for j, label in enumerate(columns):
        seen.setdefault(label.casefold(), []).append(j)
    for indexes in seen.values():
        if len(indexes) > 1:
            label = columns[indexes[0]]
            letters = ", ".join(column_letter(j) for j in indexes)
            errors.append(
                _problem(
                    "header_duplicate",
                    f"Tên cột '{label}' bị trùng (các cột {letters}); hãy đặt tên khác nhau cho mỗi cột.",
                    f"Column name '{label}' appears more than once (columns {letters}); give every column a "
                    "distinct name.",
                    row=header.number,
                    column=label,
                    value=label,
                )
            )

    return header, second, columns, errors


# ---------------------------------------------------------------------------------------------------- CSV


def _csv_rows(text: str, delimiter: str) -> Iterator[_Row]:
    """Records of the text as rows of clean cells, numbered by their first physical line."""
    last_line = [""]

    def lines() -> Iterator[str]:
        for match in _LINE_RE.finditer(text):
            last_line[0] = match.group()
            yield last_line[0]

    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ReadError(
                [
                    _problem(
                        "csv_malformed",
                        f'Lỗi định dạng CSV ở dòng {start} ({exc}); thường do dấu ngoặc kép (") không được '
                        "đóng hoặc đặt sai chỗ. Hãy xuất lại tệp từ Excel.",
                        f'Malformed CSV at line {start} ({exc}); usually a double quote (") that is not closed '
                        "or misplaced. Export the file from Excel again.",
                        row=start,
                        value=clean_text(last_line[0]) or None,
                    )
                ]
            ) from None
        yield _Row(start, [_clean_short(c) if len(c) <= 200 else _clean(c) for c in record])
        start = reader.line_num + 1


def _sniff_delimiter(text: str, header_score: Callable[[list[str]], int]) -> str:
    """The delimiter among ',', ';', TAB that gives the best header and the most regular rows."""
    best, best_key = ",", None
    for delimiter in DELIMITERS:
        rows: list[_Row] = []
        errored = False
        try:
            for row in _csv_rows(text, delimiter):
                if not _is_empty(row):
                    rows.append(row)
                    if len(rows) >= HEADER_SEARCH_ROWS + 10:
                        break
        except ReadError:
            errored = True
        hidx = _find_header(rows, header_score)
        if hidx is None:
            key = (False, 0, 0, not errored, 0)
        else:
            header = rows[hidx]
            score = header_score(_score_view(header))
            regular = sum(len(r.cells) == len(header.cells) for r in rows[hidx + 1 :])
            key = (True, score, regular, not errored, len(header.cells))
        if best_key is None or key > best_key:
            best, best_key = delimiter, key
    return best


def _read_csv(path: Path, header_score: Callable[[list[str]], int], max_rows: int) -> Table:
    text, encoding = _decode_raw(path.read_bytes())
    if not text.strip():
        raise ReadError([_empty_file()])
    _check_legacy(unicodedata.normalize("NFC", text[:LEGACY_SAMPLE_CHARS]))
    notices: list[Problem] = []
    if encoding == "cp1258":
        notices.append(
            _problem(
                "encoding_converted",
                "Tệp dùng bảng mã Windows-1258 (không phải UTF-8); đã chuyển sang Unicode. Kiểm tra lại chữ có "
                "dấu, và lần sau hãy lưu thành CSV UTF-8.",
                "The file uses the Windows-1258 encoding (not UTF-8); it was converted to Unicode. Check the "
                "accented text, and next time save as CSV UTF-8.",
                severity="warning",
            )
        )
    delimiter = _sniff_delimiter(text, header_score)
    rows = _csv_rows(text, delimiter)
    buffer = _take_buffer(rows)
    hidx = _find_header(buffer, header_score)
    if hidx is None:
        raise ReadError([_no_header(buffer)])
    table = None
    if '"' not in text:  # no quoting: one record per physical line, read column-wise
        table = _assemble_plain(text, delimiter, buffer, hidx, max_rows)
    if table is None:
        table = _assemble(buffer, rows, hidx, max_rows)
    return Table(
        table.columns,
        table.rows,
        table.row_numbers,
        table.header_row,
        None,
        encoding,
        notices + table.notices,
        data=table.data,
    )


def _split_lines(text: str) -> list[str]:
    """Physical lines as `_LINE_RE` cuts them (CRLF, CR or LF ends a line), without their line ends."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()  # the text ends with a line end (or is empty): no line after it
    return lines


def _parse_plain(lines: list[str], delimiter: str, width: int) -> list[pa.Array] | None:
    """Split lines that each hold exactly `width` - 1 delimiters and no quote into `width` string columns
    (pyarrow's CSV parser with quoting off: a plain split); None if pyarrow disagrees on the row count."""
    names = [f"c{j}" for j in range(width)]
    data = "\n".join(itertools.chain(lines, [""])).encode("utf-8")  # one temporary copy of the text
    try:
        parsed = pa_csv.read_csv(
            pa.py_buffer(data),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char=False,
                double_quote=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except MemoryError:  # pyarrow's ArrowMemoryError included: not a reason to try the slower way
        raise
    except (pa.ArrowException, ValueError):
        return None
    if parsed.num_rows != len(lines) or parsed.num_columns != width:
        return None
    return [parsed.column(j).combine_chunks() for j in range(width)]


def _whitespace_re2() -> str:
    """RE2 pattern of text that `_clean` changes apart from NFC: empty, whitespace (as `str.split` sees it)
    at either end, whitespace other than a space, or two spaces in a row."""
    spaces = [chr(c) for c in range(0x10000) if chr(c).isspace()]  # none lies beyond the BMP
    other = "".join(f"\\x{{{ord(c):04x}}}" for c in spaces if c != " ")
    every = other + "\\x{0020}"
    return f"^$|^[{every}]|[{every}]$|[{other}]| {{2}}"


_WHITESPACE_RE2 = _whitespace_re2()


def _clean_column(array: pa.Array) -> Column:
    """A string column cleaned like `clean_text`, once per distinct value; values that `_clean` would leave
    alone (ASCII or already NFC, single inner spaces, not empty) are found by pyarrow without Python calls."""
    encoded = array.dictionary_encode()
    dictionary = encoded.dictionary
    raw = Column(dictionary.to_pylist(), encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64))
    spaced = pc.match_substring_regex(dictionary, _WHITESPACE_RE2).to_numpy(zero_copy_only=False)
    non_ascii = pc.invert(pc.string_is_ascii(dictionary)).to_numpy(zero_copy_only=False)
    values = raw.values
    dirty = np.flatnonzero(spaced).tolist()
    dirty += [
        k
        for k in np.flatnonzero(non_ascii & ~spaced).tolist()
        if not unicodedata.is_normalized("NFC", values[k])
    ]
    if not dirty:
        return raw  # distinct, clean and non-empty already
    mapped = list(values)
    for k in dirty:
        mapped[k] = _clean(values[k])
    return raw.remap(mapped)


def _assemble_plain(
    text: str, delimiter: str, buffer: list[_Row], hidx: int, max_rows: int
) -> _Assembled | None:
    """`_assemble` for CSV text without double quotes, where every record is one physical line: the same
    columns, rows, row numbers, notices and errors, but the body is split by pyarrow and cleaned once per
    distinct value of each column. Lines with another number of cells than the header are padded or cut in
    Python first (and reported like `_assemble` does). None when the text does not suit (the caller then
    uses `_assemble`)."""
    header, second, columns, errors = _header_part(buffer, hidx)
    width = len(columns)
    last = (second or header).number  # the body starts on the next physical line
    if width < 2:
        return None
    lines = _split_lines(text)[last:]  # as `_LINE_RE` cuts them, without copying the text first
    n = len(lines)
    counts = np.fromiter((line.count(delimiter) for line in lines), dtype=np.int64, count=n)
    irregular: dict[int, _Row] = {}
    for k in np.flatnonzero(counts != width - 1).tolist():
        cells = lines[k].split(delimiter)
        irregular[k] = _Row(last + 1 + k, [clean_text(c) for c in cells])
        lines[k] = delimiter.join((cells + [""] * width)[:width])
    if n:
        arrays = _parse_plain(lines, delimiter, width)
        del lines  # peak memory: the text, and its lines or its columns, not all three
        if arrays is None:
            return None
        arrays.reverse()
        data = []
        while arrays:
            data.append(_clean_column(arrays.pop()))
    else:
        del lines
        data = [Column([], np.zeros(0, dtype=np.int64)) for _ in range(width)]
    filled = np.zeros(n, dtype=np.int64)
    for column in data:
        filled += column.codes >= 0

    def row_at(k: int) -> _Row:
        if k in irregular:
            return irregular[k]
        return _Row(last + 1 + k, [c.values[c.codes[k]] if c.codes[k] >= 0 else None for c in data])

    empty = filled == 0
    for k, row in irregular.items():
        empty[k] = _is_empty(row)
    # a trailing note has at most two filled cells (or is an over-long line): test those in order
    candidates = set(np.flatnonzero(~empty & (filled <= 2)).tolist())
    candidates |= {k for k in irregular if not empty[k]}
    first_note, note_text = n, None
    for k in sorted(candidates):
        row = row_at(k)
        if _is_note(row):
            first_note, note_text = k, _note_text(row)
            break
    kept = np.flatnonzero(~empty[:first_note])
    if len(kept) > max_rows:
        raise _too_many_rows(max_rows, last + 1 + int(kept[max_rows]))
    notices: list[Problem] = []
    long_rows = 0
    for k in sorted(irregular):
        if k >= first_note or empty[k]:
            continue
        extra = [_cell_text(c) for c in irregular[k].cells[width:] if c is not None]
        if extra:
            long_rows += 1
            if long_rows <= MAX_ROW_WARNINGS:
                notices.append(_row_too_long(last + 1 + k, width, extra))
    note_rows = (last + 1 + first_note + np.flatnonzero(~empty[first_note:])).tolist()
    notices.extend(_tail_notices(long_rows, note_rows, note_text))
    if errors:
        raise ReadError(errors)
    if len(kept) < n:
        data = [column.take(kept) for column in data]
    numbers = (last + 1 + kept).tolist()
    return _Assembled(columns, None, numbers, header.number, notices, data)


# --------------------------------------------------------------------------------------------------- XLSX


def _xlsx_broken(detail: str, exc_name: str | None = None) -> ReadError:
    what = f"{exc_name}: {detail}" if exc_name else detail
    return ReadError(
        [
            _problem(
                "xlsx_broken",
                f"Tệp Excel bị hỏng hoặc không phải tệp .xlsx hợp lệ ({_clip(what, 120)}). Hãy mở tệp trong "
                "Excel và lưu lại thành Excel Workbook (.xlsx).",
                f"The Excel file is damaged or not a valid .xlsx workbook ({_clip(what, 120)}). Open it in "
                "Excel and save it again as Excel Workbook (.xlsx).",
            )
        ]
    )


def _check_zip(path: Path, max_bytes: int) -> None:
    """Refuse invalid zips, missing workbook parts and zip bombs before openpyxl opens the file."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _xlsx_broken(str(exc) or "invalid zip", type(exc).__name__) from None
    names = {info.filename.lower() for info in infos}
    if "[content_types].xml" not in names or not any(n.endswith("workbook.xml") for n in names):
        raise _xlsx_broken("thiếu thành phần workbook / missing workbook parts")
    limit = min(ZIP_TOTAL_FACTOR * max_bytes, max_unpacked_bytes())
    total = sum(info.file_size for info in infos)
    bomb = next(
        (
            info
            for info in infos
            if info.file_size > ZIP_RATIO_MIN_SIZE
            and info.file_size / max(info.compress_size, 1) > ZIP_MAX_RATIO
        ),
        None,
    )
    if total > limit or bomb is not None:
        if bomb is not None:
            ratio = int(bomb.file_size / max(bomb.compress_size, 1))
            why_vi = f"thành phần '{bomb.filename}' nén tới {ratio}:1"
            why_en = f"member '{bomb.filename}' is compressed {ratio}:1"
        else:
            why_vi = why_en = ""
        size_vi = f"{_vi_num(_mb(total))} MB khi giải nén, giới hạn {_vi_num(_mb(limit))} MB"
        size_en = f"{_mb(total)} MB uncompressed, limit {_mb(limit)} MB"
        raise ReadError(
            [
                _problem(
                    "xlsx_too_large_uncompressed",
                    f"Tệp Excel quá lớn khi giải nén hoặc nén bất thường ({size_vi}"
                    f"{'; ' + why_vi if why_vi else ''}). Hãy lưu lại tệp chỉ với dữ liệu cần thiết, hoặc "
                    "xuất ra CSV UTF-8; quản trị viên có thể nâng giới hạn bằng biến môi trường "
                    f"{ENV_MAX_UNPACKED_MB}.",
                    f"The Excel file is too large once uncompressed or abnormally compressed ({size_en}"
                    f"{'; ' + why_en if why_en else ''}). Save it again with only the data needed, or export "
                    f"it as CSV UTF-8; an administrator can raise the limit with the environment variable "
                    f"{ENV_MAX_UNPACKED_MB}.",
                    value=bomb.filename if bomb is not None else None,
                )
            ]
        )


_QUOTED_RE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


@functools.lru_cache(maxsize=256)
def _is_percent_format(number_format: str | None) -> bool:
    """True when Excel scales the value by 100 for display ('0.00%', not '0.00"%"')."""
    return bool(number_format) and "%" in _QUOTED_RE.sub("", number_format)


def _percent_styles(workbook: Any) -> frozenset[int]:
    """Style ids (indexes of the workbook's cell formats) whose number format is a percent format, looked up
    as openpyxl's `ReadOnlyCell.number_format` does (an unknown format id counts as 'General')."""
    custom = workbook._number_formats
    found = set()
    for style_id, style in enumerate(workbook._cell_styles):
        format_id = style.numFmtId
        if format_id < BUILTIN_FORMATS_MAX_SIZE:
            number_format = BUILTIN_FORMATS.get(format_id, "General")
        else:
            k = format_id - BUILTIN_FORMATS_MAX_SIZE
            number_format = custom[k] if 0 <= k < len(custom) else "General"
        if _is_percent_format(number_format):
            found.add(style_id)
    return frozenset(found)


def _xlsx_value(value: object, data_type: str, percent: bool) -> object:
    """Clean value of a parsed XLSX cell: str / int / float / None, or _Bad for formulas and booleans.

    ``data_type`` is openpyxl's ('n', 's', 'b', 'f', 'd', 'e'); ``percent``: the cell's number format scales
    by 100 ('0.00%'), so 0.8266 becomes 82.66 as Excel shows it."""
    if value is None:
        return None
    kind = type(value)
    if kind is int or kind is float:
        if kind is float and not math.isfinite(value):
            return str(value)
        if percent:
            scaled = value * 100
            return scaled if isinstance(scaled, int) else float(f"{scaled:.10g}")
        return value
    if kind is str:
        return _Bad("formula", value) if value.startswith("=") else clean_text(value)
    if kind is bool:
        return _Bad("cell_type", "TRUE" if value else "FALSE")
    if isinstance(value, ArrayFormula):
        return _Bad("formula", value.text or "=")
    if isinstance(value, DataTableFormula) or data_type == "f":
        return _Bad("formula", "=" + str(value).lstrip("="))
    if isinstance(value, int | float):  # subclasses: as the plain number
        return _xlsx_value(float(value) if isinstance(value, float) else int(value), data_type, percent)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return clean_text(str(value))


def _merge_too_large(cells: int) -> ReadError:
    cells_vi, limit_vi = (f"{n:,}".replace(",", ".") for n in (cells, MAX_MERGED_CELLS))
    return ReadError(
        [
            _problem(
                "xlsx_merge_too_large",
                f"Tệp Excel có vùng ô gộp quá lớn ({cells_vi} ô, giới hạn {limit_vi} ô). Hãy bỏ gộp ô (Trang "
                "đầu → Gộp và Căn giữa → Bỏ gộp ô) ở những vùng không cần gộp rồi lưu lại.",
                f"The workbook has merged ranges that are too large ({cells:,} cells, limit "
                f"{MAX_MERGED_CELLS:,}). Unmerge the cells that need not be merged (Home → Merge & Center → "
                "Unmerge Cells) and save again.",
                value=f"{cells} cells",
            )
        ]
    )


def _fill_merged(by_row: dict[int, list[object]], refs: list[str], copies: dict[int, set[int]]) -> None:
    """Fill merged ranges (Excel references such as 'A1:F1') from their top-left cell, in place; the filled
    cells are recorded in `copies` (row -> 0-based columns). A covered cell loses its own value (Excel hides
    it); a formula or logical value at the top-left is copied as its text (reported once, at the top-left).

    Filling at most MAX_MERGED_CELLS cells: beyond that the ranges are first clipped to the rows and columns
    that hold cells, and if still too many the file is refused ('xlsx_merge_too_large')."""
    ranges = []
    for ref in refs:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (TypeError, ValueError) as exc:
            raise _xlsx_broken(f"mergeCell {ref!r}", type(exc).__name__) from None
        if None in (min_col, min_row, max_col, max_row):
            raise _xlsx_broken(f"mergeCell {ref!r}")
        ranges.append((min_row, min_col, max_row, max_col))

    def area(boxes: list[tuple[int, int, int, int]]) -> int:
        return sum((r2 - r1 + 1) * (c2 - c1 + 1) - 1 for r1, c1, r2, c2 in boxes)

    if area(ranges) > MAX_MERGED_CELLS:
        last_row = max(by_row, default=0)
        last_col = max((len(line) for line in by_row.values()), default=0)
        ranges = [(r1, c1, min(r2, last_row), min(c2, last_col)) for r1, c1, r2, c2 in ranges]
        ranges = [box for box in ranges if box[0] <= box[2] and box[1] <= box[3]]
        if area(ranges) > MAX_MERGED_CELLS:
            raise _merge_too_large(area(ranges))

    def original(r: int, c: int) -> object:
        line = by_row.get(r)
        return line[c - 1] if line is not None and c <= len(line) else None

    tops = []
    for r1, c1, _, _ in ranges:
        top = original(r1, c1)
        tops.append(top.text if isinstance(top, _Bad) else top)
    for (r1, c1, r2, c2), top in zip(ranges, tops, strict=True):
        for r in range(r1, r2 + 1):
            line = by_row.get(r)
            if line is None:
                if top is None:
                    continue
                line = by_row[r] = []
            if len(line) < c2 and top is not None:
                line.extend([None] * (c2 - len(line)))
            marks = copies.setdefault(r, set())
            for c in range(c1, min(c2, len(line)) + 1):
                if r == r1 and c == c1:
                    continue
                line[c - 1] = top
                if top is None:
                    marks.discard(c - 1)
                else:
                    marks.add(c - 1)


@dataclass
class _Sheet:
    title: str
    sheet_state: str  # 'visible', 'hidden' or 'veryHidden'
    part: str  # the sheet's XML file inside the archive


@dataclass
class _Book:
    """An opened workbook: the archive, openpyxl's workbook object (epoch, styles) and the worksheets."""

    archive: zipfile.ZipFile
    workbook: Any
    shared_strings: list[str]
    worksheets: list[_Sheet]


def _open_book(handle: Any) -> _Book:
    """Open a workbook with openpyxl's reader steps that read-only loading runs (manifest, shared strings,
    workbook part, styles), without its per-sheet set-up: `ReadOnlyWorksheet` parses a sheet's whole XML
    in search of a missing <dimension> element."""
    reader = ExcelReader(handle, read_only=True, keep_vba=False, data_only=False, keep_links=False)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            _Sheet(sheet.name, sheet.state or "visible", rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in (rel.Type or "")
        ]
    except BaseException:
        reader.archive.close()
        raise
    return _Book(reader.archive, reader.wb, reader.shared_strings, sheets)


def _row_number(text: str) -> int:
    """A <row r="..."> number ('12', or '12.0' as some writers put it)."""
    try:
        return int(text)
    except ValueError:
        value = float(text)
        if not value.is_integer():
            raise ValueError(f"{text} is not a valid row number") from None
        return int(value)


def _sheet_rows(book: _Book, sheet: _Sheet, percent: frozenset[int]) -> list[_Row]:
    """All rows of a worksheet, streamed from its XML one row element at a time (memory holds the clean
    values only), with merged ranges filled from their top-left cell (`_fill_merged`; the merge list comes
    after the rows in the XML); gaps between rows as one empty row.

    Numbers and shared strings without a formula are decoded here; every other cell (formulas, inline
    strings, logical values, dates, errors) by openpyxl's own cell parser, so values are what openpyxl's
    workbook gives."""
    workbook = book.workbook
    shared = book.shared_strings
    dates = workbook._date_formats
    by_row: dict[int, list[object]] = {}
    refs: list[str] = []
    with book.archive.open(sheet.part) as source:
        parser = WorkSheetParser(source, shared, data_only=False, epoch=workbook.epoch, date_formats=dates,
                                 timedelta_formats=workbook._timedelta_formats)  # fmt: skip
        sheet_data = None
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            if event == "start":
                if element.tag == _DATA_TAG:
                    sheet_data = element
                continue
            tag = element.tag
            if tag == _ROW_TAG:
                r = element.get("r")
                number = parser.row_counter + 1 if r is None else _row_number(r)
                parser.row_counter = number
                cells: list[tuple[int, object]] = []
                col = 0
                for cell in element:
                    ref = cell.get("r")
                    col = column_index_from_string(ref.rstrip("0123456789")) if ref else col + 1
                    kind = cell.get("t")
                    plain = kind is None or kind == "n" or kind == "s"
                    text = None
                    for child in cell:
                        if child.tag == _VALUE_TAG:
                            text = child.text
                        else:  # a formula, an inline string, ...
                            plain = False
                    style_text = cell.get("s")
                    style = int(style_text) if style_text else 0
                    if plain:
                        if not text:
                            value = None
                        elif kind == "s":
                            value = shared[int(text)]
                        elif style in dates:
                            plain = False
                        else:
                            value = float(text) if "." in text or "e" in text or "E" in text else int(text)
                    if plain:
                        cells.append((col, _xlsx_value(value, "n", style in percent)))
                    else:
                        parser.col_counter = col - 1  # where a cell without a reference goes
                        parsed = parser.parse_cell(cell)
                        col = parsed["column"]
                        value = _xlsx_value(
                            parsed["value"], parsed["data_type"], parsed["style_id"] in percent
                        )
                        cells.append((col, value))
                element.clear()
                if sheet_data is not None:
                    sheet_data.clear()  # drop the parsed row element itself
                if not cells:
                    continue
                width = max(c for c, _ in cells)
                line = by_row.get(number)
                if line is None:
                    line = by_row[number] = [None] * width
                elif len(line) < width:  # the same row number twice: later cells win, as in openpyxl
                    line.extend([None] * (width - len(line)))
                for c, value in cells:
                    line[c - 1] = value
                while line and line[-1] is None:
                    line.pop()
            elif tag == _MERGE_TAG:
                refs.extend(item.get("ref") or "" for item in element.iter(_MERGE_CELL_TAG))
                element.clear()
    copies: dict[int, set[int]] = {}
    if refs:
        _fill_merged(by_row, refs, copies)
    rows: list[_Row] = []
    previous = 0
    for r in sorted(by_row):
        line = by_row.pop(r)
        while line and line[-1] is None:
            line.pop()
        if not line:
            continue
        if r > previous + 1:
            rows.append(_Row(previous + 1, []))
        marks = copies.get(r)
        rows.append(_Row(r, line, frozenset(c for c in marks if c < len(line)) if marks else frozenset()))
        previous = r
    return rows


def _read_xlsx(
    path: Path,
    header_score: Callable[[list[str]], int],
    sheet: str | None,
    max_bytes: int,
    max_rows: int,
) -> Table:
    """Read the chosen (or first visible, with a header) sheet of a workbook, streamed: the workbook parts
    (sheet list, styles, shared strings) are read with openpyxl, then `_sheet_rows` parses one sheet's XML
    row by row, so memory grows with the clean values, not with openpyxl's cell objects."""
    _check_zip(path, max_bytes)
    # A file object, not the path: openpyxl would refuse an Excel workbook uploaded as '.csv' by name.
    with open(path, "rb") as handle:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                book = _open_book(handle)
        except MemoryError:
            raise
        except Exception as exc:  # openpyxl raises many kinds (KeyError, ParseError, BadZipFile, ...)
            raise _xlsx_broken(str(exc) or "-", type(exc).__name__) from None
        try:
            return _read_workbook(book, header_score, sheet, max_rows)
        finally:
            book.archive.close()


def _read_workbook(
    book: _Book, header_score: Callable[[list[str]], int], sheet: str | None, max_rows: int
) -> Table:
    worksheets = book.worksheets
    visible = [ws for ws in worksheets if ws.sheet_state == "visible"]
    notices: list[Problem] = []
    if sheet is not None:
        wanted = clean_text(sheet) or ""
        match = next((ws for ws in worksheets if ws.title == sheet), None) or next(
            (ws for ws in worksheets if (clean_text(ws.title) or "").casefold() == wanted.casefold()),
            None,
        )
        if match is None:
            names = ", ".join(f"'{ws.title}'" for ws in visible) or "-"
            raise ReadError(
                [
                    _problem(
                        "sheet_not_found",
                        f"Không có trang tính '{sheet}' trong tệp. Các trang tính: {names}.",
                        f"Sheet '{sheet}' not found in the workbook. Visible sheets: {names}.",
                        value=sheet,
                    )
                ]
            )
        candidates = [match]
    else:
        candidates = visible
        for ws in worksheets:
            if ws.sheet_state != "visible":
                notices.append(
                    _problem(
                        "sheet_hidden_skipped",
                        f"Đã bỏ qua trang tính ẩn '{ws.title}'.",
                        f"Skipped hidden sheet '{ws.title}'.",
                        value=ws.title,
                        severity="warning",
                    )
                )
    percent = _percent_styles(book.workbook)
    no_header: list[Problem] = []
    seen_text: list[str] = []
    for ws in candidates:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rows = _sheet_rows(book, ws, percent)
        except (ReadError, MemoryError):
            raise
        except Exception as exc:  # a damaged sheet: XML errors, bad references, unknown shared strings ...
            raise _xlsx_broken(str(exc) or "-", type(exc).__name__) from None
        hidx = _find_header(rows, header_score)
        if hidx is None:
            no_header.append(_no_header(rows, ws.title))
            seen_text.extend(_cell_text(c) for row in rows[:200] for c in row.cells if isinstance(c, str))
            continue
        buffer = rows[: hidx + 2]
        rest = iter(rows[hidx + 2 :])
        del rows
        table = _assemble(buffer, rest, hidx, max_rows, check_cells=True)
        del rest
        texts = [" ".join(table.columns)]
        size = len(texts[0])
        for row in table.rows:
            for cell in row:
                if isinstance(cell, str):
                    texts.append(cell)
                    size += len(cell) + 1
            if size > LEGACY_SAMPLE_CHARS:
                break
        _check_legacy(" ".join(texts))
        return Table(
            table.columns,
            table.rows,
            table.row_numbers,
            table.header_row,
            ws.title,
            None,
            notices + table.notices,
        )
    _check_legacy(" ".join(seen_text))  # legacy-font headers are not recognised: say why
    if not no_header:
        no_header.append(
            _problem(
                "no_header",
                "Tệp Excel không có trang tính nào đang hiển thị có dữ liệu.",
                "The workbook has no visible sheet with data.",
            )
        )
    raise ReadError(no_header + notices)


# --------------------------------------------------------------------------------------------- entry point


def _empty_file() -> Problem:
    return _problem("file_empty", "Tệp rỗng, không có dữ liệu.", "The file is empty: it holds no data.")


def _format_problem(code: str, vi: str, en: str) -> ReadError:
    return ReadError([_problem(code, vi, en)])


def read_table(
    path: str | Path,
    *,
    header_score: Callable[[list[str]], int],
    sheet: str | None = None,
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> Table:
    """Read an uploaded CSV/XLSX file into a :class:`Table`; raises :class:`ReadError` listing every problem.

    ``header_score`` tells how many cells of a candidate header row the importer recognises; ``sheet``
    picks an XLSX sheet by name (default: the first visible sheet with a header). Limits: ``max_bytes``
    (default `max_import_bytes()`), the unpacked size of a workbook (`_check_zip`), ``max_rows`` data rows
    (default `max_import_rows()`).
    """
    path = Path(path)
    limit = max_import_bytes() if max_bytes is None else max_bytes
    max_rows = max_import_rows() if max_rows is None else max_rows
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise _format_problem(
            "file_unreadable",
            f"Không mở được tệp ({type(exc).__name__}).",
            f"The file cannot be opened ({type(exc).__name__}: {exc.strerror or exc}).",
        ) from None
    if size > limit:
        raise ReadError(
            [
                _problem(
                    "file_too_large",
                    f"Tệp quá lớn: {_vi_num(_mb(size))} MB, vượt giới hạn {_vi_num(_mb(limit))} MB. Hãy chia "
                    f"nhỏ tệp, hoặc quản trị viên có thể nâng giới hạn bằng biến môi trường {ENV_MAX_MB}.",
                    f"The file is too large: {_mb(size)} MB, above the limit of {_mb(limit)} MB. Split the "
                    f"file, or an administrator can raise the limit with the environment variable {ENV_MAX_MB}.",
                    value=f"{size} bytes",
                )
            ]
        )
    if size == 0:
        raise ReadError([_empty_file()])
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise _format_problem(
            "file_unreadable",
            f"Không đọc được tệp ({type(exc).__name__}).",
            f"The file cannot be read ({type(exc).__name__}: {exc.strerror or exc}).",
        ) from None
    if len(head) == size:
        stripped = head
        for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            if stripped.startswith(bom):
                stripped = stripped[len(bom) :]
                break
        if not stripped.strip(b" \t\r\n\x0b\x0c\x00"):
            raise ReadError([_empty_file()])
    ext = path.suffix.lower()

    if head.startswith(OLE2_MAGIC):
        found = _ole_markers(path)
        # An encrypted .xlsx is an OLE2 container (EncryptionInfo/EncryptedPackage); a renamed .xls has a
        # 'Workbook' stream and no encryption streams.
        if ext in XLSX_EXTENSIONS and ("EncryptedPackage" in found or "Workbook" not in found):
            raise _format_problem(
                "xlsx_encrypted",
                "Tệp Excel được đặt mật khẩu (mã hoá) nên không đọc được. Hãy gỡ mật khẩu trong Excel (Tệp → "
                "Thông tin → Bảo vệ sổ làm việc → Mã hoá bằng mật khẩu, xoá mật khẩu) rồi lưu lại.",
                "The workbook is password-protected (encrypted) and cannot be read. Remove the password in "
                "Excel (File → Info → Protect Workbook → Encrypt with Password, clear it) and save again.",
            )
        raise _format_problem(
            "xls_legacy",
            "Tệp là bảng tính Excel đời cũ (.xls, Excel 97–2003), không được hỗ trợ. Hãy mở tệp trong Excel, "
            "chọn Lưu thành (Save As) → Excel Workbook (.xlsx) hoặc CSV UTF-8, rồi tải lên lại.",
            "This is a legacy Excel 97–2003 workbook (.xls), which is not supported. Open it in Excel, use "
            "Save As → Excel Workbook (.xlsx) or CSV UTF-8, and upload that file.",
        )
    is_zip = head.startswith(ZIP_MAGICS)
    if ext in XLSX_EXTENSIONS or (is_zip and ext in CSV_EXTENSIONS | {".xls"}):
        if not is_zip:
            raise _xlsx_broken("không phải tệp zip / not a zip archive")
        return _read_xlsx(path, header_score, sheet, limit, max_rows)
    if ext in CSV_EXTENSIONS:
        return _read_csv(path, header_score, max_rows)
    supported = "CSV (.csv, .txt) / Excel (.xlsx, .xlsm)"
    if ext == ".xls":
        raise _format_problem(
            "format_unknown",
            f"Tệp có đuôi .xls nhưng không phải bảng tính Excel. Hãy tải lên tệp {supported}.",
            f"The file ends in .xls but is not an Excel workbook. Upload a {supported} file.",
        )
    raise _format_problem(
        "format_unknown",
        f"Không hỗ trợ loại tệp '{ext or '(không có đuôi)'}'. Hãy tải lên tệp {supported}.",
        f"Unsupported file type '{ext or '(no extension)'}'. Upload a {supported} file.",
    )


def _ole_markers(path: Path) -> set[str]:
    """Which of the stream names 'EncryptedPackage' / 'Workbook' an OLE2 file mentions (UTF-16 directory)."""
    markers = {name: name.encode("utf-16-le") for name in ("EncryptedPackage", "Workbook")}
    keep = max(len(m) for m in markers.values())
    found: set[str] = set()
    tail = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(4 * MIB):
            window = tail + chunk
            found |= {name for name, marker in markers.items() if marker in window}
            tail = window[-keep:]
    return found
