"""No select in the staff app, the portal or the settings offers "---------": every empty choice
says what empty means ("No category", "Any client", "Choose a plan").

The pages walked are every route of the isolation harness's registry (so a new page is walked
as soon as it is registered), opened as the owner (staff pages) and as the client contact
(portal pages), plus the signed-in pages outside a practice, with the form renderer refusing
an unnamed empty choice (``REFUSE_UNNAMED_EMPTY_CHOICE``): the page that offers one fails,
naming the select.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from secretary.form_renderer import UNNAMED_BLANK, UnnamedEmptyChoice, check_empty_choice
from tests.conftest import client_for
from tests.isolation import collect

pytestmark = pytest.mark.django_db

OUTSIDE_A_PRACTICE = ["practice_list", "practice_new", "profile"]


def _html_pages(client: Client, urls: list[str], refused: list[str]) -> dict[str, str]:
    pages = {}
    for url in urls:
        try:
            response = client.get(url)
        except UnnamedEmptyChoice as error:
            refused.append(f"{url}: {error}")
            continue
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            pages[url] = response.content.decode()
    return pages


def _checkbox_labels(body: str) -> list[str]:
    ids = re.findall(r'<input type="checkbox"[^>]*\bid="([^"]+)"', body)
    return [
        re.sub(r"<[^>]+>", "", match)
        for field_id in ids
        for match in re.findall(
            rf'<label[^>]*for="{re.escape(field_id)}"[^>]*>(.*?)</label>', body, re.S
        )
    ]


def _offenders(pages: dict[str, str]) -> list[str]:
    return sorted(url for url, body in pages.items() if UNNAMED_BLANK in body)


def test_it_names_every_empty_choice_on_every_page(world, settings):
    settings.REFUSE_UNNAMED_EMPTY_CHOICE = True
    # Given practice A's objects for every route (the contact is one of a client's contacts)
    practice_routes, _ = collect(world)
    staff, portal = [], []
    for name, kwargs in sorted(practice_routes.items()):
        url = reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})
        if url.startswith("/app/"):
            staff.append(url)
        elif url.startswith("/portal/"):
            portal.append(url)
    outside = [reverse(name) for name in OUTSIDE_A_PRACTICE]
    # When the owner opens every staff page and the contact every portal page
    refused: list[str] = []
    owner_pages = _html_pages(client_for(world.owner.user), staff + outside, refused)
    contact_pages = _html_pages(client_for(world.client_contact.user), portal, refused)
    # Then every page rendered (the renderer refused no select), and none shows "---------"
    assert not refused, "\n".join(refused)
    assert len(owner_pages) > 100 and len(contact_pages) > 5
    assert not _offenders(owner_pages), _offenders(owner_pages)
    assert not _offenders(contact_pages), _offenders(contact_pages)
    # And no checkbox's label ends in a colon
    colons = [
        f"{url}: {label}"
        for url, body in {**owner_pages, **contact_pages}.items()
        for label in _checkbox_labels(body)
        if label.rstrip().endswith(":")
    ]
    assert not colons, colons


def test_the_renderer_refuses_an_unnamed_empty_choice(settings):
    settings.REFUSE_UNNAMED_EMPTY_CHOICE = True
    widget = {"name": "category", "optgroups": [(None, [{"value": "", "label": "---------"}], 0)]}
    with pytest.raises(UnnamedEmptyChoice, match="category"):
        check_empty_choice(widget)


def test_the_renderer_names_it_when_it_does_not_refuse(settings):
    settings.REFUSE_UNNAMED_EMPTY_CHOICE = False
    option = {"value": "", "label": "---------"}
    check_empty_choice({"name": "category", "optgroups": [(None, [option], 0)]})
    assert option["label"] == "Not chosen"
