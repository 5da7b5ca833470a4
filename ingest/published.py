"""Published tables (one row per unit: name and/or code, value, optional rank, n and component columns) as
copied from a ministry report or a province's own survey: validated, then stored with their source."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from ingest import columns as cols
from ingest.microdata import identifying_id_kind, matcher_for, read_file
from ingest.plan import Plan, geo_version_for, sha256_file, wave_facts
from ingest.problems import problem
from ingest.readers import Problem, parse_number
from reference.methodology import load_all
from reference.units import fold
from store import imports
from store.db import Connection

NATIONAL_NAMES = {
    "toan quoc",
    "ca nuoc",
    "viet nam",
    "national",
    "nationwide",
    "binh quan chung",
    "trung binh ca nuoc",
}
INDEX_PREFIXES = ("item:", "perception:", "expectation:")
LEVELS = ("province", "district", "commune")
PREVIEW_ROWS = 100
OPTION_MAX_CHARS = {"index_code": 64, "source": 500, "measured_by": 120}  # typed on the Data page or CLI


def option_problem(name: str, value: str | None) -> Problem | None:
    """Why a typed option (`source`, `measured_by`, `index_code`) is refused, or None: text a spreadsheet
    would run as a formula (`ingest.columns.looks_like_formula`), a control or invisible formatting
    character, or more than `OPTION_MAX_CHARS` characters. The value is not echoed (it may hold anything)."""
    if value is None:
        return None
    text = str(value)
    if cols.looks_like_formula(text):
        reason = "formula"
    elif any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text):
        reason = "control"
    elif len(text) > OPTION_MAX_CHARS[name]:
        reason = "long"
    else:
        return None
    return problem(f"option_{reason}", column=name, limit=OPTION_MAX_CHARS[name])


def component_codes(con: Connection, methodology_id: str | None) -> dict[str, str]:
    """Folded component names, codes and known spellings -> index codes ('overall', 'domain:policy', …)."""
    out: dict[str, str] = {}
    if methodology_id is None:
        return {"sipas": "overall"}
    rows = imports.component_names(con, methodology_id)
    index = {}
    for code, level, name_vi, name_en in rows:
        index_code = "overall" if level == "overall" else f"{level}:{code}"
        index[code] = index_code
        for spelling in (code, name_vi, name_en):
            out[cols.key(spelling)] = index_code
    for spelling, code in cols.COMPONENT_ALIASES.items():
        if code in index:
            out[spelling] = index[code]
    return out


def _methodology_for(con: Connection, year: int) -> tuple[str | None, str]:
    wave = wave_facts(con, year)
    if wave is not None:
        return wave.methodology_id, wave.geo_version
    for mid, methodology in load_all().items():
        if methodology.covers(year):
            return mid, geo_version_for(year)
    return None, geo_version_for(year)


def _cell_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value).strip()
    return text or None


def prepare(
    con: Connection,
    path: Path | str,
    year: int,
    *,
    index_code: str = "overall",
    source: str | None = None,
    measured_by: str = "MoHA SIPAS",
    level: str = "province",
    sheet: str | None = None,
    replace: bool = False,
    file_name: str | None = None,
) -> Plan:
    """Validate a published table for `year` against the database behind `con` (read only)."""
    path = Path(path)
    plan = Plan("published", year, path, file_name or path.name, sha256_file(path), path.stat().st_size)
    plan.options = {"index_code": index_code, "source": source, "measured_by": measured_by, "level": level,
                    "sheet": sheet, "replace": replace}  # fmt: skip
    problems = plan.problems
    for name, value in (("index_code", index_code), ("source", source), ("measured_by", measured_by)):
        refusal = option_problem(name, value)
        if refusal is not None:
            problems.add(refusal)
    if problems.has_errors:
        return plan
    if level not in LEVELS:
        problems.error("level_unknown", value=level, allowed=", ".join(LEVELS))
        return plan
    methodology_id, gv = _methodology_for(con, year)
    components = component_codes(con, methodology_id)
    known_codes = set(components.values()) | {"overall"}
    if index_code not in known_codes and not index_code.startswith(INDEX_PREFIXES):
        problems.error("index_unknown", value=index_code, allowed=", ".join(sorted(known_codes)))
        return plan
    table = read_file(path, "published", problems, sheet, [])
    if table is None:
        return plan
    cmap = cols.map_columns(table.columns, kind="published", components=components)
    for field, label in cmap.duplicates:
        problems.error("column_duplicate", column=label, field=field)
    for label in cmap.ignored:  # never stored, in the database or in the archived copy
        problems.warning("column_ignored", column=label)
    f = cmap.fields
    kept = [label for label in table.columns if label in set(f.values()) | set(cmap.components.values())]
    if "unit" not in f and "code" not in f:
        problems.error(
            "column_missing", column="unit", expected="Tỉnh/thành phố, Đơn vị, Mã tỉnh, province, code"
        )
    if "value" not in f and "rank" not in f and not cmap.components:
        problems.error(
            "column_missing", column="value", expected="Chỉ số SIPAS, Giá trị, Xếp hạng, value, rank"
        )
    if source is None and "source" not in f:
        problems.error("source_missing")
    if problems.has_errors:
        return plan
    if not table.rows:
        problems.error("no_rows")
        return plan
    for rownum, label, text in cols.formula_cells(table.columns, table.rows, table.row_numbers, kept):
        problems.error(
            "formula", row=rownum, column=label, value="***" if identifying_id_kind(text) else text
        )
    if problems.has_errors:
        return plan

    frame = pd.DataFrame(table.rows, columns=table.columns, dtype=object)
    matcher = matcher_for(con)
    records: list[dict] = []
    seen: dict[str, int] = {}
    for rownum, (_, row) in zip(table.row_numbers, frame.iterrows(), strict=True):
        name = _cell_text(row[f["unit"]]) if "unit" in f else None
        code = _cell_text(row[f["code"]]) if "code" in f else None
        if name is None and code is None:
            problems.error("value_missing", row=rownum, column=f.get("unit", f.get("code")))
            continue
        unit_id = None
        if name is not None and fold(name) in NATIONAL_NAMES:
            unit_id = "VN"
        else:
            by_code = matcher.resolve(code, level=level, geo_version=gv) if code else None
            by_name = matcher.resolve(name, level=level, geo_version=gv) if name else None
            for result, label, text in ((by_code, f.get("code"), code), (by_name, f.get("unit"), name)):
                if result is not None and result.unit_id is None:
                    suggestions = (
                        ", ".join(f"{s.name_vi} ({s.unit_id})" for s in result.suggestions[:3]) or "–"
                    )
                    problems.error(f"unit_{result.issue or 'not_found'}", row=rownum, column=label, value=text,
                                   n_rows=1, suggestions=suggestions, note_vi=result.note_vi or "",
                                   note_en=result.note_en or "")  # fmt: skip
            if (
                by_code
                and by_name
                and by_code.unit_id
                and by_name.unit_id
                and by_code.unit_id != by_name.unit_id
            ):
                problems.error("unit_code_name_mismatch", row=rownum, column=f["code"], value=code, name=name,
                               code_unit=by_code.unit_id, name_unit=by_name.unit_id)  # fmt: skip
                continue
            unit_id = (by_code and by_code.unit_id) or (by_name and by_name.unit_id)
        if unit_id is None:
            continue
        if unit_id in seen:
            problems.error("unit_duplicate", row=rownum, column=f.get("unit", f.get("code")), value=name or code,
                           first_row=seen[unit_id])  # fmt: skip
            continue
        seen[unit_id] = rownum
        if "year" in f:
            y = _cell_text(row[f["year"]])
            if y is not None and y != str(year):
                problems.error("year_mismatch", row=rownum, column=f["year"], value=y, year=year)
        rank = respondents = None
        if "rank" in f and _cell_text(row[f["rank"]]) is not None:
            try:
                rank = parse_number(row[f["rank"]], integer=True)
                if rank is None or rank < 1 or rank != int(rank):
                    raise ValueError("rank")
                rank = int(rank)
            except ValueError:
                problems.error("rank_invalid", row=rownum, column=f["rank"], value=row[f["rank"]])
                rank = None
        if "respondents" in f and _cell_text(row[f["respondents"]]) is not None:
            try:
                respondents = parse_number(row[f["respondents"]], integer=True)
                if respondents is None or respondents < 1:
                    raise ValueError("n")
                respondents = int(respondents)
            except ValueError:
                problems.error(
                    "respondents_invalid", row=rownum, column=f["respondents"], value=row[f["respondents"]]
                )
        row_source = (_cell_text(row[f["source"]]) if "source" in f else None) or source
        if row_source is None:
            problems.error("value_missing", row=rownum, column=f.get("source", "source"))
        note = _cell_text(row[f["note"]]) if "note" in f else None
        values = [(index_code, f.get("value"))] + [(c, label) for c, label in cmap.components.items()]
        for code_i, label in values:
            raw = row[label] if label else None
            value = None
            if _cell_text(raw) is not None:
                try:
                    value = parse_number(raw)
                except ValueError:
                    problems.error("percent_invalid", row=rownum, column=label, value=raw)
                    continue
                if value is None or not (0 <= value <= 100):
                    problems.error("percent_out_of_range", row=rownum, column=label, value=raw)
                    continue
            if value is None and (code_i != index_code or rank is None):
                continue
            records.append({
                "year": year, "unit_id": unit_id, "index_code": code_i, "value": value,
                "value_as_published": _cell_text(raw), "rank": rank if code_i == index_code else None,
                "rank_of": None, "respondents": respondents if code_i == index_code else None,
                "note": note, "source": row_source, "measured_by": measured_by, "_row": rownum,
                "_column": label,
            })  # fmt: skip

    rows = pd.DataFrame(records)
    if not rows.empty:
        main = rows[(rows.index_code == index_code) & rows.value.notna()]
        if len(main) >= 3 and (main.value <= 1).all():
            problems.error("values_look_like_fractions", column=f.get("value"), value=main.value.iloc[0])
        ranked = rows[(rows.index_code == index_code) & rows["rank"].notna()]
        if not ranked.empty:
            n_units = imports.count_units(con, level, gv)
            rows.loc[ranked.index, "rank_of"] = n_units if level == "province" else len(ranked)
            both = ranked[ranked.value.notna()].sort_values("value", ascending=False)
            ranks = both["rank"].to_numpy()
            for i in np.flatnonzero(np.diff(ranks) < 0):
                later = both.iloc[i + 1]
                problems.warning("rank_inconsistent", row=int(later["_row"]), column=f.get("rank"),
                                 value=int(later["rank"]), other_row=int(both.iloc[i]["_row"]),
                                 other_rank=int(both.iloc[i]["rank"]))  # fmt: skip
    if problems.has_errors:
        return plan
    if rows.empty:
        problems.error("no_rows")
        return plan

    existing = imports.published_imports(con, year, measured_by, rows[["unit_id", "index_code"]])
    if not existing.empty:
        plan.replaces = {
            "rows": len(existing),
            "import_ids": sorted({int(i) for i in existing.import_id.dropna()}),
        }
        if (existing.file_sha256 == plan.file_sha256).all() and len(existing) == len(rows):
            plan.status = "unchanged"
            return plan
        if not replace:  # reported, but the preview is still built
            first = existing.iloc[0]
            problems.error("published_exists", value=f"{first.unit_id} {first.index_code}", n=len(existing),
                           year=year, measured_by=measured_by)  # fmt: skip
    where = [table.columns.index(label) for label in kept]
    plan.payload = {
        "published": rows.drop(columns=["_row", "_column"]),
        # what the archive keeps: the recognised columns as written, never the other ones
        "archive": {"columns": kept, "rows": [[row[k] for k in where] for row in table.rows]},
    }
    plan.summary = {
        "rows": len(rows),
        "units_matched": int(rows.unit_id.nunique()),
        "index_codes": sorted(rows.index_code.unique()),
        "geo_version": gv,
        "methodology_id": methodology_id,
        "sheet": table.sheet,
        "encoding": table.encoding,
        "header_row": table.header_row,
    }
    names = imports.unit_names(con)
    preview = rows.copy()
    preview.insert(1, "name_vi", preview.unit_id.map(names))
    plan.preview = preview.rename(columns={"_row": "row"}).drop(columns=["_column"]).head(PREVIEW_ROWS)
    plan.status = "invalid" if problems.has_errors else "ready"
    return plan
