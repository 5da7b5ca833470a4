"""The content object a page shows, built (or taken from the cache) for this run's filters and database
version, and remembered in the session as what is on screen (what an export of "this page" renders)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import streamlit as st

from content import cache
from content.filters import Filters
from ui.data_access import db_key

T = TypeVar("T")
SHOWN_KEY = "_sipas_shown_content"


@dataclass(frozen=True)
class Shown:
    """What the page of this run laid out: which builder, with which filters and choices, and the object."""

    builder: str  # module of the builder, e.g. 'content.overview'
    filters: Filters
    choices: dict
    content: object


def load(build: Callable[..., T], filters: Filters, **choices: object) -> T:
    """`build(key, filters, **choices)` through the content cache; remembered as this run's page content."""
    obj = cache.page(build, db_key(), filters, **choices)
    st.session_state[SHOWN_KEY] = Shown(build.__module__, filters, dict(choices), obj)
    return obj
