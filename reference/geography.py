"""Administrative units and the 2025 crosswalk, built from the ``vietnamadminunits`` package (MIT).

Sources inside the installed package (read-only):

* ``data/dataset.db`` (SQLite): ``admin_units_legacy`` (63 provinces, 696 districts, 10,035 communes before
  1 July 2025) and ``admin_units`` (34 provinces, 3,321 communes from 1 July 2025).
* ``data/converter_2025.json``: ``DICT_PROVINCE`` (whole-province merges) and the commune dictionaries
  ``DICT_PROVINCE_WARD_NO_DIVIDED`` / ``DICT_PROVINCE_WARD_DIVIDED``.

Crosswalk coverage with vietnamadminunits 1.0.4 (see :func:`crosswalk_coverage`): all 63 provinces, all 696
districts and all 10,035 legacy communes are mapped; 471 legacy communes were divided between several new
communes. Five island districts have no communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo); the
package maps them straight to a 2025 special zone, which this crosswalk represents only as D63 -> P34.

Package data quirks handled here:

* the unit type is taken from the full name, not from the ``districtType``/``wardType`` columns, which
  disagree with the name for 7 communes (e.g. 'Thị trấn Ngọc Lặc' typed 'Xã');
* 10 names capitalise the type word ('Thành Phố Bắc Kạn', 'Thị Trấn Óc Eo'); it is written 'Thành phố';
* the package's short names carry a disambiguation suffix ('Cai Lậy (Thị xã)'); ``short_vi`` is derived
  from the full name instead (numbered units keep their type: 'Quận 1', 'Phường 3', a bare '1' is no name);
* 4 new communes have a missing or zero area; when a divided old commune has such a target, its shares
  fall back to equal shares (the schema requires share > 0).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata
import importlib.util
import json
import sqlite3
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd

PACKAGE = "vietnamadminunits"

UNIT_COLUMNS: list[str] = [
    "unit_id",
    "gso_code",
    "level",
    "geo_version",
    "name_vi",
    "short_vi",
    "type_vi",
    "name_en",
    "parent_id",
    "region_id",
    "valid_from",
    "valid_to",
    "lat",
    "lon",
    "is_generated",
]
CROSSWALK_COLUMNS: list[str] = ["old_unit_id", "new_unit_id", "share", "is_default", "effective", "source"]

PRE2025_VALID_FROM = dt.date(2008, 8, 1)  # Hà Tây merged into Hà Nội: the 63-province map starts here.
PRE2025_VALID_TO = dt.date(2025, 6, 30)
NEW_VALID_FROM = dt.date(2025, 7, 1)

# GSO's six socio-economic regions: id -> (Vietnamese name, English name).
REGIONS: dict[str, tuple[str, str]] = {
    "R-1": ("Trung du và miền núi phía Bắc", "Northern Midlands and Mountain Areas"),
    "R-2": ("Đồng bằng sông Hồng", "Red River Delta"),
    "R-3": ("Bắc Trung Bộ và duyên hải miền Trung", "North Central and Central Coastal Areas"),
    "R-4": ("Tây Nguyên", "Central Highlands"),
    "R-5": ("Đông Nam Bộ", "South East"),
    "R-6": ("Đồng bằng sông Cửu Long", "Mekong River Delta"),
}

# Official GSO region of each of the 63 pre-2025 provinces, keyed by GSO code
# (GSO statistical yearbooks: Quảng Ninh, Vĩnh Phúc and Bắc Ninh are in the Red River Delta).
PROVINCE_REGION_63: dict[str, str] = {
    # R-1 Trung du và miền núi phía Bắc (14)
    "02": "R-1",  # Hà Giang
    "04": "R-1",  # Cao Bằng
    "06": "R-1",  # Bắc Kạn
    "08": "R-1",  # Tuyên Quang
    "10": "R-1",  # Lào Cai
    "11": "R-1",  # Điện Biên
    "12": "R-1",  # Lai Châu
    "14": "R-1",  # Sơn La
    "15": "R-1",  # Yên Bái
    "17": "R-1",  # Hòa Bình
    "19": "R-1",  # Thái Nguyên
    "20": "R-1",  # Lạng Sơn
    "24": "R-1",  # Bắc Giang
    "25": "R-1",  # Phú Thọ
    # R-2 Đồng bằng sông Hồng (11)
    "01": "R-2",  # Hà Nội
    "22": "R-2",  # Quảng Ninh
    "26": "R-2",  # Vĩnh Phúc
    "27": "R-2",  # Bắc Ninh
    "30": "R-2",  # Hải Dương
    "31": "R-2",  # Hải Phòng
    "33": "R-2",  # Hưng Yên
    "34": "R-2",  # Thái Bình
    "35": "R-2",  # Hà Nam
    "36": "R-2",  # Nam Định
    "37": "R-2",  # Ninh Bình
    # R-3 Bắc Trung Bộ và duyên hải miền Trung (14)
    "38": "R-3",  # Thanh Hóa
    "40": "R-3",  # Nghệ An
    "42": "R-3",  # Hà Tĩnh
    "44": "R-3",  # Quảng Bình
    "45": "R-3",  # Quảng Trị
    "46": "R-3",  # Huế (Thừa Thiên Huế)
    "48": "R-3",  # Đà Nẵng
    "49": "R-3",  # Quảng Nam
    "51": "R-3",  # Quảng Ngãi
    "52": "R-3",  # Bình Định
    "54": "R-3",  # Phú Yên
    "56": "R-3",  # Khánh Hòa
    "58": "R-3",  # Ninh Thuận
    "60": "R-3",  # Bình Thuận
    # R-4 Tây Nguyên (5)
    "62": "R-4",  # Kon Tum
    "64": "R-4",  # Gia Lai
    "66": "R-4",  # Đắk Lắk
    "67": "R-4",  # Đắk Nông
    "68": "R-4",  # Lâm Đồng
    # R-5 Đông Nam Bộ (6)
    "70": "R-5",  # Bình Phước
    "72": "R-5",  # Tây Ninh
    "74": "R-5",  # Bình Dương
    "75": "R-5",  # Đồng Nai
    "77": "R-5",  # Bà Rịa - Vũng Tàu
    "79": "R-5",  # TP Hồ Chí Minh
    # R-6 Đồng bằng sông Cửu Long (13)
    "80": "R-6",  # Long An
    "82": "R-6",  # Tiền Giang
    "83": "R-6",  # Bến Tre
    "84": "R-6",  # Trà Vinh
    "86": "R-6",  # Vĩnh Long
    "87": "R-6",  # Đồng Tháp
    "89": "R-6",  # An Giang
    "91": "R-6",  # Kiên Giang
    "92": "R-6",  # Cần Thơ
    "93": "R-6",  # Hậu Giang
    "94": "R-6",  # Sóc Trăng
    "95": "R-6",  # Bạc Liêu
    "96": "R-6",  # Cà Mau
}

# Unit type words as they prefix full names (longest first so 'Thành phố' wins over shorter words).
UNIT_TYPES_VI: tuple[str, ...] = (
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Đặc khu",
    "Phường",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Xã",
)
TYPE_EN: dict[str, str] = {
    "Tỉnh": "Province",
    "Thành phố": "City",
    "Quận": "District",
    "Huyện": "District",
    "Thị xã": "Town",
    "Thị trấn": "Town",
    "Phường": "Ward",
    "Xã": "Commune",
    "Đặc khu": "Special Zone",
}
# Well-known English names of provinces, by GSO code (same codes before and after 2025).
PROVINCE_NAME_EN: dict[str, str] = {
    "01": "Hanoi",
    "79": "Ho Chi Minh City",
    "46": "Hue City",
    "48": "Da Nang City",
}


def _package_file(name: str) -> Path:
    """Path of a file in the package's ``data`` directory."""
    spec = importlib.util.find_spec(PACKAGE)  # locates the package without importing (and loading) it
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"package {PACKAGE!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


@functools.cache
def _source_label(detail: str) -> str:
    return f"{PACKAGE} {importlib.metadata.version(PACKAGE)} {detail}"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def ascii_fold(text: str) -> str:
    """Remove Vietnamese diacritics keeping case and punctuation ('Đắk Lắk' -> 'Dak Lak')."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@functools.lru_cache(maxsize=65536)
def split_type(name_vi: str) -> tuple[str | None, str]:
    """Split a full Vietnamese unit name into (type word, rest): 'Huyện Ba Vì' -> ('Huyện', 'Ba Vì')."""
    name_vi = _nfc(name_vi).strip()
    lowered = name_vi.lower()
    for type_vi in UNIT_TYPES_VI:
        if lowered.startswith(type_vi.lower() + " "):
            return type_vi, name_vi[len(type_vi) + 1 :].strip()
    return None, name_vi


def _short_name(name_vi: str) -> str:
    """Name without the type word; numbered units keep it ('Quận 1', 'Phường 3'), a bare number is no name."""
    type_vi, rest = split_type(name_vi)
    if type_vi is None or rest.isdigit():
        return name_vi
    return rest


def english_name(name_vi: str, gso_code: str | None = None, level: str | None = None) -> str:
    """English name: folded short name + English type word ('Huyện Ba Vì' -> 'Ba Vi District')."""
    if level == "province" and gso_code in PROVINCE_NAME_EN:
        return PROVINCE_NAME_EN[gso_code]
    type_vi, rest = split_type(name_vi)
    if type_vi is None:
        return ascii_fold(name_vi)
    type_en = TYPE_EN[type_vi]
    if rest.isdigit():
        return f"{type_en} {rest}"
    return f"{ascii_fold(rest)} {type_en}"


@functools.lru_cache(maxsize=1)
def _read_dataset() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(legacy, new) tables of the package's SQLite file, opened read-only."""
    uri = _package_file("dataset.db").as_uri() + "?mode=ro"
    with sqlite3.connect(uri, uri=True) as sq:
        legacy = pd.read_sql_query(
            "SELECT province, district, ward, provinceCode, provinceLat, provinceLon, districtCode,"
            " districtLat, districtLon, wardCode, wardLat, wardLon, provinceKey, districtKey, wardKey"
            " FROM admin_units_legacy",
            sq,
        )
        new = pd.read_sql_query(
            "SELECT province, ward, provinceCode, provinceLat, provinceLon, wardCode, wardLat, wardLon,"
            " wardAreaKm2, provinceKey, wardKey FROM admin_units",
            sq,
        )
    # Plain Python objects: row iteration over Arrow-backed strings is several times slower.
    return _as_objects(legacy), _as_objects(new)


def _as_objects(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: df[c].to_numpy(dtype=object, na_value=None) for c in df.columns}, dtype=object)


@functools.lru_cache(maxsize=1)
def _read_converter() -> dict[str, Any]:
    with _package_file("converter_2025.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def _unit_row(
    unit_id: str,
    gso_code: str | None,
    level: str,
    geo_version: str,
    name_vi: str,
    parent_id: str | None,
    region_id: str | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    lat: float | None,
    lon: float | None,
) -> dict[str, Any]:
    type_vi, rest = split_type(name_vi)
    name_vi = f"{type_vi} {rest}" if type_vi else _nfc(name_vi).strip()  # 'Thị Xã X' -> 'Thị xã X'
    return {
        "unit_id": unit_id,
        "gso_code": gso_code,
        "level": level,
        "geo_version": geo_version,
        "name_vi": name_vi,
        "short_vi": _short_name(name_vi),
        "type_vi": type_vi,
        "name_en": english_name(name_vi, gso_code, level),
        "parent_id": parent_id,
        "region_id": region_id,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "lat": None if lat is None or pd.isna(lat) else float(lat),
        "lon": None if lon is None or pd.isna(lon) else float(lon),
        "is_generated": False,
    }


def _region_rows() -> list[dict[str, Any]]:
    rows = [
        {
            "unit_id": "VN",
            "gso_code": None,
            "level": "nation",
            "geo_version": "any",
            "name_vi": "Việt Nam",
            "short_vi": "Việt Nam",
            "type_vi": None,
            "name_en": "Viet Nam",
            "parent_id": None,
            "region_id": None,
            "valid_from": None,
            "valid_to": None,
            "lat": None,
            "lon": None,
            "is_generated": False,
        }
    ]
    for region_id, (name_vi, name_en) in REGIONS.items():
        rows.append(
            {
                **rows[0],
                "unit_id": region_id,
                "level": "region",
                "name_vi": _nfc(name_vi),
                "short_vi": _nfc(name_vi),
                "name_en": name_en,
                "parent_id": "VN",
            }
        )
    return rows


def new_province_region(new_gso_code: str, new_short_name: str | None = None) -> str:
    """Region of a 2025 province: that of the old province whose name the new province kept (new Gia Lai ->
    old Gia Lai, Tây Nguyên), else that of the old province that kept its GSO code. Seven new provinces took
    the code of a differently named old province (e.g. Gia Lai took Bình Định's 52), so names come first."""
    if new_short_name is not None:
        legacy, _ = _read_dataset()
        wanted = ascii_fold(_short_name(new_short_name)).lower()
        for code, name in zip(legacy["provinceCode"], legacy["province"], strict=True):
            if ascii_fold(_short_name(name)).lower() == wanted:
                return PROVINCE_REGION_63[code]
    return PROVINCE_REGION_63[new_gso_code]


@functools.lru_cache(maxsize=1)
def _build_units() -> pd.DataFrame:
    legacy, new = _read_dataset()
    rows = _region_rows()

    provinces = legacy.drop_duplicates("provinceCode").sort_values("provinceCode")
    for r in provinces.itertuples(index=False):
        region = PROVINCE_REGION_63[r.provinceCode]
        rows.append(
            _unit_row(
                f"P63-{r.provinceCode}", r.provinceCode, "province", "pre2025", r.province, region, region,
                PRE2025_VALID_FROM, PRE2025_VALID_TO, r.provinceLat, r.provinceLon,
            )
        )  # fmt: skip
    districts = legacy.drop_duplicates("districtCode").sort_values("districtCode")
    for r in districts.itertuples(index=False):
        rows.append(
            _unit_row(
                f"D63-{r.districtCode}", r.districtCode, "district", "pre2025", r.district,
                f"P63-{r.provinceCode}", PROVINCE_REGION_63[r.provinceCode], None, PRE2025_VALID_TO,
                r.districtLat, r.districtLon,
            )
        )  # fmt: skip
    communes = legacy[legacy["wardCode"].notna()].sort_values("wardCode")
    for r in communes.itertuples(index=False):
        rows.append(
            _unit_row(
                f"C63-{r.wardCode}", r.wardCode, "commune", "pre2025", r.ward, f"D63-{r.districtCode}",
                PROVINCE_REGION_63[r.provinceCode], None, PRE2025_VALID_TO, r.wardLat, r.wardLon,
            )
        )  # fmt: skip

    new_provinces = new.drop_duplicates("provinceCode").sort_values("provinceCode")
    new_region = {
        code: new_province_region(code, short)
        for code, short in zip(new_provinces["provinceCode"], new_provinces["province"], strict=True)
    }
    for r in new_provinces.itertuples(index=False):
        region = new_region[r.provinceCode]
        rows.append(
            _unit_row(
                f"P34-{r.provinceCode}", r.provinceCode, "province", "2025", r.province, region, region,
                NEW_VALID_FROM, None, r.provinceLat, r.provinceLon,
            )
        )  # fmt: skip
    for r in new.sort_values("wardCode").itertuples(index=False):
        rows.append(
            _unit_row(
                f"C34-{r.wardCode}", r.wardCode, "commune", "2025", r.ward, f"P34-{r.provinceCode}",
                new_region[r.provinceCode], NEW_VALID_FROM, None, r.wardLat, r.wardLon,
            )
        )  # fmt: skip

    df = pd.DataFrame.from_records(rows, columns=UNIT_COLUMNS)
    df["lat"] = df["lat"].astype("float64")
    df["lon"] = df["lon"].astype("float64")
    df["is_generated"] = df["is_generated"].astype(bool)
    return df


def build_units() -> pd.DataFrame:
    """All reference units (nation, 6 regions, 63/696/10,035 pre-2025 and 34/3,321 units of 2025).

    Columns and order are those of table ``admin_unit``. Each 2025 province gets the GSO region of the old
    province that kept its GSO code (e.g. Gia Lai P34-52 takes Bình Định's R-3, Tây Ninh P34-80 takes
    Long An's R-6, Bắc Ninh P34-24 takes Bắc Giang's R-1); communes inherit their province's region.
    """
    return _build_units().copy()


def _key_maps() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[tuple[str, str], str]]:
    """Package keys -> GSO codes: old province, old 'prov_district_ward', new province, (new prov, ward)."""
    legacy, new = _read_dataset()
    old_province = dict(zip(legacy["provinceKey"], legacy["provinceCode"], strict=True))
    old_ward = {
        f"{p}_{d}_{w}": code
        for p, d, w, code in zip(
            legacy["provinceKey"], legacy["districtKey"], legacy["wardKey"], legacy["wardCode"], strict=True
        )
        if isinstance(w, str) and isinstance(code, str)
    }
    new_province = dict(zip(new["provinceKey"], new["provinceCode"], strict=True))
    new_ward = {
        (p, w): code for p, w, code in zip(new["provinceKey"], new["wardKey"], new["wardCode"], strict=True)
    }
    return old_province, old_ward, new_province, new_ward


def _area_shares(targets: list[dict[str, Any]]) -> list[float]:
    areas = [t.get("newWardAreaKm2") for t in targets]
    if any(a is None or not a > 0 for a in areas):
        return [1.0 / len(targets)] * len(targets)
    total = float(sum(areas))
    return [float(a) / total for a in areas]


@functools.lru_cache(maxsize=1)
def _build_crosswalk() -> pd.DataFrame:
    conv = _read_converter()
    legacy, _ = _read_dataset()
    old_province, old_ward, new_province, new_ward = _key_maps()
    rows: list[dict[str, Any]] = []

    def add(old_id: str, new_id: str, share: float, is_default: bool, detail: str) -> None:
        rows.append(
            {
                "old_unit_id": old_id,
                "new_unit_id": new_id,
                "share": share,
                "is_default": is_default,
                "effective": NEW_VALID_FROM,
                "source": _source_label(detail),
            }
        )

    successor: dict[str, str] = {}
    for new_key, old_keys in conv["DICT_PROVINCE"].items():
        for old_key in old_keys:
            successor[old_province[old_key]] = new_province[new_key]
    for old_code in sorted(successor):
        add(f"P63-{old_code}", f"P34-{successor[old_code]}", 1.0, True, "DICT_PROVINCE")

    districts = legacy.drop_duplicates("districtCode").sort_values("districtCode")
    for d_code, p_code in zip(districts["districtCode"], districts["provinceCode"], strict=True):
        if p_code in successor:
            add(f"D63-{d_code}", f"P34-{successor[p_code]}", 1.0, True, "DICT_PROVINCE (district's province)")

    for new_pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            new_code = new_ward.get((new_pkey, new_wkey))
            for old_key in old_keys:
                old_code = old_ward.get(old_key)
                if new_code is None or old_code is None:  # island districts without communes
                    continue
                add(f"C63-{old_code}", f"C34-{new_code}", 1.0, True, "DICT_PROVINCE_WARD_NO_DIVIDED")
    for new_pkey, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            old_code = old_ward.get(old_key)
            if old_code is None:
                continue
            merged: dict[str, list[Any]] = {}
            for target, share in zip(targets, _area_shares(targets), strict=True):
                new_code = new_ward.get((new_pkey, target["newWardKey"]))
                if new_code is None:
                    continue
                entry = merged.setdefault(new_code, [0.0, False])
                entry[0] += share
                entry[1] = entry[1] or bool(target.get("isDefaultNewWard"))
            for new_code, (share, is_default) in merged.items():
                add(
                    f"C63-{old_code}",
                    f"C34-{new_code}",
                    min(share, 1.0),
                    is_default,
                    "DICT_PROVINCE_WARD_DIVIDED (share by new commune area)",
                )
    df = pd.DataFrame.from_records(rows, columns=CROSSWALK_COLUMNS)
    return df.drop_duplicates(["old_unit_id", "new_unit_id"]).reset_index(drop=True)


def build_crosswalk() -> pd.DataFrame:
    """Old -> new unit rows (columns of table ``unit_crosswalk``), effective 2025-07-01.

    P63 -> P34 (whole merges, share 1), D63 -> P34 (share 1) and C63 -> C34: an undivided old commune has
    one row with share 1; a divided one has a row per target, share proportional to the target's area
    (equal shares if an area is missing), ``is_default`` from the package's default target.
    """
    return _build_crosswalk().copy()


def crosswalk_coverage() -> dict[str, int]:
    """How much of the legacy list the crosswalk covers (counts per level, mapped and unmapped)."""
    units = _build_units()
    xw = _build_crosswalk()
    mapped_old = set(xw["old_unit_id"])
    out: dict[str, int] = {}
    for level, prefix in (("province", "P63-"), ("district", "D63-"), ("commune", "C63-")):
        ids = units.loc[units["unit_id"].str.startswith(prefix), "unit_id"]
        n_mapped = int(ids.isin(mapped_old).sum())
        out[f"{level}_total"] = len(ids)
        out[f"{level}_mapped"] = n_mapped
        out[f"{level}_unmapped"] = len(ids) - n_mapped
    commune_rows = xw[xw["old_unit_id"].str.startswith("C63-")]
    per_old = commune_rows.groupby("old_unit_id").size()
    out["commune_divided"] = int((per_old > 1).sum())
    return out
