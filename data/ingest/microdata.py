"""Respondent microdata: validate a file against its wave's methodology and geography, build the rows to load.

One row per respondent; item columns are named by the methodology's item codes (see the template). Every
check runs before anything is written; answers become the long `answer` table (no row for a blank cell).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from data import db as dbmod
from data.ingest import columns as cols
from data.ingest.plan import Plan, sha256_file, wave_facts
from data.ingest.problems import Problems
from data.readers import ReadError, Table, read_table
from data.units import UnitMatcher, fold
from ui.i18n import catalogue, fmt_number, t

PII_MODES = ("drop", "hash")
PHONE_RE = re.compile(r"^(\+?84|0)\d{9,10}$")
NATIONAL_ID_RE = re.compile(r"^\d{12}$|^\d{9}$")
PREVIEW_ROWS = 20


def pii_mode() -> str:
    """How identifying columns are handled: `$SIPAS_PII_MODE` 'drop' (default) or 'hash'."""
    mode = os.environ.get("SIPAS_PII_MODE", "drop")
    return mode if mode in PII_MODES else "drop"


def pii_salt(db: Path) -> bytes:
    """Secret salt for identifying values kept as hashes: `$SIPAS_PII_SALT` (hex), else a random salt kept in
    `.pii_salt` beside the database (mode 0600), outside the database so hashes cannot be reversed from it."""
    env = os.environ.get("SIPAS_PII_SALT")
    if env:
        return bytes.fromhex(env)
    path = Path(os.environ.get("SIPAS_PII_SALT_FILE", str(db.parent / ".pii_salt")))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def salted_hash(salt: bytes, value: str) -> str:
    """HMAC-SHA256(salt, folded value): equal inputs give equal hashes, and without the salt a phone number
    cannot be recovered by trying all numbers."""
    return hmac.new(salt, fold(value).replace(" ", "").encode(), hashlib.sha256).hexdigest()


def category_codes() -> dict[str, dict[str, str]]:
    """Per category field: folded code / Vietnamese label / English label -> code (from the i18n catalogue)."""
    out: dict[str, dict[str, str]] = {}
    for lang in ("vi", "en"):
        for k, label in catalogue(lang).items():
            m = re.fullmatch(r"dimensions\.groups\.(\w+)\.(.+)", k)
            if m and m.group(1) in cols.CATEGORY_FIELDS:
                field, code = m.group(1), m.group(2)
                out.setdefault(field, {})[fold(code)] = code
                out[field][fold(label)] = code
    return out


_MATCHERS: dict[tuple, UnitMatcher] = {}


def matcher_for(con: duckdb.DuckDBPyConnection) -> UnitMatcher:
    """A unit matcher for the store behind `con`, reused while its units are unchanged (building one reads
    14,000 units and takes about a second)."""
    fingerprint = dbmod.one(
        con, "SELECT count(*), sum(hash(unit_id, parent_id, name_vi, valid_to)) FROM admin_unit"
    ) + dbmod.one(con, "SELECT count(*), sum(hash(old_unit_id, new_unit_id)) FROM unit_crosswalk")
    matcher = _MATCHERS.get(fingerprint)
    if matcher is None:
        _MATCHERS.clear()
        matcher = _MATCHERS[fingerprint] = UnitMatcher.from_db(con)
    return matcher


def _text(series: pd.Series) -> pd.Series:
    """Cells as stripped text (None for empty); numbers such as 12.0 from XLSX become '12'."""

    def one(v: object) -> str | None:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        s = str(v).strip()
        return s or None

    return series.map(one).astype(object)


def _display(value: object) -> str:
    """A cell as the officer typed it (7.0 read from XLSX shows as 7)."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _unit_problem(problems: Problems, result, *, rows: np.ndarray, label: str, value: str) -> None:
    suggestions = ", ".join(f"{s.name_vi} ({s.unit_id})" for s in result.suggestions[:3]) or "–"
    problems.error(
        f"unit_{result.issue or 'not_found'}",
        row=int(rows[0]),
        column=label,
        value=value,
        n_rows=len(rows),
        suggestions=suggestions,
        note_vi=result.note_vi or "",
        note_en=result.note_en or "",
    )


def _resolve_column(
    problems: Problems,
    matcher: UnitMatcher,
    texts: pd.Series,
    parents: pd.Series | None,
    rownums: np.ndarray,
    *,
    level: str,
    geo_version: str,
    label: str,
) -> pd.Series:
    """Unit ids for a column of names/codes (one lookup per distinct (text, parent)); problems once per
    distinct bad value, with its first row and how many rows carry it."""
    frame = pd.DataFrame({"text": texts, "parent": parents if parents is not None else None, "row": rownums})
    ids = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    for (text, parent), group in frame.dropna(subset=["text"]).groupby(["text", "parent"], dropna=False):
        parent_id = parent if isinstance(parent, str) else None
        result = matcher.resolve(text, level=level, geo_version=geo_version, parent_id=parent_id)
        if result.unit_id is None:
            _unit_problem(problems, result, rows=group["row"].to_numpy(), label=label, value=text)
        else:
            ids.loc[group.index] = result.unit_id
    return ids


def _answers(
    problems: Problems,
    frame: pd.DataFrame,
    rownums: np.ndarray,
    items: pd.DataFrame,
    item_cols: dict[str, str],
) -> dict[str, np.ndarray]:
    """Per item code: int8 answers (-1 = blank, not asked). Non-integers and values outside the scale or the
    item's missing codes are errors."""
    out: dict[str, np.ndarray] = {}
    for item in items.itertuples():
        label = item_cols.get(item.item_code)
        if label is None:
            continue
        raw = frame[label]
        # vectorised: cells are str/int/float/None from the reader ('' is already None); '4,0' is not an integer
        numbers = pd.to_numeric(raw, errors="coerce")
        blank = raw.isna().to_numpy()
        bad_number = (~blank) & (numbers.isna().to_numpy() | (numbers.fillna(0) % 1 != 0).to_numpy())
        allowed = set(range(int(item.scale_min), int(item.scale_max) + 1)) | {
            int(c) for c in item.missing_codes
        }
        values = numbers.fillna(-1).to_numpy()
        out_of_scale = (~blank) & (~bad_number) & ~np.isin(values, list(allowed))
        for idx in np.flatnonzero(bad_number):
            problems.error("answer_not_integer", row=int(rownums[idx]), column=label, value=raw.iloc[idx],
                           item=item.item_code)  # fmt: skip
        allowed_text = f"{int(item.scale_min)}–{int(item.scale_max)}" + (
            f", {', '.join(str(int(c)) for c in item.missing_codes)}" if len(item.missing_codes) else ""
        )
        for idx in np.flatnonzero(out_of_scale):
            problems.error("answer_out_of_range", row=int(rownums[idx]), column=label, value=_display(raw.iloc[idx]),
                           allowed=allowed_text)  # fmt: skip
        clean = np.where(blank | bad_number | out_of_scale, -1, values).astype(np.int16)
        out[item.item_code] = clean.astype(np.int8)
    return out


def read_file(
    path: Path, kind: str, problems: Problems, sheet: str | None, item_codes: list[str]
) -> Table | None:
    """Read a CSV/XLSX file into a `Table`, or record why it cannot be read and return None."""
    try:
        table = read_table(path, header_score=cols.header_score(kind, item_codes), sheet=sheet)
    except ReadError as exc:
        problems.extend(exc.problems)
        return None
    problems.extend(table.notices)
    return table


def prepare(
    con: duckdb.DuckDBPyConnection,
    path: Path | str,
    year: int,
    *,
    sheet: str | None = None,
    replace: bool = False,
    pii: str | None = None,
    file_name: str | None = None,
) -> Plan:
    """Validate a microdata file for wave `year` against the database behind `con` (read only)."""
    path = Path(path)
    plan = Plan("microdata", year, path, file_name or path.name, sha256_file(path), path.stat().st_size)
    pii = pii or pii_mode()
    plan.options = {"sheet": sheet, "replace": replace, "pii": pii}
    problems = plan.problems
    wave = wave_facts(con, year)
    if wave is None:
        problems.error("year_unknown", value=year)
        return plan
    items = con.execute(
        "SELECT item_code, kind, element_code, scale_min, scale_max, missing_codes, text_vi, text_en "
        "FROM methodology_item WHERE methodology_id = ? ORDER BY position",
        [wave.methodology_id],
    ).df()
    table = read_file(path, "microdata", problems, sheet, items["item_code"].tolist())
    if table is None:
        return plan
    cmap = cols.map_columns(table.columns, kind="microdata", item_codes=items["item_code"].tolist())
    for field, label in cmap.duplicates:
        problems.error("column_duplicate", column=label, field=field)
    for label, kind in cmap.identifying.items():
        problems.warning(f"identifying_{pii}", column=label, kind_vi=t(f"ingest.identifying.{kind}", "vi"),
                         kind_en=t(f"ingest.identifying.{kind}", "en"))  # fmt: skip
    for label in cmap.ignored:
        problems.warning("column_ignored", column=label)
    for field in ("respondent_id", "province"):
        if field not in cmap.fields:
            problems.error(
                "column_missing", column=field, expected=", ".join(cols.MICRODATA_FIELDS[field][:4])
            )
    if "commune" not in cmap.fields and "psu_id" not in cmap.fields:
        problems.error("column_missing_psu")
    for item in items.itertuples():
        if item.item_code not in cmap.items:
            if isinstance(item.element_code, str):
                problems.error("item_missing", column=item.item_code, text=item.text_vi, text_en=item.text_en)
            else:
                problems.warning("item_missing_optional", column=item.item_code)
    if problems.has_errors:
        return plan
    if not table.rows:
        problems.error("no_rows")
        return plan
    text_columns = [c for c in table.columns if c not in set(cmap.items.values())]
    for rownum, label, text in cols.formula_cells(table.columns, table.rows, table.row_numbers, text_columns):
        problems.error("formula", row=rownum, column=label, value=text)
    if problems.has_errors:
        return plan

    frame = pd.DataFrame(table.rows, columns=table.columns, dtype=object)
    rownums = np.asarray(table.row_numbers)
    n = len(frame)
    f = cmap.fields

    if "year" in f:
        years = _text(frame[f["year"]])
        wrong = years.notna() & (years != str(year))
        for idx in np.flatnonzero(wrong.to_numpy()):
            problems.error("year_mismatch", row=int(rownums[idx]), column=f["year"], value=years.iloc[idx],
                           year=year)  # fmt: skip

    rid = _text(frame[f["respondent_id"]])
    for idx in np.flatnonzero(rid.isna().to_numpy()):
        problems.error("value_missing", row=int(rownums[idx]), column=f["respondent_id"])
    dup = (rid.notna() & rid.duplicated(keep=False)).to_numpy()
    if dup.any():
        sub = pd.DataFrame({"id": rid[dup].to_numpy(), "row": rownums[dup]})
        sub["first"] = sub.groupby("id")["row"].transform("min")
        for r in sub[sub["row"] != sub["first"]].itertuples():
            problems.error("respondent_duplicate", row=int(r.row), column=f["respondent_id"], value=r.id,
                           first_row=int(r.first))  # fmt: skip
    looks = rid.dropna().map(lambda s: bool(PHONE_RE.match(s) or NATIONAL_ID_RE.match(s)))
    for idx in looks[looks].index[:50]:
        problems.error("respondent_id_identifying", row=int(rownums[idx]), column=f["respondent_id"],
                       value="***")  # fmt: skip

    matcher = matcher_for(con)
    gv = wave.geo_version
    province_text = _text(frame[f["province"]])
    for idx in np.flatnonzero(province_text.isna().to_numpy()):
        problems.error("value_missing", row=int(rownums[idx]), column=f["province"])
    province_id = _resolve_column(problems, matcher, province_text, None, rownums, level="province",
                                  geo_version=gv, label=f["province"])  # fmt: skip
    district_id = pd.Series([None] * n, dtype=object)
    if "district" in f:
        district_text = _text(frame[f["district"]])
        if gv == "2025":
            if district_text.notna().any():
                problems.warning("district_ignored_2025", column=f["district"])
        else:
            district_id = _resolve_column(problems, matcher, district_text, province_id, rownums,
                                          level="district", geo_version=gv, label=f["district"])  # fmt: skip
    commune_id = pd.Series([None] * n, dtype=object)
    if "commune" in f:
        commune_text = _text(frame[f["commune"]])
        parent = district_id.where(district_id.notna(), province_id)
        commune_id = _resolve_column(problems, matcher, commune_text, parent, rownums, level="commune",
                                     geo_version=gv, label=f["commune"])  # fmt: skip
        if gv == "pre2025" and "district" not in f:
            parents = dict(
                con.execute("SELECT unit_id, parent_id FROM admin_unit WHERE level = 'commune'").fetchall()
            )
            district_id = commune_id.map(lambda c: parents.get(c) if isinstance(c, str) else None).astype(
                object
            )
    if "psu_id" in f:
        psu = _text(frame[f["psu_id"]])
        fallback = commune_id.where(commune_id.notna(), district_id)
        psu = psu.where(psu.notna(), fallback)
    else:
        psu = commune_id.copy()
    for idx in np.flatnonzero((psu.isna() & province_id.notna()).to_numpy()):
        problems.error("psu_missing", row=int(rownums[idx]), column=f.get("psu_id", f.get("commune", "")))
    stratum = _text(frame[f["stratum_id"]]) if "stratum_id" in f else province_id.copy()
    stratum = stratum.where(stratum.notna(), province_id)

    if "weight" in f:
        wtext = _text(frame[f["weight"]])
        weight = pd.to_numeric(wtext.str.replace(",", ".", regex=False), errors="coerce")
        bad = wtext.isna() | weight.isna() | ~np.isfinite(weight.fillna(0)) | (weight.fillna(0) <= 0)
        for idx in np.flatnonzero(bad.to_numpy()):
            problems.error("weight_invalid", row=int(rownums[idx]), column=f["weight"], value=wtext.iloc[idx])
    else:
        problems.warning("weight_missing")
        weight = pd.Series(np.ones(n))

    codes = category_codes()
    categories: dict[str, pd.Series] = {}
    for field in cols.CATEGORY_FIELDS:
        if field not in f:
            categories[field] = pd.Series([None] * n, dtype=object)
            continue
        text = _text(frame[f[field]])
        mapping = codes.get(field, {})
        mapped = text.map(lambda v, m=mapping: m.get(fold(v)) if isinstance(v, str) else None)
        unknown = text.notna() & mapped.isna()
        allowed = ", ".join(sorted(set(mapping.values())))
        for value, group in pd.Series(rownums)[unknown.to_numpy()].groupby(text[unknown].to_numpy()):
            problems.error("category_unknown", row=int(group.iloc[0]), column=f[field], value=value,
                           allowed=allowed, n_rows=len(group))  # fmt: skip
        categories[field] = mapped.astype(object)

    answers = _answers(problems, frame, rownums, items, cmap.items)

    errors_in_file = problems.n_errors
    current = dbmod.one(
        con,
        "SELECT l.import_id, l.file_sha256, l.file_name, l.imported_at "
        "FROM respondent r LEFT JOIN import_log l USING (import_id) WHERE r.year = ? LIMIT 1",
        [year],
    )
    if current is not None:
        n_now = int(dbmod.scalar(con, "SELECT count(*) FROM respondent WHERE year = ?", [year]))
        plan.replaces = {"import_id": current[0], "file_sha256": current[1], "file_name": current[2],
                         "imported_at": str(current[3]), "respondents": n_now,
                         "data_kind": wave.data_kind}  # fmt: skip
        if current[1] == plan.file_sha256 and not errors_in_file:
            plan.status = "unchanged"
            return plan
        if not replace:  # reported, but the preview is still built so the officer sees what would change
            kind = wave.data_kind or "microdata"
            problems.error("wave_exists", value=year, n_vi=fmt_number(n_now, "vi", 0),
                           n_en=fmt_number(n_now, "en", 0), kind_vi=t(f"data.kind_{kind}", "vi"),
                           kind_en=t(f"data.kind_{kind}", "en"))  # fmt: skip
    if errors_in_file:
        return plan

    respondent = pd.DataFrame(
        {
            "year": np.full(n, year, dtype=np.int32),
            "respondent_id": rid.astype(str),
            "resp_no": np.arange(1, n + 1, dtype=np.int32),
            "province_id": province_id,
            "district_id": district_id,
            "commune_id": commune_id,
            "agency_id": pd.Series([None] * n, dtype=object),
            "stratum_id": stratum.astype(str),
            "psu_id": psu.astype(str),
            "weight": weight.astype(float).to_numpy(),
            **categories,
            "is_generated": np.zeros(n, dtype=bool),
        }
    )
    codes_order = [c for c in items["item_code"] if c in answers]
    matrix = np.column_stack([answers[c] for c in codes_order]) if codes_order else np.empty((n, 0), np.int8)
    keep = matrix.reshape(-1) >= 0
    item_index = np.tile(np.arange(len(codes_order), dtype=np.int32), n)[keep]
    answer = pa.table(
        {
            "year": pa.array(np.full(int(keep.sum()), year, dtype=np.int32)),
            "resp_no": pa.array(np.repeat(respondent["resp_no"].to_numpy(), len(codes_order))[keep]),
            "item_code": pa.DictionaryArray.from_arrays(
                pa.array(item_index), pa.array(codes_order, pa.string())
            ),
            "value": pa.array(matrix.reshape(-1)[keep]),
        }
    )
    payload: dict = {"respondent": respondent, "answer": answer}
    if cmap.identifying and pii == "hash":
        # hashed at commit time (store.write) with the salt kept beside the database; never stored in clear
        payload["identifying"] = {
            kind: (respondent["resp_no"].to_numpy()[_text(frame[label]).notna().to_numpy()],
                   _text(frame[label]).dropna().tolist())
            for label, kind in cmap.identifying.items()
        }  # fmt: skip
    if cmap.identifying:
        keep_idx = [i for i, c in enumerate(table.columns) if c not in cmap.identifying]
        payload["redacted"] = {
            "columns": [table.columns[i] for i in keep_idx],
            "rows": [[r[i] for i in keep_idx] for r in table.rows],
        }
    plan.payload = payload
    plan.summary = {
        "respondents": n,
        "answers": int(keep.sum()),
        "items": len(codes_order),
        "provinces": int(province_id.nunique()),
        "districts": int(district_id.nunique()),
        "communes": int(commune_id.nunique()),
        "psus": int(psu.nunique()),
        "units_matched": int(pd.concat([province_id, district_id, commune_id]).dropna().nunique()),
        "sum_weight": float(weight.sum()),
        "identifying_columns": sorted(cmap.identifying.values()),
        "identifying_handling": pii if cmap.identifying else None,
        "methodology_id": wave.methodology_id,
        "geo_version": gv,
        "sheet": table.sheet,
        "encoding": table.encoding,
        "header_row": table.header_row,
    }
    preview = respondent.drop(columns=["year", "resp_no", "agency_id", "is_generated"]).head(PREVIEW_ROWS)
    for c in codes_order[:12]:
        preview[c] = np.where(answers[c][:PREVIEW_ROWS] >= 0, answers[c][:PREVIEW_ROWS], None)
    preview.insert(0, "row", rownums[:PREVIEW_ROWS])
    plan.preview = preview
    plan.status = "invalid" if problems.has_errors else "ready"
    return plan
