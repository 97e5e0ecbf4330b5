"""factory_boy factories for the core. Apps add theirs in ``tests/<app>/factories.py``."""

from datetime import timedelta

import factory
from django.utils import timezone

from secretary.models import ApiToken, Invitation, Membership, Practice, Role, User, hash_secret

PASSWORD = "correct-horse-battery-staple"


class TenantFactory(factory.django.DjangoModelFactory):
    """Factories create rows directly; reading goes through the scoped manager."""

    class Meta:
        abstract = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    time_zone = "UTC"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Practice {n}")
    slug = factory.Sequence(lambda n: f"practice-{n}")
    time_zone = "Australia/Sydney"
    currency = "AUD"


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership

    practice = factory.SubFactory(PracticeFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.SECRETARY


class InvitationFactory(TenantFactory):
    class Meta:
        model = Invitation
        exclude = ("token",)

    practice = factory.SubFactory(PracticeFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.SECRETARY
    token = factory.Sequence(lambda n: f"test-invitation-token-{n}")
    token_hash = factory.LazyAttribute(lambda o: hash_secret(o.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ApiTokenFactory(TenantFactory):
    class Meta:
        model = ApiToken
        exclude = ("secret",)

    membership = factory.SubFactory(MembershipFactory)
    practice = factory.SelfAttribute("membership.practice")
    name = "Test token"
    secret = factory.Sequence(lambda n: f"sec_test-token-{n:040d}")
    token_hash = factory.LazyAttribute(lambda o: hash_secret(o.secret))
    hint = factory.LazyAttribute(lambda o: o.secret[:10])
