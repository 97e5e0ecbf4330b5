"""Core routes for the isolation harness: practice A's objects the routes name by id."""

from tests.factories import ApiTokenFactory, InvitationFactory


def routes(world) -> dict[str, dict]:
    invitation = InvitationFactory(practice=world.practice, invited_by=world.owner.user)
    token = ApiTokenFactory(membership=world.secretary)
    return {
        "members": {},
        "practice_settings": {},
        "member_invite": {},
        "member_role": {"membership_id": world.secretary.pk},
        "member_remove": {"membership_id": world.secretary.pk},
        "invitation_revoke": {"invitation_id": invitation.pk},
        "activity": {},
        "search": {},
        "api_tokens": {},
        "api_token_create": {},
        "api_token_revoke": {"token_id": token.pk},
    }


USER_ROUTES: dict = {}
