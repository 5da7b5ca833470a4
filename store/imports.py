"""Writes of an import (respondents, answers, published figures, waves, the import log) and the reads its
validation needs. Every function works on the caller's transaction; frames and values come in already
checked, table names only from the fixed set below."""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa

from store.db import Connection

# tables a frame may be inserted into by column name (`insert_frame`)
FRAME_TABLES = frozenset({"admin_unit", "unit_crosswalk", "methodology", "methodology_component",
                          "methodology_item", "respondent", "answer", "published_value"})  # fmt: skip
# salted hashes of respondents' identifying fields: written only by `insert_recheck_hashes`, read by nothing
RECHECK_TABLE = "respondent_recheck"
WAVE_MICRODATA_TABLES = ("answer", "respondent", RECHECK_TABLE)  # deleted when a wave is replaced
IMPORT_LOG_COLUMNS = ("import_id", "kind", "year", "file_name", "file_sha256", "rows_loaded", "imported_by",
                      "imported_at", "replaced", "note")  # fmt: skip
_COLUMN_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


# ------------------------------------------------------------------------------------------------ writes


def insert_frame(con: Connection, table: str, frame: pd.DataFrame | pa.Table) -> None:
    """INSERT the rows of a frame (pandas or Arrow) into `table`, matching columns by name."""
    if table not in FRAME_TABLES:
        raise ValueError(f"frames are not inserted into {table!r}; expected one of {sorted(FRAME_TABLES)}")
    _insert(con, table, frame)


def insert_recheck_hashes(con: Connection, frame: pd.DataFrame) -> None:
    """Keep salted hashes of respondents' identifying fields (year, resp_no, field, value_hash) for fieldwork
    re-check sampling; nothing displays or exports them."""
    _insert(con, RECHECK_TABLE, frame)


def _insert(con: Connection, table: str, frame: pd.DataFrame | pa.Table) -> None:
    names = frame.column_names if isinstance(frame, pa.Table) else list(frame.columns)
    bad = [n for n in names if not _COLUMN_RE.match(str(n))]
    if bad:
        raise ValueError(f"not a column name: {bad}")
    con.register("_insert_frame", frame)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(names)} FROM _insert_frame")
    finally:
        con.unregister("_insert_frame")


def next_import_id(con: Connection) -> int:
    """A new import id from the store's sequence."""
    return int(con.execute("SELECT nextval('import_id_seq')").fetchall()[0][0])


def delete_wave_microdata(con: Connection, year: int) -> None:
    """Delete the answers, respondents and identifying-field hashes of one wave."""
    for table in WAVE_MICRODATA_TABLES:
        con.execute(f"DELETE FROM {table} WHERE year = ?", [year])


def delete_published(con: Connection, year: int, measured_by: str, keys: pd.DataFrame) -> None:
    """Delete the published figures of `year` by `measured_by` whose (unit_id, index_code) is in `keys`."""
    con.register("_replace_keys", keys[["unit_id", "index_code"]])
    try:
        con.execute(
            "DELETE FROM published_value p USING _replace_keys k WHERE p.year = ? AND p.measured_by = ? "
            "AND p.unit_id = k.unit_id AND p.index_code = k.index_code",
            [year, measured_by],
        )
    finally:
        con.unregister("_replace_keys")


def insert_survey_wave(
    con: Connection,
    year: int,
    methodology_id: str,
    geo_version: str,
    fieldwork_start: object,
    fieldwork_end: object,
    data_kind: str,
    notes: str | None,
) -> None:
    """Add the `survey_wave` row of a year."""
    con.execute(
        "INSERT INTO survey_wave VALUES (?, ?, ?, ?, ?, ?, ?)",
        [year, methodology_id, geo_version, fieldwork_start, fieldwork_end, data_kind, notes],
    )


def mark_wave_microdata(con: Connection, year: int) -> None:
    """Record that a wave's figures now come from loaded microdata."""
    con.execute("UPDATE survey_wave SET data_kind = 'microdata' WHERE year = ?", [year])


def check_unique_respondents(con: Connection, year: int) -> None:
    """Respondent ids and compact numbers are unique within the wave; raises RuntimeError (the caller rolls
    back) if not."""
    dupes = con.execute(
        "SELECT count(*) - count(DISTINCT respondent_id), count(*) - count(DISTINCT resp_no) FROM respondent "
        "WHERE year = ?",
        [year],
    ).fetchall()
    if dupes and any(dupes[0]):
        raise RuntimeError(f"duplicate respondents in wave {year} after insert: {dupes[0]}")


def insert_import_log(
    con: Connection, import_id: int, kind: str, rows_loaded: int, imported_by: str, **fields: object
) -> None:
    """Add an `import_log` row; `fields` are further columns of `IMPORT_LOG_COLUMNS` (year, file_name,
    file_sha256, imported_at, replaced, note); columns not given keep their defaults (imported_at = now)."""
    row = {"import_id": import_id, "kind": kind, "rows_loaded": rows_loaded, "imported_by": imported_by}
    unknown = (set(fields) - set(IMPORT_LOG_COLUMNS)) | (set(fields) & set(row))
    if unknown:
        raise ValueError(f"not an import_log column: {sorted(unknown)}")
    row |= fields
    names = [c for c in IMPORT_LOG_COLUMNS if c in row]
    con.execute(
        f"INSERT INTO import_log ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [row[c] for c in names],
    )


# ------------------------------------------------------------------------------------- reads for checks


def wave_provinces(con: Connection, year: int) -> list[str]:
    """Provinces with respondents in a wave (what replacing the wave's microdata would delete)."""
    rows = con.execute(
        "SELECT DISTINCT province_id FROM respondent WHERE year = ? ORDER BY 1", [year]
    ).fetchall()
    return [r[0] for r in rows]


def wave_row(con: Connection, year: int) -> tuple[str, str, str] | None:
    """(methodology_id, geo_version, data_kind) of the year's `survey_wave` row, or None."""
    rows = con.execute(
        "SELECT methodology_id, geo_version, data_kind FROM survey_wave WHERE year = ?", [year]
    ).fetchall()
    return rows[0] if rows else None


def wave_items(con: Connection, methodology_id: str) -> pd.DataFrame:
    """Items of a methodology in questionnaire order: item_code, kind, element_code, scale_min, scale_max,
    missing_codes, text_vi, text_en."""
    return con.execute(
        "SELECT item_code, kind, element_code, scale_min, scale_max, missing_codes, text_vi, text_en "
        "FROM methodology_item WHERE methodology_id = ? ORDER BY position",
        [methodology_id],
    ).df()


def component_names(con: Connection, methodology_id: str) -> list[tuple[str, str, str, str]]:
    """(component_code, level, name_vi, name_en) of every component of a methodology."""
    return con.execute(
        "SELECT component_code, level, name_vi, name_en FROM methodology_component WHERE methodology_id = ?",
        [methodology_id],
    ).fetchall()


def units_fingerprint(con: Connection) -> tuple:
    """Counts and hashes of the units and the crosswalk: equal while neither has changed."""
    units = con.execute(
        "SELECT count(*), sum(hash(unit_id, parent_id, name_vi, valid_to)) FROM admin_unit"
    ).fetchall()[0]
    crosswalk = con.execute(
        "SELECT count(*), sum(hash(old_unit_id, new_unit_id)) FROM unit_crosswalk"
    ).fetchall()[0]
    return units + crosswalk


def commune_parents(con: Connection) -> dict[str, str]:
    """Commune unit id -> parent unit id (a district before 2025, a province after)."""
    return dict(con.execute("SELECT unit_id, parent_id FROM admin_unit WHERE level = 'commune'").fetchall())


def unit_names(con: Connection) -> dict[str, str]:
    """Unit id -> Vietnamese name, every unit."""
    return dict(con.execute("SELECT unit_id, name_vi FROM admin_unit").fetchall())


def count_units(con: Connection, level: str, geo_version: str) -> int:
    """How many units of a level the store has in a geography."""
    return con.execute(
        "SELECT count(*) FROM admin_unit WHERE level = ? AND geo_version = ?", [level, geo_version]
    ).fetchall()[0][0]


def wave_import(con: Connection, year: int) -> tuple | None:
    """(import_id, file_sha256, file_name, imported_at) of the import behind the wave's respondents (the log
    columns are None when its log row is missing), or None when the wave has no respondents."""
    rows = con.execute(
        "SELECT l.import_id, l.file_sha256, l.file_name, l.imported_at "
        "FROM respondent r LEFT JOIN import_log l USING (import_id) WHERE r.year = ? LIMIT 1",
        [year],
    ).fetchall()
    return rows[0] if rows else None


def respondent_count(con: Connection, year: int) -> int:
    """Respondents of a wave."""
    return int(con.execute("SELECT count(*) FROM respondent WHERE year = ?", [year]).fetchall()[0][0])


def published_imports(con: Connection, year: int, measured_by: str, keys: pd.DataFrame) -> pd.DataFrame:
    """Published figures of `year` by `measured_by` already stored for the (unit_id, index_code) in `keys`:
    unit_id, index_code, import_id and the sha256 of the file they came from."""
    con.register("_new_keys", keys[["unit_id", "index_code"]])
    try:
        return con.execute(
            "SELECT p.unit_id, p.index_code, p.import_id, l.file_sha256 FROM published_value p "
            "JOIN _new_keys k USING (unit_id, index_code) LEFT JOIN import_log l USING (import_id) "
            "WHERE p.year = ? AND p.measured_by = ?",
            [year, measured_by],
        ).df()
    finally:
        con.unregister("_new_keys")
