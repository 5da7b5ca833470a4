"""Column recognition for imported files: canonical fields, their spellings in real files, and the columns
that identify a respondent (never stored in clear)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np

from ingest.readers import Column, parse_number
from reference.units import fold

# Microdata fields -> accepted header spellings (compared after `fold`: no diacritics, lowercase).
MICRODATA_FIELDS: dict[str, tuple[str, ...]] = {
    "respondent_id": ("respondent_id", "ma phieu", "so phieu", "ma nguoi tra loi", "id phieu", "id"),
    "year": ("year", "nam", "nam khao sat"),
    "province": (
        "province",
        "tinh",
        "ten tinh",
        "tinh thanh pho",
        "tinh thanh",
        "ma tinh",
        "province code",
        "province_id",
    ),
    "district": (
        "district",
        "huyen",
        "ten huyen",
        "quan huyen thi xa",
        "quan huyen",
        "ma huyen",
        "district code",
        "district_id",
    ),
    "commune": (
        "commune",
        "xa",
        "ten xa",
        "xa phuong",
        "xa phuong thi tran",
        "ma xa",
        "commune code",
        "commune_id",
    ),
    "psu_id": ("psu_id", "psu", "cum mau", "ma cum mau", "diem khao sat"),
    "stratum_id": ("stratum_id", "stratum", "tang mau"),
    "weight": ("weight", "trong so", "quyen so"),
    "sex": ("sex", "gioi tinh"),
    "age_group": ("age_group", "nhom tuoi", "do tuoi"),
    "ethnicity": ("ethnicity", "dan toc"),
    "education": ("education", "hoc van", "trinh do hoc van"),
    "area": ("area", "khu vuc", "thanh thi nong thon"),
    "service_field": ("service_field", "linh vuc", "linh vuc dich vu"),
    "channel": ("channel", "kenh", "kenh giao dich", "hinh thuc"),
}
CATEGORY_FIELDS = ("sex", "age_group", "ethnicity", "education", "area", "service_field", "channel")

# Columns that identify a person. Matched on the folded header (whole header or any of its words' runs).
IDENTIFYING: dict[str, tuple[str, ...]] = {
    "name": (
        "ho ten",
        "ho va ten",
        "ten nguoi tra loi",
        "ten nguoi duoc phong van",
        "ten",
        "name",
        "full name",
        "fullname",
        "respondent name",
    ),  # fmt: skip
    "phone": ("so dien thoai", "dien thoai", "sdt", "dt", "phone", "mobile", "tel", "telephone", "so dt"),
    "address": ("dia chi", "address", "noi o", "cho o", "dia chi thuong tru"),
    "national_id": (
        "cccd",
        "cmnd",
        "so cccd",
        "so cmnd",
        "can cuoc",
        "can cuoc cong dan",
        "so dinh danh",
        "ma dinh danh",
        "national id",
        "id number",
        "passport",
        "ho chieu",
    ),  # fmt: skip
    "email": ("email", "e mail", "thu dien tu"),
    "birth_date": (
        "ngay sinh",
        "ngay thang nam sinh",
        "nam sinh",
        "sinh ngay",
        "date of birth",
        "birth date",
        "birthdate",
        "birthday",
        "dob",
    ),  # fmt: skip
    "contact": ("lien he", "thong tin lien he", "nguoi lien he", "contact", "contact person"),
}
# Kinds whose salted hash may be kept for re-check sampling (the re-check table's `field`); the others are
# always dropped.
RECHECK_KINDS = ("name", "phone", "address", "national_id", "email")
# Spellings that name a personal column only as the whole header ('Kênh liên hệ' is a channel, not a contact).
WHOLE_HEADER_ONLY = frozenset({"lien he", "contact", "nam sinh", "sinh ngay"})

PUBLISHED_FIELDS: dict[str, tuple[str, ...]] = {
    "unit": (
        "tinh thanh pho",
        "tinh",
        "tinh thanh",
        "dia phuong",
        "don vi",
        "ten don vi",
        "ten tinh",
        "co quan",
        "province",
        "unit",
        "unit name",
        "locality",
        "tinh thanh pho truc thuoc trung uong",
    ),  # fmt: skip
    "code": ("ma", "ma tinh", "ma don vi", "code", "unit id", "unit_id", "gso code", "ma hanh chinh"),
    "value": (
        "sipas",
        "chi so sipas",
        "chi so",
        "gia tri",
        "value",
        "chi so hai long",
        "ty le hai long",
        "muc do hai long",
        "chi so sipas nam",
        "ket qua",
        "diem",
        "index",
        "sipas index",
    ),  # fmt: skip
    "rank": ("xep hang", "thu hang", "hang", "rank", "ranking", "vi tri"),
    "respondents": ("so phieu", "so nguoi tra loi", "co mau", "n", "respondents", "so mau"),
    "year": ("year", "nam"),
    "note": ("ghi chu", "note", "notes"),
    "source": ("nguon", "source"),
    "order": ("stt", "tt", "so tt", "no", "#"),
}
# Extra spellings of index components seen in published tables -> component code.
COMPONENT_ALIASES: dict[str, str] = {
    "chinh sach": "policy",
    "linh vuc chinh sach": "policy",
    "hai long ve chinh sach": "policy",
    "policy": "policy",
    "dich vu": "service",
    "dich vu hanh chinh cong": "service",
    "linh vuc dich vu": "service",
    "hai long ve dich vu": "service",
    "service": "service",
    "service delivery": "service",
}


@functools.lru_cache(maxsize=4096)
def key(label: str) -> str:
    """Header key: folded, units stripped ('Chỉ số SIPAS (%)' -> 'chi so sipas'), '_'/'-' as spaces."""
    folded = fold(re.sub(r"\((%|percent|phan tram|điểm|diem)\)", "", label, flags=re.IGNORECASE))
    return re.sub(r"\b(nam )?\d{4}\b", "", folded).strip() if folded else folded


def parts(label: str) -> list[str]:
    """Keys to try for a label: the whole label, then the child of a merged header ('A / B' -> 'B')."""
    out = [key(label)]
    if " / " in label:
        out.append(key(label.rsplit(" / ", 1)[1]))
    return [p for p in out if p]


def _lookup(label: str, table: dict[str, tuple[str, ...]]) -> str | None:
    for k in parts(label):
        for field, spellings in table.items():
            if k in spellings or k == field.replace("_", " "):
                return field
    return None


_MICRODATA_FOLDED = {f: tuple(fold(s) for s in sp) for f, sp in MICRODATA_FIELDS.items()}
_PUBLISHED_FOLDED = {f: tuple(fold(s) for s in sp) for f, sp in PUBLISHED_FIELDS.items()}


@functools.lru_cache(maxsize=4096)
def microdata_field(label: str) -> str | None:
    """Canonical microdata field of a header label, or None."""
    return _lookup(label, _MICRODATA_FOLDED)


@functools.lru_cache(maxsize=4096)
def published_field(label: str) -> str | None:
    """Canonical published-table field of a header label, or None."""
    return _lookup(label, _PUBLISHED_FOLDED)


NOT_A_PERSON = (
    "tinh",
    "huyen",
    "xa",
    "phuong",
    "province",
    "district",
    "commune",
    "don vi",
    "co quan",
    "unit",
)


@functools.lru_cache(maxsize=4096)
def identifying_kind(label: str) -> str | None:
    """'name' | 'phone' | 'address' | 'national_id' | 'email' | 'birth_date' | 'contact' when the column
    identifies a person.

    Short spellings ('ten', 'sdt', 'name') must be the whole header; longer ones may be part of it ('số điện
    thoại liên hệ'), unless the header is about a place or agency ('tên xã' is a commune, not a person).
    """
    k = key(label)
    if not k:
        return None
    about_place = any(re.search(rf"\b{w}\b", k) for w in NOT_A_PERSON)
    for kind, spellings in IDENTIFYING.items():
        for spelling in spellings:
            if k == spelling:
                return kind
            if (
                len(spelling) > 4
                and spelling not in WHOLE_HEADER_ONLY
                and not about_place
                and re.search(rf"\b{spelling}\b", k)
            ):
                return kind
    return None


@dataclass(frozen=True)
class ColumnMap:
    """How the columns of a file map to fields (label -> field / item code / identifying kind)."""

    fields: dict[str, str]  # field -> label
    items: dict[str, str]  # item code -> label
    components: dict[str, str]  # index code -> label (published tables)
    identifying: dict[str, str]  # label -> kind
    ignored: list[str]
    duplicates: list[tuple[str, str]]  # (field, label) seen a second time


def map_columns(
    labels: list[str],
    *,
    kind: str,
    item_codes: list[str] | None = None,
    components: dict[str, str] | None = None,
) -> ColumnMap:
    """Assign each label of a microdata (`kind='microdata'`) or published table to what it holds.

    `components` maps folded component names/codes to index codes ('domain:policy', 'element:access').
    """
    items_by_key = {fold(code): code for code in item_codes or []}
    fields: dict[str, str] = {}
    items: dict[str, str] = {}
    comps: dict[str, str] = {}
    identifying: dict[str, str] = {}
    ignored: list[str] = []
    duplicates: list[tuple[str, str]] = []

    def put(target: dict[str, str], name: str, label: str) -> None:
        if name in target:
            duplicates.append((name, label))
        else:
            target[name] = label

    for label in labels:
        ident = identifying_kind(label)
        if ident and kind == "microdata":
            identifying[label] = ident
            continue
        if kind == "microdata":
            item = next((items_by_key[k] for k in parts(label) if k in items_by_key), None)
            if item is not None:
                put(items, item, label)
                continue
            field = microdata_field(label)
        else:
            comp = next(((components or {}).get(k) for k in parts(label) if (components or {}).get(k)), None)
            field = published_field(label)
            if comp is not None and field not in ("unit", "code", "rank", "respondents", "note", "source"):
                if field == "value" and " / " not in label and comp == "overall":
                    field = "value"
                else:
                    put(comps, comp, label)
                    continue
        if field is None:
            ignored.append(label)
        else:
            put(fields, field, label)
    return ColumnMap(fields, items, comps, identifying, ignored, duplicates)


def header_score(kind: str, item_codes: list[str] | None = None) -> callable:
    """Scorer for `ingest.readers.read_table`: how many cells of a row look like known column headers."""
    items = {fold(c) for c in item_codes or []}

    def score(cells: list[str]) -> int:
        n = 0
        for cell in cells:
            if not cell:
                continue
            label = str(cell)
            if kind == "microdata":
                hit = (
                    microdata_field(label) or identifying_kind(label) or any(k in items for k in parts(label))
                )
            else:
                hit = published_field(label) or any(k in COMPONENT_ALIASES for k in parts(label))
            n += bool(hit)
        return n

    return score


FORMULA_STARTS = ("=", "+", "-", "@")  # what a spreadsheet may run as a formula (and DDE) at a cell's start
FORMULA_CONTROLS = ("\t", "\r")  # a leading tab or carriage return also smuggles one past some programs


def looks_like_formula(value: object) -> bool:
    """Whether text would be run by a spreadsheet: it starts (after any leading spaces) with '=', '+', '-',
    '@', or with a tab or carriage return. Numbers are not ('-0.5', '+84 912 345 678', '-3' in a number
    column: what `ingest.readers.parse_number` accepts), nor is a cell of dashes only ('-', '--': a blank
    in a report)."""
    if not isinstance(value, str) or not value:
        return False
    if value[0] in FORMULA_CONTROLS:
        return True
    text = value.lstrip()
    if not text:
        return any(c in value for c in FORMULA_CONTROLS)
    if any(c in value[: len(value) - len(text)] for c in FORMULA_CONTROLS):
        return True
    if text[0] not in FORMULA_STARTS:
        return False
    if text[0] == "-" and not text.strip("-"):
        return False
    if text[0] in "+-":
        try:
            return parse_number(text) is None
        except ValueError:
            return True
    return True


def formula_cells(
    labels: list[str], rows: list[list[object]], row_numbers: list[int], only: list[str] | None = None
) -> list[tuple[int, str, str]]:
    """(row, column, text) of text cells a spreadsheet would run as a formula (`looks_like_formula`) in the
    columns `only` (default all): refused, since a CSV cannot say whether it holds a value or a formula, and
    such text must never reach an export."""
    wanted = [(k, label) for k, label in enumerate(labels) if only is None or label in only]
    out = []
    for rownum, row in zip(row_numbers, rows, strict=True):
        for k, label in wanted:
            cell = row[k] if k < len(row) else None
            if looks_like_formula(cell):
                out.append((rownum, label, cell))
    return out


def formula_cells_by_column(
    labels: list[str], data: list[Column], row_numbers: list[int], only: list[str] | None = None
) -> list[tuple[int, str, str]]:
    """`formula_cells` for a table held column-wise (`Table.column_data()`): the same cells in the same
    order (by row, then by column), each distinct value tested once."""
    hits: list[tuple[int, int, str]] = []
    for k, (label, column) in enumerate(zip(labels, data, strict=True)):
        if only is not None and label not in only:
            continue
        flags = [looks_like_formula(v) for v in column.values]
        if not any(flags):
            continue
        lut = np.append(np.asarray(flags, dtype=bool), False)
        for i in np.flatnonzero(lut[column.codes]).tolist():
            hits.append((i, k, column.values[column.codes[i]]))
    hits.sort(key=lambda h: (h[0], h[1]))
    return [(row_numbers[i], labels[k], text) for i, k, text in hits]
