"""Command line for data import; prints one JSON object and exits 0 (done / nothing to do) or 2 (problems).

Files are validated in the import worker (`ingest.worker`), with the limits of the Data page
(`SIPAS_IMPORT_MAX_MEMORY_MB`, `SIPAS_IMPORT_MAX_SECONDS`, lower CPU priority); ``--in-process`` validates in
this process instead (no memory or time limit beyond the file size and row limits).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from access import audit
from access.scope import CLI_ADMIN
from i18n import t
from ingest import import_file, restore
from ingest.microdata import SaltError
from ingest.readers import Problem
from ingest.template import TemplateError, write_template
from store import db as dbmod
from store import versions


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Import SIPAS data files.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("template", help="write the microdata template of a wave (.csv or .xlsx)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    for name in ("microdata", "published"):
        p = sub.add_parser(name, help=f"load a {name} file (CSV or XLSX)")
        p.add_argument("file", type=Path)
        p.add_argument("--year", type=int, required=True)
        p.add_argument(
            "--db", type=Path, default=None, help="database (created with reference data if missing)"
        )
        p.add_argument(
            "--sheet", default=None, help="XLSX sheet name (default: first visible sheet with data)"
        )
        p.add_argument("--replace", action="store_true", help="replace what is loaded for this year")
        p.add_argument("--by", default=None, help="who imports (default: $SIPAS_USER or the OS user)")
        p.add_argument("--in-process", action="store_true",
                       help="validate in this process, without the import worker's memory/time limits")  # fmt: skip
        if name == "microdata":
            p.add_argument("--partial", action="store_true",
                           help="confirm a file that covers fewer provinces than its wave (or under half of the "
                           "respondents it replaces); national figures then state their coverage")  # fmt: skip
            p.add_argument("--pii", choices=("drop", "hash"), default=None,
                           help="identifying columns and personal respondent ids: drop them and refuse such ids "
                           "(default, $SIPAS_PII_MODE) or keep a salted hash of both")  # fmt: skip
        else:
            p.add_argument(
                "--index", default="overall", help="index code of the value column (default overall)"
            )
            p.add_argument("--source", default=None, help="source of the figures (URL or document)")
            p.add_argument("--measured-by", default="MoHA SIPAS")
            p.add_argument("--level", default="province", choices=("province", "district", "commune"))
    p = sub.add_parser("versions", help="list stored database versions")
    p.add_argument("--db", type=Path, default=None)
    p = sub.add_parser("restore", help="switch the database back to a stored version")
    p.add_argument("version", help="file name from `versions`")
    p.add_argument("--db", type=Path, default=None)
    p = sub.add_parser("pin", help="keep a stored version from being pruned (--off: allow it again)")
    p.add_argument("version", help="file name from `versions`")
    p.add_argument("--off", action="store_true", help="unpin")
    p.add_argument("--db", type=Path, default=None)
    return parser


def _fail(problems: list[Problem], **extra: object) -> int:
    out = {"ok": False, **extra, "errors": [asdict(p) for p in problems if p.severity == "error"],
           "warnings": [asdict(p) for p in problems if p.severity != "error"]}  # fmt: skip
    print(json.dumps(out, ensure_ascii=False, default=str))
    return 2


def main(argv: list[str] | None = None) -> int:
    """Run one command."""
    args = _parser().parse_args(argv)
    if args.command != "template":  # standard output stays one JSON object
        print(f"{t('access.cli.acting', 'vi')} / {t('access.cli.acting', 'en')}", file=sys.stderr)
    if args.command == "template":
        try:
            files = write_template(args.year, args.out)
        except TemplateError:
            from ingest.problems import problem

            return _fail([problem("template_unavailable", value=f"{args.year} {args.out.suffix}")])
        print(
            json.dumps({"ok": True, "year": args.year, "files": [str(f) for f in files]}, ensure_ascii=False)
        )
        return 0
    db = args.db or dbmod.db_path()
    if args.command == "versions":
        rows = [{"version": v.path.name, "created": v.created.isoformat(), "label": v.label,
                 "size_mb": round(v.size_bytes / 1e6, 1), "current": v.current, "pinned": v.pinned}
                for v in versions.list_versions(db)]  # fmt: skip
        print(json.dumps({"ok": True, "db": str(db), "versions": rows}, ensure_ascii=False))
        return 0
    if args.command == "pin":
        try:
            version = versions.pin(db, args.version, pinned=not args.off)
        except FileNotFoundError:
            from ingest.problems import problem

            return _fail([problem("version_unknown", value=args.version)])
        audit.record(CLI_ADMIN, "unpin" if args.off else "pin", detail={"version": version.path.name})
        print(json.dumps({"ok": True, "db": str(db), "version": version.path.name, "pinned": version.pinned},
                         ensure_ascii=False))  # fmt: skip
        return 0
    if args.command == "restore":
        try:
            target = restore(db, args.version, CLI_ADMIN)
        except FileNotFoundError:
            from ingest.problems import problem

            return _fail([problem("version_unknown", value=args.version)])
        print(json.dumps({"ok": True, "db": str(db), "current": target.name}, ensure_ascii=False))
        return 0
    if not args.file.is_file():
        from ingest.problems import problem

        return _fail([problem("file_missing", value=str(args.file))], file=str(args.file))
    options: dict = {"sheet": args.sheet, "replace": args.replace}
    if args.command == "microdata":
        options["pii"] = args.pii
        options["partial"] = args.partial
    else:
        options |= {"index_code": args.index, "source": args.source, "measured_by": args.measured_by,
                    "level": args.level}  # fmt: skip
    try:
        plan, result = import_file(args.command, args.file, args.year, db=db, principal=CLI_ADMIN,
                                   imported_by=args.by, isolated=not args.in_process, **options)  # fmt: skip
    except versions.ImportBusyError:
        from ingest.problems import problem

        return _fail([problem("import_busy", value=str(db))], file=str(args.file))
    except SaltError as exc:  # hash mode with a salt that may not be used (checked again while writing)
        return _fail([exc.problem], file=str(args.file))
    report = {"ok": plan.ok, "kind": plan.kind, "year": plan.year, "file": str(args.file),
              "file_sha256": plan.file_sha256, "db": str(db), "status": plan.status}  # fmt: skip
    if not plan.ok:
        return _fail(plan.problems.listed, **report, counts=plan.problems.as_json()["counts"],
                     not_listed=plan.problems.as_json()["not_listed"])  # fmt: skip
    body = plan.problems.as_json()
    report |= {"summary": plan.summary, "warnings": body["warnings"], "replaced": plan.replaces}
    if result is not None:
        report |= {"rows_loaded": result["rows_loaded"], "import_id": result["import_id"],
                   "units_matched": plan.summary.get("units_matched"), "archive": result["archive"],
                   "version": result["version"]}  # fmt: skip
    else:
        report |= {"rows_loaded": 0, "replaced": None}
    print(json.dumps(report, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
