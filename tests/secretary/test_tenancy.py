"""Foreign keys between tenant rows never cross practices."""

import pytest
from django.core.exceptions import ValidationError

from secretary.models import ApiToken, hash_secret


def token_in_practice_a_for(world, membership) -> ApiToken:
    return ApiToken(
        practice=world.practice,
        membership=membership,
        name="forged",
        token_hash=hash_secret("x"),
        hint="sec_x",
    )


def test_it_rejects_a_foreign_key_into_another_practice_on_save(world):
    token = token_in_practice_a_for(world, world.outsider)

    with pytest.raises(ValidationError) as error:
        token.save()

    assert "membership" in error.value.message_dict
    assert not ApiToken.objects.for_practice(world.practice).exists()


def test_it_rejects_a_forged_id_into_another_practice_in_clean(world):
    # A bare id, as a forged form or API field would give: the check looks the row up.
    token = ApiToken(
        practice=world.practice,
        membership_id=world.outsider.pk,
        name="forged",
        token_hash=hash_secret("y"),
        hint="sec_y",
    )

    with pytest.raises(ValidationError) as error:
        token.clean()

    assert error.value.message_dict["membership"] == ["Choose a value from this practice."]


def test_it_accepts_a_foreign_key_inside_the_practice(world):
    token = token_in_practice_a_for(world, world.secretary)

    token.clean()
    token.save()

    assert ApiToken.objects.for_practice(world.practice).get() == token
