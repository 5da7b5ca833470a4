"""The layer rules of the code base, checked on the source tree (AST, no import is executed).

Data flows one way: store → analysis → content → screen (views) | briefing. Each top-level package may
import only the packages listed for it in `ALLOWED`; only `store/` speaks SQL; page scripts (`views/`) lay
out content objects and contain no statistics, SQL or number formatting of their own.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

# package -> our packages it may import (bottom first: i18n has no dependency of ours)
ALLOWED: dict[str, frozenset[str]] = {
    "i18n": frozenset(),
    "reference": frozenset({"i18n"}),
    "access": frozenset({"i18n", "store"}),  # roles, rules, accounts, audit; below every reader and writer
    "data": frozenset({"access"}),  # the account command line's module path (python -m data.users)
    "store": frozenset({"i18n", "reference"}),
    "analysis": frozenset({"i18n", "reference", "store"}),
    "charts": frozenset({"i18n"}),
    "geo": frozenset({"i18n", "reference"}),
    "ingest": frozenset({"i18n", "reference", "store", "analysis", "access"}),
    "demo": frozenset({"i18n", "reference", "store", "analysis"}),
    "content": frozenset({"i18n", "reference", "store", "analysis", "charts", "geo", "access"}),
    "briefing": frozenset({"i18n", "content", "access"}),  # renders content objects to files; no Streamlit
    "ui": frozenset({"i18n", "reference", "store", "ingest", "content", "briefing", "access"}),
    "views": frozenset({"i18n", "content", "ui"}),
    "app": frozenset({"i18n", "store", "content", "ui", "access"}),
}
OURS = frozenset(ALLOWED) | {"bench", "tests"}
NO_STREAMLIT = frozenset(ALLOWED) - {"ui", "views", "app"}
# what a page script may import at all: Streamlit, the content it lays out, the UI renderers, and messages
VIEW_IMPORTS = frozenset({"streamlit", "content", "ui", "i18n", "__future__"})
VIEW_I18N_NAMES = frozenset({"t", "has"})  # messages for widget labels; no number formatting
# files outside store/ that hold SQL text for a database that is not the store, with the reason
SQL_EXEMPT = {
    "reference/geography.py": "reads the administrative-unit tables shipped inside the vietnamadminunits "
    "package (its own SQLite file), never the store",
}
SQL_CALLS = frozenset({"execute", "executemany", "sql", "query", "register", "from_query"})
SQL_TEXT = re.compile(
    r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|CREATE\s+(OR\s+REPLACE\s+)?"
    r"(TEMP\s+)?(TABLE|VIEW|INDEX|SEQUENCE)|DROP\s+(TABLE|VIEW)|BEGIN\s+TRANSACTION|CHECKPOINT\b)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.detail}"


def package_of(path: Path, root: Path) -> str:
    """The layer a file belongs to: its top-level folder, or 'app' for app.py."""
    rel = path.relative_to(root)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _type_checking_lines(tree: ast.AST) -> set[int]:
    """Lines inside `if TYPE_CHECKING:` blocks (imports there are for type hints only)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(tree: ast.AST) -> list[tuple[int, str, list[str]]]:
    """(line, top-level module, imported names) for every import statement."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((node.lineno, alias.name.split(".")[0], []))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module.split(".")[0], [a.name for a in node.names]))
    return found


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def check_file(path: Path, root: Path) -> list[Violation]:
    """Every rule broken by one source file."""
    layer = package_of(path, root)
    if layer not in ALLOWED:
        return []
    rel = str(path.relative_to(root))
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    hints = _type_checking_lines(tree)
    out: list[Violation] = []
    for line, module, names in _imports(tree):
        if module in OURS and module != layer and module not in ALLOWED[layer]:
            out.append(Violation(rel, line, "layer", f"{layer} may not import {module}"))
        if module == "streamlit" and layer in NO_STREAMLIT:
            out.append(Violation(rel, line, "streamlit", f"{layer} is below the screen: no Streamlit"))
        if module == "duckdb" and layer != "store" and line not in hints:
            out.append(
                Violation(rel, line, "sql", "only store/ opens DuckDB (type hints: store.db.Connection)")
            )
        if layer == "views":
            if module not in VIEW_IMPORTS:
                out.append(
                    Violation(
                        rel, line, "page", f"a page script lays content out; it may not import {module}"
                    )
                )
            elif module == "i18n" and set(names) - VIEW_I18N_NAMES:
                out.append(Violation(rel, line, "page", f"no number formatting in a page script: {names}"))
    if layer == "store" or rel in SQL_EXEMPT:
        return out
    docstrings = _docstring_nodes(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SQL_CALLS
        ):
            out.append(Violation(rel, node.lineno, "sql", f".{node.func.attr}(...) outside store/"))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and SQL_TEXT.search(node.value)
        ):
            out.append(Violation(rel, node.lineno, "sql", f"SQL text outside store/: {node.value[:60]!r}"))
    return out


def violations(root: Path) -> list[Violation]:
    """Every rule broken under `root` (the repository), tests and the benchmark tool excluded."""
    files = [root / "app.py", *(p for layer in ALLOWED for p in sorted((root / layer).rglob("*.py")))]
    return [v for path in files if path.exists() for v in check_file(path, root)]
