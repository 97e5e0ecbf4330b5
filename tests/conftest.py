"""Shared fixtures: a practice with one member of each role, and an outsider from another
practice (the three-user pattern, extended to every role)."""

import os
from dataclasses import dataclass, field

import pytest
from django.test import Client

from secretary.models import Membership, Practice, Role, User
from tests.factories import MembershipFactory, PracticeFactory, UserFactory

os.environ.setdefault("SECRETARY_TESTING", "1")


@dataclass
class World:
    """Practice A with a member of every role, and practice B whose owner is the outsider."""

    practice: Practice
    owner: Membership
    admin: Membership
    secretary: Membership
    client_contact: Membership
    other_practice: Practice
    outsider: Membership
    extra: dict = field(default_factory=dict)

    def member(self, role: str) -> Membership:
        return {
            Role.OWNER: self.owner, Role.ADMIN: self.admin, Role.SECRETARY: self.secretary,
            Role.CLIENT: self.client_contact,
        }[role]


def build_world() -> World:
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    other = PracticeFactory(name="Other Practice", slug="other-practice", time_zone="UTC",
                            currency="USD")
    return World(
        practice=practice,
        owner=MembershipFactory(practice=practice, role=Role.OWNER,
                                user=UserFactory(email="owner@harbour.test")),
        admin=MembershipFactory(practice=practice, role=Role.ADMIN,
                                user=UserFactory(email="admin@harbour.test")),
        secretary=MembershipFactory(practice=practice, role=Role.SECRETARY,
                                    user=UserFactory(email="secretary@harbour.test")),
        client_contact=MembershipFactory(practice=practice, role=Role.CLIENT,
                                         user=UserFactory(email="contact@client.test")),
        other_practice=other,
        outsider=MembershipFactory(practice=other, role=Role.OWNER,
                                   user=UserFactory(email="outsider@other.test")),
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(world) -> Client:
    return client_for(world.owner.user)


@pytest.fixture
def admin_client_(world) -> Client:
    return client_for(world.admin.user)


@pytest.fixture
def secretary_client(world) -> Client:
    return client_for(world.secretary.user)


@pytest.fixture
def contact_client(world) -> Client:
    return client_for(world.client_contact.user)


@pytest.fixture
def outsider_client(world) -> Client:
    return client_for(world.outsider.user)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
