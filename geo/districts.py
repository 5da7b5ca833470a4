"""District polygons (before 2025) read at run time from a folder outside the repository, and centroid
fallbacks from the reference units.

The polygons come from github.com/daohoangson/dvhcvn (``data/gis/<2-digit GSO>.json``, GPL-3.0): they are
never copied into this repository, only read from the folder named by the environment variable
``SIPAS_GEO_DISTRICT_DIR`` (default ``<repo>/../shared/geo/raw/dvhcvn/gis``). A missing folder or file
(Quảng Ninh, 22, is missing in the shared copy) gives ``None``; pages then draw
:func:`district_points` as proportional symbols.

Known content: districts merged 2019-2021 keep their pre-merger polygon, so some provinces have holes
(Cao Bằng, TP.HCM, Quảng Ngãi, Hoà Bình); 11 polygons are districts dissolved by the 2024-2025 mergers and
are not reference units (column ``in_reference`` is False for them).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

log = logging.getLogger(__name__)

ENV_VAR = "SIPAS_GEO_DISTRICT_DIR"
DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "geo" / "raw" / "dvhcvn" / "gis"
DEFAULT_TOLERANCE = 0.001  # coverage_simplify tolerance in degrees: the largest province stays < 150 KB
CRS = "EPSG:4326"
COLUMNS = ["unit_id", "gso_code", "name_vi", "in_reference", "geometry"]
POINT_COLUMNS = ["unit_id", "name_vi", "lon", "lat"]
_P63 = re.compile(r"P63-(\d{2})")
_P34 = re.compile(r"P34-(\d{2})")
ISLAND_DISTRICTS = {"D63-498": "48", "D63-576": "56"}  # Huyện Hoàng Sa (Đà Nẵng), Huyện Trường Sa (Khánh Hòa)


def district_dir() -> Path:
    """The district folder: ``$SIPAS_GEO_DISTRICT_DIR`` or ``<repo>/../shared/geo/raw/dvhcvn/gis``."""
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value).expanduser() if value else DEFAULT_DIR


def _multipolygon(geom: Any) -> shapely.MultiPolygon:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.MultiPolygon([q for p in parts for q in shapely.get_parts(p)])


@functools.lru_cache(maxsize=1)
def _district_names() -> dict[str, str]:
    from reference.geography import build_units

    units = build_units()
    districts = units[units["level"] == "district"]
    return dict(zip(districts["unit_id"], districts["name_vi"], strict=True))


@functools.lru_cache(maxsize=128)
def _read(path: str, mtime_ns: int, gso: str, tolerance: float) -> gpd.GeoDataFrame | None:
    """Districts of one province file, coverage-cleaned and simplified (cached per file version)."""
    del mtime_ns  # part of the cache key only
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        level2s = data["level2s"]
        if str(data.get("level1_id", gso)).zfill(2) != gso:
            raise ValueError(f"level1_id {data.get('level1_id')!r} is not {gso}")
        codes = [str(item["level2_id"]).zfill(3) for item in level2s]
        file_names = [unicodedata.normalize("NFC", str(item.get("name", ""))).strip() for item in level2s]
        geoms = [shape({"type": item["type"], "coordinates": item["coordinates"]}) for item in level2s]
    except (OSError, ValueError, KeyError, TypeError, AttributeError, shapely.errors.ShapelyError) as exc:
        log.warning("cannot read district polygons from %s: %s", path, exc)
        return None
    keep = [i for i, g in enumerate(geoms) if g is not None and not g.is_empty]
    if not keep:
        return None
    arr = np.array([shapely.make_valid(geoms[i]) if not geoms[i].is_valid else geoms[i] for i in keep])
    arr = np.array([_multipolygon(g) for g in arr], dtype=object)
    # The service's polygons are not exactly edge-matched in some provinces: clean before simplifying.
    if not shapely.coverage_is_valid(arr):
        arr = shapely.coverage_clean(arr)
    if tolerance > 0:
        arr = shapely.coverage_simplify(arr, tolerance)
    arr = [g if g.is_valid else shapely.make_valid(g) for g in arr]
    arr = [shapely.orient_polygons(_multipolygon(g), exterior_cw=False) for g in arr]

    names = _district_names()
    rows = []
    for i, geom in zip(keep, arr, strict=True):
        if geom.is_empty:
            continue
        unit_id = f"D63-{codes[i]}"
        rows.append(
            {
                "unit_id": unit_id,
                "gso_code": codes[i],
                "name_vi": names.get(unit_id, file_names[i]),
                "in_reference": unit_id in names,
                "geometry": geom,
            }
        )
    if not rows:
        return None
    gdf = gpd.GeoDataFrame(rows, columns=COLUMNS, geometry="geometry", crs=CRS)
    return gdf.sort_values("unit_id", ignore_index=True)


def district_layer(
    province_unit_id: str, folder: Path | None = None, tolerance: float = DEFAULT_TOLERANCE
) -> gpd.GeoDataFrame | None:
    """Districts of a pre-2025 province (unit_id ``D63-xxx``, gso_code, name_vi, in_reference, geometry;
    EPSG:4326), simplified with ``coverage_simplify(tolerance)`` so neighbours still share borders.

    Returns None when the folder or the province's file is missing or unreadable, and for 2025 provinces
    (``P34-xx``: no district level after 1 July 2025). Names come from the reference units (NFC), or from
    the file for the 11 dissolved districts. `folder` defaults to :func:`district_dir`.
    """
    if _P34.fullmatch(province_unit_id):
        return None
    match = _P63.fullmatch(province_unit_id)
    if match is None:
        raise ValueError(f"not a province unit id: {province_unit_id!r}")
    gso = match.group(1)
    path = (folder if folder is not None else district_dir()) / f"{gso}.json"
    try:
        if not path.is_file():
            return None
        stat = path.stat()
    except OSError:  # unreadable folder, broken mount
        return None
    layer = _read(str(path.resolve()), stat.st_mtime_ns, gso, float(tolerance))
    return None if layer is None else layer.copy()


@functools.lru_cache(maxsize=1)
def _child_units() -> pd.DataFrame:
    from reference.geography import build_units

    units = build_units()
    return units[units["level"].isin(["district", "commune"])][
        ["unit_id", "parent_id", "name_vi", "lon", "lat"]
    ]


def district_points(province_unit_id: str) -> pd.DataFrame:
    """Centroids of the units below a province (unit_id, name_vi, lon, lat), sorted by unit_id.

    ``P63-xx``: its districts (``D63-xxx``) before 2025; ``P34-xx``: its communes (``C34-xxxxx``) from 2025.
    Coordinates come from ``reference.geography.build_units()``, except the island districts Hoàng Sa (D63-498)
    and Trường Sa (D63-576), whose reference points lie on the mainland: they get the island label points
    of :func:`geo.layers.island_points`. An unknown province gives an empty frame.
    """
    if not (_P63.fullmatch(province_unit_id) or _P34.fullmatch(province_unit_id)):
        raise ValueError(f"not a province unit id: {province_unit_id!r}")
    units = _child_units()
    prefix = "D63-" if province_unit_id.startswith("P63-") else "C34-"
    rows = units[(units["parent_id"] == province_unit_id) & units["unit_id"].str.startswith(prefix)]
    out = rows[POINT_COLUMNS].sort_values("unit_id", ignore_index=True)
    islands = out["unit_id"].isin(list(ISLAND_DISTRICTS))
    if islands.any():
        from geo.layers import island_points

        points = island_points().set_index("province_63")
        for idx in out.index[islands]:
            province = f"P63-{ISLAND_DISTRICTS[out.at[idx, 'unit_id']]}"
            out.loc[idx, ["lon", "lat"]] = points.loc[province, ["lon", "lat"]].to_numpy(dtype=float)
    return out
