"""The fonts exports are drawn with, and a check that they are really there (no Streamlit).

Charts, slides and PDF pages name one family with full Vietnamese coverage, Noto Sans (Debian package
`fonts-noto-core`), with DejaVu Sans (`fonts-dejavu-core`) as its fallback. Chromium finds fonts through
fontconfig, so the check asks fontconfig the same question, in this process's environment: a family that
fontconfig does not list (e.g. an empty configuration) is an error, never an image without text.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import FontError
from i18n import t

FAMILY = "Noto Sans"
FALLBACK = "DejaVu Sans"
FIGURE_FONT = f"{FAMILY}, {FALLBACK}, sans-serif"  # named in every exported figure
INSTALL = "sudo apt-get install fonts-noto-core fonts-dejavu-core"


@dataclass(frozen=True)
class FontFiles:
    """TrueType files of the family (embedded in PDF pages)."""

    regular: Path
    bold: Path
    italic: Path


def _fontconfig(*args: str) -> str:
    tool = shutil.which(args[0])
    if tool is None:
        return ""
    try:
        done = subprocess.run([tool, *args[1:]], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout if done.returncode == 0 else ""


def _error(key: str) -> FontError:
    values = {"family": FAMILY, "install": INSTALL}
    return FontError(t(key, "vi", **values), t(key, "en", **values))


def _listed(pattern: str) -> list[Path]:
    """TrueType/OpenType files fontconfig lists for `pattern`, sorted."""
    listing = _fontconfig("fc-list", pattern, "file")
    files = sorted(Path(line.split(":")[0].strip()) for line in listing.splitlines() if line.strip())
    return [f for f in files if f.suffix.lower() in (".ttf", ".otf") and f.exists()]


def _file(style: str) -> Path | None:
    files = _listed(f":family={FAMILY}:style={style}:lang=vi")
    return files[0] if files else None


def check() -> FontFiles:
    """The family's regular, bold and italic files as fontconfig lists them with Vietnamese coverage, asked
    before anything is drawn; FontError when fontconfig lists none (missing package, empty configuration)."""
    regular = _file("Regular")
    if regular is None:
        raise _error("briefing.no_font")
    return FontFiles(regular, _file("Bold") or regular, _file("Italic") or regular)


def fallback_file() -> Path | None:
    """DejaVu Sans (arrows and symbols Noto Sans lacks), or None."""
    files = _listed(f":family={FALLBACK}:style=Book")
    return files[0] if files else None
