"""Core API routes for the isolation harness."""

from django.urls import reverse

from secretary import services
from tests.factories import InvitationFactory


def routes(world) -> dict[str, dict]:
    invitation = InvitationFactory(practice=world.practice, invited_by=world.owner.user)
    token, _secret = services.token_create(membership=world.owner, name="Harbour laptop")
    return {
        "api_practice_detail": {},
        "api_member_list": {},
        "api_member_detail": {"member_id": world.secretary.pk},
        "api_invitation_list": {},
        "api_invitation_detail": {"invitation_id": invitation.pk},
        "api_activity_list": {},
        "api_search": {},
        "api_token_list": {},
        "api_token_detail": {"token_id": token.pk},
    }


def _check_me(world, outsider_client) -> None:
    response = outsider_client.get(reverse("api_me"))
    assert response.status_code == 200
    assert response.json()["email"] == world.outsider.user.email
    body = response.content.decode()
    assert world.practice.name not in body
    assert world.owner.user.email not in body


def _check_practice_list(world, outsider_client) -> None:
    response = outsider_client.get(reverse("api_practice_list"))
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["results"]] == [world.other_practice.slug]
    body = response.content.decode()
    assert world.practice.name not in body
    assert world.practice.slug not in body


USER_ROUTES = {
    "api_me": _check_me,
    "api_practice_list": _check_practice_list,
}
