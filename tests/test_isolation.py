"""Every tenant route answers 404 to a member of another practice, and leaks nothing.

Walks the URL patterns under /app/, /portal/ and /api/v1/; a route with no entry in the
registry (tests/<app>/isolation.py) fails the test, so new routes cannot skip this check.
"""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.isolation import collect, tenant_routes

# Answers that reveal nothing: not found, or a method the route never accepts.
SILENT = {404, 405}


@pytest.fixture
def registry(world):
    return collect(world)


def test_it_covers_every_tenant_route(registry):
    practice_routes, user_routes = registry
    routes = tenant_routes()
    missing = sorted(set(routes) - set(practice_routes) - set(user_routes))
    assert not missing, "Routes without a cross-practice test: " + ", ".join(
        f"{name} ({routes[name]})" for name in missing
    )
    stale = sorted((set(practice_routes) | set(user_routes)) - set(routes))
    assert not stale, "Registered routes that no longer exist: " + ", ".join(stale)


def _assert_silent(client, url: str, world) -> None:
    answers = {}
    for method in ("get", "post", "patch", "delete"):
        response = getattr(client, method)(url)
        answers[method] = response.status_code
        assert response.status_code in SILENT, f"{method.upper()} {url} answered {response.status_code}"
        body = response.content.decode(errors="replace")
        assert world.practice.name not in body, f"{method.upper()} {url} leaked the practice name"
    assert 404 in answers.values(), f"{url} never answered 404: {answers}"


def test_it_hides_every_practice_route_from_another_practice(world, registry):
    practice_routes, _ = registry
    outsider = client_for(world.outsider.user)
    checked = 0
    for name, kwargs in sorted(practice_routes.items()):
        # The outsider names practice A directly.
        _assert_silent(outsider, reverse(name, kwargs={"practice_slug": world.practice.slug,
                                                       **kwargs}), world)
        checked += 1
        # The outsider names its own practice with practice A's object ids (forged ids).
        if kwargs:
            _assert_silent(outsider, reverse(
                name, kwargs={"practice_slug": world.other_practice.slug, **kwargs}), world)
    assert checked == len(practice_routes) > 0


def test_it_keeps_user_level_routes_to_the_user(world, registry):
    _, user_routes = registry
    outsider = client_for(world.outsider.user)
    for _name, check in sorted(user_routes.items()):
        check(world, outsider)


def test_it_answers_404_for_a_practice_that_does_not_exist(world):
    client = client_for(world.owner.user)
    assert client.get("/app/no-such-practice/").status_code == 404
    assert client.get("/portal/no-such-practice/").status_code == 404
    response = client.get("/api/v1/practices/no-such-practice/members/")
    assert response.status_code == 404
    assert response.json()["message"]


def test_it_serves_no_media_file_by_url(settings):
    # Uploads and rendered documents are reachable only through permission-checked views.
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve(settings.MEDIA_URL + "documents/agreement.pdf")
