"""The Activity page: the practice's audit log for owners and admins."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from secretary.models import ActivityEvent
from tests.factories import UserFactory

SLUG = "harbour-desk"
URL = reverse("activity", kwargs={"practice_slug": SLUG})


def event(world, *, verb="member.invited", actor=None, at=None, **fields):
    return ActivityEvent.objects.create(
        practice=fields.pop("practice", world.practice),
        actor=actor or world.owner.user,
        verb=verb,
        created_at=at or datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
        **fields,
    )


def test_it_shows_who_did_what_on_what_when_and_from_where(world, admin_client_):
    # Given an entry in this practice and one in another
    event(
        world,
        verb="member.role_changed",
        target_repr="Sam @ harbour",
        data={"from": "secretary", "to": "admin"},
        ip_address="203.0.113.7",
    )
    event(
        world,
        verb="member.removed",
        target_repr="SECRET OTHER",
        actor=world.outsider.user,
        practice=world.other_practice,
    )

    response = admin_client_.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert world.owner.user.full_name in page
    assert "changed a member&#x27;s role" in page
    assert "Secretary → Admin" in page
    assert "Sam @ harbour" in page
    assert "203.0.113.7" in page
    assert "SECRET OTHER" not in page


def test_it_shows_times_in_the_viewers_time_zone(world, admin_client_):
    world.admin.user.time_zone = "Australia/Sydney"
    world.admin.user.save(update_fields=["time_zone"])
    event(world, at=datetime(2025, 3, 1, 23, 30, tzinfo=UTC))

    page = admin_client_.get(URL).content.decode()

    # 23:30 UTC on 1 March is 10:30 on 2 March in Sydney (daylight saving time).
    assert 'datetime="2025-03-02T10:30:00+11:00"' in page
    assert "2 Mar 2025 10:30" in page
    assert "Times are shown in Australia/Sydney." in page


def test_it_lists_newest_first_and_paginates(world, admin_client_):
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for n in range(55):
        event(world, target_repr=f"target-{n:02d}", at=start + timedelta(minutes=n))

    first = admin_client_.get(URL).content.decode()
    second = admin_client_.get(URL, {"page": 2}).content.decode()

    assert first.index("target-54") < first.index("target-53")
    assert "target-05" in first and "target-04" not in first
    assert "Page 1 of 2" in first
    assert "target-04" in second and "target-00" in second and "target-05" not in second


def test_it_filters_by_verb_and_by_person(world, admin_client_):
    event(world, verb="member.invited", target_repr="invited-by-owner")
    event(world, verb="member.removed", target_repr="removed-by-owner")
    event(world, verb="member.invited", target_repr="invited-by-admin", actor=world.admin.user)

    by_verb = admin_client_.get(URL, {"verb": "member.invited"}).content.decode()
    by_person = admin_client_.get(URL, {"person": world.admin.user.pk}).content.decode()
    both = admin_client_.get(URL, {"verb": "member.invited", "person": world.owner.user.pk})

    assert "invited-by-owner" in by_verb and "invited-by-admin" in by_verb
    assert "removed-by-owner" not in by_verb
    assert "invited-by-admin" in by_person and "invited-by-owner" not in by_person
    page = both.content.decode()
    assert "invited-by-owner" in page and "removed-by-owner" not in page
    assert "invited-by-admin" not in page


def test_it_keeps_filters_when_paging_and_offers_only_this_practices_people(world, admin_client_):
    for n in range(51):
        event(world, verb="member.invited", target_repr=f"t{n}")
    stranger = UserFactory(email="stranger@nowhere.test")

    page = admin_client_.get(URL, {"verb": "member.invited"}).content.decode()

    assert "verb=member.invited&amp;page=2" in page
    assert world.secretary.user.email in page  # in the person picker
    assert stranger.email not in page
    assert world.outsider.user.email not in page


def test_it_ignores_a_person_from_another_practice(world, admin_client_):
    event(world, target_repr="visible")

    response = admin_client_.get(URL, {"person": world.outsider.user.pk})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "visible" in page


def test_it_answers_htmx_with_the_rows_only(world, admin_client_):
    event(world, target_repr="row")

    response = admin_client_.get(URL, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.startswith('<div id="activity-rows">')
    assert "row" in page and "<html" not in page


def test_it_checks_ownership(
    world, outsider_client, contact_client, secretary_client, owner_client
):
    event(world, target_repr="private")

    assert outsider_client.get(URL).status_code == 404
    assert contact_client.get(URL).status_code == 404
    assert secretary_client.get(URL).status_code == 403
    assert owner_client.get(URL).status_code == 200


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_it_lists_with_a_constant_number_of_queries(world, admin_client_):
    people = [UserFactory() for _ in range(5)]
    for n in range(5):
        event(world, actor=people[n])
    few = _queries(admin_client_)

    for _ in range(45):
        event(world, actor=UserFactory())
    many = _queries(admin_client_)

    assert few == many
