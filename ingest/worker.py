"""Validating an upload in a separate, bounded process, so a huge or hostile file cannot take the memory or the
CPU of the process that serves pages.

`prepare` runs ``ingest.prepare`` in a child (``python -m ingest.worker REQUEST RESULT``, a fresh interpreter:
nothing of the caller's threads, caches or monkeypatches is inherited, only its environment) that

- lowers its CPU priority (``os.nice(NICE)``, 10: page serving goes first on a shared machine), limits
  pyarrow's thread pools (one thread each) and dies with its parent (Linux ``PR_SET_PDEATHSIG``);
- once its modules are loaded and the database is open, limits its address space to that footprint plus
  ``SIPAS_IMPORT_MAX_MEMORY_MB`` (default 2048) with ``RLIMIT_AS``, so validation can allocate at most that
  much more (start-up footprint: ≈ 0.6 GB of address space, ≈ 0.17 GB resident). `child_env` makes the
  address space follow the memory in use (two malloc arenas, a fixed mmap threshold, pyarrow on malloc);
- is killed once ``SIPAS_IMPORT_MAX_SECONDS`` (default 300) of wall time have passed since it started
  (start-up included);
- opens the database version it is given read-only, validates, and pickles the `Plan` (with its pandas and
  pyarrow payload, or without it: ``payload=False``) to a file in a private temporary folder that the caller
  reads back. Its standard output and error go to that folder too, never to the server's log.

A child that runs out of memory (``MemoryError``, DuckDB's out-of-memory error, ENOMEM, a thread that cannot
start, or death by SIGKILL/SIGSEGV/SIGABRT/SIGBUS, which is how native code fails under the limit), that is
killed at the time limit, or that fails otherwise, gives an invalid `Plan` with one bilingual problem
(`ingest.problem.check_memory` / `check_timeout` / `check_failed`) instead of an exception: a refusal,
nothing written, no traceback anywhere. An error that carries its own bilingual problems (`ReadError`, the
salt check's `SaltError`) gives those problems.

Defaults, from `python -m bench.import_costs` (numbers in `ingest.readers`): the largest file the size limits
let through (a 100 MB CSV: 1.2–1.4 GB) stays 1.5 times or more below 2,048 MB, and the slowest (a workbook of
300 MB unpacked: 60–75 s on an idle machine) a quarter of 300 s, which leaves room for a machine busy serving
pages. Cost of the isolation: ≈ 1 s to start a child (≈ 2 s with a cold disk cache), on top of validating.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import math
import os
import pickle
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.plan import Plan

ENV_MEMORY = "SIPAS_IMPORT_MAX_MEMORY_MB"
ENV_SECONDS = "SIPAS_IMPORT_MAX_SECONDS"
DEFAULT_MEMORY_MB = 2048
DEFAULT_SECONDS = 300
NICE = 10
EXIT_OK, EXIT_MEMORY, EXIT_ERROR = 0, 3, 4
# deaths by these signals under the address-space limit are allocation failures in native code
MEMORY_SIGNALS = frozenset({signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS})
REPO_ROOT = Path(__file__).resolve().parent.parent
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Limits:
    """Bounds of one validation: extra address space in MB (None: unbounded) and wall seconds (None: none)."""

    memory_mb: int | None
    seconds: float | None

    @classmethod
    def from_env(cls) -> Limits:
        """`SIPAS_IMPORT_MAX_MEMORY_MB` (default 2048) and `SIPAS_IMPORT_MAX_SECONDS` (default 300); a value
        that is not a positive number falls back to the default."""
        return cls(int(_env_number(ENV_MEMORY, DEFAULT_MEMORY_MB)), _env_number(ENV_SECONDS, DEFAULT_SECONDS))


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


@dataclass
class Outcome:
    """What became of one child: `status` 'ok' (then `plan`), 'memory', 'timeout', 'refused' (an error that
    carries bilingual `problems`) or 'error' (`error` says what); `stats` holds the child's own measures (MB
    and seconds) when it finished."""

    status: str
    plan: Plan | None = None
    error: str | None = None
    problems: list = field(default_factory=list)
    stats: dict | None = None


def child_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment of a child: the caller's, with the repository importable, and unless the caller set them:
    glibc limited to two malloc arenas (each thread would otherwise reserve 64 MB of address space) and
    mapping blocks from 256 KB up on their own (a fixed threshold: freed large blocks go back to the system
    at once, which lowers the peak by about a quarter), pyarrow allocating with malloc (its default
    allocator reserves address space ahead)."""
    env = dict(os.environ if base is None else base)
    paths = [str(REPO_ROOT), *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.setdefault("MALLOC_ARENA_MAX", "2")
    env.setdefault("MALLOC_MMAP_THRESHOLD_", "262144")
    env.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def run(
    kind: str,
    db_file: Path | str,
    path: Path | str,
    year: int,
    *,
    payload: bool = True,
    limits: Limits | None = None,
    **options: object,
) -> Outcome:
    """Validate `path` against the database file `db_file` (opened read-only) in a bounded child; the
    child is always gone when this returns (killed at the time limit, or if the caller is interrupted)."""
    limits = limits or Limits.from_env()
    request = {"kind": kind, "db": str(db_file), "path": str(path), "year": year, "options": dict(options),
               "payload": payload, "memory_mb": limits.memory_mb}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="sipas-check-") as folder:
        request_file, result_file = Path(folder) / "request.pickle", Path(folder) / "result.pickle"
        with open(request_file, "wb") as handle:
            pickle.dump(request, handle, protocol=pickle.HIGHEST_PROTOCOL)
        with open(Path(folder) / "output.txt", "wb") as output:
            proc = subprocess.Popen(
                [sys.executable, "-m", "ingest.worker", str(request_file), str(result_file)],
                stdin=subprocess.DEVNULL, stdout=output, stderr=output, env=child_env(), close_fds=True,
            )  # fmt: skip
        try:
            code = proc.wait(timeout=limits.seconds)
        except subprocess.TimeoutExpired:
            return Outcome("timeout")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        result = None
        if result_file.exists():
            with open(result_file, "rb") as handle:
                result = pickle.load(handle)  # noqa: S301 - written by our own child in our private folder
    if code == EXIT_OK and isinstance(result, dict) and "plan" in result:
        return Outcome("ok", plan=result["plan"], stats=result.get("stats"))
    if code == EXIT_MEMORY or (code < 0 and -code in MEMORY_SIGNALS):
        return Outcome("memory")
    if isinstance(result, dict) and result.get("problems"):
        return Outcome("refused", problems=result["problems"])
    error = result.get("error") if isinstance(result, dict) else None
    return Outcome("error", error=error or f"exit code {code}")


def prepare(
    kind: str,
    db_file: Path | str,
    path: Path | str,
    year: int,
    *,
    payload: bool = True,
    limits: Limits | None = None,
    **options: object,
) -> Plan:
    """`ingest.prepare` of `path` against `db_file`, run by `run`: the child's `Plan`, or an invalid plan with
    one problem saying which limit was reached (or what failed). ``payload=False`` drops the rows to load in
    the child (`Plan.without_payload`): what a form needs to show the check, at a fraction of the memory."""
    limits = limits or Limits.from_env()
    outcome = run(kind, db_file, path, year, payload=payload, limits=limits, **options)
    if outcome.status == "ok":
        return outcome.plan
    return refusal(kind, path, year, outcome, limits, options)


def refusal(kind: str, path: Path | str, year: int, outcome: Outcome, limits: Limits, options: dict) -> Plan:
    """The invalid plan for a child that did not give a plan: one error `check_memory`, `check_timeout` or
    `check_failed` (messages in `i18n/locales/*/ingest.toml`), or the problems its error carried."""
    from i18n import fmt_number
    from ingest.plan import Plan, sha256_file

    path = Path(path)
    name = str(options.get("file_name") or path.name)
    plan = Plan(kind, year, path, name, sha256_file(path), path.stat().st_size, options=dict(options))
    if outcome.status == "memory":
        mb = limits.memory_mb or 0
        limit = {f"limit_{lang}": fmt_number(mb, lang, 0) for lang in ("vi", "en")}
        plan.problems.error("check_memory", value=f"{mb} MB", **limit)
    elif outcome.status == "timeout":
        seconds = limits.seconds or 0
        decimals = 0 if float(seconds).is_integer() else 1
        limit = {f"limit_{lang}": fmt_number(seconds, lang, decimals) for lang in ("vi", "en")}
        plan.problems.error("check_timeout", value=f"{seconds:g} s", **limit)
    elif outcome.problems:
        plan.problems.extend(outcome.problems)
    else:
        plan.problems.error("check_failed", value=outcome.error)
    return plan


# ------------------------------------------------------------------------------------------------ the child


def _status_mb(key: str) -> float:
    """A /proc/self/status figure (VmSize, VmPeak, VmRSS, VmHWM) in MB, 0 where there is no /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the process that started it ends (no orphan keeps working)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the parent is already gone
            os._exit(EXIT_ERROR)
    except (OSError, AttributeError):
        pass


def _limit_memory(extra_mb: int | None) -> None:
    """RLIMIT_AS = the address space in use now + `extra_mb` (no limit for None, or where unsupported)."""
    if extra_mb is None:
        return
    limit = int((_status_mb("VmSize") + extra_mb) * 1024 * 1024)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _is_memory_error(exc: BaseException) -> bool:
    """Whether `exc`, or an exception it was raised from, says memory ran out."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 20:
        if isinstance(current, MemoryError) or type(current).__name__ == "OutOfMemoryException":
            return True
        if isinstance(current, OSError) and current.errno == errno.ENOMEM:
            return True
        if isinstance(current, RuntimeError) and "can't start new thread" in str(current):
            return True  # a thread's stack no longer fits in the address space
        current = current.__cause__ or current.__context__
        seen += 1
    return False


def _problems_of(exc: BaseException) -> list:
    """The bilingual problems an exception carries (`ReadError.problems`, or one `problem` as the salt
    check's error has): a refusal the caller shows as it would have in-process."""
    from ingest.readers import Problem

    found = getattr(exc, "problems", None)
    if not isinstance(found, list):
        found = [getattr(exc, "problem", None)]
    return [p for p in found if isinstance(p, Problem)]


def _write(result_file: Path, result: dict) -> None:
    tmp = result_file.with_suffix(".tmp")
    with open(tmp, "wb") as handle:
        pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, result_file)


def child_main(request_file: Path, result_file: Path) -> int:
    """The child's work (see the module docstring); returns its exit code."""
    started = time.perf_counter()
    _die_with_parent()
    with contextlib.suppress(OSError):
        os.nice(NICE)
    try:
        with open(request_file, "rb") as handle:
            request = pickle.load(handle)  # noqa: S301 - written by our parent in its private folder
        import pyarrow as pa

        import ingest
        from store import db as dbmod

        pa.set_cpu_count(1)
        pa.set_io_thread_count(1)
        con = dbmod.connect_read_only(request["db"])
        baseline = {"as_mb": _status_mb("VmSize"), "rss_mb": _status_mb("VmRSS")}
        _limit_memory(request["memory_mb"])
        plan = ingest.prepare(request["kind"], con, request["path"], request["year"], **request["options"])
        con.close()
        if not request["payload"]:
            plan = plan.without_payload()
        stats = {
            "seconds": round(time.perf_counter() - started, 2),
            "baseline_as_mb": round(baseline["as_mb"], 1),
            "baseline_rss_mb": round(baseline["rss_mb"], 1),
            "peak_as_mb": round(_status_mb("VmPeak") - baseline["as_mb"], 1),
            "peak_rss_mb": round(_status_mb("VmHWM") - baseline["rss_mb"], 1),
        }
        _write(result_file, {"plan": plan, "stats": stats})
        return EXIT_OK
    except BaseException as exc:  # noqa: BLE001 - every failure becomes an exit code, never a traceback
        if _is_memory_error(exc):
            return EXIT_MEMORY
        try:
            _write(
                result_file,
                {"error": f"{type(exc).__name__}: {str(exc)[:300]}", "problems": _problems_of(exc)},
            )
        except BaseException as again:  # noqa: BLE001
            return EXIT_MEMORY if _is_memory_error(again) else EXIT_ERROR
        return EXIT_ERROR


if __name__ == "__main__":
    code = child_main(Path(sys.argv[1]), Path(sys.argv[2]))
    sys.stdout.flush()
    os._exit(code)  # no clean-up at exit: nothing more may fail (or print) once the result is written
