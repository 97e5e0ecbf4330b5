"""The profile page: full name and time zone (each person sees times in their own zone)."""

from datetime import UTC, datetime

from django.urls import reverse

from secretary.models import ActivityEvent, User

URL = reverse("profile")


def test_it_saves_the_name_and_time_zone(world, owner_client):
    response = owner_client.post(URL, {"full_name": "Ada Harbour", "time_zone": "America/Chicago"})

    assert response.status_code == 302
    user = User.objects.get(pk=world.owner.user.pk)
    assert (user.full_name, user.time_zone) == ("Ada Harbour", "America/Chicago")
    assert "Your profile was saved." in owner_client.get(URL).content.decode()


def test_it_refuses_an_unknown_time_zone(world, owner_client):
    response = owner_client.post(URL, {"full_name": "X", "time_zone": "Mars/Olympus"})

    assert response.status_code == 200
    assert 'id="id_time_zone_errors"' in response.content.decode()
    assert User.objects.get(pk=world.owner.user.pk).time_zone == "UTC"


def test_it_shows_times_in_the_time_zone_just_chosen(world, owner_client):
    ActivityEvent.objects.create(
        practice=world.practice,
        actor=world.owner.user,
        verb="x",
        created_at=datetime(2025, 7, 1, 12, 0, tzinfo=UTC),
    )
    activity = reverse("activity", args=["harbour-desk"])
    assert 'datetime="2025-07-01T12:00:00+00:00"' in owner_client.get(activity).content.decode()

    owner_client.post(URL, {"full_name": "", "time_zone": "America/Chicago"})

    assert 'datetime="2025-07-01T07:00:00-05:00"' in owner_client.get(activity).content.decode()


def test_it_checks_ownership(world, client, secretary_client):
    # Signed out: sent to sign in. Signed in: only one's own profile can be changed.
    assert client.get(URL)["Location"].startswith(reverse("account_login"))
    secretary_client.post(URL, {"full_name": "Changed", "time_zone": "UTC", "user": world.owner.pk})

    assert User.objects.get(pk=world.secretary.user.pk).full_name == "Changed"
    assert User.objects.get(pk=world.owner.user.pk).full_name != "Changed"
    page = secretary_client.get(URL).content.decode()
    assert world.secretary.user.email in page and world.owner.user.email not in page
