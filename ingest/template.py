"""Microdata templates: the columns a wave's file must have, with a guide to each column in vi and en."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from i18n import t
from ingest.columns import CATEGORY_FIELDS
from ingest.microdata import category_codes
from reference.methodology import load_all, load_waves

BASE_COLUMNS = ("respondent_id", "province", "district", "commune", "psu_id", "stratum_id", "weight")
REQUIRED = {"respondent_id", "province", "commune"}


class TemplateError(ValueError):
    """No wave is known for the requested year."""


def guide(year: int) -> list[dict[str, str]]:
    """One row per template column: column, required, description_vi, description_en, allowed values."""
    wave = load_waves().get(year)
    if wave is None:
        raise TemplateError(year)
    methodology = load_all()[wave.methodology]
    codes = category_codes()
    rows = []
    for column in (*BASE_COLUMNS, *CATEGORY_FIELDS):
        if column == "district" and wave.geo_version == "2025":
            continue
        allowed = ", ".join(sorted(set(codes[column].values()))) if column in codes else ""
        rows.append({
            "column": column,
            "required": "x" if column in REQUIRED else "",
            "description_vi": t(f"ingest.template.{column}", "vi", geo=wave.geo_version),
            "description_en": t(f"ingest.template.{column}", "en", geo=wave.geo_version),
            "allowed": allowed or (t("ingest.template.allowed_weight", "vi") if column == "weight" else ""),
        })  # fmt: skip
    for item in methodology.items:
        scale = item.scale
        allowed = f"{scale.min}–{scale.max}" + (
            f"; {', '.join(str(c) for c in scale.missing_codes)} = " + t("ingest.template.missing_code", "vi")
            if scale.missing_codes
            else ""
        )
        rows.append({
            "column": item.code,
            "required": "x" if item.element else "",
            "description_vi": item.text_vi,
            "description_en": item.text_en,
            "allowed": allowed,
        })  # fmt: skip
    return rows


def write_template(year: int, out: Path | str) -> list[Path]:
    """Write the template for `year` to `out` (.xlsx: sheets 'du_lieu' and 'huong_dan'; .csv: the header
    row, plus `<name>.README.md` beside it). Returns the files written."""
    out = Path(out)
    rows = guide(year)
    header = [r["column"] for r in rows]
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".xlsx":
        book = Workbook()
        data = book.active
        data.title = "du_lieu"
        data.append(header)
        for cell in data[1]:
            cell.font = Font(bold=True)
        data.freeze_panes = "A2"
        info = book.create_sheet("huong_dan")
        info.append(
            ["column / cột", "required / bắt buộc", "mô tả", "description", "allowed / giá trị hợp lệ"]
        )
        for r in rows:
            info.append([r["column"], r["required"], r["description_vi"], r["description_en"], r["allowed"]])
        info.append([])
        info.append([t("ingest.template.privacy", "vi")])
        info.append([t("ingest.template.privacy", "en")])
        book.save(out)
        return [out]
    if out.suffix.lower() != ".csv":
        raise TemplateError(out.suffix)
    with open(out, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerow(header)
    readme = out.with_name(out.stem + ".README.md")
    lines = [
        f"# {t('ingest.template.title', 'vi', year=year)} / {t('ingest.template.title', 'en', year=year)}",
        "",
    ]
    lines += ["| column | required | mô tả | description | allowed |", "|---|---|---|---|---|"]
    lines += [f"| {r['column']} | {r['required']} | {r['description_vi']} | {r['description_en']} | {r['allowed']} |"
              for r in rows]  # fmt: skip
    lines += ["", t("ingest.template.privacy", "vi"), "", t("ingest.template.privacy", "en"), ""]
    readme.write_text("\n".join(lines), encoding="utf-8")
    return [out, readme]
