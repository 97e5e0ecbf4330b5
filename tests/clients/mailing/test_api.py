"""The mailing lists' API: audiences, people, the bulk upsert, segments and imports."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from clients.mailing.models import ImportJob, ImportStatus, Subscriber, SubscriberStatus
from clients.mailing.services import segment_create, upsert_subscribers
from tests.clients.mailing.conftest import CONSENT

pytestmark = pytest.mark.django_db


def api(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def people(audience):
    return Subscriber.objects.for_practice(audience.practice).filter(audience=audience)


def test_it_checks_ownership(world, audience, outsider_client, contact_client, secretary_client):
    detail = api(world, "api_audience_detail", audience_id=audience.pk)
    assert outsider_client.get(detail).status_code == 404
    assert contact_client.get(detail).status_code == 404
    # A secretary reads and changes lists but may not delete one
    assert secretary_client.get(detail).status_code == 200
    assert secretary_client.delete(detail).status_code == 403


def test_it_creates_and_changes_an_audience(world, northwind, secretary_client, owner_client):
    response = post(
        secretary_client,
        api(world, "api_audience_list"),
        {
            "client": northwind.pk,
            "name": "Buyers",
            "fields": [{"key": "city", "label": "City", "type": "text"}],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["subscribed_count"], body["fields"][0]["key"]) == (
        "Buyers",
        0,
        "city",
    )
    detail = api(world, "api_audience_detail", audience_id=body["id"])
    response = patch(
        secretary_client, detail, {"fields": [{"key": "City", "label": "C", "type": "x"}]}
    )
    assert response.status_code == 400 and "fields" in response.json()["errors"]
    response = patch(secretary_client, detail, {"description": "Everyone who bought"})
    assert response.json()["description"] == "Everyone who bought"
    assert owner_client.delete(detail).status_code == 204


def test_it_refuses_another_practices_client(world, secretary_client):
    from tests.clients.factories import ClientFactory

    other = ClientFactory(practice=world.other_practice)
    response = post(
        secretary_client, api(world, "api_audience_list"), {"client": other.pk, "name": "x"}
    )
    assert response.status_code == 400 and "client" in response.json()["errors"]


def test_it_upserts_people_in_bulk(world, audience, secretary_client):
    upsert_subscribers(audience, [{"email": "gone@example.com"}], consent=CONSENT)
    people(audience).update(status=SubscriberStatus.COMPLAINED)
    response = post(
        secretary_client,
        api(world, "api_subscriber_bulk", audience_id=audience.pk),
        {
            "consent_source": "shop signup",
            "consent_at": "2025-05-01T10:00:00Z",
            "subscribers": [
                {"email": "a@example.com", "tags": ["VIP"], "custom": {"orders": 2}},
                {"email": "A@example.com", "name": "Ann"},
                {"email": "GONE@example.com", "name": "Back"},
            ],
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 1, "updated": 1, "unchanged": 0, "merged": 1}
    assert people(audience).get(email_key="gone@example.com").status == SubscriberStatus.COMPLAINED
    ann = people(audience).get(email_key="a@example.com")
    assert (ann.name, ann.tags, ann.custom) == ("Ann", ["vip"], {"orders": 2})


def test_it_refuses_a_bulk_call_with_bad_rows_and_says_which(world, audience, secretary_client):
    response = post(
        secretary_client,
        api(world, "api_subscriber_bulk", audience_id=audience.pk),
        {
            "consent_source": "shop signup",
            "consent_at": "2025-05-01T10:00:00Z",
            "subscribers": [
                {"email": "ok@example.com"},
                {"email": "not-an-address"},
                {"email": "b@example.com", "custom": {"orders": "many", "colour": "red"}},
            ],
        },
    )
    assert response.status_code == 400
    errors = response.json()["errors"]["subscribers"]
    assert set(errors) == {"1", "2"}
    assert "email" in errors["1"]
    assert set(errors["2"]) == {"custom.orders", "custom.colour"}
    assert not people(audience).exists()


def test_it_refuses_a_bulk_call_without_consent(world, audience, secretary_client):
    response = post(
        secretary_client,
        api(world, "api_subscriber_bulk", audience_id=audience.pk),
        {"subscribers": [{"email": "a@example.com"}]},
    )
    assert response.status_code == 400
    assert "consent_source" in response.json()["errors"]["subscribers"]["0"]


def test_it_caps_a_bulk_call_at_1000_rows(world, audience, secretary_client):
    rows = [{"email": f"p{n}@example.com"} for n in range(1001)]
    response = post(
        secretary_client,
        api(world, "api_subscriber_bulk", audience_id=audience.pk),
        {"consent_source": "x", "consent_at": "2025-05-01T10:00:00Z", "subscribers": rows},
    )
    assert response.status_code == 400 and "subscribers" in response.json()["errors"]


def test_it_adds_lists_and_resubscribes_people(world, audience, secretary_client):
    list_url = api(world, "api_subscriber_list", audience_id=audience.pk)
    response = post(
        secretary_client,
        list_url,
        {"email": "a@example.com", "consent_source": "form", "consent_at": "2025-01-01T00:00:00Z"},
    )
    assert response.status_code == 201, response.json()
    person = response.json()
    detail = api(
        world, "api_subscriber_detail", audience_id=audience.pk, subscriber_id=person["id"]
    )
    assert (
        patch(secretary_client, detail, {"status": "unsubscribed"}).json()["status"]
        == "unsubscribed"
    )
    assert patch(secretary_client, detail, {"status": "subscribed"}).status_code == 400
    from django.utils import timezone

    response = patch(
        secretary_client,
        detail,
        {
            "status": "subscribed",
            "consent_source": "phone",
            "consent_at": timezone.now().isoformat(),
        },
    )
    assert response.json()["status"] == "subscribed"
    listed = secretary_client.get(list_url, {"status": "subscribed", "tag": "none"}).json()
    assert listed["count"] == 0


def test_it_lists_segments_with_counts(
    world, audience, secretary_client, django_assert_max_num_queries
):
    upsert_subscribers(
        audience,
        [{"email": f"p{n}@example.com", "tags": ["vip"] if n % 2 else []} for n in range(6)],
        consent=CONSENT,
    )
    response = post(
        secretary_client,
        api(world, "api_segment_list", audience_id=audience.pk),
        {"name": "VIP", "rules": {"tags_all": ["vip"]}},
    )
    assert response.status_code == 201 and response.json()["count"] == 3
    segment_create(practice=world.practice, audience=audience, data={"name": "All"})
    listed = secretary_client.get(api(world, "api_segment_list", audience_id=audience.pk)).json()
    assert [(s["name"], s["count"]) for s in listed["results"]] == [("All", 6), ("VIP", 3)]
    bad = post(
        secretary_client,
        api(world, "api_segment_list", audience_id=audience.pk),
        {"name": "Bad", "rules": {"fields": [{"key": "nope", "op": "eq", "value": 1}]}},
    )
    assert bad.status_code == 400 and "rules" in bad.json()["errors"]


def test_it_reads_import_jobs(world, audience, secretary_client):
    job = ImportJob.objects.create(
        practice=world.practice,
        audience=audience,
        kind="csv",
        file_name="x.csv",
        status=ImportStatus.DONE,
        total_rows=3,
        processed_rows=3,
        created_count=2,
        error_total=1,
        errors=[{"line": 3, "reason": "email: bad"}],
    )
    body = secretary_client.get(
        api(world, "api_import_detail", audience_id=audience.pk, job_id=job.pk)
    ).json()
    assert (body["percent"], body["created_count"], body["errors"]) == (
        100,
        2,
        [{"line": 3, "reason": "email: bad"}],
    )
