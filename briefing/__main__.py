"""Briefing packs from the command line (acts as administrator).

    python -m briefing --unit CODE --year YEAR --format pptx|pdf --lang vi|en --out FILE [--db PATH] [--geo 63|34]
    python -m briefing --all-provinces --year YEAR --format pptx|pdf --out DIR [--lang vi|en] [--db PATH]

CODE as officers write it: a GSO code (01), a unit id (P63-01, P34-01), a name (Hà Nội, ha noi), or VN for
the nation. Messages in Vietnamese and English; exit 2 on a bad unit, year or format, 3 when charts cannot
be drawn on this machine (no Chromium or fonts), 1 when a batch had failures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def _say(text: str) -> None:
    print(text, flush=True)


def _size(n: int, lang: str) -> str:
    from i18n import fmt_number  # noqa: PLC0415

    return (
        f"{fmt_number(n / 1_000_000, lang, 1)} MB"
        if n >= 1_000_000
        else f"{fmt_number(n / 1000, lang, 0)} kB"
    )


def _bar(done: int, total: int, width: int = 30) -> str:
    filled = int(width * done / max(total, 1))
    return "[" + "#" * filled + "." * (width - filled) + f"] {done}/{total}"


def _ready(images) -> None:  # noqa: ANN001  (the module, imported late)
    """Start the chart renderer (raises ExportUnavailable with the fix when this machine cannot draw)."""
    problem = images.status()
    if problem is not None:
        raise problem


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(prog="python -m briefing", description=__doc__.split("\n\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--unit", help="01, P63-01, Hà Nội … or VN")
    which.add_argument("--all-provinces", action="store_true", help="one pack per province of the year")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--format", choices=("pptx", "pdf"), default="pptx")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--geo", choices=("63", "34"), default=None, help="34: a pre-2025 wave re-aggregated")
    parser.add_argument("--out", required=True, help="a file (--unit) or a folder (--all-provinces)")
    parser.add_argument("--db", help="the database (default $SIPAS_DB or data/sipas.duckdb)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    args = parse(argv)
    if args.db:
        os.environ["SIPAS_DB"] = args.db
    from access import audit  # noqa: PLC0415
    from access.scope import ADMIN, CLI_ADMIN  # noqa: PLC0415
    from briefing import batch, build, images  # noqa: PLC0415  (after SIPAS_DB is set)
    from content import selection, source, units  # noqa: PLC0415
    from i18n import t  # noqa: PLC0415

    lang = args.lang
    _say(t("briefing.cli.acting", lang))
    key = source.current_key()  # (the resolved database file, its modification time)
    if not Path(key[0]).exists():
        _say(t("briefing.cli.no_database", "vi", path=key[0]))
        _say(t("briefing.cli.no_database", "en", path=key[0]))
        return 2
    try:
        if args.all_provinces:
            out = Path(args.out)
            geography = selection.geography_of(key, args.year, args.geo)
            count = len(units.province_ids(key, geography))
            _say(t("briefing.cli.batch_start", lang, count=count, year=args.year, geo=geography, out=out))

            def report(done: int, total: int, outcome: batch.Outcome) -> None:
                note = {"skipped": t("briefing.cli.batch_skip", lang), "failed": outcome.error or ""}.get(
                    outcome.status, f"{outcome.seconds:.1f} s"
                )
                _say(f"{_bar(done, total)} {outcome.unit}: {note}")

            _ready(images)
            summary = batch.run(key, args.year, args.format, out, lang, args.geo, report)
            _say(t("briefing.cli.batch_done", lang, built=summary.count("built"), skipped=summary.count("skipped"),
                   failed=summary.count("failed"), seconds=f"{summary.seconds:.0f}", rate=f"{summary.rate:.1f}"))  # fmt: skip
            _say(t("briefing.cli.summary_file", lang, path=out / "manifest.json"))
            return 1 if summary.count("failed") else 0
        resolved = selection.resolve_unit(key, args.unit, args.year, args.geo)
        for note in (resolved.note_vi, resolved.note_en):
            if note:
                _say(note)
        filters = selection.filters_for(key, lang, args.year, resolved.unit_id, args.geo, ADMIN)
        _ready(images)
        began = time.perf_counter()
        last = [-1]

        def step(fraction: float, text: str) -> None:
            percent = int(100 * fraction)
            if percent != last[0]:
                last[0] = percent
                _say(f"{_bar(percent, 100)} {text}")

        data, built = build.make(key, filters, args.format, step)
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".part")
        partial.write_bytes(data)
        os.replace(partial, out)
        audit.record(CLI_ADMIN, "briefing_pack", unit_id=filters.unit_id, year=filters.year,
                     detail={"format": args.format, "lang": lang, "file": out.name})  # fmt: skip
        _say(t("briefing.cli.built", lang, path=out, size=_size(len(data), lang), slides=len(built.slides) + 1,
               seconds=f"{time.perf_counter() - began:.1f}"))  # fmt: skip
        return 0
    except selection.SelectionError as error:
        _say(error.message_vi)
        _say(error.message_en)
        return 2
    except images.ExportUnavailable as error:
        _say(error.message_vi)
        _say(error.message_en)
        return 3


if __name__ == "__main__":
    sys.exit(main())
