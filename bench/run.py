"""`make bench`: the performance benchmark at the demo scale and at 1,000,000 respondents per wave × 9 waves.

Writes `bench/results.json` (keyed by scale) and prints a table. Not part of `make test`. Briefing packs
(`bench/briefing.py`: one pack cold and warm, a batch of 6 provinces) are measured at the demo scale only.
Usage: python -m bench.run [--scales demo,large] [--per-wave 1000000] [--no-browser] [--no-briefing]
                           [--work DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from bench import briefing, datasets, workloads
from bench.pandas_baseline import PandasBaseline

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
TARGETS = {"demo": {"p95_ms": 50, "first_render_s": 5.0},
           "large": {"p95_ms": 150, "pandas_ratio": 20, "peak_rss_mb": 1500, "csv_rows_per_s": 200_000}}  # fmt: skip


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - started) * 1000


def page_latencies(db: Path, n: int) -> dict:
    """Cold (straight to DuckDB, nothing cached) and warm (the app's Streamlit caches hit) latency per page
    over `n` varied interactions."""
    import streamlit as st

    os.environ["SIPAS_DB"] = str(db)  # the app's cached data access reads this database
    con = duckdb.connect(str(db), read_only=True)
    con.execute("SET enable_progress_bar = false")
    its = workloads.interactions(con, n)
    out: dict = {}
    st.cache_data.clear()
    for name, fn in workloads.PAGES.items():
        cold = [_timed(fn, workloads.Engine(con.cursor()), f) for f in its]
        app = workloads.App(con.cursor())
        for f in its:  # fill the caches
            fn(app, f)
        warm = [_timed(fn, app, f) for f in its]
        out[name] = {"cold_p50_ms": round(_pct(cold, 50), 1), "cold_p95_ms": round(_pct(cold, 95), 1),
                     "warm_p50_ms": round(_pct(warm, 50), 1), "warm_p95_ms": round(_pct(warm, 95), 1),
                     "n": len(its)}  # fmt: skip
    st.cache_data.clear()
    con.close()
    return out


def pandas_ratios(db: Path, pages: dict, skip: tuple[str, ...] = ()) -> dict:
    """The pandas baseline on the first interaction of each page, and its ratio to the engine's cold p50."""
    con = duckdb.connect(str(db), read_only=True)
    con.execute("SET enable_progress_bar = false")
    baseline = PandasBaseline(con)
    f = workloads.interactions(con, 1)[0]
    out = {}
    for name in workloads.PAGES:
        if name in skip:
            out[name] = {
                "pandas_ms": None,
                "pandas_ratio": None,
                "note": "not run at this scale: the same per-request wave load as compare (see README)",
            }
            continue
        ms = _timed(getattr(baseline, "map_page" if name == "map" else name), f)
        engine_ms = _timed(workloads.PAGES[name], workloads.Engine(con.cursor()), f)
        out[name] = {"pandas_ms": round(ms), "engine_ms": round(engine_ms, 1),
                     "pandas_ratio": round(ms / engine_ms, 1)}  # fmt: skip
    con.close()
    return out


def import_throughput(db: Path, work: Path, csv_rows: int, xlsx_rows: int) -> dict:
    """Respondents per second for a CSV and an XLSX microdata file loaded into a copy of `db` (whole import:
    read, validate, copy the current version, load, aggregates, checkpoint, switch)."""
    from access.scope import CLI_ADMIN
    from ingest import import_file
    from tests.ingest.builders import microdata_frame

    out = {}
    for suffix, rows in ((".csv", csv_rows), (".xlsx", xlsx_rows)):
        target = work / f"import{suffix}" / "sipas.duckdb"
        shutil.rmtree(target.parent, ignore_errors=True)
        target.parent.mkdir(parents=True)
        shutil.copyfile(db, target)
        frame = microdata_frame(2024, per_psu=max(1, rows // 4))
        path = work / f"microdata_2024{suffix}"
        frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_excel(path, index=False)
        started = time.perf_counter()
        plan, result = import_file("microdata", path, 2024, db=target, replace=True, imported_by="bench",
                                   principal=CLI_ADMIN)  # fmt: skip
        seconds = time.perf_counter() - started
        assert result is not None, [p.message_en for p in plan.problems.errors()]
        out[suffix[1:]] = {"rows": len(frame), "seconds": round(seconds, 2),
                           "rows_per_s": round(len(frame) / seconds)}  # fmt: skip
        shutil.rmtree(target.parent, ignore_errors=True)
    return out


def run_scale(scale: str, db: Path, work: Path, args: argparse.Namespace, save) -> dict:
    """Every measurement for one database."""
    result: dict = {"db_mb": round(db.stat().st_size / 1e6)}
    with duckdb.connect(str(db), read_only=True) as con:
        result["respondents"] = con.execute("SELECT count(*) FROM respondent").fetchone()[0]
        result["answers"] = con.execute("SELECT count(*) FROM answer").fetchone()[0]
    print(f"[{scale}] {result['respondents']:,} respondents, {result['answers']:,} answers", flush=True)
    n = args.interactions if scale == "demo" else max(3, args.interactions // 2)
    result["pages"] = page_latencies(db, n)
    print(f"[{scale}] page latencies done", flush=True)
    save(result)
    # at the large scale each pandas page loads 36 million answers per wave (1–2.5 min); the pages skipped do the
    # same per-request load and groupby as `compare` (trends: 9 waves), so they are left out to stay in 20 min
    skip = ("overview", "map", "trends", "profile") if scale == "large" else ()
    result["pandas"] = pandas_ratios(db, result["pages"], skip)
    print(f"[{scale}] pandas baseline done", flush=True)
    save(result)
    result["import"] = import_throughput(db, work, args.csv_rows, args.xlsx_rows)
    print(f"[{scale}] import done", flush=True)
    save(result)
    if scale == "demo" and not args.no_briefing:  # 75–100 s; left out at the large scale to stay in 20 min
        result["briefing"] = briefing.measure_briefing(db, work)
        failed = result["briefing"].get("error")
        print(f"[{scale}] briefing " + (f"failed: {failed}" if failed else "done"), flush=True)
        save(result)
    result["bench_process_peak_rss_mb"] = round(_rss_mb())
    if not args.no_browser:
        from bench.browser import measure_browser

        result["browser"] = measure_browser(
            db, sessions=args.sessions, rounds=1, log_dir=work / f"logs-{scale}"
        )
        print(f"[{scale}] browser done", flush=True)
    pages = result["pages"]
    result["p95_ms"] = {k: v["cold_p95_ms"] for k, v in pages.items()}
    result["warm_p95_ms"] = {k: v["warm_p95_ms"] for k, v in pages.items()}
    result["pandas_ratio"] = {k: v["pandas_ratio"] for k, v in result["pandas"].items()}
    result["import_rows_per_s"] = {k: v["rows_per_s"] for k, v in result["import"].items()}
    result["peak_rss_mb"] = result.get("browser", {}).get("peak_rss_mb")
    return result


def table(results: dict) -> str:
    """Markdown table of the headline numbers per scale."""
    lines = [
        "| measure | " + " | ".join(results["scales"]) + " |",
        "| --- |" + " --- |" * len(results["scales"]),
    ]

    def row(label: str, fn) -> None:
        cells = []
        for scale in results["scales"]:
            try:
                cells.append(fn(results[scale]))
            except (KeyError, TypeError, ValueError):  # not measured at this scale, or timed out (None)
                cells.append("–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("respondents / answers", lambda r: f"{r['respondents']:,} / {r['answers']:,}")
    for page in workloads.PAGES:
        row(f"{page}: cold p50 / p95, warm p95 (ms)",
            lambda r, p=page: f"{r['pages'][p]['cold_p50_ms']:.0f} / {r['pages'][p]['cold_p95_ms']:.0f}, "
                              f"{r['pages'][p]['warm_p95_ms']:.1f}")  # fmt: skip
        row(f"{page}: pandas baseline ms (ratio)",
            lambda r, p=page: f"{r['pandas'][p]['pandas_ms']:,} ({r['pandas'][p]['pandas_ratio']}×)")  # fmt: skip
    row(
        "import CSV respondents/s",
        lambda r: f"{r['import']['csv']['rows_per_s']:,} ({r['import']['csv']['rows']:,} rows)",
    )
    row(
        "import XLSX respondents/s",
        lambda r: f"{r['import']['xlsx']['rows_per_s']:,} ({r['import']['xlsx']['rows']:,} rows)",
    )
    row(
        "first render cold / warm (s)",
        lambda r: f"{r['browser']['first_render_cold_s']:.1f} / {r['browser']['first_render_warm_s']:.1f}",
    )
    row("10 sessions: page p50 / p95 (ms), errors",
        lambda r: f"{r['browser']['page_p50_ms']:,.0f} / {r['browser']['page_p95_ms']:,.0f}, {r['browser']['errors']}")  # fmt: skip
    row("briefing pack, cold: first of the process (s)",
        lambda r: f"{r['briefing']['cold']['seconds']:.1f} ({r['briefing']['cold']['format'].upper()}, kaleido start included)")  # fmt: skip
    for fmt in ("pptx", "pdf"):
        row(f"briefing pack {fmt.upper()}, warm: median / max (s)",
            lambda r, f=fmt: f"{r['briefing'][f]['median_s']:.1f} / {r['briefing'][f]['max_s']:.1f} ({r['briefing'][f]['n']} packs)")  # fmt: skip
    row("briefing batch, warm: packs/min",
        lambda r: f"{r['briefing']['batch']['packs_per_minute']:.1f} ({r['briefing']['batch']['built']} "
                  f"{r['briefing']['batch']['format'].upper()} packs of {r['briefing']['batch']['year']})")  # fmt: skip
    row("app server peak RSS (MB)", lambda r: f"{r['browser']['peak_rss_mb']:,.0f}")
    row("benchmark process peak RSS (MB)", lambda r: f"{r['bench_process_peak_rss_mb']:,}")
    row("database file (MB)", lambda r: f"{r['db_mb']:,}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="demo,large")
    parser.add_argument("--per-wave", type=int, default=datasets.LARGE_PER_WAVE)
    parser.add_argument("--interactions", type=int, default=6)
    parser.add_argument("--csv-rows", type=int, default=100_000)
    parser.add_argument("--xlsx-rows", type=int, default=10_000)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-briefing", action="store_true", help="skip the briefing packs (demo scale)")
    parser.add_argument("--sessions", type=int, default=10, help="concurrent browser sessions")
    parser.add_argument("--reuse", action="store_true", help="reuse databases built by an earlier run")
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    scales = args.scales.split(",")
    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if args.reuse and RESULTS.exists() else {}
    results: dict = {
        k: v for k, v in previous.items() if k in ("demo", "large", "demo_build_s", "large_build_s")
    }
    results |= {"date": dt.date.today().isoformat(), "machine": {"cpus": os.cpu_count(),
                     "python": platform.python_version(), "duckdb": duckdb.__version__, "pandas": pd.__version__,
                     "platform": platform.platform()}, "targets": TARGETS}  # fmt: skip
    results["scales"] = [s for s in ("demo", "large") if s in scales or s in results]
    args.work.mkdir(parents=True, exist_ok=True)
    demo = args.work / "demo" / "sipas.duckdb"
    if not (args.reuse and demo.exists()):
        demo, seconds = datasets.demo_db(args.work)
        results["demo_build_s"] = round(seconds, 1)
    for scale in scales:
        if scale == "demo":
            db = demo
        else:
            db = args.work / "large" / "sipas.duckdb"
            if not (args.reuse and db.exists()):
                db, timings = datasets.large_db(args.work, demo, per_wave=args.per_wave)
                results["large_build_s"] = timings

        def save(partial: dict, scale: str = scale) -> None:
            results[scale] = partial
            RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

        scale_started = time.perf_counter()
        results[scale] = run_scale(scale, db, args.work, args, save)
        results[scale]["seconds"] = round(time.perf_counter() - scale_started)
        results[scale]["per_wave"] = args.per_wave if scale == "large" else None
    results["total_s"] = round(time.perf_counter() - started)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    print(f"total {results['total_s']} s; written {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
