"""The isolation harness's registry of routes.

Every URL pattern under ``/app/``, ``/portal/`` and ``/api/v1/`` must be listed here by name.
Apps list theirs in ``tests/<app>/isolation.py`` with a function ``routes(world)`` that creates
the objects of practice A the route needs and returns ``{url_name: {url kwargs except
practice_slug}}``. The ids must name objects some member of practice A (any role in the world
fixture) can open, or the harness fails: an outsider's 404 on a missing object proves nothing.
User-level API routes (no practice in the URL) list a leak check instead in
``USER_ROUTES`` of their module: ``{url_name: check(world, outsider_client)}``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator

from django.urls import URLPattern, URLResolver, get_resolver

import tests

PREFIXES = ("app/", "portal/", "api/v1/")


def walk_patterns(resolver=None, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk_patterns(pattern, route)
        else:
            yield route, pattern


def tenant_routes() -> dict[str, str]:
    """Named routes under the isolated prefixes: ``{name: route}``."""
    found: dict[str, str] = {}
    for route, pattern in walk_patterns():
        route = route.lstrip("^")
        if not route.startswith(PREFIXES):
            continue
        if not pattern.name:
            raise AssertionError(f"Route {route} has no name; name it so the harness can cover it.")
        # DRF format-suffix duplicates share their name with the plain route.
        found.setdefault(pattern.name, route)
    return found


def registry_modules() -> Iterator[object]:
    for info in pkgutil.iter_modules(tests.__path__):
        if not info.ispkg:
            continue
        try:
            yield importlib.import_module(f"tests.{info.name}.isolation")
        except ModuleNotFoundError as error:
            if error.name != f"tests.{info.name}.isolation":
                raise


def collect(world) -> tuple[dict[str, dict], dict[str, Callable]]:
    practice_routes: dict[str, dict] = {}
    user_routes: dict[str, Callable] = {}
    for module in registry_modules():
        if hasattr(module, "routes"):
            for name, kwargs in module.routes(world).items():
                if name in practice_routes:
                    raise AssertionError(f"Route {name} is registered twice.")
                practice_routes[name] = kwargs
        user_routes.update(getattr(module, "USER_ROUTES", {}))
    return practice_routes, user_routes
