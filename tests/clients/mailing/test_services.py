"""Writes of the mailing lists: audiences, people, status, bulk upserts and segments."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.mailing.models import Subscriber, SubscriberStatus
from clients.mailing.services import (
    Consent,
    audience_create,
    audience_delete,
    audience_update,
    segment_create,
    subscriber_add,
    subscriber_status_change,
    subscriber_update,
    upsert_subscribers,
)
from secretary.errors import ApplicationError
from secretary.models import ActivityEvent
from tests.clients.mailing.conftest import CONSENT

pytestmark = pytest.mark.django_db


def people(audience):
    return Subscriber.objects.for_practice(audience.practice).filter(audience=audience)


def test_it_refuses_a_second_list_of_the_same_name_for_a_client(world, northwind, audience):
    # When another list named like the first (in another case) is created
    with pytest.raises(ApplicationError) as raised:
        audience_create(
            practice=world.practice, client=northwind, data={"name": "CUSTOMERS"}, actor=None
        )
    # Then it is refused on the name
    assert "name" in raised.value.errors


@pytest.mark.parametrize(
    "field",
    [
        {"key": "City", "label": "City", "type": "text"},
        {"key": "1st", "label": "First", "type": "text"},
        {"key": "email", "label": "Email", "type": "text"},
        {"key": "city", "label": "", "type": "text"},
        {"key": "city", "label": "City", "type": "colour"},
        {"key": "tier", "label": "Tier", "type": "choice", "choices": []},
    ],
)
def test_it_checks_custom_field_definitions(world, audience, field):
    with pytest.raises(ApplicationError) as raised:
        audience_update(practice=world.practice, audience=audience, data={"fields": [field]})
    assert "fields" in raised.value.errors


def test_it_refuses_a_field_key_used_twice(world, audience):
    field = {"key": "city", "label": "City", "type": "text"}
    with pytest.raises(ApplicationError):
        audience_update(practice=world.practice, audience=audience, data={"fields": [field] * 2})


def test_it_adds_a_person_normalised_with_an_audit_entry(world, audience):
    # When a person is added with a mixed-case address, messy tags and typed custom values
    person = subscriber_add(
        practice=world.practice,
        audience=audience,
        actor=world.secretary,
        data={
            "email": "  Ada.Lovelace@Example.COM ",
            "name": " Ada   Lovelace ",
            "tags": " VIP, retail ,vip,",
            "custom": {"orders": "12", "since": "2020-02-03", "tier": "gold", "city": ""},
            "consent_source": "signup form",
            "consent_at": CONSENT.at,
        },
    )
    # Then the stored values are normalised
    assert person.email == "Ada.Lovelace@example.com"
    assert person.email_key == "ada.lovelace@example.com"
    assert person.name == "Ada Lovelace"
    assert person.tags == ["vip", "retail"]
    assert person.custom == {"orders": 12, "since": "2020-02-03", "tier": "Gold"}
    assert person.status == SubscriberStatus.SUBSCRIBED
    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="subscriber.added", target_id=str(person.pk))
        .exists()
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": "a@b.example", "custom": {"orders": "twelve"}}, "custom.orders"),
        ({"email": "a@b.example", "custom": {"since": "31/02/2020"}}, "custom.since"),
        ({"email": "a@b.example", "custom": {"tier": "Bronze"}}, "custom.tier"),
        ({"email": "a@b.example", "custom": {"colour": "red"}}, "custom.colour"),
        ({"email": "a@b.example", "consent_source": ""}, "consent_source"),
    ],
)
def test_it_refuses_bad_person_data(world, audience, data, field):
    data = {"consent_source": "form", "consent_at": CONSENT.at, **data}
    with pytest.raises(ApplicationError) as raised:
        subscriber_add(practice=world.practice, audience=audience, data=data)
    assert field in raised.value.errors
    assert not people(audience).exists()


def test_it_refuses_consent_in_the_future(world, audience):
    data = {"email": "a@b.example", "consent_source": "form"}
    data["consent_at"] = timezone.now() + timedelta(days=2)
    with pytest.raises(ApplicationError) as raised:
        subscriber_add(practice=world.practice, audience=audience, data=data)
    assert "consent_at" in raised.value.errors


def test_it_refuses_an_address_already_on_the_list_in_any_case(world, audience):
    data = {"email": "a@b.example", "consent_source": "form", "consent_at": CONSENT.at}
    subscriber_add(practice=world.practice, audience=audience, data=data)
    with pytest.raises(ApplicationError) as raised:
        subscriber_add(
            practice=world.practice, audience=audience, data={**data, "email": "A@B.example"}
        )
    assert "email" in raised.value.errors


def test_it_resubscribes_only_with_consent_given_after_leaving(world, audience):
    # Given a person who unsubscribed
    person = subscriber_add(
        practice=world.practice,
        audience=audience,
        data={"email": "a@b.example", "consent_source": "form", "consent_at": CONSENT.at},
    )
    subscriber_status_change(
        practice=world.practice, subscriber=person, status="unsubscribed", reason="asked by phone"
    )
    # When they are subscribed again without consent, or with their old consent
    with pytest.raises(ApplicationError):
        subscriber_status_change(practice=world.practice, subscriber=person, status="subscribed")
    with pytest.raises(ApplicationError):
        subscriber_status_change(
            practice=world.practice, subscriber=person, status="subscribed", consent=CONSENT
        )
    person.refresh_from_db()
    assert person.status == SubscriberStatus.UNSUBSCRIBED
    # When they give new consent
    subscriber_status_change(
        practice=world.practice,
        subscriber=person,
        status="subscribed",
        consent=Consent("phone call", timezone.now()),
    )
    # Then they are subscribed with it on record
    person.refresh_from_db()
    assert person.status == SubscriberStatus.SUBSCRIBED
    assert person.consent_source == "phone call"
    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="subscriber.status_changed")
        .count()
        == 2
    )


def test_it_edits_a_person_keeping_what_is_not_given(world, audience):
    person = subscriber_add(
        practice=world.practice,
        audience=audience,
        data={
            "email": "a@b.example",
            "name": "Al",
            "consent_source": "f",
            "consent_at": CONSENT.at,
        },
    )
    subscriber_update(
        practice=world.practice, subscriber=person, data={"email": "AL@b.example", "tags": "x"}
    )
    person.refresh_from_db()
    assert (person.email_key, person.name, person.tags) == ("al@b.example", "Al", ["x"])


def test_it_upserts_merging_case_insensitively_and_keeping_suppressed_people(
    world, audience, django_assert_max_num_queries
):
    # Given one subscribed and one unsubscribed person
    upsert_subscribers(
        audience,
        [
            {"email": "kept@example.com", "name": "Kept", "tags": ["retail"]},
            {"email": "gone@example.com", "name": "Gone"},
            {"email": "same@example.com", "name": "Same"},
        ],
        consent=CONSENT,
    )
    people(audience).filter(email_key="gone@example.com").update(status="unsubscribed")
    newer = Consent("import: new.csv", datetime(2025, 6, 1, tzinfo=UTC))
    rows = [
        {"email": "KEPT@example.com", "tags": "vip", "custom": {"orders": 3}},
        {"email": "Gone@Example.com", "name": "Back Again"},
        {"email": "same@example.com", "name": "Same"},
        {"email": "new@example.com", "name": "First"},
        {"email": "NEW@example.com", "company": "Later Co"},
        {"email": "broken", "name": "No address"},
    ]
    # When a bigger batch is upserted, skipping bad rows
    with django_assert_max_num_queries(8):
        result = upsert_subscribers(audience, rows, consent=newer, skip_invalid=True)
    # Then the counts tell what happened (a newer consent updates the unchanged person too)
    assert (result.created, result.updated, result.unchanged, result.merged) == (1, 3, 0, 1)
    assert result.errors == [
        {"row": 5, "errors": {"email": "“broken” is not a valid email address."}}
    ]
    by_key = {p.email_key: p for p in people(audience)}
    assert by_key["kept@example.com"].tags == ["retail", "vip"]
    assert by_key["kept@example.com"].name == "Kept"
    assert by_key["kept@example.com"].custom == {"orders": 3}
    # the unsubscribed person stays unsubscribed
    assert by_key["gone@example.com"].status == SubscriberStatus.UNSUBSCRIBED
    assert by_key["gone@example.com"].name == "Back Again"
    # rows of one batch with the same address merge, the later one winning
    assert (by_key["new@example.com"].name, by_key["new@example.com"].company) == (
        "First",
        "Later Co",
    )
    assert by_key["new@example.com"].email == "NEW@example.com"


def test_it_keeps_the_query_count_constant_per_batch(world, audience):
    # (SQLite caps the parameters of one statement: both batches fit in one insert there.)
    def queries(count: int, offset: int) -> int:
        rows = [{"email": f"p{n}@example.com"} for n in range(offset, offset + count)]
        with CaptureQueriesContext(connection) as context:
            result = upsert_subscribers(audience, rows, consent=CONSENT)
        assert result.created == count
        return len(context)

    # When a small batch and a batch twice its size are upserted
    # Then both take the same number of queries
    assert queries(30, 0) == queries(60, 100)


def test_it_counts_unchanged_people_without_writing_them(world, audience):
    rows = [{"email": f"p{n}@example.com"} for n in range(300)]
    upsert_subscribers(audience, rows, consent=CONSENT)
    with CaptureQueriesContext(connection) as context:
        result = upsert_subscribers(audience, rows, consent=CONSENT)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 300)
    assert not [q for q in context.captured_queries if q["sql"].startswith("INSERT")]


def test_it_refuses_a_whole_batch_with_bad_rows_unless_told_to_skip(world, audience):
    rows = [{"email": "ok@example.com"}, {"email": "ok2@example.com", "custom": {"orders": "x"}}]
    with pytest.raises(ApplicationError) as raised:
        upsert_subscribers(audience, rows, consent=CONSENT)
    assert raised.value.errors["rows"] == [
        {"row": 1, "errors": {"custom.orders": "Enter a number."}}
    ]
    assert not people(audience).exists()


def test_it_requires_consent_for_upserted_rows(world, audience):
    result = upsert_subscribers(audience, [{"email": "a@example.com"}], skip_invalid=True)
    assert result.created == 0
    assert "consent_source" in result.errors[0]["errors"]


def test_it_checks_segment_rules_against_the_list(world, audience):
    with pytest.raises(ApplicationError) as raised:
        segment_create(
            practice=world.practice,
            audience=audience,
            data={
                "name": "Big",
                "rules": {"fields": [{"key": "orders", "op": "gt", "value": "many"}]},
            },
        )
    assert "rules" in raised.value.errors
    segment = segment_create(
        practice=world.practice,
        audience=audience,
        data={
            "name": "Big",
            "rules": {"tags_any": "VIP", "fields": [{"key": "orders", "op": "gt", "value": "5"}]},
        },
    )
    assert segment.rules == {
        "tags_any": ["vip"],
        "fields": [{"key": "orders", "op": "gt", "value": 5}],
    }


def test_it_deletes_a_list_with_its_people(world, audience):
    upsert_subscribers(audience, [{"email": "a@example.com"}], consent=CONSENT)
    audience_delete(practice=world.practice, audience=audience)
    assert not Subscriber.objects.for_practice(world.practice).exists()
