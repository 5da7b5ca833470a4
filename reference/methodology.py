"""Survey designs ("methodology is data"): load and validate `reference/designs/*.toml` and `reference/waves.toml`.

Each TOML file describes one SIPAS design: the component tree (overall -> domain -> element), the items with
their element, kind, wording status and answer scale, and the (assumed) aggregation rule. Pure module: no
Streamlit, no database access; `store_rows` only builds frames matching the `methodology*` tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

DATA_DIR = Path(__file__).resolve().parent
METHODOLOGY_DIR = DATA_DIR / "designs"
WAVES_FILE = DATA_DIR / "waves.toml"

LEVELS = ("overall", "domain", "element")
ITEM_KINDS = ("satisfaction", "perception", "expectation", "outcome")
WORDING_STATUSES = ("official", "third_party_copy", "reconstructed")
FORMULA_STATUSES = ("confirmed", "assumed")
AGGREGATIONS = ("mean_of_children",)
GEO_VERSIONS = ("pre2025", "2025")
CODE_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

_TOP_REQUIRED = (
    "id", "name_vi", "name_en", "first_year", "legal_basis", "population_vi", "population_en",
    "aggregation", "formula_status", "notes", "scale", "components", "items",
)  # fmt: skip
_TOP_OPTIONAL = ("last_year",)
_SCALE_KEYS = ("min", "max", "positive_min", "positive_max", "missing_codes", "labels_vi", "labels_en")
_COMPONENT_REQUIRED = ("code", "level", "name_vi", "name_en")
_COMPONENT_OPTIONAL = ("parent", "weight")
_ITEM_REQUIRED = ("code", "kind", "text_vi", "text_en", "wording_status")
_ITEM_OPTIONAL = ("element", "scale_min", "scale_max") + _SCALE_KEYS[2:]
_WAVE_REQUIRED = ("year", "methodology", "geo_version", "notes_vi", "notes_en")
_WAVE_OPTIONAL = ("fieldwork_start", "fieldwork_end", "fieldwork_approximate")


class MethodologyError(ValueError):
    """Invalid methodology or wave file; carries the file, the field and English + Vietnamese messages."""

    def __init__(self, file: str, field: str, message_en: str, message_vi: str) -> None:
        super().__init__(f"{file}: {field}: {message_en}")
        self.file = file
        self.field = field
        self.message_en = message_en
        self.message_vi = message_vi


@dataclass(frozen=True)
class Scale:
    """Answer scale of an item: valid codes min..max, 'positive' (satisfied) codes, non-answer codes."""

    min: int
    max: int
    positive_min: int
    positive_max: int
    missing_codes: tuple[int, ...]
    labels_vi: tuple[str, ...]
    labels_en: tuple[str, ...]

    def is_valid(self, value: int) -> bool:
        """True for an answer code on the scale (missing codes excluded)."""
        return self.min <= value <= self.max

    def is_positive(self, value: int) -> bool:
        """True for an answer counted as satisfied / positive."""
        return self.positive_min <= value <= self.positive_max

    def is_missing(self, value: int) -> bool:
        """True for a 'not applicable / no answer' code (excluded from the base)."""
        return value in self.missing_codes


@dataclass(frozen=True)
class Component:
    """Node of the index tree: the overall index, a domain or an element."""

    code: str
    level: str
    parent: str | None
    name_vi: str
    name_en: str
    weight: float
    position: int


@dataclass(frozen=True)
class Item:
    """One question; satisfaction items feed an element, perception/expectation items are outside it."""

    code: str
    kind: str
    element: str | None
    text_vi: str
    text_en: str
    wording_status: str
    scale: Scale
    position: int


@dataclass(frozen=True)
class Methodology:
    """One survey design, as read from its TOML file."""

    id: str
    name_vi: str
    name_en: str
    first_year: int
    last_year: int | None
    legal_basis: str
    population_vi: str
    population_en: str
    aggregation: str
    formula_status: str
    notes: str
    scale: Scale
    components: tuple[Component, ...]
    items: tuple[Item, ...]
    file_name: str
    sha256: str

    def covers(self, year: int) -> bool:
        """True if `year` lies within first_year..last_year (open-ended when last_year is None)."""
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def component(self, code: str) -> Component:
        """The component with this code (KeyError if unknown)."""
        for comp in self.components:
            if comp.code == code:
                return comp
        raise KeyError(f"{self.id}: unknown component {code!r}")

    def overall(self) -> Component:
        """The single root component."""
        return next(c for c in self.components if c.level == "overall")

    def children(self, code: str) -> tuple[Component, ...]:
        """Components whose parent is `code`, in file order."""
        return tuple(c for c in self.components if c.parent == code)

    def domains(self) -> tuple[Component, ...]:
        """Domain components in file order."""
        return tuple(c for c in self.components if c.level == "domain")

    def elements(self) -> tuple[Component, ...]:
        """Element components in file order."""
        return tuple(c for c in self.components if c.level == "element")

    def item(self, code: str) -> Item:
        """The item with this code (KeyError if unknown)."""
        for it in self.items:
            if it.code == code:
                return it
        raise KeyError(f"{self.id}: unknown item {code!r}")

    def index_items(self) -> tuple[Item, ...]:
        """Satisfaction items that feed an element (the items the index is computed from)."""
        return tuple(i for i in self.items if i.kind == "satisfaction" and i.element is not None)

    def items_of(self, element: str) -> tuple[Item, ...]:
        """Satisfaction items of one element, in file order."""
        return tuple(i for i in self.index_items() if i.element == element)

    def items_by_kind(self, kind: str) -> tuple[Item, ...]:
        """Items of one kind ('satisfaction', 'perception', 'expectation'), in file order."""
        return tuple(i for i in self.items if i.kind == kind)


@dataclass(frozen=True)
class Wave:
    """One yearly survey round and the design it used."""

    year: int
    methodology: str
    geo_version: str
    fieldwork_start: dt.date | None
    fieldwork_end: dt.date | None
    fieldwork_approximate: bool
    notes_vi: str
    notes_en: str


# ---------------------------------------------------------------------------------------------- helpers


class _Reader:
    """Typed access to TOML tables that raises MethodologyError naming the file and the field."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, field: str, message_en: str, message_vi: str) -> NoReturn:
        raise MethodologyError(self.file, field, message_en, message_vi)

    def check_keys(
        self, table: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> None:
        if not isinstance(table, dict):
            self.fail(where, "expected a table", "cần một bảng (table)")
        for key in required:
            if key not in table:
                self.fail(f"{where}.{key}" if where else key, "required key missing", "thiếu khoá bắt buộc")
        for key in table:
            if key not in required and key not in optional:
                self.fail(f"{where}.{key}" if where else key, "unknown key", "khoá không được hỗ trợ")

    def text(self, table: dict, key: str, where: str) -> str:
        value = table[key]
        field = f"{where}.{key}" if where else key
        if not isinstance(value, str) or not value.strip():
            self.fail(field, "expected a non-empty string", "cần một chuỗi không rỗng")
        return value

    def integer(self, table: dict, key: str, where: str) -> int:
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{where}.{key}" if where else key, "expected an integer", "cần một số nguyên")
        return value

    def choice(self, table: dict, key: str, where: str, allowed: tuple[str, ...]) -> str:
        value = self.text(table, key, where)
        if value not in allowed:
            self.fail(
                f"{where}.{key}" if where else key,
                f"{value!r} is not one of {', '.join(allowed)}",
                f"{value!r} không thuộc các giá trị {', '.join(allowed)}",
            )
        return value

    def code(self, table: dict, key: str, where: str) -> str:
        value = self.text(table, key, where)
        if not CODE_RE.match(value):
            self.fail(
                f"{where}.{key}",
                f"code {value!r} must be lowercase snake_case (a-z, 0-9, _)",
                f"mã {value!r} phải viết thường, dạng snake_case (a-z, 0-9, _)",
            )
        return value

    def check_nfc(self, value: Any, field: str) -> None:
        """Every string in the document must be Unicode NFC (Vietnamese diacritics composed)."""
        if isinstance(value, str):
            if unicodedata.normalize("NFC", value) != value:
                self.fail(field, "text is not Unicode NFC", "văn bản chưa chuẩn hoá Unicode NFC")
        elif isinstance(value, dict):
            for key, sub in value.items():
                self.check_nfc(sub, f"{field}.{key}" if field else key)
        elif isinstance(value, list):
            for k, sub in enumerate(value):
                self.check_nfc(sub, f"{field}[{k}]")


def _read_toml(path: Path) -> tuple[dict, bytes]:
    """Parsed document and raw bytes; a syntax error becomes a MethodologyError."""
    raw = path.read_bytes()
    try:
        return tomllib.loads(raw.decode("utf-8")), raw
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MethodologyError(path.name, "-", f"invalid TOML: {exc}", f"TOML không hợp lệ: {exc}") from exc


def _scale(r: _Reader, table: dict, where: str, keys: dict[str, str], base: Scale | None) -> Scale:
    """Build a Scale from `table` (key names mapped by `keys`), inheriting unset fields from `base`."""

    def get_int(name: str) -> int:
        key = keys[name]
        if key in table:
            return r.integer(table, key, where)
        if base is None:
            r.fail(f"{where}.{key}", "required key missing", "thiếu khoá bắt buộc")
        return getattr(base, name)

    lo, hi = get_int("min"), get_int("max")
    pos_lo, pos_hi = get_int("positive_min"), get_int("positive_max")
    if "missing_codes" in table:
        missing = table["missing_codes"]
        if not isinstance(missing, list) or any(
            isinstance(v, bool) or not isinstance(v, int) for v in missing
        ):
            r.fail(f"{where}.missing_codes", "expected a list of integers", "cần một danh sách số nguyên")
        missing_codes = tuple(missing)
    elif base is not None:
        missing_codes = base.missing_codes
    else:
        r.fail(f"{where}.missing_codes", "required key missing", "thiếu khoá bắt buộc")

    if not lo <= pos_lo <= pos_hi <= hi:
        r.fail(
            where,
            f"scale must satisfy min <= positive_min <= positive_max <= max; "
            f"got {lo}, {pos_lo}, {pos_hi}, {hi}",
            f"thang đo phải thoả min <= positive_min <= positive_max <= max; "
            f"đang là {lo}, {pos_lo}, {pos_hi}, {hi}",
        )
    inside = [v for v in missing_codes if lo <= v <= hi]
    if inside:
        r.fail(
            f"{where}.missing_codes",
            f"missing codes {inside} lie inside the answer range {lo}..{hi}",
            f"mã thiếu {inside} nằm trong khoảng trả lời {lo}..{hi}",
        )
    if len(set(missing_codes)) != len(missing_codes):
        r.fail(f"{where}.missing_codes", "duplicate missing codes", "mã thiếu bị trùng")

    labels: dict[str, tuple[str, ...]] = {}
    for lang in ("vi", "en"):
        key = keys[f"labels_{lang}"]
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                r.fail(
                    f"{where}.{key}", "expected a list of non-empty strings", "cần danh sách chuỗi không rỗng"
                )
            labels[lang] = tuple(value)
        elif base is not None and (base.min, base.max) == (lo, hi):
            labels[lang] = getattr(base, f"labels_{lang}")
        else:
            r.fail(
                f"{where}.{key}",
                "labels required when the scale range differs from the file's scale",
                "cần nhãn khi khoảng thang đo khác thang đo chung của tệp",
            )
        if len(labels[lang]) != hi - lo + 1:
            r.fail(
                f"{where}.{key}",
                f"expected {hi - lo + 1} labels (one per code {lo}..{hi}), got {len(labels[lang])}",
                f"cần {hi - lo + 1} nhãn (mỗi mã {lo}..{hi} một nhãn), đang có {len(labels[lang])}",
            )
    return Scale(lo, hi, pos_lo, pos_hi, missing_codes, labels["vi"], labels["en"])


_FILE_SCALE_KEYS = {k: k for k in _SCALE_KEYS}
_ITEM_SCALE_KEYS = {"min": "scale_min", "max": "scale_max"} | {k: k for k in _SCALE_KEYS[2:]}


# ---------------------------------------------------------------------------------------------- loaders


def load_methodology(path: Path | str) -> Methodology:
    """Read and validate one design file; raises MethodologyError on the first problem found."""
    path = Path(path)
    doc, raw = _read_toml(path)
    r = _Reader(path.name)
    r.check_nfc(doc, "")
    r.check_keys(doc, "", _TOP_REQUIRED, _TOP_OPTIONAL)

    mid = r.code(doc, "id", "")
    if mid != path.stem:
        r.fail("id", f"id {mid!r} must equal the file name stem {path.stem!r}", "id phải trùng với tên tệp")
    first_year = r.integer(doc, "first_year", "")
    last_year = r.integer(doc, "last_year", "") if "last_year" in doc else None
    if last_year is not None and last_year < first_year:
        r.fail("last_year", "last_year is before first_year", "last_year nhỏ hơn first_year")

    scale_table = doc["scale"]
    r.check_keys(scale_table, "scale", _SCALE_KEYS, ())
    scale = _scale(r, scale_table, "scale", _FILE_SCALE_KEYS, None)

    components = _components(r, doc["components"])
    items = _items(r, doc["items"], components, scale)

    return Methodology(
        id=mid,
        name_vi=r.text(doc, "name_vi", ""),
        name_en=r.text(doc, "name_en", ""),
        first_year=first_year,
        last_year=last_year,
        legal_basis=r.text(doc, "legal_basis", ""),
        population_vi=r.text(doc, "population_vi", ""),
        population_en=r.text(doc, "population_en", ""),
        aggregation=r.choice(doc, "aggregation", "", AGGREGATIONS),
        formula_status=r.choice(doc, "formula_status", "", FORMULA_STATUSES),
        notes=r.text(doc, "notes", ""),
        scale=scale,
        components=components,
        items=items,
        file_name=path.name,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _components(r: _Reader, tables: Any) -> tuple[Component, ...]:
    """Validate the component tree: unique codes, one root, parents exist, levels step down one at a time."""
    if not isinstance(tables, list) or not tables:
        r.fail("components", "expected a non-empty array of tables", "cần một mảng bảng không rỗng")
    comps: list[Component] = []
    for pos, table in enumerate(tables, start=1):
        where = f"components[{pos - 1}]"
        r.check_keys(table, where, _COMPONENT_REQUIRED, _COMPONENT_OPTIONAL)
        weight = table.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not weight > 0:
            r.fail(f"{where}.weight", "weight must be a positive number", "trọng số phải là số dương")
        parent = r.code(table, "parent", where) if "parent" in table else None
        comps.append(
            Component(
                code=r.code(table, "code", where),
                level=r.choice(table, "level", where, LEVELS),
                parent=parent,
                name_vi=r.text(table, "name_vi", where),
                name_en=r.text(table, "name_en", where),
                weight=float(weight),
                position=pos,
            )
        )
    by_code: dict[str, Component] = {}
    for k, comp in enumerate(comps):
        if comp.code in by_code:
            r.fail(
                f"components[{k}].code",
                f"duplicate component code {comp.code!r}",
                f"mã thành phần {comp.code!r} bị trùng",
            )
        by_code[comp.code] = comp
    roots = [c for c in comps if c.level == "overall"]
    if len(roots) != 1:
        r.fail(
            "components",
            f"exactly one 'overall' component required, found {len(roots)}",
            f"cần đúng một thành phần 'overall', đang có {len(roots)}",
        )
    for k, comp in enumerate(comps):
        where = f"components[{k}].parent"
        if comp.level == "overall":
            if comp.parent is not None:
                r.fail(where, "the overall component has no parent", "thành phần 'overall' không có cấp trên")
            continue
        if comp.parent is None:
            r.fail(where, f"{comp.code!r} needs a parent", f"{comp.code!r} cần thành phần cấp trên")
        if comp.parent not in by_code:
            r.fail(
                where,
                f"unknown parent {comp.parent!r} of {comp.code!r}",
                f"không có thành phần cấp trên {comp.parent!r} của {comp.code!r}",
            )
        expected = LEVELS[LEVELS.index(comp.level) - 1]
        actual = by_code[comp.parent].level
        if actual != expected:
            r.fail(
                where,
                f"a {comp.level} must have a {expected} as parent; {comp.parent!r} is a {actual}",
                f"thành phần cấp {comp.level} phải thuộc một {expected}; {comp.parent!r} là {actual}",
            )
    for k, comp in enumerate(comps):
        if comp.level == "domain" and not any(c.parent == comp.code for c in comps):
            r.fail(
                f"components[{k}]",
                f"domain {comp.code!r} has no element",
                f"lĩnh vực {comp.code!r} không có yếu tố nào",
            )
    if not any(c.level == "domain" for c in comps):
        r.fail("components", "at least one domain required", "cần ít nhất một lĩnh vực (domain)")
    return tuple(comps)


def _items(r: _Reader, tables: Any, components: tuple[Component, ...], base: Scale) -> tuple[Item, ...]:
    """Validate items: unique codes, satisfaction items name an element, every element has an item."""
    if not isinstance(tables, list) or not tables:
        r.fail("items", "expected a non-empty array of tables", "cần một mảng bảng không rỗng")
    levels = {c.code: c.level for c in components}
    items: list[Item] = []
    seen: set[str] = set()
    for pos, table in enumerate(tables, start=1):
        where = f"items[{pos - 1}]"
        r.check_keys(table, where, _ITEM_REQUIRED, _ITEM_OPTIONAL)
        code = r.code(table, "code", where)
        if code in seen:
            r.fail(f"{where}.code", f"duplicate item code {code!r}", f"mã câu hỏi {code!r} bị trùng")
        seen.add(code)
        kind = r.choice(table, "kind", where, ITEM_KINDS)
        element = r.code(table, "element", where) if "element" in table else None
        if kind == "satisfaction":
            if element is None:
                r.fail(
                    f"{where}.element",
                    f"satisfaction item {code!r} must name its element",
                    f"câu hỏi hài lòng {code!r} phải ghi yếu tố (element)",
                )
            if levels.get(element) != "element":
                r.fail(
                    f"{where}.element",
                    f"item {code!r}: {element!r} is not an element of this design",
                    f"câu hỏi {code!r}: {element!r} không phải là yếu tố của phương pháp này",
                )
            if not code.startswith(f"{element}_"):
                r.fail(
                    f"{where}.code",
                    f"item code {code!r} must start with its element {element!r} + '_'",
                    f"mã câu hỏi {code!r} phải bắt đầu bằng mã yếu tố {element!r} + '_'",
                )
        elif element is not None:
            r.fail(
                f"{where}.element",
                f"{kind} item {code!r} lies outside the index and must not name an element",
                f"câu hỏi loại {kind} {code!r} nằm ngoài chỉ số, không được ghi yếu tố",
            )
        items.append(
            Item(
                code=code,
                kind=kind,
                element=element,
                text_vi=r.text(table, "text_vi", where),
                text_en=r.text(table, "text_en", where),
                wording_status=r.choice(table, "wording_status", where, WORDING_STATUSES),
                scale=_scale(r, table, where, _ITEM_SCALE_KEYS, base),
                position=pos,
            )
        )
    clash = seen & set(levels)
    if clash:
        r.fail(
            "items",
            f"item codes also used as component codes: {sorted(clash)}",
            f"mã câu hỏi trùng mã thành phần: {sorted(clash)}",
        )
    for k, comp in enumerate(components):
        if comp.level == "element" and not any(i.element == comp.code for i in items):
            r.fail(
                f"components[{k}]",
                f"element {comp.code!r} has no satisfaction item",
                f"yếu tố {comp.code!r} không có câu hỏi hài lòng nào",
            )
    return tuple(items)


def load_all(directory: Path | str = METHODOLOGY_DIR) -> dict[str, Methodology]:
    """Every `*.toml` design in `directory`, keyed by id; year ranges of the designs must not overlap."""
    directory = Path(directory)
    result: dict[str, Methodology] = {}
    for path in sorted(directory.glob("*.toml")):
        m = load_methodology(path)
        for other in result.values():
            hi_m = m.last_year if m.last_year is not None else 10_000
            hi_o = other.last_year if other.last_year is not None else 10_000
            if m.first_year <= hi_o and other.first_year <= hi_m:
                raise MethodologyError(
                    path.name,
                    "first_year",
                    f"years overlap with {other.file_name}",
                    f"khoảng năm trùng với {other.file_name}",
                )
        result[m.id] = m
    if not result:
        raise MethodologyError(
            str(directory), "-", "no methodology file found", "không tìm thấy tệp phương pháp"
        )
    return result


def load_waves(
    path: Path | str = WAVES_FILE, methodologies: Mapping[str, Methodology] | None = None
) -> dict[int, Wave]:
    """Waves keyed by year; each must name a known design whose years include the wave's year."""
    path = Path(path)
    if methodologies is None:
        methodologies = load_all()
    doc, _ = _read_toml(path)
    r = _Reader(path.name)
    r.check_nfc(doc, "")
    r.check_keys(doc, "", ("wave",), ())
    tables = doc["wave"]
    if not isinstance(tables, list) or not tables:
        r.fail("wave", "expected a non-empty array of [[wave]] tables", "cần một mảng [[wave]] không rỗng")
    waves: dict[int, Wave] = {}
    for k, table in enumerate(tables):
        where = f"wave[{k}]"
        r.check_keys(table, where, _WAVE_REQUIRED, _WAVE_OPTIONAL)
        year = r.integer(table, "year", where)
        if year in waves:
            r.fail(f"{where}.year", f"duplicate wave year {year}", f"năm khảo sát {year} bị trùng")
        mid = r.text(table, "methodology", where)
        if mid not in methodologies:
            r.fail(f"{where}.methodology", f"unknown methodology {mid!r}", f"không có phương pháp {mid!r}")
        if not methodologies[mid].covers(year):
            m = methodologies[mid]
            r.fail(
                f"{where}.methodology",
                f"{mid} covers {m.first_year}..{m.last_year}, not {year}",
                f"{mid} áp dụng cho {m.first_year}..{m.last_year}, không gồm năm {year}",
            )
        dates: dict[str, dt.date | None] = {}
        for key in ("fieldwork_start", "fieldwork_end"):
            value = table.get(key)
            if value is not None and (isinstance(value, dt.datetime) or not isinstance(value, dt.date)):
                r.fail(
                    f"{where}.{key}", "expected a TOML date (YYYY-MM-DD)", "cần ngày dạng TOML (YYYY-MM-DD)"
                )
            dates[key] = value
        start, end = dates["fieldwork_start"], dates["fieldwork_end"]
        if start is not None and end is not None and start > end:
            r.fail(
                f"{where}.fieldwork_end",
                "fieldwork ends before it starts",
                "ngày kết thúc trước ngày bắt đầu",
            )
        approximate = table.get("fieldwork_approximate", True)
        if not isinstance(approximate, bool):
            r.fail(f"{where}.fieldwork_approximate", "expected true or false", "cần true hoặc false")
        waves[year] = Wave(
            year=year,
            methodology=mid,
            geo_version=r.choice(table, "geo_version", where, GEO_VERSIONS),
            fieldwork_start=start,
            fieldwork_end=end,
            fieldwork_approximate=approximate,
            notes_vi=r.text(table, "notes_vi", where),
            notes_en=r.text(table, "notes_en", where),
        )
    return dict(sorted(waves.items()))


# ---------------------------------------------------------------------------------------------- store


def store_rows(m: Methodology) -> dict[str, pd.DataFrame]:
    """Frames with exactly the columns of the tables methodology, methodology_component, methodology_item."""
    methodology = pd.DataFrame(
        [
            {
                "methodology_id": m.id,
                "name_vi": m.name_vi,
                "name_en": m.name_en,
                "first_year": m.first_year,
                "last_year": m.last_year,
                "legal_basis": m.legal_basis,
                "population_vi": m.population_vi,
                "population_en": m.population_en,
                "aggregation": m.aggregation,
                "formula_status": m.formula_status,
                "notes": m.notes,
                "file_name": m.file_name,
                "file_sha256": m.sha256,
            }
        ]
    )
    components = pd.DataFrame(
        [
            {
                "methodology_id": m.id,
                "component_code": c.code,
                "level": c.level,
                "parent_code": c.parent,
                "name_vi": c.name_vi,
                "name_en": c.name_en,
                "weight": c.weight,
                "position": c.position,
            }
            for c in m.components
        ]
    )
    items = pd.DataFrame(
        [
            {
                "methodology_id": m.id,
                "item_code": i.code,
                "kind": i.kind,
                "element_code": i.element,
                "text_vi": i.text_vi,
                "text_en": i.text_en,
                "scale_min": i.scale.min,
                "scale_max": i.scale.max,
                "positive_min": i.scale.positive_min,
                "positive_max": i.scale.positive_max,
                "missing_codes": [int(v) for v in i.scale.missing_codes],
                "wording_status": i.wording_status,
                "position": i.position,
            }
            for i in m.items
        ]
    )
    return {"methodology": methodology, "methodology_component": components, "methodology_item": items}
