"""One colour scheme for every page (Okabe–Ito, colour-blind safe): the same meaning keeps its colour."""

from __future__ import annotations

ELEMENT_COLOURS = {
    "access": "#0072B2",
    "procedure": "#E69F00",
    "civil_servant": "#009E73",
    "result": "#CC79A7",
    "feedback": "#D55E00",
    "policy_info": "#56B4E9",
    "policy_participation": "#F0E442",
    "policy_quality": "#117733",  # Tol's green: Okabe–Ito has too few colours, and grey means "unreliable"
    "policy_outcome": "#882255",
}
DOMAIN_COLOURS = {"policy": "#56B4E9", "service": "#0072B2", "overall": "#000000"}
HIGHLIGHT = "#D55E00"
BASE = "#7F8C9A"
TARGET = "#009E73"
BREAK_LINE = "#555555"
FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"


def element_colour(index_code: str) -> str:
    """Colour of an index code such as 'element:access' or 'domain:policy'."""
    name = index_code.split(":", 1)[-1]
    return ELEMENT_COLOURS.get(name) or DOMAIN_COLOURS.get(name, BASE)


# --- marks of the Dimensions, Compare and Drivers charts -------------------------------------------------
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")  # units being compared, in selection order
SERIES_SYMBOLS = ("circle", "square", "diamond", "triangle-up")  # a second cue besides colour
WHISKER = "#333333"  # 95% interval whiskers
MUTED = "#999999"  # a figure too uncertain to read (unreliable): greyed
SEQUENTIAL = "Viridis"  # heatmaps: perceptually uniform and colour-blind safe


def mark_colour(index_code: str) -> str:
    """Fill colour of a dot or bar for an index: its element/domain colour, never black (overall -> BASE)."""
    colour = element_colour(index_code)
    return BASE if colour == DOMAIN_COLOURS["overall"] else colour
