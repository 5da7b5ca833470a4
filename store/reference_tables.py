"""Reference data written into a store: administrative units and the 2025 crosswalk, the methodology designs
and the vendored published figures, all built by the pure `reference` package. Every function runs in the
caller's transaction (the caller commits or rolls back, so reference data and what is loaded with it land
together)."""

from __future__ import annotations

from reference.geography import build_crosswalk, build_units
from reference.methodology import Methodology, load_all, store_rows
from reference.published import published_tables
from store import queries
from store.db import Connection
from store.imports import insert_frame


def load_reference(con: Connection) -> dict[str, int]:
    """Insert units and crosswalk into the existing ``admin_unit`` / ``unit_crosswalk`` tables.

    Re-running replaces the rows with the same keys. Returns row counts.
    """
    units = build_units()
    crosswalk = build_crosswalk()
    con.register("_ref_admin_unit", units)
    con.register("_ref_unit_crosswalk", crosswalk)
    try:
        con.execute("DELETE FROM admin_unit WHERE unit_id IN (SELECT unit_id FROM _ref_admin_unit)")
        con.execute(
            "DELETE FROM unit_crosswalk WHERE (old_unit_id, new_unit_id) IN "
            "(SELECT (old_unit_id, new_unit_id) FROM _ref_unit_crosswalk)"
        )
        con.execute(
            "INSERT INTO admin_unit (unit_id, gso_code, level, geo_version, name_vi, short_vi, type_vi,"
            " name_en, parent_id, region_id, valid_from, valid_to, lat, lon, is_generated)"
            " SELECT unit_id, gso_code, level, geo_version, name_vi, short_vi, type_vi, name_en, parent_id,"
            " region_id, CAST(valid_from AS DATE), CAST(valid_to AS DATE), lat, lon, is_generated"
            " FROM _ref_admin_unit"
        )
        con.execute(
            "INSERT INTO unit_crosswalk (old_unit_id, new_unit_id, share, is_default, effective, source)"
            " SELECT old_unit_id, new_unit_id, share, is_default, CAST(effective AS DATE), source"
            " FROM _ref_unit_crosswalk"
        )
    finally:
        con.unregister("_ref_admin_unit")
        con.unregister("_ref_unit_crosswalk")
    return {"admin_unit": len(units), "unit_crosswalk": len(crosswalk)}


def load_methodologies(
    con: Connection, methodologies: dict[str, Methodology] | None = None
) -> dict[str, int]:
    """Insert the rows of every methodology design (default: all of `reference/designs/`) into the
    `methodology`, `methodology_component` and `methodology_item` tables; returns rows per table."""
    counts: dict[str, int] = {}
    for methodology in (load_all() if methodologies is None else methodologies).values():
        for table, frame in store_rows(methodology).items():
            insert_frame(con, table, frame)
            counts[table] = counts.get(table, 0) + len(frame)
    return counts


def load_published(con: Connection, import_id: int | None = None) -> int:
    """Insert every vendored published figure (and the agency units they need; the units must be loaded
    already, they resolve the names); returns the published rows inserted."""
    agencies, frame = published_tables(queries.unit_matcher(con), import_id)
    if not agencies.empty:
        con.register("agency_frame", agencies)
        con.execute("INSERT INTO admin_unit SELECT * FROM agency_frame")
        con.unregister("agency_frame")
    con.register("published_frame", frame)
    con.execute(f"INSERT INTO published_value ({', '.join(frame.columns)}) SELECT * FROM published_frame")
    con.unregister("published_frame")
    return len(frame)
