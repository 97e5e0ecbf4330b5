"""Inbound email pages: the quarantine, the client's Email tab, the task page's origin; and
the API for addresses and held messages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.inbound.models import InboundAddress, InboundMessage, InboundStatus
from tasks.inbound.services import inbound_receive
from tasks.models import Task
from tests.tasks.inbound.helpers import raw_mail

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def hold(address, django_capture_on_commit_callbacks):
    def run(number: int = 0):
        raw = raw_mail(
            to=address.email,
            sender=f"Stranger {number} <stranger{number}@elsewhere.test>",
            subject=f"Question {number}",
            html="<p>Hi<script>alert(1)</script></p>",
            text=None,
        )
        with django_capture_on_commit_callbacks(execute=True):
            return inbound_receive(raw=raw, channel="test")

    return run


def test_it_checks_ownership(world, desk, hold, secretary_client, contact_client, outsider_client):
    held = hold()
    page = url(world, "inbound_quarantine")
    accept = url(world, "inbound_accept", inbound_id=held.pk)
    rotate = url(world, "inbound_address_rotate", client_id=desk.client.pk)
    assert outsider_client.get(page).status_code == 404
    assert contact_client.get(page).status_code == 404
    assert contact_client.post(accept).status_code == 404
    assert contact_client.post(rotate).status_code == 404
    assert outsider_client.post(accept).status_code == 404
    assert secretary_client.get(page).status_code == 200
    held.refresh_from_db()
    assert held.status == InboundStatus.QUARANTINED


def test_it_lists_held_mail_in_a_constant_number_of_queries(world, hold, secretary_client):
    hold(0)
    page = url(world, "inbound_quarantine")
    secretary_client.get(page)
    with CaptureQueriesContext(connection) as few:
        response = secretary_client.get(page)
    for number in range(1, 8):
        hold(number)
    with CaptureQueriesContext(connection) as many:
        response = secretary_client.get(page)
    assert len(many) == len(few)
    body = response.content.decode()
    assert "stranger7@elsewhere.test" in body
    assert "Question 7" in body
    assert "<script>alert" not in body


def test_it_accepts_a_held_message_from_the_page(world, desk, hold, secretary_client):
    held = hold()
    response = secretary_client.post(
        url(world, "inbound_accept", inbound_id=held.pk), {"add_contact": "on"}
    )
    task = Task.objects.for_practice(world.practice).get()
    assert response.status_code == 302
    assert response["Location"] == url(world, "task_detail", task_id=task.pk)
    assert desk.client.contacts.filter(email="stranger0@elsewhere.test").exists()
    # The task page says it came by email
    page = secretary_client.get(response["Location"]).content.decode()
    assert "Came by email from stranger0@elsewhere.test" in page


def test_it_discards_a_held_message_from_the_page(world, hold, secretary_client):
    held = hold()
    response = secretary_client.post(url(world, "inbound_discard", inbound_id=held.pk))
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == InboundStatus.DISCARDED
    # Handled: a second discard finds nothing held
    assert (
        secretary_client.post(url(world, "inbound_discard", inbound_id=held.pk)).status_code == 404
    )


def test_it_shows_the_address_on_the_client_page_and_rotates_it(world, desk, secretary_client):
    page = url(world, "client_detail", client_id=desk.client.pk) + "?tab=email"
    body = secretary_client.get(page).content.decode()
    address = InboundAddress.objects.for_practice(world.practice).get(client=desk.client)
    assert address.email in body
    assert "data-copy" in body
    response = secretary_client.post(url(world, "inbound_address_rotate", client_id=desk.client.pk))
    assert response.status_code == 302
    rotated = InboundAddress.objects.for_practice(world.practice).get(client=desk.client)
    assert rotated.token != address.token
    assert rotated.email in secretary_client.get(page).content.decode()


# --- API ----------------------------------------------------------------------------------


def test_it_reads_and_rotates_the_address_by_api(world, desk, secretary_client, contact_client):
    path = url(world, "api_inbound_address", client_id=desk.client.pk)
    first = secretary_client.get(path).json()
    assert first["email"].endswith("@inbound.secretary.local")
    assert first["client"] == desk.client.pk
    rotated = secretary_client.post(
        url(world, "api_inbound_address_rotate", client_id=desk.client.pk)
    ).json()
    assert rotated["email"] != first["email"]
    assert secretary_client.get(path).json()["email"] == rotated["email"]
    assert contact_client.get(path).status_code in (403, 404)


def test_it_lists_accepts_and_discards_held_mail_by_api(world, desk, hold, secretary_client):
    first, second = hold(1), hold(2)
    listed = secretary_client.get(url(world, "api_inbound_held_list")).json()
    assert {row["id"] for row in listed["results"]} == {first.pk, second.pk}
    assert listed["results"][0]["preview"] == "Hi"
    accepted = secretary_client.post(
        url(world, "api_inbound_held_accept", inbound_id=first.pk),
        {"add_contact": True},
        content_type="application/json",
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "request"
    assert Task.objects.for_practice(world.practice).filter(pk=accepted.json()["task"]).exists()
    discarded = secretary_client.post(url(world, "api_inbound_held_discard", inbound_id=second.pk))
    assert discarded.status_code == 200
    assert (
        InboundMessage.objects.for_practice(world.practice).get(pk=second.pk).status == "discarded"
    )
    # Handled messages are no longer held
    again = secretary_client.post(url(world, "api_inbound_held_discard", inbound_id=second.pk))
    assert again.status_code == 404
    third = hold(3)
    bad = secretary_client.post(
        url(world, "api_inbound_held_accept", inbound_id=third.pk),
        {"add_contact": "maybe"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "add_contact" in bad.json()["errors"]
    assert InboundMessage.objects.for_practice(world.practice).get(pk=third.pk).status == (
        "quarantined"
    )


def test_it_shows_the_client_that_a_request_came_by_email(
    world, address, contact_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inbound_receive(raw=raw_mail(to=address.email), channel="test")
    task = Task.objects.for_practice(world.practice).get()
    page = contact_client.get(
        reverse("portal_request_detail", args=[world.practice.slug, task.pk])
    ).content.decode()
    assert "Came by email from contact@client.test" in page


def test_held_mail_of_a_regulated_client_stays_with_the_cleared(
    world, desk, hold, secretary_client
):
    # Given a held message to a client that handles regulated records
    held = hold()
    desk.client.is_regulated = True
    desk.client.save(update_fields=["is_regulated"])
    # Then a secretary without its agreement neither sees it nor can accept it
    body = secretary_client.get(url(world, "inbound_quarantine")).content.decode()
    assert "stranger0@elsewhere.test" not in body
    accept = url(world, "inbound_accept", inbound_id=held.pk)
    assert secretary_client.post(accept).status_code == 404
    held.refresh_from_db()
    assert held.status == InboundStatus.QUARANTINED
