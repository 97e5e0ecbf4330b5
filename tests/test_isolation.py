"""Every tenant route answers 404 to a member of another practice, and leaks nothing.

Walks the URL patterns under /app/, /portal/ and /api/v1/; a route with no entry in the
registry (tests/<app>/isolation.py) fails the test, so new routes cannot skip this check.
"""

import pytest
from django.urls import reverse

from secretary.models import Role
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
        assert response.status_code in SILENT, (
            f"{method.upper()} {url} answered {response.status_code}"
        )
        body = response.content.decode(errors="replace")
        assert world.practice.name not in body, f"{method.upper()} {url} leaked the practice name"
    assert 404 in answers.values(), f"{url} never answered 404: {answers}"


def test_it_hides_every_practice_route_from_another_practice(world, registry):
    practice_routes, _ = registry
    outsider = client_for(world.outsider.user)
    checked = 0
    for name, kwargs in sorted(practice_routes.items()):
        # The outsider names practice A directly.
        _assert_silent(
            outsider, reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs}), world
        )
        checked += 1
        # The outsider names its own practice with practice A's object ids (forged ids).
        if kwargs:
            _assert_silent(
                outsider,
                reverse(name, kwargs={"practice_slug": world.other_practice.slug, **kwargs}),
                world,
            )
    assert checked == len(practice_routes) > 0


# Registered routes the check below cannot confirm, each with why. Strengthen the registration
# (create what a member needs to open the route) and remove the entry.
UNCONFIRMED = {
    # Opened by the secret token in its URL, not by a membership: no member reaches a forged one.
    "calendar_feed": "token-authenticated feed",
    # The world's client contact is not a contact of the registered engagement's client.
    "portal_engagement": "contact not linked to the client",
}


def test_it_registers_objects_that_practice_a_can_reach(world, registry):
    # The outsider's 404s prove isolation only if the registered ids name real objects of
    # practice A: some member of practice A (any role) must reach every registered route. A
    # lower role's 403 comes before the object is looked up, so it proves nothing either.
    practice_routes, _ = registry
    members = [client_for(world.member(role).user) for role in Role]
    unreachable, confirmed = [], []
    for name, kwargs in sorted(practice_routes.items()):
        url = reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})
        reached = any(member.get(url).status_code not in {403, 404} for member in members)
        if not reached and name not in UNCONFIRMED:
            unreachable.append(f"{name} ({url})")
        if reached and name in UNCONFIRMED:
            confirmed.append(name)
    assert not unreachable, "Registered routes no member of practice A can reach: " + ", ".join(
        unreachable
    )
    assert not confirmed, "Now reachable, remove from UNCONFIRMED: " + ", ".join(confirmed)


def test_it_answers_404_on_every_route_of_a_practice_that_does_not_exist(world, registry):
    practice_routes, _ = registry
    owner = client_for(world.owner.user)
    for name, kwargs in sorted(practice_routes.items()):
        url = reverse(name, kwargs={"practice_slug": "no-such-practice", **kwargs})
        _assert_silent(owner, url, world)
        if url.startswith("/api/"):
            response = owner.get(url)
            assert response["Content-Type"] == "application/json", url
            assert response.json()["message"], url


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
