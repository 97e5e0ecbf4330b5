"""The practice being served, for logging and audit context only.

Never used to filter queries implicitly: every query names its practice. Kept free of model
imports so logging can use it before Django's apps are loaded.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

_current_practice: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "current_practice", default=None
)


def current_practice() -> Any:
    return _current_practice.get()


@contextlib.contextmanager
def practice_scope(practice: Any) -> Iterator[None]:
    token = _current_practice.set(practice)
    try:
        yield
    finally:
        _current_practice.reset(token)
