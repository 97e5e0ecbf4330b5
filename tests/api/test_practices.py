"""GET /api/v1/practices/ and /api/v1/practices/<slug>/."""

import pytest
from django.urls import reverse

from secretary.models import Role
from tests.api.conftest import token_client, url
from tests.conftest import client_for
from tests.factories import MembershipFactory, PracticeFactory


def test_it_checks_ownership(world, outsider_client, contact_client):
    assert outsider_client.get(url("api_practice_detail", world.practice)).status_code == 404
    # Client contacts are members: they may see the practice itself, with their role.
    response = contact_client.get(url("api_practice_detail", world.practice))
    assert response.status_code == 200
    assert response.json()["role"] == Role.CLIENT


def test_it_lists_the_practices_of_the_user_with_their_role(world):
    # Given the owner of A is also a secretary of a second practice
    second = PracticeFactory(name="Beacon Office", slug="beacon-office")
    MembershipFactory(practice=second, user=world.owner.user, role=Role.SECRETARY)

    response = client_for(world.owner.user).get(reverse("api_practice_list"))

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "count_exact": True,
        "next": None,
        "previous": None,
        "results": [
            {
                "slug": "beacon-office",
                "name": "Beacon Office",
                "time_zone": "Australia/Sydney",
                "currency": "AUD",
                "role": "secretary",
            },
            {
                "slug": "harbour-desk",
                "name": "Harbour Desk",
                "time_zone": "Australia/Sydney",
                "currency": "AUD",
                "role": "owner",
            },
        ],
    }


def test_it_lists_only_the_practice_of_the_token(world, make_token):
    second = PracticeFactory(name="Beacon Office", slug="beacon-office")
    MembershipFactory(practice=second, user=world.owner.user, role=Role.SECRETARY)
    _token, secret = make_token(world.owner)

    response = token_client(secret).get(reverse("api_practice_list"))

    assert [p["slug"] for p in response.json()["results"]] == ["harbour-desk"]


def test_it_paginates_the_practices(world):
    for n in range(3):
        MembershipFactory(practice=PracticeFactory(name=f"Practice {n}"), user=world.owner.user)
    client = client_for(world.owner.user)

    first = client.get(reverse("api_practice_list"), {"page_size": 3}).json()
    second = client.get(first["next"]).json()

    assert first["count"] == 4
    assert len(first["results"]) == 3
    assert first["previous"] is None
    assert len(second["results"]) == 1
    assert second["next"] is None


def test_it_lists_practices_in_constant_queries(world, django_assert_num_queries):
    client = client_for(world.owner.user)

    def count_queries():
        with django_assert_num_queries(4) as captured:  # session, user, count, page
            assert client.get(reverse("api_practice_list")).status_code == 200
        return len(captured)

    before = count_queries()
    for _ in range(5):
        MembershipFactory(practice=PracticeFactory(), user=world.owner.user)
    assert count_queries() == before


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN, Role.SECRETARY, Role.CLIENT])
def test_it_shows_a_practice_with_the_role_of_the_member(world, role):
    response = client_for(world.member(role).user).get(url("api_practice_detail", world.practice))

    assert response.status_code == 200
    assert response.json() == {
        "slug": "harbour-desk",
        "name": "Harbour Desk",
        "time_zone": "Australia/Sydney",
        "currency": "AUD",
        "role": role,
    }


def test_it_answers_404_in_json_for_a_practice_that_does_not_exist(world, owner_client):
    response = owner_client.get(
        reverse("api_practice_detail", kwargs={"practice_slug": "no-such-practice"})
    )

    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "errors": {}}
