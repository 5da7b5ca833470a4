"""Briefing benchmark: the time to build one briefing pack (PPTX and PDF) and the batch rate, at the demo scale.

Part of `make bench` (a performance measurement, not a test). Runs in a fresh Python process
(`measure_briefing`), so that its first pack is the first of the process: kaleido's server is started by it
(fonts checked, probe image) and the content caches are empty. Then, with the server warm:

1. cold: the first pack of the process (PPTX), server start included;
2. warm: `samples` packs per format, each a different (year, province) — years from the latest wave back,
   provinces drawn at random (seed 0) — so no pack reuses another's content objects; the two formats take
   turns at going first in a year, so neither pays more often for a year's data caches being filled;
3. batch: `briefing.batch.run` over `provinces` provinces of the latest wave (PPTX). The batch builds every
   province of the year's geography and skips the files already in its folder (it is resumable), so the
   folder is seeded with a placeholder file for every other province: the real batch code builds the
   subset, in the province order it uses, and writes its manifest. Packs per minute: `Summary.rate` (built
   packs' own time, as the command line prints it) and the wall rate (built packs / the whole run).

Per pack the time of `briefing.build.make` (content → chart images → file bytes), split into its phases by
the progress callback: content objects (to 20%), chart images (to 92%) and writing the file.

Try it alone: `python -m bench.briefing --db PATH [--samples N] [--provinces N] [--work DIR]`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = 4  # warm packs per format
PROVINCES = 6  # packs in the batch (not 63: `make bench` has to stay within 20 minutes)
TIMEOUT_S = 600
PHASES = (("content_s", 0.2), ("charts_s", 0.92), ("file_s", 1.0))  # a phase ends at this progress fraction


def _pack(key, year: int, unit_id: str, fmt: str) -> dict:
    """Build one pack (Vietnamese, as the batch does) and time it, phases included."""
    from access.scope import ADMIN
    from briefing import build
    from content import selection

    filters = selection.filters_for(key, "vi", year, unit_id, scope=ADMIN)
    marks: list[tuple[float, float]] = []
    started = time.perf_counter()
    data, built = build.make(
        key, filters, fmt, lambda fraction, text: marks.append((fraction, time.perf_counter()))
    )
    ended = time.perf_counter()
    phases, since = {}, started
    for name, end in PHASES:
        at = next((t for fraction, t in marks if fraction >= end), ended) if end < 1.0 else ended
        phases[name] = round(at - since, 3)
        since = at
    return {"year": year, "unit_id": unit_id, "format": fmt, "seconds": round(ended - started, 3),
            "bytes": len(data), "slides": len(built.slides) + 1, "charts": len(built.charts()), **phases}  # fmt: skip


def _stats(packs: list[dict]) -> dict:
    """Median and max of the pack times (and the median of each phase and of the file size)."""
    seconds = [p["seconds"] for p in packs]
    return {"n": len(packs), "median_s": round(statistics.median(seconds), 2), "max_s": round(max(seconds), 2),
            **{f"median_{name}": round(statistics.median(p[name] for p in packs), 2) for name, _ in PHASES},
            "median_mb": round(statistics.median(p["bytes"] for p in packs) / 1e6, 2), "packs": packs}  # fmt: skip


def measure(db: Path, work: Path, samples: int = SAMPLES, provinces: int = PROVINCES, seed: int = 0) -> dict:
    """Cold pack, warm packs per format and a batch of `provinces` packs on `db` (see the module docstring).
    Meant to run in a process that has not built a pack or drawn a chart before (`measure_briefing`)."""
    os.environ["SIPAS_DB"] = str(db)  # content.source.current_key() reads it
    started = time.perf_counter()
    from briefing import batch, images
    from content import selection, source, units

    imports_s = time.perf_counter() - started
    key = source.current_key()
    years = source.years(key)
    rng = random.Random(seed)
    used: set[tuple[int, str]] = set()

    def pick(year: int) -> tuple[int, str]:
        ids = [u for u in units.province_ids(key, selection.geography_of(key, year)) if (year, u) not in used]
        choice = (year, rng.choice(ids))
        used.add(choice)
        return choice

    out: dict = {"imports_s": round(imports_s, 2)}
    try:
        cold = _pack(key, *pick(years[-1]), "pptx")
        out["cold"] = {"seconds": round(cold["seconds"], 2), "format": "pptx", "pack": cold}
        warm: dict[str, list[dict]] = {"pptx": [], "pdf": []}
        for k in range(samples):
            year = years[-1 - k % len(years)]
            for fmt in ("pptx", "pdf") if k % 2 else ("pdf", "pptx"):
                warm[fmt].append(_pack(key, *pick(year), fmt))
        out |= {fmt: _stats(packs) for fmt, packs in warm.items()}

        year = years[-1]
        geography = selection.geography_of(key, year)
        free = [u for u in units.province_ids(key, geography) if (year, u) not in used]
        subset = set(free[:: max(1, len(free) // provinces)][:provinces])  # spread over the list
        folder = work / "briefing-batch"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for unit_id in units.province_ids(key, geography):
            if unit_id not in subset:  # the batch skips a province whose file is there
                (folder / batch.file_name(year, unit_id, "vi", "pptx")).write_bytes(
                    b"seeded by bench.briefing"
                )
        summary = batch.run(key, year, "pptx", folder, "vi")
        built = [o for o in summary.outcomes if o.status == "built"]
        failed = [f"{o.unit_id}: {o.error}" for o in summary.outcomes if o.status == "failed"]
        if failed or len(built) != len(subset):
            raise RuntimeError(f"batch built {len(built)} of {len(subset)} packs; failed: {failed}")
        out["batch"] = {"year": year, "geo": geography, "format": "pptx", "built": len(built),
                        "skipped": summary.count("skipped"), "seconds": round(summary.seconds, 2),
                        "packs_per_minute": round(summary.rate, 2),
                        "wall_packs_per_minute": round(60 * len(built) / summary.seconds, 2),
                        "pack_median_s": round(statistics.median(o.seconds for o in built), 2),
                        "pack_max_s": round(max(o.seconds for o in built), 2),
                        "units": [o.unit_id for o in built]}  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        images.stop()
    out["seconds"] = round(time.perf_counter() - started, 1)
    return out


def measure_briefing(db: Path, work: Path, samples: int = SAMPLES, provinces: int = PROVINCES) -> dict:
    """`measure` in a fresh process (its first pack is the process's first); its numbers, or {"error": …}
    when it failed (no Chromium or fonts, a pack failed, timeout)."""
    result = work / "briefing.json"
    result.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.briefing", "--db", str(Path(db).resolve()), "--work", str(work),
               "--samples", str(samples), "--provinces", str(provinces), "--json", str(result)]  # fmt: skip
    try:
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {TIMEOUT_S} s"}
    if done.returncode != 0 or not result.exists():
        return {"error": f"exit {done.returncode}: " + " | ".join(done.stderr.strip().splitlines()[-3:])}
    return json.loads(result.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    """Command line: print measure(...) as JSON (or write it to --json)."""
    parser = argparse.ArgumentParser(prog="python -m bench.briefing", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="DuckDB database (SIPAS_DB)")
    parser.add_argument(
        "--samples", type=int, default=SAMPLES, help=f"warm packs per format (default {SAMPLES})"
    )
    parser.add_argument(
        "--provinces", type=int, default=PROVINCES, help=f"packs in the batch (default {PROVINCES})"
    )
    parser.add_argument("--work", type=Path, help="where the batch folder goes (default: a temporary dir)")
    parser.add_argument("--json", type=Path, help="write the result here instead of to stdout")
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"database not found: {args.db}")
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-briefing-"))
    result = measure(args.db.resolve(), work, args.samples, args.provinces)
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
