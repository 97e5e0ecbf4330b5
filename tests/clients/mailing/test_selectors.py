"""Who a campaign goes to: tags (any/all) and field rules, on SQLite and PostgreSQL alike
(run this file under both)."""

import pytest

from clients.mailing.models import Segment, SubscriberStatus
from clients.mailing.selectors import (
    audience_tags,
    recipients,
    rules_condition,
    status_counts,
    subscribers_filtered,
)
from clients.mailing.services import segment_create, upsert_subscribers
from tests.clients.mailing.conftest import CONSENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(world, audience):
    upsert_subscribers(
        audience,
        [
            {
                "email": "ann@example.com",
                "tags": ["vip", "retail"],
                "custom": {"orders": 12, "city": "Oakland", "since": "2020-01-01", "tier": "Gold"},
            },
            {
                "email": "bob@example.com",
                "tags": ["retail"],
                "custom": {"orders": 3, "city": "San Jose", "since": "2023-06-01"},
            },
            {
                "email": "cy@example.com",
                "tags": ["wholesale", "vip"],
                "custom": {"orders": 40, "tier": "silver"},
            },
            {"email": "di@example.com", "tags": ["vip-old"], "custom": {"city": "oakland"}},
            {"email": "gone@example.com", "tags": ["vip", "retail"], "custom": {"orders": 99}},
        ],
        consent=CONSENT,
    )
    from clients.mailing.models import Subscriber

    Subscriber.objects.for_practice(world.practice).filter(email_key="gone@example.com").update(
        status=SubscriberStatus.UNSUBSCRIBED
    )
    return audience


def emails(audience, rules):
    segment = Segment(practice=audience.practice, audience=audience, name="s", rules=rules)
    return sorted(p.email_key.split("@")[0] for p in recipients(audience, segment))


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({}, ["ann", "bob", "cy", "di"]),
        ({"tags_any": ["vip"]}, ["ann", "cy"]),
        ({"tags_any": ["wholesale", "retail"]}, ["ann", "bob", "cy"]),
        ({"tags_all": ["vip", "retail"]}, ["ann"]),
        ({"tags_any": ["VIP "], "tags_all": ["wholesale"]}, ["cy"]),
        ({"fields": [{"key": "orders", "op": "gt", "value": 10}]}, ["ann", "cy"]),
        ({"fields": [{"key": "orders", "op": "lt", "value": 10}]}, ["bob"]),
        ({"fields": [{"key": "orders", "op": "eq", "value": 12}]}, ["ann"]),
        ({"fields": [{"key": "orders", "op": "ne", "value": 12}]}, ["bob", "cy", "di"]),
        ({"fields": [{"key": "city", "op": "eq", "value": "OAKLAND"}]}, ["ann", "di"]),
        ({"fields": [{"key": "city", "op": "contains", "value": "jos"}]}, ["bob"]),
        ({"fields": [{"key": "city", "op": "empty"}]}, ["cy"]),
        ({"fields": [{"key": "city", "op": "not_empty"}]}, ["ann", "bob", "di"]),
        ({"fields": [{"key": "since", "op": "gt", "value": "2021-01-01"}]}, ["bob"]),
        ({"fields": [{"key": "tier", "op": "eq", "value": "silver"}]}, ["cy"]),
        (
            {"tags_any": ["vip"], "fields": [{"key": "orders", "op": "lt", "value": 20}]},
            ["ann"],
        ),
    ],
)
def test_it_selects_subscribed_people_by_rules(crowd, rules, expected):
    # (the unsubscribed person matches most rules and is never selected)
    assert emails(crowd, rules) == expected


def test_it_matches_whole_tags_only(crowd):
    # "vip-old" is not "vip"
    assert "di" not in emails(crowd, {"tags_any": ["vip"]})
    assert emails(crowd, {"tags_any": ["vip-old"]}) == ["di"]


def test_it_refuses_a_segment_of_another_audience(world, northwind, crowd):
    from clients.mailing.services import audience_create

    other = audience_create(practice=world.practice, client=northwind, data={"name": "Other"})
    segment = segment_create(practice=world.practice, audience=other, data={"name": "All"})
    with pytest.raises(ValueError):
        recipients(crowd, segment)


def test_it_counts_and_filters_people(crowd):
    counts = status_counts(crowd)
    assert (counts["subscribed"], counts["unsubscribed"], counts["total"]) == (4, 1, 5)
    assert [p.email_key for p in subscribers_filtered(crowd, tag="vip", status="subscribed")] == [
        "ann@example.com",
        "cy@example.com",
    ]
    assert [p.email_key for p in subscribers_filtered(crowd, search="BOB")] == ["bob@example.com"]
    assert audience_tags(crowd) == ["retail", "vip", "vip-old", "wholesale"]


def test_it_builds_no_condition_for_empty_rules():
    assert rules_condition(None) == rules_condition({})


def test_it_counts_many_segments_in_one_query(world, crowd, django_assert_num_queries):
    from clients.mailing.selectors import segment_counts

    everyone = segment_create(practice=world.practice, audience=crowd, data={"name": "All"})
    vip = segment_create(
        practice=world.practice,
        audience=crowd,
        data={"name": "VIP", "rules": {"tags_any": ["vip"]}},
    )
    big = segment_create(
        practice=world.practice,
        audience=crowd,
        data={"name": "Big", "rules": {"fields": [{"key": "orders", "op": "gt", "value": 10}]}},
    )
    with django_assert_num_queries(1):
        counts = segment_counts(crowd, [everyone, vip, big])
    assert counts == {everyone.pk: 4, vip.pk: 2, big.pk: 2}
