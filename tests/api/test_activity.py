"""GET .../activity/: the audit log of a practice (owners and admins)."""

from datetime import timedelta

from django.utils import timezone

from secretary.audit import activity_record
from secretary.models import ActivityEvent
from tests.api.conftest import url


def record(world, verb, minutes_ago=0, actor=None):
    event = activity_record(
        practice=world.practice,
        actor=actor or world.owner.user,
        verb=verb,
        target=world.secretary,
        data={"role": "secretary"},
    )
    ActivityEvent.objects.for_practice(world.practice).filter(pk=event.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return event


def test_it_checks_ownership(world, outsider_client, contact_client, secretary_client):
    record(world, "member.invited")
    activity = url("api_activity_list", world.practice)

    assert outsider_client.get(activity).status_code == 404
    assert contact_client.get(activity).status_code == 404
    assert secretary_client.get(activity).status_code == 403
    # Its own practice's log never shows practice A's events.
    own = outsider_client.get(url("api_activity_list", world.other_practice))
    assert own.status_code == 200
    assert own.json()["count"] == 0


def test_it_lists_the_log_newest_first(world, admin_client_):
    older = record(world, "member.invited", minutes_ago=10)
    newer = record(world, "member.role_changed", minutes_ago=1, actor=world.admin.user)

    response = admin_client_.get(url("api_activity_list", world.practice))

    assert response.status_code == 200
    results = response.json()["results"]
    assert [e["id"] for e in results] == [newer.pk, older.pk]
    assert results[0] == {
        "id": newer.pk,
        "created_at": results[0]["created_at"],
        "actor": {
            "id": world.admin.user.pk,
            "email": "admin@harbour.test",
            "full_name": world.admin.user.full_name,
        },
        "verb": "member.role_changed",
        "verb_label": "changed a member's role",
        "target_type": "secretary.membership",
        "target_id": str(world.secretary.pk),
        "target_repr": str(world.secretary),
        "data": {"role": "secretary"},
        "ip_address": None,
    }


def test_it_filters_the_log_by_verb(world, owner_client):
    invited = record(world, "member.invited")
    record(world, "member.removed")

    response = owner_client.get(
        url("api_activity_list", world.practice), {"verb": "member.invited"}
    )

    assert [e["id"] for e in response.json()["results"]] == [invited.pk]


def test_it_lists_the_log_in_constant_queries(world, owner_client, django_assert_num_queries):
    activity = url("api_activity_list", world.practice)
    record(world, "member.invited")
    with django_assert_num_queries(5):  # session, user, membership, count, page (actors joined)
        owner_client.get(activity)
    for n in range(6):
        record(world, "member.invited", actor=world.member("admin" if n % 2 else "owner").user)
    with django_assert_num_queries(5):
        assert owner_client.get(activity).json()["count"] == 7
