"""Whole content objects cached per page, filters, page choices and database version (no Streamlit).

`page(build, key, filters, **choices)` returns the object `build(key, filters, **choices)` made for the same
arguments before, or builds it. The key holds the database version, so an import never serves an older
object. Objects are shared between sessions and must not be changed by their readers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from content.filters import Filters
from content.source import StoreKey

T = TypeVar("T")
MAX_OBJECTS = 256

_objects: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()


def page(build: Callable[..., T], key: StoreKey, filters: Filters, **choices: object) -> T:
    """The content object of `build` for these arguments, from the cache when it was built before."""
    cache_key = (build.__module__, build.__qualname__, key, filters, tuple(sorted(choices.items())))
    with _lock:
        if cache_key in _objects:
            _objects.move_to_end(cache_key)
            return _objects[cache_key]  # type: ignore[return-value]
    obj = build(key, filters, **choices)
    with _lock:
        _objects[cache_key] = obj
        while len(_objects) > MAX_OBJECTS:
            _objects.popitem(last=False)
    return obj


def clear() -> None:
    """Forget every cached object (tests)."""
    with _lock:
        _objects.clear()
