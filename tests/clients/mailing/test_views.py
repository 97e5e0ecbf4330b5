"""Staff and portal pages of the mailing lists."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.mailing.models import ImportJob, ImportStatus, Segment, Subscriber, SubscriberStatus
from clients.mailing.services import segment_create, upsert_subscribers
from secretary.models import ActivityEvent
from tests.clients.mailing.conftest import CONSENT
from tests.clients.mailing.helpers import csv_bytes
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def people(audience):
    return Subscriber.objects.for_practice(audience.practice).filter(audience=audience)


def grow(audience, count: int, start: int = 0) -> None:
    upsert_subscribers(
        audience,
        [
            {"email": f"p{n}@example.com", "tags": ["vip" if n % 2 else "retail"]}
            for n in range(start, start + count)
        ],
        consent=CONSENT,
    )


def test_it_checks_ownership(world, audience, outsider_client, contact_client, secretary_client):
    detail = url(world, "audience_detail", audience_id=audience.pk)
    # Another practice's member and a client contact get 404 on staff pages
    assert outsider_client.get(detail).status_code == 404
    assert contact_client.get(detail).status_code == 404
    # A secretary may not delete a whole list (owners and admins may)
    response = secretary_client.post(url(world, "audience_delete", audience_id=audience.pk))
    assert response.status_code == 403
    assert secretary_client.get(detail).status_code == 200


def test_it_lists_audiences_in_constant_queries(world, audience, secretary_client):
    grow(audience, 5)

    def queries():
        with CaptureQueriesContext(connection) as context:
            response = secretary_client.get(url(world, "audience_list"))
        assert response.status_code == 200
        return len(context)

    first = queries()
    grow(audience, 60, start=100)
    assert queries() == first


def test_it_shows_an_audience_in_constant_queries(world, audience, secretary_client):
    grow(audience, 5)
    segment_create(practice=world.practice, audience=audience, data={"name": "A"})

    def queries():
        with CaptureQueriesContext(connection) as context:
            response = secretary_client.get(url(world, "audience_detail", audience_id=audience.pk))
        assert response.status_code == 200
        return len(context)

    first = queries()
    grow(audience, 80, start=100)
    segment_create(
        practice=world.practice,
        audience=audience,
        data={"name": "B", "rules": {"tags_any": ["vip"]}},
    )
    assert queries() == first


def test_it_filters_people_with_htmx(world, audience, secretary_client):
    grow(audience, 6)
    response = secretary_client.get(
        url(world, "audience_detail", audience_id=audience.pk),
        {"tag": "vip", "q": "p1"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert 'id="subscriber-results"' in body and "<html" not in body
    assert "p1@example.com" in body and "p2@example.com" not in body


def test_it_creates_an_audience_from_a_client(world, northwind, secretary_client):
    response = secretary_client.post(
        url(world, "audience_create"),
        {
            "client": northwind.pk,
            "name": "Newsletter",
            "fields_text": "city | City | text\ntier | Tier | choice | Gold, Silver",
        },
    )
    assert response.status_code == 302
    audience = northwind.audiences.get()
    assert audience.fields[1] == {
        "key": "tier",
        "label": "Tier",
        "type": "choice",
        "choices": ["Gold", "Silver"],
    }


def test_it_shows_bad_field_definitions_on_the_form(world, northwind, secretary_client):
    response = secretary_client.post(
        url(world, "audience_create"),
        {"client": northwind.pk, "name": "News", "fields_text": "City | City | colour"},
    )
    assert response.status_code == 400
    assert "must start with a letter" in response.content.decode()


def test_it_adds_a_person_and_changes_their_status(world, audience, secretary_client):
    response = secretary_client.post(
        url(world, "subscriber_create", audience_id=audience.pk),
        {
            "email": "New@Example.com",
            "tags": "vip",
            "custom_orders": "4",
            "consent_source": "signup form",
            "consent_at": "2025-04-01T10:00",
        },
    )
    assert response.status_code == 302
    person = people(audience).get()
    assert (person.email, person.custom) == ("New@example.com", {"orders": 4})
    status_url = url(world, "subscriber_status", audience_id=audience.pk, subscriber_id=person.pk)
    response = secretary_client.post(status_url, {"status": "unsubscribed", "reason": "asked"})
    assert response.status_code == 302
    # Subscribing again without consent is refused on the form
    response = secretary_client.post(status_url, {"status": "subscribed"})
    assert response.status_code == 400
    assert "new consent" in response.content.decode()
    person.refresh_from_db()
    assert person.status == SubscriberStatus.UNSUBSCRIBED
    page = secretary_client.get(
        url(world, "subscriber_detail", audience_id=audience.pk, subscriber_id=person.pk)
    )
    assert "subscribed → unsubscribed" in page.content.decode()


def test_it_saves_a_segment_and_shows_its_count(world, audience, secretary_client):
    grow(audience, 6)
    response = secretary_client.post(
        url(world, "segment_create", audience_id=audience.pk),
        {
            "name": "VIP",
            "tags_any": "vip",
            "rule_0_key": "",
            "rule_0_op": "eq",
            "rule_1_key": "",
            "rule_1_op": "eq",
            "rule_2_key": "",
            "rule_2_op": "eq",
        },
    )
    assert response.status_code == 302
    segment = Segment.objects.for_practice(world.practice).get()
    page = secretary_client.get(response.url)
    assert "3 subscribed people match now." in page.content.decode()
    assert segment.rules == {"tags_any": ["vip"]}


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_it_exports_a_list_with_formulas_escaped(world, audience, secretary_client):
    upsert_subscribers(
        audience,
        [
            {
                "email": "a@example.com",
                "name": '=HYPERLINK("x")',
                "custom": {"city": "+Paris", "orders": -3},
            },
            {"email": "b@example.com", "name": "Zoë", "company": "@corp", "tags": ["vip"]},
        ],
        consent=CONSENT,
    )
    people(audience).filter(email_key="b@example.com").update(status="unsubscribed")
    response = secretary_client.get(url(world, "audience_export", audience_id=audience.pk))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:5] == ["Email", "Name", "Company", "Tags", "Status"]
    assert rows[0][8:] == ["City", "Orders", "Customer since", "Tier"]
    assert rows[1][1] == '\'=HYPERLINK("x")' and rows[1][8:10] == ["'+Paris", "-3"]
    assert rows[2][:5] == ["b@example.com", "Zoë", "'@corp", "vip", "unsubscribed"]
    assert (
        ActivityEvent.objects.for_practice(world.practice).filter(verb="audience.exported").exists()
    )


def test_it_exports_a_segments_subscribed_people(world, audience, secretary_client):
    grow(audience, 6)
    people(audience).filter(email_key="p1@example.com").update(status="bounced")
    segment = segment_create(
        practice=world.practice,
        audience=audience,
        data={"name": "V", "rules": {"tags_any": ["vip"]}},
    )
    response = secretary_client.get(
        url(world, "segment_export", audience_id=audience.pk, segment_id=segment.pk)
    )
    assert sorted(row[0] for row in read_csv(response)[1:]) == ["p3@example.com", "p5@example.com"]


def test_it_runs_the_import_wizard(
    world, audience, secretary_client, django_capture_on_commit_callbacks
):
    data = csv_bytes(
        [["Email", "Full name", "Shop"], ["a@example.com", "Ann", "x"], ["bad", "", ""]]
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = secretary_client.post(
        url(world, "import_create", audience_id=audience.pk),
        {"file": SimpleUploadedFile("list.csv", data)},
    )
    assert response.status_code == 302
    job = ImportJob.objects.for_practice(world.practice).get()
    page = secretary_client.get(response.url).content.decode()
    assert "Ann" in page and "Ignore this column" in page
    # Without a consent column or a basis it is refused
    response = secretary_client.post(response.url, {"column_0": "email", "column_1": "name"})
    assert response.status_code == 400
    assert "say why everyone in this file agreed" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_client.post(
            url(world, "import_detail", audience_id=audience.pk, job_id=job.pk),
            {"column_0": "email", "column_1": "name", "basis": "other", "basis_other": "fair"},
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created_count, job.error_total) == (ImportStatus.DONE, 1, 1)
    fragment = secretary_client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="import-progress"' in fragment and "hx-trigger" not in fragment
    assert "Line" in fragment and "3" in fragment
    assert people(audience).get().consent_source == "import: list.csv (fair)"


def test_it_refuses_an_upload_that_is_not_a_spreadsheet(world, audience, secretary_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = secretary_client.post(
        url(world, "import_create", audience_id=audience.pk),
        {"file": SimpleUploadedFile("list.csv", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n")},
    )
    assert response.status_code == 400
    assert "neither a CSV file nor an Excel workbook" in response.content.decode()
    assert not ImportJob.objects.for_practice(world.practice).exists()


def test_it_polls_a_running_import(world, audience, secretary_client):
    job = ImportJob.objects.create(
        practice=world.practice,
        audience=audience,
        kind="csv",
        file_name="x.csv",
        status=ImportStatus.RUNNING,
        total_rows=4000,
        processed_rows=1000,
    )
    fragment = secretary_client.get(
        url(world, "import_detail", audience_id=audience.pk, job_id=job.pk),
        headers={"HX-Request": "true"},
    ).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and 'aria-valuenow="25"' in fragment


def test_it_shows_a_contact_their_lists_and_lets_them_export(world, northwind, audience):
    grow(audience, 3)
    contact = client_for(world.client_contact.user)
    page = contact.get(
        reverse("portal_audience_list", kwargs={"practice_slug": world.practice.slug})
    )
    assert page.status_code == 200 and "Customers" in page.content.decode()
    response = contact.get(
        reverse(
            "portal_audience_export",
            kwargs={"practice_slug": world.practice.slug, "audience_id": audience.pk},
        )
    )
    assert len(read_csv(response)) == 4


def test_it_hides_the_lists_from_a_contact_who_may_not_see_documents(world, northwind, audience):
    northwind.contacts.update(portal_documents=False)
    contact = client_for(world.client_contact.user)
    page = contact.get(
        reverse("portal_audience_list", kwargs={"practice_slug": world.practice.slug})
    )
    assert page.status_code == 404


def test_it_lists_the_clients_lists_on_the_client_page(
    world, northwind, audience, secretary_client
):
    address = url(world, "client_detail", client_id=northwind.pk)
    tabs = {tab["key"]: tab["count"] for tab in secretary_client.get(address).context["tabs"]}
    assert tabs["mailing"] == 1
    page = secretary_client.get(address, {"tab": "mailing"}).content.decode()
    assert (
        "Mailing lists" in page and url(world, "audience_detail", audience_id=audience.pk) in page
    )


def test_it_previews_a_segments_count_as_rules_are_typed(world, audience, secretary_client):
    grow(audience, 6)
    response = secretary_client.post(
        url(world, "segment_create", audience_id=audience.pk),
        {"name": "Draft", "tags_any": "vip", "rule_0_key": "", "rule_0_op": "eq"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert 'id="segment-count"' in body and "3 subscribed people would match." in body
    assert not Segment.objects.for_practice(world.practice).exists()
    response = secretary_client.post(
        url(world, "segment_create", audience_id=audience.pk),
        {"name": "Draft", "rule_0_key": "orders", "rule_0_op": "gt", "rule_0_value": "lots"},
        headers={"HX-Request": "true"},
    )
    assert "Enter a number." in response.content.decode()


def test_it_refuses_a_50_mb_upload_with_a_clear_message(world, audience, secretary_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = b"email\n" + b"x" * (50 * 1024 * 1024)
    response = secretary_client.post(
        url(world, "import_create", audience_id=audience.pk),
        {"file": SimpleUploadedFile("people.csv", big)},
    )
    assert response.status_code == 400
    assert "the limit is 20.0 MB" in response.content.decode()
    assert not ImportJob.objects.for_practice(world.practice).exists()
