"""Every model with a practice uses the scoped manager; unscoped reads are loud."""

import pytest
from django.apps import apps

from secretary.models import Membership
from secretary.tenancy import PracticeScopeError, TenantManager, TenantModel

# Models allowed to carry a practice without the scoped manager. Keep it to infrastructure:
# the outbox of background jobs is read across practices by its relay and holds only ids; a
# payment provider's webhook events are deduplicated before their practice is known.
ALLOW_LIST: set[str] = {"secretary.Outbox", "billing.ProviderEvent"}


def test_it_scopes_every_model_with_a_practice():
    offenders = []
    for model in apps.get_models():
        field_names = {f.name for f in model._meta.get_fields()}
        if "practice" not in field_names or model._meta.label in ALLOW_LIST:
            continue
        if not issubclass(model, TenantModel) or not isinstance(
            model._default_manager, TenantManager
        ):
            offenders.append(model._meta.label)
    assert offenders == []


def test_it_puts_practice_first_in_every_unique_constraint_and_index():
    offenders = []
    for model in apps.get_models():
        if not issubclass(model, TenantModel):
            continue
        for constraint in model._meta.constraints:
            fields = getattr(constraint, "fields", ())
            if fields and fields[0] != "practice":
                offenders.append(f"{model._meta.label}.{constraint.name}")
        for index in model._meta.indexes:
            if index.fields and index.fields[0].lstrip("-") != "practice":
                offenders.append(f"{model._meta.label}.{index.name}")
    assert offenders == []


@pytest.mark.django_db
def test_it_refuses_an_unscoped_read(world):
    with pytest.raises(PracticeScopeError):
        list(Membership.objects.all())
    with pytest.raises(PracticeScopeError):
        Membership.objects.count()
    with pytest.raises(PracticeScopeError):
        Membership.objects.filter(role="owner").exists()


@pytest.mark.django_db
def test_it_allows_scoped_related_and_explicitly_unscoped_reads(world):
    assert Membership.objects.for_practice(world.practice).count() == 4
    assert Membership.objects.filter(practice=world.practice).count() == 4
    assert world.owner.user.memberships.count() == 1
    assert Membership.objects.unscoped().count() == 5


@pytest.mark.django_db
def test_it_lets_model_validation_check_global_uniqueness(world):
    from secretary.models import ApiToken
    from tests.factories import ApiTokenFactory

    token = ApiTokenFactory(membership=world.owner)
    duplicate = ApiToken(
        practice=world.other_practice,
        membership=world.outsider,
        name="Copy",
        token_hash=token.token_hash,
        hint="x",
    )
    with pytest.raises(Exception) as error:
        duplicate.full_clean()
    assert "token_hash" in error.value.message_dict
    with pytest.raises(PracticeScopeError):
        ApiToken.objects.filter(token_hash=token.token_hash).exists()
