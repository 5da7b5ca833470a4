"""Respondent microdata: validate a file against its wave's methodology and geography, build the rows to load.

One row per respondent; item columns are named by the methodology's item codes (see the template). Every
check runs before anything is written; answers become the long `answer` table (no row for a blank cell).
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import os
import pickle
import re
import secrets
import stat
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from i18n import catalogue, fmt_number, t
from ingest import columns as cols
from ingest import coverage
from ingest.plan import Plan, sha256_file, wave_facts
from ingest.problems import Problems, problem
from ingest.readers import Column, Problem, ReadError, Table, read_table
from reference import units as units_module
from reference.units import UnitMatcher, fold
from store import db as dbmod
from store import imports, queries
from store.db import Connection

PII_MODES = ("drop", "hash")
PHONE_RE = re.compile(r"^(\+?84|0)\d{9,10}$")
NATIONAL_ID_RE = re.compile(r"^\d{12}$|^\d{9}$")
IDENTIFYING_ID_RE = re.compile(f"(?:{PHONE_RE.pattern})|(?:{NATIONAL_ID_RE.pattern})")  # either of the two
# A Vietnamese mobile (0[35789]x xxx xxxx) or landline (02xx xxxx xxxx) number written with separators.
_PHONE_COMPACT_RE = re.compile(r"(?:\+?84|0)(?:[35789]\d{8}|2\d{9})")
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE_SEPARATORS_RE = re.compile(r"[\s.\-()]")
_WORDS_RE = re.compile(r"[\s._,]+")
# Ids worth a closer look (RE2, run over all distinct ids at once): an '@', only digits and phone
# separators, or no digit at all and more than one word.
_SUSPECT_ID_RE2 = r"@|^[0-9\s.+()-]+$|^[^0-9]*[\s._,][^0-9]*$"
RESPONDENT_ID_HASH_PREFIX = "h-"
SALT_ENV = "SIPAS_PII_SALT"
SALT_FILE_ENV = "SIPAS_PII_SALT_FILE"
LEGACY_SALT_NAME = ".pii_salt"  # where salts were kept before: beside the database
PREVIEW_ROWS = 20


def pii_mode() -> str:
    """How identifying columns are handled: `$SIPAS_PII_MODE` 'drop' (default) or 'hash'."""
    mode = os.environ.get("SIPAS_PII_MODE", "drop")
    return mode if mode in PII_MODES else "drop"


class SaltError(ValueError):
    """The secret salt cannot be used safely; `problem` says why, in Vietnamese and English."""

    def __init__(self, reason: Problem) -> None:
        self.problem = reason
        super().__init__(reason.message_en)


def salt_file() -> Path:
    """Where the secret salt is kept: `$SIPAS_PII_SALT_FILE`, else `$XDG_STATE_HOME/sipas/pii_salt`, else
    `~/.local/state/sipas/pii_salt`: a private state folder of the service user, never the data folder."""
    if os.environ.get(SALT_FILE_ENV):
        return Path(os.environ[SALT_FILE_ENV]).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "sipas" / "pii_salt"


def _inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies below it (symbolic links resolved)."""
    path, folder = path.expanduser().resolve(), folder.expanduser().resolve()
    return path == folder or folder in path.parents


def _salt_from_hex(text: str) -> bytes | None:
    try:
        salt = bytes.fromhex(text.strip())
    except ValueError:
        return None
    return salt if len(salt) >= 16 else None


def salt_problem(db_folder: Path) -> Problem | None:
    """Why the salt may not be used for the database in `db_folder`, or None: `$SIPAS_PII_SALT` or the salt
    file is not a hex string of at least 16 bytes; the salt file would lie in the database's folder (copied
    and backed up with the data, so the hashes could be reversed); or an older salt beside the database
    differs from it. Reads only."""
    env = os.environ.get(SALT_ENV)
    if env:
        return None if _salt_from_hex(env) else problem("pii_salt_invalid", path=SALT_ENV)
    path = salt_file()
    if _inside(path, db_folder):
        return problem("pii_salt_location", path=str(path), folder=str(db_folder), env=SALT_FILE_ENV)
    try:
        text = path.read_text().strip() if path.is_file() else None
        legacy = db_folder / LEGACY_SALT_NAME
        old = legacy.read_text().strip() if legacy.is_file() else None
    except OSError:
        return problem("pii_salt_invalid", path=str(path))
    if text is not None and _salt_from_hex(text) is None:
        return problem("pii_salt_invalid", path=str(path))
    if old is not None and text is not None and old != text:
        return problem("pii_salt_conflict", path=str(legacy), salt=str(path))
    return None


def _private_folder(folder: Path, *, own: bool) -> None:
    """Create `folder` (mode 0700, whatever the umask); tighten it to 0700 when `own` (a folder of ours)."""
    existed = folder.is_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if (own or not existed) and folder.stat().st_uid == os.getuid():
        os.chmod(folder, 0o700)


def write_private(path: Path, data: bytes, *, exclusive: bool = False) -> bool:
    """Write `data` to `path` as a file only its owner may read (0600 whatever the umask), atomically
    (through a temporary file beside it). `exclusive`: leave an existing file alone and return False."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
            except OSError:  # a file system without hard links: not atomic against a second writer
                if path.exists():
                    return False
                os.replace(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return True


def pii_salt(db: Path) -> bytes:
    """Secret salt for identifying values kept as hashes: `$SIPAS_PII_SALT` (hex), else the file
    `salt_file()` (created at first use: 32 random bytes, mode 0600 in a 0700 folder). `SaltError` when
    `salt_problem` finds one for the database's folder. A salt left by an older version beside the database
    (`.pii_salt`) is moved there, so earlier hashes still match, and never left among the data."""
    reason = salt_problem(db.parent)
    if reason is not None:
        raise SaltError(reason)
    env = os.environ.get(SALT_ENV)
    if env:
        return bytes.fromhex(env.strip())
    path = salt_file()
    _private_folder(path.parent, own=SALT_FILE_ENV not in os.environ)
    legacy = db.parent / LEGACY_SALT_NAME
    if not path.exists():
        data = legacy.read_bytes().strip() if legacy.is_file() else secrets.token_hex(32).encode()
        write_private(path, data + b"\n", exclusive=True)  # another process may have just made one
    text = path.read_text().strip()
    if legacy.is_file():
        if legacy.read_text().strip() != text:
            raise SaltError(problem("pii_salt_conflict", path=str(legacy), salt=str(path)))
        legacy.unlink()
    st = path.stat()
    if st.st_mode & 0o077 and st.st_uid == os.getuid():
        os.chmod(path, 0o600)
    salt = _salt_from_hex(text)
    if salt is None:
        raise SaltError(problem("pii_salt_invalid", path=str(path)))
    return salt


def salted_hash(salt: bytes, value: str) -> str:
    """HMAC-SHA256(salt, folded value): equal inputs give equal hashes, and without the salt a phone number
    cannot be recovered by trying all numbers."""
    return hmac.new(salt, fold(value).replace(" ", "").encode(), hashlib.sha256).hexdigest()


def hashed_respondent_id(salt: bytes, value: str) -> str:
    """The id stored for a respondent id that is personal data: 'h-' and 20 hex digits of an HMAC-SHA256
    with the secret salt over the id exactly as written (distinct ids stay distinct; a different purpose
    string than `salted_hash`, so it cannot be matched with the re-check hashes)."""
    digest = hmac.new(salt, b"respondent_id\x00" + value.encode(), hashlib.sha256).hexdigest()
    return RESPONDENT_ID_HASH_PREFIX + digest[:20]


def identifying_id_kind(value: str) -> str | None:
    """'email' | 'phone' | 'national_id' | 'name' when a respondent id is personal data (an e-mail address; a
    phone number, also written '0912 345 678' or '+84 912.345.678'; a 9- or 12-digit ID number; two or more
    words of letters only, such as 'Nguyễn Văn An'), else None: questionnaire ids such as 'HN-001-0042',
    '01-123-45' or 'R000123' pass."""
    text = value.strip()
    if "@" in text and _EMAIL_RE.search(text):
        return "email"
    if PHONE_RE.match(text):
        return "phone"
    if NATIONAL_ID_RE.match(text):
        return "national_id"
    compact = _PHONE_SEPARATORS_RE.sub("", text)
    if compact != text and compact.lstrip("+").isdigit():
        if _PHONE_COMPACT_RE.fullmatch(compact):
            return "phone"
        if re.fullmatch(r"[\d\s.]+", text) and NATIONAL_ID_RE.match(compact):
            return "national_id"
    words = [w for w in _WORDS_RE.split(text) if w]
    if len(words) >= 2 and all(w.isalpha() for w in words):
        return "name"
    return None


def identifying_id_kinds(values: list[str]) -> list[str | None]:
    """`identifying_id_kind` of each value; the few suspects are found by one regular-expression pass over
    all of them (a million distinct ids take a fraction of a second)."""
    if not values:
        return []
    array = pa.array([str(v) for v in values], pa.string())
    suspect = pc.match_substring_regex(array, _SUSPECT_ID_RE2).to_numpy(zero_copy_only=False)
    out: list[str | None] = [None] * len(values)
    for k in np.flatnonzero(suspect).tolist():
        out[k] = identifying_id_kind(str(values[k]))
    return out


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


def matcher_cache_dir() -> Path:
    """Where built unit matchers are kept between processes: `$SIPAS_CACHE_DIR`, else
    `$XDG_CACHE_HOME/sipas`, else `~/.cache/sipas` (a private folder of the current user)."""
    if os.environ.get("SIPAS_CACHE_DIR"):
        return Path(os.environ["SIPAS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sipas"


def _private_dir(folder: Path) -> bool:
    """Whether `folder` exists (or was made), belongs to this user and only this user may write to it."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _matcher_file(fingerprint: tuple) -> Path:
    """Cache file of the matcher for a units fingerprint, also keyed by the matcher's own code and Python."""
    key = hashlib.sha256()
    key.update(repr((fingerprint, sys.version_info[:2], pd.__version__, pickle.HIGHEST_PROTOCOL)).encode())
    key.update(Path(units_module.__file__).read_bytes())
    return matcher_cache_dir() / f"unit_matcher-{key.hexdigest()[:32]}.pickle"


def _load_matcher(path: Path) -> UnitMatcher | None:
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_uid != os.getuid():
                return None
            gc.disable()  # unpickling ~14,000 small objects: the collector would triple the time
            try:
                matcher = pickle.load(handle)  # noqa: S301 - our own file in a private folder
            finally:
                gc.enable()
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return matcher if isinstance(matcher, UnitMatcher) else None


def _save_matcher(path: Path, matcher: UnitMatcher) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(matcher, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        tmp.unlink(missing_ok=True)  # a cache only: the import goes on without it


def matcher_for(con: Connection) -> UnitMatcher:
    """A unit matcher for the store behind `con`, reused while its units are unchanged: building one reads
    14,000 units and takes about two seconds, so it is kept in memory and, pickled, in a private cache folder
    (`matcher_cache_dir()`, keyed by the units, the crosswalk and the code of `reference.units`), where a new
    process loads it in a fraction of that."""
    fingerprint = imports.units_fingerprint(con)
    matcher = _MATCHERS.get(fingerprint)
    if matcher is None:
        _MATCHERS.clear()
        path = _matcher_file(fingerprint)
        private = _private_dir(path.parent)
        matcher = _load_matcher(path) if private and path.exists() else None
        if matcher is None:
            matcher = queries.unit_matcher(con)
            if private:
                _save_matcher(path, matcher)
        _MATCHERS[fingerprint] = matcher
    return matcher


def _text_value(v: object) -> str | None:
    """A cell as stripped text (None for empty); numbers such as 12.0 from XLSX become '12'."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    s = str(v).strip()
    return s or None


def _texts(column: Column) -> Column:
    """A column's cells as stripped text (see `_text_value`), worked out once per distinct value."""
    values = column.values
    if all(type(v) is str for v in values) and "" not in values and [v.strip() for v in values] == values:
        return column  # text already stripped by the reader's `clean_text` (every CSV cell): nothing to do
    return column.map(_text_value)


def _rows_where(column: Column, flags: list[bool] | np.ndarray, *, empty: bool = False) -> np.ndarray:
    """Indexes of the rows whose value has a true flag (flags per distinct value; `empty` for empty cells)."""
    lut = np.append(np.asarray(flags, dtype=bool).reshape(-1), empty)
    return np.flatnonzero(lut[column.codes])


def _per_row(
    column: Column, per_value: list | np.ndarray, empty: object, dtype: object = object
) -> np.ndarray:
    """A value per row from one value per distinct value (`empty` for empty cells)."""
    lut = np.empty(len(column.values) + 1, dtype=dtype)
    lut[: len(column.values)] = per_value
    lut[-1] = empty
    return lut[column.codes]


def _display(value: object) -> str:
    """A cell as the officer typed it (7.0 read from XLSX shows as 7)."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _unit_problem(problems: Problems, result, *, row: int, n_rows: int, label: str, value: str) -> None:
    suggestions = ", ".join(f"{s.name_vi} ({s.unit_id})" for s in result.suggestions[:3]) or "–"
    problems.error(
        f"unit_{result.issue or 'not_found'}",
        row=row,
        column=label,
        value=value,
        n_rows=n_rows,
        suggestions=suggestions,
        note_vi=result.note_vi or "",
        note_en=result.note_en or "",
    )


def _resolve_column(
    problems: Problems,
    matcher: UnitMatcher,
    texts: Column,
    parents: np.ndarray | None,
    rownums: np.ndarray,
    *,
    level: str,
    geo_version: str,
    label: str,
) -> np.ndarray:
    """Unit ids (object array, None where unresolved) for a column of names/codes: one lookup per distinct
    (text, parent); problems once per distinct bad value, with its first row and how many rows carry it, in
    the order of the sorted (text, parent) pairs."""
    n = len(texts.codes)
    out = np.full(n, None, dtype=object)
    filled = np.flatnonzero(texts.codes >= 0)
    if not len(filled):
        return out
    parent = Column.from_cells(parents) if parents is not None else Column([], np.full(n, -1, np.int64))
    width = len(parent.values) + 1
    keys = texts.codes[filled] * width + (parent.codes[filled] + 1)
    _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    rows = filled[first]
    parent_of = [parent.values[c] if c >= 0 else None for c in parent.codes[rows]]
    pairs = pd.DataFrame(
        {
            "text": pd.Series([texts.values[c] for c in texts.codes[rows]], dtype=object),
            "parent": pd.Series(parent_of, dtype=object),
            "pair": np.arange(len(rows)),
        }
    )
    ids = np.full(len(rows), None, dtype=object)
    for (text, parent_value), group in pairs.groupby(["text", "parent"], dropna=False):
        k = int(group["pair"].iloc[0])
        parent_id = parent_value if isinstance(parent_value, str) else None
        result = matcher.resolve(text, level=level, geo_version=geo_version, parent_id=parent_id)
        if result.unit_id is None:
            _unit_problem(problems, result, row=int(rownums[rows[k]]), n_rows=int(counts[k]), label=label,
                          value=text)  # fmt: skip
        else:
            ids[k] = result.unit_id
    out[filled] = ids[inverse.reshape(-1)]
    return out


def _answers(
    problems: Problems,
    data: dict[str, Column],
    rownums: np.ndarray,
    items: pd.DataFrame,
    item_cols: dict[str, str],
) -> dict[str, np.ndarray]:
    """Per item code: int8 answers (-1 = blank, not asked). Non-integers and values outside the scale or the
    item's missing codes are errors. Each distinct cell value is parsed once."""
    out: dict[str, np.ndarray] = {}
    for item in items.itertuples():
        label = item_cols.get(item.item_code)
        if label is None:
            continue
        column = data[label]
        raw = pd.Series(column.values, dtype=object)
        # cells are str/int/float from the reader ('' is already None); '4,0' is not an integer
        numbers = pd.to_numeric(raw, errors="coerce")
        bad_number = numbers.isna().to_numpy() | (numbers.fillna(0) % 1 != 0).to_numpy()
        allowed = set(range(int(item.scale_min), int(item.scale_max) + 1)) | {
            int(c) for c in item.missing_codes
        }
        values = numbers.fillna(-1).to_numpy()
        out_of_scale = (~bad_number) & ~np.isin(values, list(allowed))
        for idx in _rows_where(column, bad_number):
            problems.error("answer_not_integer", row=int(rownums[idx]), column=label,
                           value=column.values[column.codes[idx]], item=item.item_code)  # fmt: skip
        allowed_text = f"{int(item.scale_min)}–{int(item.scale_max)}" + (
            f", {', '.join(str(int(c)) for c in item.missing_codes)}" if len(item.missing_codes) else ""
        )
        for idx in _rows_where(column, out_of_scale):
            problems.error("answer_out_of_range", row=int(rownums[idx]), column=label,
                           value=_display(column.values[column.codes[idx]]), allowed=allowed_text)  # fmt: skip
        clean = np.where(bad_number | out_of_scale, -1, values).astype(np.int16).astype(np.int8)
        out[item.item_code] = _per_row(column, clean, -1, np.int8)
    return out


def _string_array(values: np.ndarray) -> pa.Array:
    """Text cells (None/NaN: blank) as an Arrow string array, converted in one pass when they are str."""
    try:
        return pa.array(values, pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None or v != v else str(v) for v in values], pa.string())


def archive_table(
    labels: list[str], cmap: cols.ColumnMap, loaded: dict[str, object], answers: dict[str, np.ndarray]
) -> pa.Table:
    """What is kept of a microdata file: its recognised columns in file order, named by field or item
    code, holding the values as loaded (unit ids, category codes, weights, answers; blank where not
    answered) — never a column that was not loaded, so no personal data and no free text. Re-importable."""
    field_of = {label: field for field, label in cmap.fields.items()}
    item_of = {label: code for code, label in cmap.items.items()}
    names: list[str] = []
    arrays: list[pa.Array] = []
    for label in labels:
        if label in field_of and field_of[label] in loaded:
            field = field_of[label]
            values = np.asarray(loaded[field])
            if field == "weight":
                arrays.append(pa.array(values.astype(float)))
            elif field == "year":
                arrays.append(pa.array(values))
            else:
                arrays.append(_string_array(values))
            names.append(field)
        elif label in item_of and item_of[label] in answers:
            values = answers[item_of[label]]
            arrays.append(pa.array(values, mask=values < 0))
            names.append(item_of[label])
    return pa.table(arrays, names=names)


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
    con: Connection,
    path: Path | str,
    year: int,
    *,
    sheet: str | None = None,
    replace: bool = False,
    pii: str | None = None,
    file_name: str | None = None,
    partial: bool = False,
) -> Plan:
    """Validate a microdata file for wave `year` against the database behind `con` (read only). `partial`
    confirms a file that covers only part of the wave (`ingest.coverage`)."""
    path = Path(path)
    plan = Plan("microdata", year, path, file_name or path.name, sha256_file(path), path.stat().st_size)
    pii = pii or pii_mode()
    plan.options = {"sheet": sheet, "replace": replace, "pii": pii, "partial": partial}
    problems = plan.problems
    wave = wave_facts(con, year)
    if wave is None:
        problems.error("year_unknown", value=year)
        return plan
    items = imports.wave_items(con, wave.methodology_id)
    table = read_file(path, "microdata", problems, sheet, items["item_code"].tolist())
    if table is None:
        return plan
    cmap = cols.map_columns(table.columns, kind="microdata", item_codes=items["item_code"].tolist())
    for field, label in cmap.duplicates:
        problems.error("column_duplicate", column=label, field=field)
    for label, kind in cmap.identifying.items():
        handling = pii if kind in cols.RECHECK_KINDS else "drop"  # a birth date or contact: never kept
        problems.warning(f"identifying_{handling}", column=label, kind_vi=t(f"ingest.identifying.{kind}", "vi"),
                         kind_en=t(f"ingest.identifying.{kind}", "en"))  # fmt: skip
    for label in cmap.ignored:  # never stored, in the database or in the archived copy
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
    if not table.row_numbers:
        problems.error("no_rows")
        return plan
    data = dict(zip(table.columns, table.column_data(), strict=True))
    # the columns that are loaded (items are parsed as numbers); dropped columns are not echoed
    loaded_columns = list(cmap.fields.values())
    for rownum, label, text in cols.formula_cells_by_column(table.columns, list(data.values()),
                                                            table.row_numbers, loaded_columns):  # fmt: skip
        personal = identifying_id_kind(str(text)) is not None
        if personal and label == cmap.fields.get("respondent_id"):
            continue  # '+84 912 345 678' as an id: refused or hashed below, as personal data
        problems.error("formula", row=rownum, column=label, value="***" if personal else text)
    if problems.has_errors:
        return plan

    rownums = np.asarray(table.row_numbers)
    n = len(rownums)
    f = cmap.fields

    if "year" in f:
        years = _texts(data[f["year"]])
        for idx in _rows_where(years, [v != str(year) for v in years.values]):
            problems.error("year_mismatch", row=int(rownums[idx]), column=f["year"],
                           value=years.values[years.codes[idx]], year=year)  # fmt: skip

    rid = _texts(data[f["respondent_id"]])
    # ids that are personal data: refused (drop mode) or stored as a salted hash (hash mode), never echoed
    id_kinds = identifying_id_kinds(rid.values)
    personal_id = np.array([k is not None for k in id_kinds], dtype=bool)
    for idx in np.flatnonzero(rid.codes < 0):
        problems.error("value_missing", row=int(rownums[idx]), column=f["respondent_id"])
    repeated = np.bincount(rid.codes[rid.codes >= 0], minlength=len(rid.values)) > 1
    if repeated.any():
        dup = _rows_where(rid, repeated)
        codes = rid.codes[dup]
        _, first = np.unique(codes, return_index=True)
        first_row = dict(zip(codes[first].tolist(), rownums[dup[first]].tolist(), strict=True))
        later = np.ones(len(dup), dtype=bool)
        later[first] = False
        for pos in np.flatnonzero(later):
            code = int(codes[pos])
            problems.error("respondent_duplicate", row=int(rownums[dup[pos]]), column=f["respondent_id"],
                           value="***" if personal_id[code] else rid.values[code],
                           first_row=int(first_row[code]))  # fmt: skip
    hashed_ids = _rows_where(rid, personal_id)
    if pii == "hash":
        if len(hashed_ids):
            kinds = sorted({id_kinds[c] for c in rid.codes[hashed_ids]})
            problems.warning("respondent_id_hashed", column=f["respondent_id"], n_rows=len(hashed_ids),
                             kind_vi=", ".join(t(f"ingest.identifying.{k}", "vi") for k in kinds),
                             kind_en=", ".join(t(f"ingest.identifying.{k}", "en") for k in kinds))  # fmt: skip
    else:
        for idx in hashed_ids:
            kind = id_kinds[rid.codes[idx]]
            problems.error("respondent_id_identifying", row=int(rownums[idx]), column=f["respondent_id"],
                           value="***", kind_vi=t(f"ingest.identifying.{kind}", "vi"),
                           kind_en=t(f"ingest.identifying.{kind}", "en"))  # fmt: skip
        hashed_ids = hashed_ids[:0]
    hashable = [label for label, kind in cmap.identifying.items() if kind in cols.RECHECK_KINDS]
    if pii == "hash" and (len(hashed_ids) or hashable):
        # said now for the app's database; checked again for the database written to (`pii_salt`)
        refusal = salt_problem(dbmod.db_path().parent)
        if refusal is not None:
            problems.add(refusal)

    matcher = matcher_for(con)
    gv = wave.geo_version
    province_text = _texts(data[f["province"]])
    for idx in np.flatnonzero(province_text.codes < 0):
        problems.error("value_missing", row=int(rownums[idx]), column=f["province"])
    province_id = _resolve_column(problems, matcher, province_text, None, rownums, level="province",
                                  geo_version=gv, label=f["province"])  # fmt: skip
    district_id = np.full(n, None, dtype=object)
    if "district" in f:
        district_text = _texts(data[f["district"]])
        if gv == "2025":
            if (district_text.codes >= 0).any():
                problems.warning("district_ignored_2025", column=f["district"])
        else:
            district_id = _resolve_column(problems, matcher, district_text, province_id, rownums,
                                          level="district", geo_version=gv, label=f["district"])  # fmt: skip
    commune_id = np.full(n, None, dtype=object)
    if "commune" in f:
        commune_text = _texts(data[f["commune"]])
        parent = np.where(pd.notna(district_id), district_id, province_id)
        commune_id = _resolve_column(problems, matcher, commune_text, parent, rownums, level="commune",
                                     geo_version=gv, label=f["commune"])  # fmt: skip
        if gv == "pre2025" and "district" not in f:
            parents = imports.commune_parents(con)
            district_id = Column.from_cells(commune_id).map(parents.get).cells()
    if "psu_id" in f:
        psu = _texts(data[f["psu_id"]]).cells()
        fallback = np.where(pd.notna(commune_id), commune_id, district_id)
        psu = np.where(pd.notna(psu), psu, fallback)
    else:
        psu = commune_id.copy()
    for idx in np.flatnonzero(pd.isna(psu) & pd.notna(province_id)):
        problems.error("psu_missing", row=int(rownums[idx]), column=f.get("psu_id", f.get("commune", "")))
    stratum = _texts(data[f["stratum_id"]]).cells() if "stratum_id" in f else province_id.copy()
    stratum = np.where(pd.notna(stratum), stratum, province_id)

    if "weight" in f:
        wtext = _texts(data[f["weight"]])
        parsed = pd.to_numeric(
            pd.Series(wtext.values, dtype=object).str.replace(",", ".", regex=False), errors="coerce"
        ).astype(float)
        bad = (parsed.isna() | ~np.isfinite(parsed.fillna(0)) | (parsed.fillna(0) <= 0)).to_numpy()
        for idx in _rows_where(wtext, bad, empty=True):
            code = wtext.codes[idx]
            # a blank cell is reported as 'nan', as before
            value = wtext.values[code] if code >= 0 else np.nan
            problems.error("weight_invalid", row=int(rownums[idx]), column=f["weight"], value=value)
        weight = _per_row(wtext, parsed.to_numpy(), np.nan, float)
    else:
        problems.warning("weight_missing")
        weight = np.ones(n)

    codes = category_codes()
    categories: dict[str, np.ndarray] = {}
    for field in cols.CATEGORY_FIELDS:
        if field not in f:
            categories[field] = np.full(n, None, dtype=object)
            continue
        text = _texts(data[f[field]])
        mapping = codes.get(field, {})
        mapped = [mapping.get(fold(v)) for v in text.values]
        unknown = [m is None for m in mapped]
        allowed = ", ".join(sorted(set(mapping.values())))
        rows = _rows_where(text, unknown)
        if len(rows):
            values = pd.Series([text.values[c] for c in text.codes[rows]], dtype=object).to_numpy()
            for value, group in pd.Series(rownums[rows]).groupby(values):
                problems.error("category_unknown", row=int(group.iloc[0]), column=f[field], value=value,
                               allowed=allowed, n_rows=len(group))  # fmt: skip
        categories[field] = _per_row(text, mapped, None)

    answers = _answers(problems, data, rownums, items, cmap.items)

    errors_in_file = problems.n_errors
    current = imports.wave_import(con, year)
    if current is not None:
        n_now = imports.respondent_count(con, year)
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

    respondent_ids = pd.Series(rid.cells(), dtype=object).astype(str)
    respondent_ids.iloc[hashed_ids] = None  # hashed when written (`ingest.load`), with the secret salt
    respondent = pd.DataFrame(
        {
            "year": np.full(n, year, dtype=np.int32),
            "respondent_id": respondent_ids,
            "resp_no": np.arange(1, n + 1, dtype=np.int32),
            "province_id": pd.Series(province_id, dtype=object),
            "district_id": pd.Series(district_id, dtype=object),
            "commune_id": pd.Series(commune_id, dtype=object),
            "agency_id": pd.Series([None] * n, dtype=object),
            "stratum_id": pd.Series(stratum).astype(str),
            "psu_id": pd.Series(psu).astype(str),
            "weight": weight.astype(float),
            **{field: pd.Series(values, dtype=object) for field, values in categories.items()},
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
    if len(hashed_ids):
        payload["respondent_id_hash"] = (hashed_ids, [rid.values[c] for c in rid.codes[hashed_ids]])
    if hashable and pii == "hash":
        # hashed when written (`ingest.load`) with the secret salt kept outside the data; never stored in clear
        payload["identifying"] = {}
        for label in hashable:
            kind = cmap.identifying[label]
            texts = _texts(data[label])
            filled = texts.codes >= 0
            resp_nos, values = payload["identifying"].get(kind, (np.empty(0, np.int32), []))
            payload["identifying"][kind] = (np.concatenate([resp_nos, respondent["resp_no"].to_numpy()[filled]]),
                                            values + [texts.values[c] for c in texts.codes[filled]])  # fmt: skip
    loaded = {"respondent_id": respondent_ids, "year": np.full(n, year, dtype=np.int32),
              "province": province_id, "district": district_id, "commune": commune_id, "psu_id": psu,
              "stratum_id": stratum, "weight": weight, **categories}  # fmt: skip
    if gv == "2025":
        loaded.pop("district")
    payload["archive"] = archive_table(table.columns, cmap, loaded, answers)
    plan.payload = payload
    plan.summary = {
        "respondents": n,
        "answers": int(keep.sum()),
        "items": len(codes_order),
        "provinces": int(respondent["province_id"].nunique()),
        "districts": int(respondent["district_id"].nunique()),
        "communes": int(respondent["commune_id"].nunique()),
        "psus": int(pd.Series(psu).nunique()),
        "units_matched": int(
            pd.Series(np.concatenate([province_id, district_id, commune_id])).dropna().nunique()
        ),
        "sum_weight": float(weight.sum()),
        "identifying_columns": sorted(cmap.identifying.values()),
        "identifying_handling": pii if cmap.identifying else None,
        "respondent_ids_hashed": len(hashed_ids),
        "columns_not_stored": len(cmap.identifying) + len(cmap.ignored),
        "methodology_id": wave.methodology_id,
        "geo_version": gv,
        "sheet": table.sheet,
        "encoding": table.encoding,
        "header_row": table.header_row,
    }
    preview = respondent.drop(columns=["year", "resp_no", "agency_id", "is_generated"]).head(PREVIEW_ROWS)
    for c in codes_order[:12]:
        preview[c] = np.where(answers[c][:PREVIEW_ROWS] >= 0, answers[c][:PREVIEW_ROWS], None)
    preview["respondent_id"] = preview["respondent_id"].where(preview["respondent_id"].notna(), "***")
    preview.insert(0, "row", rownums[:PREVIEW_ROWS])
    plan.preview = preview
    coverage.check(con, plan, confirmed=partial)
    plan.status = "invalid" if problems.has_errors else "ready"
    return plan
