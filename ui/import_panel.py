"""The Data page's import section: choose what to import, validate the uploaded file (nothing written), show
every problem and a preview, and only on confirmation write a new database version (`ingest`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import streamlit as st

import ingest
from access.scope import AccessDenied, Principal
from content import source
from content.data_catalogue import when_text
from content.units import unit_names
from i18n import fmt_number, t
from i18n.markup import md
from ingest import readers, worker
from ingest.microdata import PII_MODES, SaltError, pii_mode
from ingest.plan import Plan
from ingest.published import LEVELS
from ingest.readers import MIB, max_import_bytes
from ingest.template import write_template
from reference.methodology import load_waves
from store import db, versions
from ui import data_access as da
from ui.state import Filters

KINDS = ("microdata", "published")
EXISTS_CODES = ("wave_exists", "published_exists")  # errors that only ask for 'replace' to be ticked
FIRST_PUBLISHED_YEAR = 2015
PLAN_KEY = "_data_import_plan"
DONE_KEY = "_data_import_done"
NONCE_KEY = "_data_import_nonce"
TARGET_KEY = "_data_import_target"
REPLACE_KEY = "data-import-replace"
PARTIAL_KEY = "data-import-partial"
PARTIAL_CODES = ("partial_wave", "partial_wave_shrinks")  # errors that only ask for the partial confirmation
LOCK_WAIT_S = 5.0  # an import already running: say so after a few seconds rather than hang the page


def microdata_years() -> list[int]:
    """Years that have a wave in `reference/waves.toml` (a methodology and a geography)."""
    return sorted(load_waves())


def published_years() -> list[int]:
    """Years a published table may belong to: 2015 to this year."""
    return list(range(FIRST_PUBLISHED_YEAR, dt.date.today().year + 1))


@st.cache_data(max_entries=16, show_spinner=False)
def template_files(year: int) -> tuple[bytes, bytes]:
    """(XLSX template, zip of the CSV template and its README.md) for `year`, built by `write_template`."""
    with tempfile.TemporaryDirectory(prefix="sipas-template-") as folder:
        base = Path(folder) / f"sipas_mau_nhap_{year}"
        xlsx = write_template(year, base.with_suffix(".xlsx"))[0].read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in write_template(year, base.with_suffix(".csv")):
                archive.write(path, arcname=path.name)
    return xlsx, buffer.getvalue()


@contextmanager
def _temp_copy(data: bytes, suffix: str) -> Iterator[Path]:
    """The uploaded bytes in a private temporary file with the upload's suffix, deleted afterwards."""
    fd, name = tempfile.mkstemp(prefix="sipas-upload-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        yield path
    finally:
        path.unlink(missing_ok=True)


def _inputs(filters: Filters, who: Principal) -> tuple[str, int, dict, str]:
    """The importer's choices: kind (published figures: administrators only), year, options for `ingest`,
    and who imports (the signed-in account)."""
    lang = filters.lang
    kinds = KINDS if who.scope.is_admin else ("microdata",)
    kind = st.radio(t("data.import.kind", lang), kinds, key="data-import-kind", horizontal=True,
                    format_func=lambda k: t(f"data.import.kind_{k}", lang))  # fmt: skip
    years = microdata_years() if kind == "microdata" else published_years()
    default = years.index(filters.year) if filters.year in years else len(years) - 1
    left, right = st.columns(2)
    year = left.selectbox(t("data.import.year", lang), years, index=default, key=f"data-import-year-{kind}")
    name = who.actor
    right.text_input(t("data.import.name", lang), value=name, disabled=True, key="data-import-name",
                     help=t("data.import.name_help", lang))  # fmt: skip
    if not who.scope.is_admin:
        names = unit_names(da.db_key(), lang)
        granted = ", ".join(f"{names.get(p, p)} ({p})" for p in sorted(who.scope.provinces))
        st.caption(t("data.import.officer_scope", lang, provinces=md(granted)))
    options: dict = {}
    if kind == "published":
        a, b, c, d = st.columns(4)
        options["index_code"] = a.text_input(t("data.import.index_code", lang), value="overall",
                                             key="data-import-index", help=t("data.import.index_code_help", lang)
                                             ).strip() or "overall"  # fmt: skip
        options["source"] = b.text_input(t("data.import.source", lang), key="data-import-source",
                                         help=t("data.import.source_help", lang)).strip() or None  # fmt: skip
        options["measured_by"] = c.text_input(t("data.import.measured_by", lang), value="MoHA SIPAS",
                                              key="data-import-measured-by").strip() or "MoHA SIPAS"  # fmt: skip
        options["level"] = d.selectbox(t("data.import.level", lang), LEVELS, key="data-import-level",
                                       format_func=lambda v: t(f"data.import.level_{v}", lang))  # fmt: skip
    else:
        options["pii"] = st.radio(t("data.import.pii", lang), PII_MODES, index=PII_MODES.index(pii_mode()),
                                  key="data-import-pii", horizontal=True,
                                  format_func=lambda v: t(f"data.import.pii_{v}", lang))  # fmt: skip
    options["sheet"] = st.text_input(t("data.import.sheet", lang), key="data-import-sheet",
                                     help=t("data.import.sheet_help", lang)).strip() or None  # fmt: skip
    return kind, year, options, name


def _prepare(
    kind: str, year: int, options: dict, upload, data: bytes, digest: str, lang: str, who: Principal
) -> tuple[Plan, AccessDenied | None] | None:
    """The validation plan of the uploaded file, kept in the session while file, choices and database
    version stay the same (validating reads the whole file)."""
    key = (digest, upload.name, kind, year, tuple(sorted(options.items())), da.db_key(), who)
    cached = st.session_state.get(PLAN_KEY)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        with (
            st.spinner(t("data.import.checking", lang)),
            _temp_copy(data, Path(upload.name).suffix.lower()) as tmp,
        ):
            # read and validated in a bounded child process (`ingest.worker`); the rows are built again
            # under the import lock on confirmation, so the child drops them
            store_key = da.db_key()
            plan = worker.prepare(kind, Path(store_key[0]), tmp, year, payload=False, file_name=upload.name,
                                  **options)  # fmt: skip
            refusal = ingest.access_refusal(who, plan, source.cursor(store_key)) if plan.ok else None
    except Exception as exc:  # never a traceback, on the page or in the server's log
        st.error(t("data.import.check_failed", lang, error=md(f"{type(exc).__name__}: {exc}")))
        return None
    st.session_state[PLAN_KEY] = (key, (plan, refusal))
    return plan, refusal


def limits_text(limit_mb: int, lang: str) -> str:
    """The import limits in force, for the form: file size (`limit_mb`), unpacked size of a workbook, data
    rows (`ingest.readers`), and the worker's memory and time (`ingest.worker.Limits`)."""
    limits = worker.Limits.from_env()
    unpacked = min(readers.ZIP_TOTAL_FACTOR * limit_mb, math.floor(readers.max_unpacked_bytes() / MIB))
    seconds = limits.seconds or 0
    return t(
        "data.import.limits",
        lang,
        mb=fmt_number(limit_mb, lang, 0),
        unpacked=fmt_number(unpacked, lang, 0),
        rows=fmt_number(readers.max_import_rows(), lang, 0),
        memory=fmt_number(limits.memory_mb, lang, 0),
        seconds=fmt_number(seconds, lang, 0 if float(seconds).is_integer() else 1),
    )


def problems_frame(plan: Plan, lang: str) -> pd.DataFrame:
    """Every listed problem, errors first, with the message in `lang`."""
    rows = [
        {
            t("data.import.col_severity", lang): t(
                "data.import.severity_error" if p.severity == "error" else "data.import.severity_warning",
                lang,
            ),
            t("data.import.col_row", lang): "" if p.row is None else str(p.row),
            t("data.import.col_column", lang): p.column or "",
            t("data.import.col_value", lang): p.value or "",
            t("data.import.col_message", lang): p.message_vi if lang == "vi" else p.message_en,
        }
        for p in sorted(plan.problems.listed, key=lambda p: p.severity != "error")
    ]
    return pd.DataFrame(rows)


def _summary(plan: Plan, lang: str) -> None:
    s = plan.summary
    if not s:
        return
    st.markdown(f"**{t('data.import.summary', lang)}**")
    if plan.kind == "microdata":
        keys = ("respondents", "units_matched", "provinces", "communes", "psus", "items", "answers")
    else:
        keys = ("rows", "units_matched")
    columns = st.columns(len(keys) + (plan.kind == "published"))
    for column, k in zip(columns, keys, strict=False):
        column.metric(t(f"data.import.m_{k}", lang), fmt_number(s.get(k), lang, 0))
    if plan.kind == "published":
        columns[-1].metric(t("data.import.m_index_codes", lang), len(s.get("index_codes", [])),
                           help=md(", ".join(s.get("index_codes", []))))  # fmt: skip
    st.caption(t("data.import.details", lang, methodology=s.get("methodology_id") or "–",
                 geo=s.get("geo_version") or "–", sheet=md(s.get("sheet") or "–"),
                 encoding=md(s.get("encoding") or "–"), header=s.get("header_row") or "–"))  # fmt: skip
    if s.get("columns_not_stored"):
        st.caption(t("data.import.not_stored", lang, n=fmt_number(s["columns_not_stored"], lang, 0)))
    if s.get("respondent_ids_hashed"):
        st.caption(t("data.import.ids_hashed", lang, n=fmt_number(s["respondent_ids_hashed"], lang, 0)))
    if s.get("identifying_columns"):
        handling = t(f"data.import.identifying_{s.get('identifying_handling') or 'drop'}", lang)
        st.warning(
            t("data.import.identifying", lang, kinds=", ".join(s["identifying_columns"]), handling=handling)
        )


def _problems(plan: Plan, lang: str) -> None:
    problems = plan.problems
    n_errors = problems.n_errors
    n_warnings = sum(n for (_, sev), n in problems.counts.items() if sev != "error")
    st.markdown(f"**{t('data.import.problems', lang, errors=n_errors, warnings=n_warnings)}**")
    if not problems.listed:
        st.caption(t("data.import.no_problems", lang))
        return
    message = st.column_config.TextColumn(t("data.import.col_message", lang), width="large")
    st.dataframe(problems_frame(plan, lang), hide_index=True, key="data-import-problems",
                 column_config={t("data.import.col_message", lang): message})  # fmt: skip
    not_listed = sum(problems.counts.values()) - len(problems.listed)
    if not_listed > 0:
        st.caption(t("data.import.not_listed", lang, n=fmt_number(not_listed, lang, 0)))


def _replaces(plan: Plan, lang: str) -> bool:
    """Say what is loaded now and offer the 'replace' box; returns whether replacing is allowed."""
    r = plan.replaces
    if plan.kind == "microdata":
        kind = r.get("data_kind")
        source = md(r["file_name"]) if r.get("file_name") else (
            t("data.source_generated", lang) if kind == "generated" else "–")  # fmt: skip
        st.warning(t("data.import.replaces_microdata", lang, year=plan.year,
                     n=fmt_number(r.get("respondents"), lang, 0),
                     kind=t(f"data.kind_{kind}", lang) if kind else "–", source=source,
                     when=when_text(r.get("imported_at"), lang)))  # fmt: skip
    else:
        st.warning(
            t("data.import.replaces_published", lang, year=plan.year, n=fmt_number(r.get("rows"), lang, 0))
        )
    return st.checkbox(t("data.import.replace", lang, year=plan.year), key=REPLACE_KEY)


def _asks_partial(plan: Plan) -> bool:
    """Whether the file covers only part of its wave (`ingest.coverage`), confirmed or not yet."""
    codes = {code for code, _ in plan.problems.counts}
    return any(c in codes or f"{c}_confirmed" in codes for c in PARTIAL_CODES)


def _partial(plan: Plan, lang: str) -> bool:
    """Say what a partial wave means for national figures and offer the confirmation; returns whether it is
    ticked."""
    c = plan.summary.get("coverage") or {}
    st.warning(t("data.import.partial", lang, year=plan.year, k=c.get("provinces", "–"),
                 n=c.get("design_provinces", "–")))  # fmt: skip
    return st.checkbox(t("data.import.partial_confirm", lang, year=plan.year), key=PARTIAL_KEY)


def _run_import(kind: str, year: int, options: dict, who: Principal, upload, data: bytes, lang: str) -> None:
    """Validate again under the import lock and write; on success remember the result and rerun the page."""
    target = db.db_path()
    try:
        with (
            st.spinner(t("data.import.running", lang)),
            _temp_copy(data, Path(upload.name).suffix.lower()) as tmp,
        ):
            plan, result = ingest.import_file(kind, tmp, year, db=target, principal=who, lock_timeout_s=LOCK_WAIT_S,
                                              isolated=True, file_name=upload.name, **options)  # fmt: skip
    except AccessDenied as refusal:  # checked again under the lock, whatever the form showed
        st.error(refusal.message(lang))
        return
    except versions.ImportBusyError:
        st.error(t("ingest.problem.import_busy", lang, value=target.name))
        return
    except SaltError as exc:  # the secret salt is misplaced or broken: its own bilingual reason
        st.error(exc.problem.message_vi if lang == "vi" else exc.problem.message_en)
        return
    except Exception as exc:  # never a traceback, on the page or in the server's log
        st.error(t("data.import.failed", lang, error=md(f"{type(exc).__name__}: {exc}")))
        return
    if result is None:
        if plan.status == "unchanged":
            st.info(t("data.import.status_unchanged", lang, file=md(upload.name), when="–"))
        else:
            st.error(t("data.import.recheck_failed", lang))
            _problems(plan, lang)
        return
    st.session_state[DONE_KEY] = {
        "rows": result.get("rows_loaded"),
        "version": result.get("version"),
        "replaced": bool(result.get("replaced")),
        "kind": kind,
        "year": year,
        "file": upload.name,
    }
    st.session_state[NONCE_KEY] = st.session_state.get(NONCE_KEY, 0) + 1  # a fresh, empty uploader
    st.session_state.pop(PLAN_KEY, None)
    st.rerun()


def _done_message(lang: str) -> None:
    done = st.session_state.pop(DONE_KEY, None)
    if not done:
        return
    st.success(t("data.import.done", lang, rows=fmt_number(done["rows"], lang, 0), year=done["year"],
                 kind=t(f"data.log.kind_{done['kind']}", lang), file=md(done["file"]),
                 version=done["version"]))  # fmt: skip
    if done["replaced"]:
        st.caption(t("data.import.done_replaced", lang))


def render(filters: Filters, who: Principal) -> None:
    """The whole import section (for a signed-in `who`; visitors never reach it)."""
    lang = filters.lang
    if who.scope.is_public:
        st.error(AccessDenied("import_public").message(lang))
        return
    st.caption(t("data.import.intro", lang))
    _done_message(lang)
    kind, year, options, name = _inputs(filters, who)
    # the importer's limit, capped by the server's own upload cap (Streamlit refuses bigger request bodies)
    limit_mb = max(1, min(math.floor(max_import_bytes() / MIB), int(st.get_option("server.maxUploadSize"))))
    limit = limit_mb * MIB
    upload = st.file_uploader(
        t("data.import.file", lang),
        type=["csv", "xlsx"],
        key=f"data-upload-{st.session_state.get(NONCE_KEY, 0)}",
        help=t("data.import.file_help", lang, mb=fmt_number(limit_mb, lang, 0)),
        max_upload_size=limit_mb,
    )
    st.caption(limits_text(limit_mb, lang))
    if upload is None:
        st.caption(t("data.import.choose_file", lang))
        return
    if upload.size > limit:
        st.error(t("data.import.too_large", lang, file=md(upload.name), mb=fmt_number(upload.size / MIB, lang, 1),
                   limit=fmt_number(limit_mb, lang, 0)))  # fmt: skip
        return
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    target = (digest, upload.name, kind, year)
    if st.session_state.get(TARGET_KEY) != target:  # another file or year: 'replace' must be ticked again
        st.session_state[TARGET_KEY] = target
        st.session_state.pop(REPLACE_KEY, None)
        st.session_state.pop(PARTIAL_KEY, None)
    options["replace"] = bool(st.session_state.get(REPLACE_KEY, False))
    if kind == "microdata":
        options["partial"] = bool(st.session_state.get(PARTIAL_KEY, False))
    prepared = _prepare(kind, year, options, upload, data, digest, lang, who)
    if prepared is None:
        return
    plan, refusal = prepared
    if refusal is not None:
        st.error(refusal.message(lang))
        return
    if plan.status == "unchanged":
        r = plan.replaces or {}
        st.info(t("data.import.status_unchanged", lang, file=md(r.get("file_name") or upload.name),
                  when=when_text(r.get("imported_at"), lang)))  # fmt: skip
        return
    if plan.ok:
        st.success(t("data.import.status_ready", lang))
    else:
        st.error(t("data.import.status_invalid", lang, n=fmt_number(plan.problems.n_errors, lang, 0)))
    _summary(plan, lang)
    _problems(plan, lang)
    if not plan.preview.empty:
        st.markdown(f"**{t('data.import.preview', lang)}**")
        st.dataframe(plan.preview, hide_index=True, key="data-import-preview")
        st.caption(t("data.import.preview_note", lang, n=len(plan.preview)))
    replace_ok = _replaces(plan, lang) if plan.replaces else True
    partial_ok = _partial(plan, lang) if _asks_partial(plan) else True
    blocked = None
    asks = sum(
        n
        for (code, sev), n in plan.problems.counts.items()
        if sev == "error" and code in (*EXISTS_CODES, *PARTIAL_CODES)
    )
    if plan.problems.n_errors > asks:
        blocked = "blocked_errors"
    elif not replace_ok:
        blocked = "blocked_replace"
    elif not partial_ok:
        blocked = "blocked_partial"
    elif plan.status != "ready":
        blocked = "blocked_errors"
    clicked = st.button(t("data.import.confirm", lang), type="primary", key="data-import-confirm",
                        disabled=blocked is not None)  # fmt: skip
    if blocked:
        st.caption(t(f"data.import.{blocked}", lang))
    if clicked and blocked is None:
        _run_import(kind, year, options, who, upload, data, lang)
