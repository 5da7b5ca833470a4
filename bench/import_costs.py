"""What validating an upload costs: peak memory and time of `ingest.prepare` on microdata files of growing
size, CSV and XLSX, each measured in a fresh process (the import worker's situation, `ingest.worker`).

Usage: python -m bench.import_costs [--db PATH] [--csv-mb 10,20,40,80] [--xlsx-mb 10,25,50,100]
                                   [--unique-csv-mb 10,20,40] [--unique-xlsx-mb 10,25,50] [--work DIR]

Files are made from `tests.ingest.builders.microdata_frame` (valid 2024 microdata, 59 columns, answers 1–5)
repeated to the wanted size with unique respondent ids. XLSX files are written directly as Office Open XML
(shared strings, one sheet; what Excel writes, without styles), sized by their unpacked XML.

Each file is validated by the import worker (`ingest.worker.run`), as the Data page does, with no memory
limit and the size and row limits lifted (`SIPAS_IMPORT_MAX_MB` etc. set to 1e9 for this process).
Columns printed per file: rows, file MB, unpacked MB (XLSX), seconds (the whole child, ≈ 2 s of start-up
included), the child's peak growth of resident memory (VmHWM) and of address space (VmPeak: what RLIMIT_AS,
hence `SIPAS_IMPORT_MAX_MEMORY_MB`, counts) over its footprint once set up, in MB. A straight-line fit
"peak ≈ a + b × MB" is printed per format.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
YEAR = 2024
MIB = 1024 * 1024


# ------------------------------------------------------------------------------------------------- files


def microdata_table(rows: int, year: int = YEAR, variant: str = "valid") -> pd.DataFrame:
    """`rows` respondents of wave `year`: the builders' 1,000-row valid table repeated, ids made unique.

    ``variant`` 'unique': every question cell holds a different text instead ('a123-7': refused, but read
    whole first), the worst case for the reader, which works once per distinct value of a column."""
    from tests.ingest.builders import item_codes, microdata_frame

    base = microdata_frame(year, per_psu=250)
    frame = pd.concat([base] * math.ceil(rows / len(base)), ignore_index=True).iloc[:rows].copy()
    frame["respondent_id"] = [f"B{year}-{k:07d}" for k in range(1, rows + 1)]
    if variant == "unique":
        numbers = np.arange(rows).astype(str).astype(object)
        for j, code in enumerate(item_codes(year)):
            frame[code] = "a" + numbers + f"-{j}"
    return frame


def _letters(n: int) -> list[str]:
    out = []
    for index in range(n):
        letters, k = "", index + 1
        while k:
            k, rem = divmod(k - 1, 26)
            letters = chr(65 + rem) + letters
        out.append(letters)
    return out


_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
}


def write_xlsx(frame: pd.DataFrame, path: Path) -> int:
    """Write `frame` as a one-sheet workbook (header row 1, text as shared strings, numbers as values);
    returns the unpacked size in bytes."""
    letters = _letters(len(frame.columns))
    strings: dict[str, int] = {}

    def cell(ref: str, value: object) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, str):
            return f'<c r="{ref}" t="s"><v>{strings.setdefault(value, len(strings))}</v></c>'
        return f'<c r="{ref}"><v>{value}</v></c>'

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            records = [list(frame.columns), *frame.itertuples(index=False, name=None)]
            for number, record in enumerate(records, 1):
                body = "".join(cell(f"{c}{number}", v) for c, v in zip(letters, record, strict=True))
                out.write(f'<row r="{number}">{body}</row>'.encode())
            out.write(b"</sheetData></worksheet>")
        items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats'
            f'.org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>',
        )
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


def _rows_per_mb(fmt: str, variant: str) -> float:
    """Rows per MB (file MB for CSV, unpacked MB for XLSX), from a 2,000-row sample."""
    with tempfile.TemporaryDirectory() as folder:
        sample = microdata_table(2000, variant=variant)
        path = Path(folder) / f"s.{fmt}"
        if fmt == "csv":
            sample.to_csv(path, index=False)
            size = path.stat().st_size
        else:
            size = write_xlsx(sample, path)
    return 2000 / (size / MIB)


def make_file(fmt: str, mb: float, folder: Path, variant: str = "valid") -> tuple[Path, int, int]:
    """A microdata file of about `mb` MB (unpacked for XLSX): (path, rows, unpacked bytes)."""
    rows = max(10, int(mb * _rows_per_mb(fmt, variant)))
    frame = microdata_table(rows, variant=variant)
    path = folder / f"{variant}_{mb:g}mb.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False)
        return path, rows, path.stat().st_size
    return path, rows, write_xlsx(frame, path)


# ---------------------------------------------------------------------------------------------- measuring


def measure(db: Path, path: Path, kind: str = "microdata") -> dict:
    """Validate `path` in the import worker with no memory limit (time limit 1 hour): seconds of the whole
    child (start-up included), its peak growth of resident memory (VmHWM) and of address space (VmPeak, what
    the worker's RLIMIT_AS limits) over its footprint once set up, and the plan's status."""
    from ingest import worker

    started = time.perf_counter()
    # replace and partial: the whole validation runs for these 2024 files of 2 provinces
    outcome = worker.run(kind, db, path, YEAR, payload=False, limits=worker.Limits(None, 3600), replace=True,
                         partial=True)  # fmt: skip
    wall = time.perf_counter() - started
    if outcome.status != "ok":
        return {"failed": outcome.status, "error": outcome.error}
    stats = outcome.stats or {}
    return {"seconds": round(wall, 2), "rss_mb": stats.get("peak_rss_mb"), "as_mb": stats.get("peak_as_mb"),
            "status": outcome.plan.status, "errors": outcome.plan.problems.n_errors}  # fmt: skip


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares (a, b) of y ≈ a + b × x."""
    xs, ys = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    if len(points) < 2:
        return 0.0, float(ys[0] / xs[0]) if len(points) else 0.0
    b, a = np.polyfit(xs, ys, 1)
    return float(a), float(b)


def run(db: Path, plan: list[tuple[str, str, float]], work: Path) -> list[dict]:
    """Make and measure every (format, variant, MB) file; prints a table and the fits; returns the rows."""
    rows = []
    print(f"{'file':<22}{'rows':>9}{'file MB':>9}{'unpacked':>10}{'s':>8}{'RSS MB':>9}{'AS MB':>9}  status")
    for fmt, variant, mb in plan:
        path, n, unpacked = make_file(fmt, mb, work, variant)
        result = measure(db, path)
        row = {"format": fmt, "variant": variant, "file": path.name, "rows": n,
               "file_mb": round(path.stat().st_size / MIB, 1), "unpacked_mb": round(unpacked / MIB, 1),
               **result}  # fmt: skip
        rows.append(row)
        print(f"{path.name:<22}{n:>9}{row['file_mb']:>9}{row['unpacked_mb']:>10}{row.get('seconds', '-'):>8}"
              f"{row.get('rss_mb', '-'):>9}{row.get('as_mb', '-'):>9}  {row.get('status', row.get('failed'))}",
              flush=True)  # fmt: skip
        path.unlink()
    for fmt, key in (("csv", "file_mb"), ("xlsx", "unpacked_mb")):
        for variant in ("valid", "unique"):
            done = [r for r in rows if r["format"] == fmt and r["variant"] == variant and "seconds" in r]
            if not done:
                continue
            for what in ("as_mb", "rss_mb", "seconds"):
                a, b = fit([(r[key], r[what]) for r in done])
                print(f"{fmt} {variant}: {what} ≈ {a:.0f} + {b:.2f} × {key}")
            a, b = fit([(r["rows"] / 1000, r["as_mb"]) for r in done])
            print(f"{fmt} {variant}: as_mb ≈ {a:.0f} + {b:.2f} × thousand rows")
    return rows


def main(argv: list[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m bench.import_costs", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--db", type=Path, default=None, help="database to validate against (default $SIPAS_DB)"
    )
    parser.add_argument("--csv-mb", default="10,20,40,80", help="valid CSV files of these sizes (MB)")
    parser.add_argument("--xlsx-mb", default="10,25,50,100", help="valid XLSX files (unpacked MB)")
    parser.add_argument("--unique-csv-mb", default="10,20,40", help="CSV files of distinct texts (MB)")
    parser.add_argument("--unique-xlsx-mb", default="10,25,50", help="XLSX files of distinct texts")
    parser.add_argument("--work", type=Path, default=None, help="folder for the generated files")
    args = parser.parse_args(argv)
    from store import db as dbmod

    db = (args.db or dbmod.db_path()).resolve()
    for name in ("SIPAS_IMPORT_MAX_MB", "SIPAS_IMPORT_MAX_UNPACKED_MB", "SIPAS_IMPORT_MAX_ROWS"):
        os.environ[name] = "1e9"  # costs are measured beyond the limits too (the worker inherits this)

    def sizes(text: str) -> list[float]:
        return [float(s) for s in text.split(",") if s.strip()]

    plan = [("csv", "valid", mb) for mb in sizes(args.csv_mb)]
    plan += [("xlsx", "valid", mb) for mb in sizes(args.xlsx_mb)]
    plan += [("csv", "unique", mb) for mb in sizes(args.unique_csv_mb)]
    plan += [("xlsx", "unique", mb) for mb in sizes(args.unique_xlsx_mb)]
    with tempfile.TemporaryDirectory(prefix="sipas-import-costs-") as folder:
        work = args.work or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        run(db, plan, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
