"""Our catalogue's light markdown (bold, italics, bullets, line breaks) as plain runs for slides and PDF
pages: the words a reader sees on screen, without the markup. Text from data arrives escaped
(`i18n.markup.md`): its escaped characters are words, never markup (an escaped '<b>' or '**' stays as
typed)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from i18n import markup

_ESCAPED = re.compile(r"\\([" + re.escape(markup.SPECIAL) + "])")
_TAGS = re.compile(r"</?(?:b|i|sup|sub|span)[^>]*>")
_HELD = 0xE000  # escaped characters are held as private-use characters while the markup is read
_HELD_CHARS = re.compile(f"[{chr(_HELD)}-{chr(_HELD + 0x7F)}]")


def _hold(text: str) -> str:
    """Escaped characters ('\\*', '\\<') as private-use characters no markup rule acts on."""
    return _ESCAPED.sub(lambda m: chr(_HELD + ord(m.group(1))), text)


def _release(text: str) -> str:
    """The held characters back as themselves; the invisible joiners `i18n.markup.md` puts in dropped."""
    return _HELD_CHARS.sub(lambda m: chr(ord(m.group()) - _HELD), text).replace(markup.JOINER, "")


@dataclass(frozen=True)
class Run:
    """A piece of text with its weight."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Line:
    """One line (paragraph) of a note: its runs and whether it is a bullet."""

    runs: tuple[Run, ...]
    bullet: bool = False

    @property
    def text(self) -> str:
        """The line as plain text."""
        return "".join(run.text for run in self.runs)


def _runs(line: str) -> tuple[Run, ...]:
    """Split on ** (bold) and single * pairs (italic) of a line whose escapes are held (`_hold`); the held
    characters become themselves."""
    runs: list[Run] = []
    bold = italic = False
    buffer = ""
    i = 0
    while i < len(line):
        if line.startswith("**", i):
            if buffer:
                runs.append(Run(buffer, bold, italic))
            buffer, bold = "", not bold
            i += 2
            continue
        if line[i] == "*" and (italic or "*" in line[i + 1 :]):
            if buffer:
                runs.append(Run(buffer, bold, italic))
            buffer, italic = "", not italic
            i += 1
            continue
        buffer += line[i]
        i += 1
    if buffer:
        runs.append(Run(buffer, bold, italic))
    return tuple(Run(_release(run.text), run.bold, run.italic) for run in runs)


def lines(markdown: str) -> list[Line]:
    """The lines of a note: '- ' starts a bullet, a blank line or a hard break ('  \\n') ends a line."""
    out = []
    for raw in _hold(markdown).replace("  \n", "\n").split("\n"):
        stripped = raw.strip()
        if not stripped:
            continue
        bullet = stripped.startswith(("- ", "* "))
        body = stripped[2:] if bullet else stripped
        runs = _runs(_TAGS.sub("", body.replace("<br>", " ")))
        if runs:
            out.append(Line(runs, bullet))
    return out


def plain(markdown: str) -> str:
    """The note as plain text, its lines joined by newlines."""
    return "\n".join(line.text for line in lines(markdown))
