"""Billing routes for the isolation harness: each area lists its own in
``tests/billing/isolation_<area>.py`` (``routes(world)``); this module merges them."""

from __future__ import annotations

import importlib
import pkgutil

import tests.billing


def routes(world) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for info in sorted(pkgutil.iter_modules(tests.billing.__path__), key=lambda i: i.name):
        if info.name.startswith("isolation_"):
            module = importlib.import_module(f"tests.billing.{info.name}")
            found.update(module.routes(world))
    return found
