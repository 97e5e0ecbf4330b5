"""Portal time zones: each contact reads times on their own clock (their client's unless they
chose another), with the zone's abbreviation; contacts change it in their profile, staff on
the contact's page or through the API."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from clients.models import Contact
from tests.conftest import client_for
from tests.factories import MembershipFactory, PracticeFactory
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

# 17:00 UTC on 3 Dec 2025: 09:00 in Los Angeles (PST), 04:00 next day in Sydney (AEDT).
MOMENT = datetime(2025, 12, 3, 17, 0, tzinfo=UTC)


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def contact_of(world) -> Contact:
    return Contact.objects.for_practice(world.practice).get(membership=world.client_contact)


def test_it_checks_ownership(world, northwind, outsider_client, secretary_client):
    page = url(world, "portal_profile")
    assert outsider_client.get(page).status_code == 404
    assert outsider_client.post(page, {"full_name": "Mallory"}).status_code == 404
    # Staff keep their profile on the account pages; the portal's is not theirs
    assert secretary_client.get(page).status_code == 404
    # The outsider naming its own practice reaches nothing of practice A either
    other = reverse("portal_profile", kwargs={"practice_slug": world.other_practice.slug})
    assert outsider_client.get(other).status_code == 404


def test_a_new_contact_reads_times_on_the_clients_clock(world, northwind, contact_client):
    # Given a request sent at 17:00 UTC by a contact who chose no zone of their own
    TaskFactory(practice=world.practice, client=northwind, title="Brief", created_at=MOMENT)
    assert contact_of(world).time_zone == ""
    # When they list their requests
    page = contact_client.get(url(world, "portal_request_list")).content.decode()
    # Then the time is Los Angeles' (the client's), labelled
    assert "Wed 3 Dec 2025, 09:00 PST" in page
    assert "Times are shown in America/Los_Angeles (PST)" in page


def test_a_contact_in_another_zone_reads_times_on_their_own_clock(world, northwind, contact_client):
    contact = contact_of(world)
    contact.time_zone = "Australia/Sydney"
    contact.save()
    TaskFactory(practice=world.practice, client=northwind, title="Brief", created_at=MOMENT)
    page = contact_client.get(url(world, "portal_request_list")).content.decode()
    assert "Thu 4 Dec 2025, 04:00 AEDT" in page
    assert "09:00 PST" not in page


def test_the_contact_changes_their_zone_in_their_profile(world, northwind, contact_client):
    page = contact_client.get(url(world, "portal_profile")).content.decode()
    # The empty choice names what it means
    assert "Same as Northwind Legal (America/Los_Angeles)" in page
    response = contact_client.post(
        url(world, "portal_profile"),
        {"full_name": "  Nora   North ", "phone": "+1 415 555 0100", "time_zone": "Europe/London"},
    )
    assert response.status_code == 302
    contact = contact_of(world)
    assert (contact.time_zone, contact.phone) == ("Europe/London", "+1 415 555 0100")
    user = world.client_contact.user
    user.refresh_from_db()
    # Their replies are signed with the name; their account pages follow the portal's clock
    assert (user.full_name, user.time_zone) == ("Nora North", "Europe/London")
    TaskFactory(practice=world.practice, client=northwind, title="Brief", created_at=MOMENT)
    listing = contact_client.get(url(world, "portal_request_list")).content.decode()
    assert "Wed 3 Dec 2025, 17:00 GMT" in listing


def test_back_to_the_clients_zone_follows_the_client(world, northwind, contact_client):
    contact = contact_of(world)
    contact.time_zone = "Europe/London"
    contact.save()
    contact_client.post(url(world, "portal_profile"), {"full_name": "Nora", "time_zone": ""})
    northwind.time_zone = "America/New_York"
    northwind.save()
    assert contact_of(world).shown_time_zone == "America/New_York"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"full_name": "Nora", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"full_name": "   ", "time_zone": ""}, "full_name"),
        ({"full_name": "Nora", "time_zone": "", "phone": "1" * 41}, "phone"),
    ],
)
def test_it_rejects_a_bad_profile_and_saves_nothing(world, northwind, contact_client, data, field):
    response = contact_client.post(url(world, "portal_profile"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    contact = contact_of(world)
    assert (contact.time_zone, contact.phone) == ("", "")


def test_a_contact_who_is_staff_elsewhere_keeps_their_staff_clock(world, northwind):
    user = world.client_contact.user
    user.time_zone = "Asia/Tokyo"
    user.save()
    MembershipFactory(practice=PracticeFactory(), user=user, role="secretary")
    client_for(user).post(
        url(world, "portal_profile"), {"full_name": "Nora", "time_zone": "Europe/London"}
    )
    user.refresh_from_db()
    assert user.time_zone == "Asia/Tokyo"
    assert contact_of(world).time_zone == "Europe/London"


def test_the_account_profile_sends_a_contact_to_their_portal_profile(
    world, northwind, contact_client, secretary_client
):
    response = contact_client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"] == url(world, "portal_profile")
    # Staff keep the account profile
    assert secretary_client.get(reverse("profile")).status_code == 200


def test_a_login_not_linked_to_a_client_edits_only_its_name(world):
    contact_client = client_for(world.client_contact.user)
    page = contact_client.get(url(world, "portal_profile"))
    assert page.status_code == 200
    assert "time_zone" not in page.context["form"].fields
    contact_client.post(url(world, "portal_profile"), {"full_name": "Nora"})
    world.client_contact.user.refresh_from_db()
    assert world.client_contact.user.full_name == "Nora"


def test_staff_set_a_contacts_zone_on_its_page(world, northwind, secretary_client):
    contact = contact_of(world)
    page = url(world, "contact_edit", client_id=northwind.pk, contact_id=contact.pk)
    assert (
        "Same as Northwind Legal (America/Los_Angeles)"
        in secretary_client.get(page).content.decode()
    )
    data = {"name": contact.name, "email": contact.email, "time_zone": "Asia/Singapore"}
    assert secretary_client.post(page, data).status_code == 302
    assert contact_of(world).time_zone == "Asia/Singapore"
    bad = secretary_client.post(page, {**data, "time_zone": "Nowhere/Land"})
    assert bad.status_code == 400
    assert contact_of(world).time_zone == "Asia/Singapore"


def test_the_api_reads_and_writes_a_contacts_zone(world, northwind, owner_client):
    contact = contact_of(world)
    detail = reverse(
        "api_contact_detail",
        kwargs={"practice_slug": world.practice.slug, "contact_id": contact.pk},
    )
    assert owner_client.get(detail).json()["time_zone"] == ""
    response = owner_client.patch(
        detail, {"time_zone": "Nowhere/Land"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "time_zone" in response.json()["errors"]
    response = owner_client.patch(
        detail, {"time_zone": "Europe/Paris"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["time_zone"] == "Europe/Paris"


def test_portal_grids_add_the_contacts_own_clock(world, northwind, active, contact_client):
    contact = contact_of(world)
    contact.time_zone = "Europe/London"
    contact.save()
    grids = contact_client.get(url(world, "portal_plan")).context["grids"]
    # Coverage, the client's, the contact's own, then the secretary's (UTC)
    assert [grid.time_zone for grid in grids][:3] == [
        "Australia/Sydney",
        "America/Los_Angeles",
        "Europe/London",
    ]
    assert str(grids[2].role) == "You"
