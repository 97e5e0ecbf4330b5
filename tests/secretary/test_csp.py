"""Every HTML response carries a strict Content-Security-Policy, and no page holds what that
policy would block (inline scripts or style sheets without the response's nonce, event-handler
attributes)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from secretary.models import Role
from tests.conftest import client_for
from tests.isolation import collect

REQUIRED = {
    "default-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
}
INLINE_BLOCK = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\s(on[a-z]+)\s*=", re.IGNORECASE)
NONCE = re.compile(r"'nonce-([^']+)'")


def policy(response) -> dict[str, str]:
    header = response.get("Content-Security-Policy", "")
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def check_html(response, where: str) -> None:
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    directives = policy(response)
    for name, value in REQUIRED.items():
        assert directives.get(name) == value, f"{where}: {name} is {directives.get(name)!r}"
    assert "'unsafe-inline'" not in directives.get("script-src", ""), where
    assert "'unsafe-eval'" not in directives.get("script-src", ""), where
    html = response.content.decode()
    nonce = NONCE.search(directives.get("script-src", ""))
    for tag, attributes in INLINE_BLOCK.findall(html):
        if tag.lower() == "script" and "src=" in attributes:
            continue
        assert nonce and f'nonce="{nonce.group(1)}"' in attributes, (
            f"{where}: an inline <{tag}> without the response's nonce"
        )
    handler = EVENT_HANDLER.search(html)
    assert handler is None, f"{where}: inline event handler {handler.group(1) if handler else ''}"


PUBLIC_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/api/docs/",
    "/admin/login/",
    "/no-such-page/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_it_sets_the_policy_on_public_pages(db, path):
    response = Client().get(path, follow=True)
    assert response.get("Content-Type", "").startswith("text/html")
    check_html(response, path)


def test_it_sets_the_policy_on_every_page_of_every_role(world):
    # Every registered route of the isolation harness, opened by each member of practice A.
    practice_routes, _ = collect(world)
    members = {role: client_for(world.member(role).user) for role in Role}
    checked = 0
    for name, kwargs in sorted(practice_routes.items()):
        url = reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})
        for role, member in members.items():
            response = member.get(url)
            if response.get("Content-Type", "").startswith("text/html"):
                check_html(response, f"{url} as {role}")
                checked += 1
    assert checked > 100


def test_it_sets_the_policy_on_signed_in_pages_outside_a_practice(world):
    owner = client_for(world.owner.user)
    for path in ["/", "/practices/", "/practices/new/", "/accounts/profile/", "/api/docs/"]:
        check_html(owner.get(path, follow=True), path)


def test_it_gives_each_response_its_own_nonce(world):
    owner = client_for(world.owner.user)
    first = NONCE.search(policy(owner.get("/api/docs/"))["script-src"])
    second = NONCE.search(policy(owner.get("/api/docs/"))["script-src"])
    assert first and second and first.group(1) != second.group(1)
