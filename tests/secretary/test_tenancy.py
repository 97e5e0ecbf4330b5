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


def test_it_rejects_a_bulk_create_into_another_practice(world):
    # Given rows written without save(), as bulk_create and ManyToManyField.add/set do
    rows = [
        token_in_practice_a_for(world, world.secretary),
        ApiToken(
            practice=world.practice,
            membership_id=world.outsider.pk,
            name="forged",
            token_hash=hash_secret("z"),
            hint="sec_z",
        ),
    ]

    # When one of them points into another practice, then nothing is written
    with pytest.raises(ValidationError) as error:
        ApiToken.objects.bulk_create(rows)

    assert "membership" in error.value.message_dict
    assert not ApiToken.objects.for_practice(world.practice).exists()


def test_it_bulk_creates_rows_inside_the_practice_in_one_lookup(world, django_assert_num_queries):
    rows = [
        ApiToken(
            practice=world.practice,
            membership_id=member.pk,
            name=f"token {n}",
            token_hash=hash_secret(str(n)),
            hint=f"sec_{n}",
        )
        for n, member in enumerate((world.owner, world.admin, world.secretary))
    ]

    # One query checks every membership, one inserts the rows
    with django_assert_num_queries(2):
        ApiToken.objects.bulk_create(rows)

    assert ApiToken.objects.for_practice(world.practice).count() == 3


def test_it_rejects_a_bulk_update_into_another_practice(world):
    token = token_in_practice_a_for(world, world.secretary)
    token.save()
    token.membership_id = world.outsider.pk

    with pytest.raises(ValidationError):
        ApiToken.objects.bulk_update([token], ["membership"])

    assert ApiToken.objects.for_practice(world.practice).get().membership_id == world.secretary.pk
    # Fields that are not foreign keys update as usual
    token.membership_id = world.secretary.pk
    token.name = "renamed"
    ApiToken.objects.bulk_update([token], ["name"])
    assert ApiToken.objects.for_practice(world.practice).get().name == "renamed"


@pytest.mark.parametrize("key", ["membership", "membership_id"])
def test_it_rejects_an_update_pointing_into_another_practice(world, key):
    token = token_in_practice_a_for(world, world.secretary)
    token.save()
    tokens = ApiToken.objects.for_practice(world.practice)
    forged = world.outsider if key == "membership" else world.outsider.pk

    with pytest.raises(ValidationError):
        tokens.update(**{key: forged})

    assert tokens.get().membership_id == world.secretary.pk
    # Inside the practice it updates
    tokens.update(**{key: world.owner if key == "membership" else world.owner.pk})
    assert tokens.get().membership_id == world.owner.pk


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_forms_choices_are_one_query_and_a_chunked_read_keeps_its_cursor():
    """A choice field iterates its queryset with ``iterator()``: one plain query, not a
    server-side cursor's three round trips; a read that names its chunk size keeps one."""
    from django import forms
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clients.models import Client
    from tests.clients.factories import ClientFactory

    first = ClientFactory(name="Avery")
    ClientFactory(practice=first.practice, name="Blake")
    field = forms.ModelChoiceField(
        queryset=Client.objects.for_practice(first.practice).order_by("name"), empty_label=None
    )
    with CaptureQueriesContext(connection) as queries:
        labels = [label for _value, label in field.choices]
    assert labels == ["Avery", "Blake"]
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("SELECT")
    with CaptureQueriesContext(connection) as queries:
        names = [c.name for c in Client.objects.for_practice(first.practice).iterator(10)]
    assert sorted(names) == ["Avery", "Blake"]
    assert queries[0]["sql"].startswith("DECLARE")
