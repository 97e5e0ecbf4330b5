"""Demo data of the clients app: the catalog, and clients at every onboarding stage.

``seed(demo)`` is idempotent: clients are found by name, and a client that already has
questionnaires or engagements gets no new ones.
"""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from clients.coverage import Window
from clients.mailing.campaigns import demo as campaigns_demo
from clients.mailing.demo import northwind_audience
from clients.models import (
    AgreementKind,
    BrandKit,
    Client,
    ClientStatus,
    ClientTeamMember,
    ConfidentialityAgreement,
    Contact,
    Engagement,
    EngagementStatus,
    Questionnaire,
    ServiceCategory,
    ServicePlan,
)
from clients.services import (
    categories_seed,
    engagement_accept,
    engagement_create,
    engagement_propose,
    plan_create,
    questionnaire_send,
    questionnaire_submit,
)

WEEKDAYS_9_TO_5 = [Window(day, time(9), time(17)) for day in range(5)]


def _categories(practice, *slugs) -> list[ServiceCategory]:
    return list(ServiceCategory.objects.for_practice(practice).filter(slug__in=slugs))


def _plan(demo, name: str, **fields) -> ServicePlan:
    practice = demo.practice
    existing = ServicePlan.objects.for_practice(practice).filter(name=name).first()
    if existing is not None:
        return existing
    windows = fields.pop("windows", [])
    categories = fields.pop("categories", [])
    archived = fields.pop("archived", False)
    plan = plan_create(
        practice=practice,
        actor=demo.owner,
        data={"name": name, **fields},
        windows=windows,
        categories=categories,
    )
    if archived:
        ServicePlan.objects.for_practice(practice).filter(pk=plan.pk).update(archived=True)
    return plan


def _client(practice, actor, name: str, **fields) -> tuple[Client, bool]:
    client = Client.objects.for_practice(practice).filter(name=name).first()
    if client is not None:
        return client, False
    primary = fields.pop("primary_secretary", actor)
    client = Client.objects.create(
        practice=practice, name=name, primary_secretary=primary, **fields
    )
    if primary is not None:
        ClientTeamMember.objects.create(practice=practice, client=client, membership=primary)
    return client, True


def _contact(client, name: str, email: str, **fields) -> Contact:
    contact = (
        Contact.objects.for_practice(client.practice_id).filter(client=client, email=email).first()
    )
    if contact is None:
        contact = Contact.objects.create(
            practice_id=client.practice_id, client=client, name=name, email=email, **fields
        )
    return contact


def _answer(demo, client, contact, *, submit: bool, **answers) -> Questionnaire:
    practice = demo.practice
    questionnaire = questionnaire_send(
        practice=practice, actor=demo.secretary, client=client, contact=contact
    )
    if submit:
        services = answers.pop("services", [])
        questionnaire = questionnaire_submit(
            practice=practice,
            questionnaire=questionnaire,
            data=answers,
            services=services,
            user=demo.secretary.user,
            by_staff=True,
        )
    return questionnaire


def _activate(engagement: Engagement, user, *, days_ago: int = 40) -> None:
    """Record an acceptance made outside the portal (demo history)."""
    accepted = timezone.now() - timedelta(days=days_ago)
    Engagement.objects.for_practice(engagement.practice_id).filter(pk=engagement.pk).update(
        status=EngagementStatus.ACTIVE,
        proposed_at=accepted - timedelta(days=2),
        accepted_at=accepted,
        accepted_by=user,
    )
    Client.objects.for_practice(engagement.practice_id).filter(pk=engagement.client_id).update(
        status=ClientStatus.ACTIVE
    )


def seed(demo) -> None:
    practice, other = demo.practice, demo.other_practice
    categories_seed(practice=practice)
    categories_seed(practice=other)
    currency = practice.currency
    today = timezone.localdate()
    start = today.replace(day=1) - timedelta(days=45)

    # The practice's own brand, before any agreement is rendered with it.
    if not BrandKit.objects.for_practice(practice).filter(client__isnull=True).exists():
        kit = BrandKit(
            practice=practice,
            primary_color="#14213d",
            secondary_color="#5b6576",
            accent_color="#2a5bd7",
            font="DejaVu Sans",
            tagline="Your office, anywhere",
            address_block="Level 3, 20 Bond Street\nSydney NSW 2000\nhello@brightdesk.example",
        )
        kit.logo.save("logo.png", _logo_png(kit.primary_color, kit.accent_color), save=False)
        kit.save()

    # The catalog.
    _plan(
        demo,
        "Business hours retainer",
        currency=currency,
        monthly_fee=Decimal("1450.00"),
        included_hours=Decimal("20"),
        hourly_rate=Decimal("72.00"),
        overage_rate=Decimal("80.00"),
        rollover_max_hours=Decimal("5"),
        coverage_time_zone=practice.time_zone,
        response_target_hours=Decimal("4"),
        windows=WEEKDAYS_9_TO_5,
        categories=_categories(practice, "correspondence", "phones", "letters", "database"),
    )
    au_hours = _plan(
        demo,
        "Australian business hours for US clients",
        currency="USD",
        monthly_fee=Decimal("1800.00"),
        included_hours=Decimal("30"),
        hourly_rate=Decimal("65.00"),
        overage_rate=Decimal("75.00"),
        rollover_max_hours=Decimal("8"),
        coverage_time_zone="Australia/Sydney",
        response_target_hours=Decimal("2"),
        windows=WEEKDAYS_9_TO_5,
        description="A presence during Australian business hours while the US sleeps.",
        categories=_categories(
            practice, "correspondence", "phones", "travel", "conference-calls", "legal-secretarial"
        ),
    )
    on_call = _plan(
        demo,
        "Executive on call, 24/7",
        currency=currency,
        monthly_fee=Decimal("3900.00"),
        included_hours=Decimal("40"),
        hourly_rate=Decimal("95.00"),
        overage_rate=Decimal("120.00"),
        on_call=True,
        coverage_time_zone=practice.time_zone,
        response_target_hours=Decimal("1"),
        categories=_categories(practice, "travel", "letters", "conference-calls"),
    )
    _plan(
        demo,
        "Pay as you go",
        currency=currency,
        billing_model="hourly",
        hourly_rate=Decimal("85.00"),
        overage_rate=Decimal("85.00"),
        coverage_time_zone=practice.time_zone,
        windows=WEEKDAYS_9_TO_5,
        categories=_categories(practice, "proofreading", "desktop-publishing"),
    )
    _plan(
        demo,
        "Starter block (retired)",
        currency=currency,
        billing_model="block",
        monthly_fee=Decimal("600.00"),
        included_hours=Decimal("10"),
        coverage_time_zone=practice.time_zone,
        windows=WEEKDAYS_9_TO_5,
        archived=True,
    )

    # A prospect: nothing sent yet.
    _client(
        practice,
        demo.secretary,
        "Bright Bakery",
        status=ClientStatus.PROSPECT,
        time_zone=practice.time_zone,
        currency=currency,
        notes="Met at the small-business expo; wants help with newsletters.",
    )

    # Onboarding, questionnaire sent: a regulated medical office.
    dental, created = _client(
        practice,
        None,
        "Copperleaf Dental",
        specialty="medical",
        is_regulated=True,
        time_zone="Australia/Brisbane",
        currency=currency,
        status=ClientStatus.ONBOARDING,
    )
    contact = _contact(dental, "Dr Mei Tan", "mei@copperleaf.example", is_primary=True)
    if created:
        agreement = ConfidentialityAgreement(
            practice=practice,
            client=dental,
            membership=demo.secretary,
            kind=AgreementKind.BAA,
            signed_on=today - timedelta(days=3),
            recorded_by=demo.owner.user,
        )
        agreement.file.save("baa-riley-chen.pdf", _pdf_bytes("BAA signed"), save=True)
        Client.objects.for_practice(practice).filter(pk=dental.pk).update(
            primary_secretary=demo.secretary
        )
        ClientTeamMember.objects.create(practice=practice, client=dental, membership=demo.secretary)
        _answer(demo, dental, contact, submit=False)

    # Onboarding, answers in.
    harper, created = _client(
        practice,
        demo.secretary,
        "Harper & Vine Architects",
        time_zone="Pacific/Auckland",
        currency=currency,
        status=ClientStatus.ONBOARDING,
    )
    contact = _contact(harper, "Ana Harper", "ana@harpervine.example", is_primary=True)
    if created:
        _answer(
            demo,
            harper,
            contact,
            submit=True,
            services=_categories(practice, "desktop-publishing", "presentations"),
            expected_hours_per_month=Decimal("12"),
            coverage_time_zone="Pacific/Auckland",
            coverage_needs="Weekday mornings, Auckland time",
            preferred_channels=["email", "video"],
            tools="Google Workspace, Figma",
            confidentiality="business",
            start_date=today + timedelta(days=14),
        )

    # Engagement proposed, waiting for the client.
    meridian, created = _client(
        practice,
        demo.secretary,
        "Meridian Events",
        time_zone="Europe/London",
        currency=currency,
        status=ClientStatus.ONBOARDING,
    )
    _contact(meridian, "Sam Okafor", "sam@meridian.example", is_primary=True)
    if created:
        draft = engagement_create(
            practice=practice,
            actor=demo.secretary,
            client=meridian,
            data={
                "title": "Event season support",
                "coverage_time_zone": "Europe/London",
                "monthly_fee": Decimal("1200.00"),
                "included_hours": Decimal("15"),
                "overage_rate": Decimal("80.00"),
                "start_date": today + timedelta(days=7),
                "rounding_minutes": 15,
            },
            windows=WEEKDAYS_9_TO_5,
            categories=_categories(practice, "presentations", "travel"),
        )
        engagement_propose(practice=practice, actor=demo.secretary, engagement=draft)

    # Active: a US law firm buying Australian business hours (the portal login's client).
    northwind, created = _client(
        practice,
        demo.secretary,
        "Northwind Legal",
        specialty="legal",
        time_zone="America/Los_Angeles",
        currency="USD",
        billing_email="accounts@northwind.example",
        address="100 Market Street\nSan Francisco, CA 94105",
    )
    nora = _contact(
        northwind,
        demo.client_contact.user.get_full_name(),
        demo.client_contact.user.email,
        is_primary=True,
        title="Office manager",
        portal_requests=True,
        portal_documents=True,
        portal_billing=True,
    )
    if nora.membership_id is None:
        Contact.objects.for_practice(practice).filter(pk=nora.pk).update(
            membership=demo.client_contact
        )
    if created:
        _contact(
            northwind,
            "Priya Raman",
            "priya@northwind.example",
            title="Paralegal",
            portal_billing=False,
        )
        draft = engagement_create(
            practice=practice,
            actor=demo.secretary,
            client=northwind,
            plan=au_hours,
            data={
                "start_date": start,
                "rounding_minutes": 6,
                "rush_notice_hours": Decimal("4"),
                "rush_multiplier": Decimal("1.50"),
                "after_hours_multiplier": Decimal("1.25"),
                "alert_threshold_percent": 80,
                "scope_notes": "Inbox triage, client intake calls and travel for the partners.",
            },
        )
        engagement_propose(practice=practice, actor=demo.secretary, engagement=draft)
        engagement_accept(practice=practice, engagement=draft, membership=demo.client_contact)
        BrandKit.objects.create(
            practice=practice,
            client=northwind,
            primary_color="#0b3d2e",
            secondary_color="#4a5a55",
            accent_color="#c8a24a",
            font="Liberation Serif",
            tagline="Counsel, on time",
            address_block="Northwind Legal LLP\n100 Market Street\nSan Francisco, CA 94105",
        )

    # Active and on call around the clock.
    nightjar, created = _client(
        practice, demo.secretary, "Nightjar Ventures", time_zone="Asia/Singapore", currency=currency
    )
    _contact(nightjar, "Lee Wen", "lee@nightjar.example", is_primary=True)
    if created:
        draft = engagement_create(
            practice=practice,
            actor=demo.owner,
            client=nightjar,
            plan=on_call,
            data={"start_date": start},
        )
        _activate(draft, demo.owner.user)

    # Paused: an engagement in force, work on hold.
    quiet, created = _client(
        practice,
        demo.secretary,
        "Quiet Harbour Consulting",
        time_zone=practice.time_zone,
        currency=currency,
    )
    _contact(quiet, "Noah Fisher", "noah@quietharbour.example", is_primary=True)
    if created:
        plan = ServicePlan.objects.for_practice(practice).get(name="Business hours retainer")
        draft = engagement_create(
            practice=practice,
            actor=demo.owner,
            client=quiet,
            plan=plan,
            data={"start_date": start - timedelta(days=90)},
        )
        _activate(draft, demo.owner.user, days_ago=130)
        Client.objects.for_practice(practice).filter(pk=quiet.pk).update(
            status=ClientStatus.PAUSED, notes="Paused while the office relocates."
        )

    # The other practice has clients of its own (never visible from the first one).
    for name in ("Lakeside Realty", "Union Square Dental"):
        client, created = _client(
            other,
            demo.other_owner,
            name,
            time_zone=other.time_zone,
            currency=other.currency,
            status=ClientStatus.ACTIVE,
        )
        if created:
            _contact(
                client,
                f"{name} office",
                f"office@{name.split()[0].lower()}.example",
                is_primary=True,
            )

    # Northwind's own customers: the mailing list its newsletters go to, and its campaigns.
    northwind_audience(demo)
    campaigns_demo.seed(demo)
    from clients.playbook import demo as playbook_demo

    playbook_demo.seed(demo)


def _logo_png(primary: str, accent: str):
    """A small monogram logo for the demo practice, drawn here (no image files to ship)."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (360, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 119, 119), radius=24, fill=primary)
    draw.ellipse((26, 26, 94, 94), outline="#ffffff", width=10)
    draw.rectangle((60, 52, 104, 68), fill=accent)
    for row, width in enumerate((220, 160)):
        top = 30 + row * 40
        draw.rounded_rectangle((140, top, 140 + width, top + 22), radius=11, fill=primary)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return ContentFile(buffer.getvalue())


def _pdf_bytes(text: str):
    from django.core.files.base import ContentFile

    body = f"%PDF-1.4\n% {text}\n%%EOF\n".encode()
    return ContentFile(body)
