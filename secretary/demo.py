"""Demo data: two practices with fixed logins, extended by every app's own ``demo.py``.

``seed_demo()`` is idempotent: running it again finds what exists and creates nothing twice.
Each project app may ship ``<app>/demo.py`` with ``seed(demo: DemoContext) -> None`` (idempotent
too); they run in ``INSTALLED_APPS`` order inside one transaction, so a failing seed leaves
nothing half-made. The core discovers them by module name and imports no feature app.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.db import transaction

from secretary.models import Membership, Practice, Role, User
from secretary.services import practice_create

DEMO_PASSWORD = "Secretary-demo-1"

PRACTICE = {
    "slug": "brightdesk",
    "name": "Bright Desk Virtual Office",
    "time_zone": "Australia/Sydney",
    "currency": "AUD",
}
OTHER_PRACTICE = {
    "slug": "quiet-hours",
    "name": "Quiet Hours Admin",
    "time_zone": "America/New_York",
    "currency": "USD",
}
OWNER = ("owner@brightdesk.example", "Harper Lane", "Australia/Sydney")
SECRETARY = ("secretary@brightdesk.example", "Riley Chen", "Australia/Sydney")
CLIENT_CONTACT = ("client@northwind.example", "Jordan Avery", "Australia/Sydney")
OTHER_OWNER = ("owner@quiethours.example", "Casey Quinn", "America/New_York")


@dataclass
class DemoContext:
    """What an app's ``seed(demo)`` builds on. Memberships carry their user and practice."""

    practice: Practice
    owner: Membership
    secretary: Membership
    client_contact: Membership
    other_practice: Practice
    other_owner: Membership

    def logins(self) -> list[tuple[str, str, str]]:
        """(practice name, role label, email) of every demo login."""
        return [
            (m.practice.name, m.get_role_display(), m.user.email)
            for m in (self.owner, self.secretary, self.client_contact, self.other_owner)
        ]


def demo_user(email: str, full_name: str, time_zone: str) -> User:
    """The demo user with a verified primary address; the password is set only on creation."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "time_zone": time_zone}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    return user


def demo_practice(spec: dict, owner: User) -> Practice:
    practice = Practice.objects.filter(slug=spec["slug"]).first()
    if practice is None:
        practice = practice_create(
            name=spec["name"],
            owner=owner,
            time_zone=spec["time_zone"],
            currency=spec["currency"],
            slug=spec["slug"],
        )
    return practice


def demo_membership(practice: Practice, user: User, role: str) -> Membership:
    membership, _ = (
        Membership.objects.for_practice(practice)
        .select_related("practice", "user")
        .get_or_create(practice=practice, user=user, defaults={"role": role})
    )
    return membership


def project_demo_modules() -> list:
    """``<app>.demo`` modules of the project's own apps, in INSTALLED_APPS order."""
    base = Path(settings.BASE_DIR).resolve()
    modules = []
    for config in apps.get_app_configs():
        if config.name == "secretary" or not Path(config.path).resolve().is_relative_to(base):
            continue
        name = f"{config.name}.demo"
        if importlib.util.find_spec(name) is not None:
            modules.append(importlib.import_module(name))
    return modules


@transaction.atomic
def seed_demo() -> DemoContext:
    """Create (or find) the demo practices and logins, then run every app's ``seed(demo)``."""
    owner = demo_user(*OWNER)
    other_owner = demo_user(*OTHER_OWNER)
    practice = demo_practice(PRACTICE, owner)
    other_practice = demo_practice(OTHER_PRACTICE, other_owner)
    demo = DemoContext(
        practice=practice,
        owner=demo_membership(practice, owner, Role.OWNER),
        secretary=demo_membership(practice, demo_user(*SECRETARY), Role.SECRETARY),
        client_contact=demo_membership(practice, demo_user(*CLIENT_CONTACT), Role.CLIENT),
        other_practice=other_practice,
        other_owner=demo_membership(other_practice, other_owner, Role.OWNER),
    )
    for module in project_demo_modules():
        module.seed(demo)
    return demo
