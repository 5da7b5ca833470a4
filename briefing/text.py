"""Our catalogue's light markdown (bold, italics, bullets, line breaks) as plain runs for slides and PDF
pages: the words a reader sees on screen, without the markup."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_TAGS = re.compile(r"</?(?:b|i|sup|sub|span)[^>]*>")


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
    """Split on ** (bold) and single * or _ pairs (italic); backslash escapes become the character."""
    placeholder = "\x00"
    line = _ESCAPED.sub(lambda m: placeholder + m.group(1), line)
    runs: list[Run] = []
    bold = italic = False
    buffer = ""
    i = 0
    while i < len(line):
        if line[i] == placeholder:
            buffer += line[i + 1]
            i += 2
            continue
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
    return tuple(runs)


def lines(markdown: str) -> list[Line]:
    """The lines of a note: '- ' starts a bullet, a blank line or a hard break ('  \\n') ends a line."""
    out = []
    for raw in markdown.replace("  \n", "\n").split("\n"):
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
