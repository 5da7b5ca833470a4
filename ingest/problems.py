"""Import problems: one row/column/value-precise message per issue, in Vietnamese and English (catalogue
`i18n/locales/*/ingest.toml`, keys `ingest.problem.<code>`), collected with a cap so a broken million-row file
still yields a readable report."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict

from i18n import t
from ingest.readers import Problem

MAX_LISTED = 1000  # problems listed individually; beyond that only counted per code


def problem(
    code: str,
    *,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    severity: str = "error",
    **values: object,
) -> Problem:
    """A problem whose messages come from the catalogue key `ingest.problem.<code>` filled with `values`."""
    text = None if value is None else str(value)[:80]
    fill = {"row": row, "column": column, "value": text} | values
    return Problem(
        code=code,
        message_vi=t(f"ingest.problem.{code}", "vi", **fill),
        message_en=t(f"ingest.problem.{code}", "en", **fill),
        row=row,
        column=column,
        value=text,
        severity=severity,
    )


class Problems:
    """Errors and warnings of one import, listed up to `MAX_LISTED` and counted per code beyond."""

    def __init__(self) -> None:
        self.listed: list[Problem] = []
        self.counts: Counter[tuple[str, str]] = Counter()

    def add(self, item: Problem) -> None:
        """Record one problem."""
        self.counts[(item.code, item.severity)] += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(item)

    def extend(self, items: list[Problem]) -> None:
        """Record several problems."""
        for item in items:
            self.add(item)

    def error(self, code: str, **kw: object) -> None:
        """Record an error built by :func:`problem` (only counted, not built, once the list is full)."""
        if len(self.listed) >= MAX_LISTED:
            self.counts[(code, "error")] += 1
            return
        self.add(problem(code, **kw))

    def warning(self, code: str, **kw: object) -> None:
        """Record a warning built by :func:`problem` (only counted, not built, once the list is full)."""
        if len(self.listed) >= MAX_LISTED:
            self.counts[(code, "warning")] += 1
            return
        self.add(problem(code, severity="warning", **kw))

    @property
    def n_errors(self) -> int:
        """How many errors (listed or not)."""
        return sum(n for (_, sev), n in self.counts.items() if sev == "error")

    @property
    def has_errors(self) -> bool:
        """Whether anything blocks the import."""
        return self.n_errors > 0

    def errors(self) -> list[Problem]:
        """Listed errors."""
        return [p for p in self.listed if p.severity == "error"]

    def warnings(self) -> list[Problem]:
        """Listed warnings and notices."""
        return [p for p in self.listed if p.severity != "error"]

    def as_json(self) -> dict:
        """{'errors': [...], 'warnings': [...], 'counts': {code: n}, 'not_listed': n} for the CLI report."""
        total = sum(self.counts.values())
        return {
            "errors": [asdict(p) for p in self.errors()],
            "warnings": [asdict(p) for p in self.warnings()],
            "counts": {f"{code}:{sev}": n for (code, sev), n in sorted(self.counts.items())},
            "not_listed": total - len(self.listed),
        }
