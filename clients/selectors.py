"""Reads of the clients app. Every function takes the practice (or an object of it)."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from clients.models import (
    BrandKit,
    Client,
    ClientTeamMember,
    ConfidentialityAgreement,
    Contact,
    CoverageWindow,
    Engagement,
    EngagementStatus,
    Questionnaire,
    ServiceCategory,
    ServicePlan,
)
from secretary.limits import parse_id
from secretary.models import Membership, Practice, Role
from secretary.prepared import AmongIds, prepared


def client_get(*, practice: Practice, client_id) -> Client:
    """The practice's client with this id; Http404 when absent (or of another practice)."""
    client_id = parse_id(client_id)
    found = client_id and _client_by_id(practice=_pk(practice), client=client_id)
    if not found:
        raise Http404
    return found[0]


@prepared()
def _client_by_id(*, practice: int, client: int):
    return (
        Client.objects.for_practice(practice)
        .select_related("primary_secretary__user")
        .filter(pk=client)
    )


def _pk(row) -> int:
    return row if isinstance(row, int) else row.pk


def client_list(
    *,
    practice: Practice,
    search: str = "",
    status: str = "",
    secretary: Membership | None = None,
    specialty: str = "",
    mine_for: Membership | None = None,
    order: str = "name",
) -> QuerySet[Client]:
    """Clients of the practice, filtered and sorted, with what the list shows preloaded (and
    nothing else: no notes, no address, no password hash of the secretary)."""
    qs = (
        Client.objects.for_practice(practice)
        .select_related("primary_secretary__user")
        .only(
            "practice",
            "name",
            "status",
            "specialty",
            "is_regulated",
            "primary_secretary__user__full_name",
            "primary_secretary__user__email",
        )
    )
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(billing_email__icontains=search)
            | Q(contacts__name__icontains=search)
            | Q(contacts__email__icontains=search)
        ).distinct()
    if status:
        qs = qs.filter(status=status)
    if specialty:
        qs = qs.filter(specialty=specialty)
    # Serving a client is a test on the client's own row (no join): no duplicates to remove.
    if secretary is not None:
        qs = qs.filter(_served_by(secretary))
    if mine_for is not None:
        qs = qs.filter(_served_by(mine_for))
    orders = {
        "name": ["name", "pk"],
        "-name": ["-name", "-pk"],
        "status": ["status", "name"],
        "-status": ["-status", "name"],
        "created": ["created_at", "pk"],
        "-created": ["-created_at", "-pk"],
    }
    return qs.order_by(*orders.get(order, orders["name"]))


def _served_by(membership: Membership) -> Q:
    team = (
        ClientTeamMember.objects.for_practice(membership.practice_id)
        .filter(membership=membership)
        .values("client_id")
    )
    return Q(primary_secretary=membership) | Q(pk__in=team)


def plans_for_revision(*, practice: Practice, client: Client) -> list[ServicePlan]:
    """The catalog plans a client's next version may start from: not archived, priced in the
    client's currency."""
    return list(
        ServicePlan.objects.for_practice(practice)
        .filter(archived=False, currency=client.currency)
        .order_by("name")
        .only("practice", "name", "currency")
    )


def plan_for_revision(*, practice: Practice, plan_id) -> ServicePlan | None:
    """A catalog plan of the practice by id (None when there is no such plan here)."""
    if not str(plan_id).isdigit():
        return None
    return ServicePlan.objects.for_practice(practice).filter(pk=int(plan_id)).first()


def default_scope(membership: Membership) -> str:
    """Which clients a staff page shows first: owners and admins run the practice and see
    every client ("all"); secretaries see the ones they serve ("mine")."""
    return "all" if membership.is_admin else "mine"


@prepared()
def client_names(*, practice: int) -> QuerySet[Client]:
    """The practice's clients for a select, by name: their names and whether each keeps
    regulated records (``client_names.queryset(practice=…)`` for a choice field)."""
    return Client.objects.for_practice(practice).order_by("name").only("name", "is_regulated")


def clients_for_membership(*, membership: Membership) -> QuerySet[Client]:
    """The clients a staff member serves (primary secretary or on the team)."""
    return Client.objects.for_practice(membership.practice_id).filter(_served_by(membership))


def staff_memberships(*, practice: Practice) -> QuerySet[Membership]:
    return (
        Membership.objects.for_practice(practice)
        .exclude(role=Role.CLIENT)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def team_of(*, client: Client) -> list[Membership]:
    return _team(practice=client.practice_id, client=client.pk)


@prepared()
def _team(*, practice: int, client: int):
    team = ClientTeamMember.objects.for_practice(practice).filter(client=client)
    return (
        Membership.objects.for_practice(practice)
        .filter(pk__in=team.values("membership_id"))
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


@prepared()
def contacts_of(*, practice: int, client: int):
    """The client's contacts with their portal logins."""
    return (
        Contact.objects.for_practice(practice)
        .filter(client=client)
        .select_related("membership__user")
    )


def contact_get(*, practice: Practice, client: Client, contact_id) -> Contact:
    try:
        contact_id = int(contact_id)
    except (TypeError, ValueError):
        raise Http404 from None
    contact = (
        Contact.objects.for_practice(practice)
        .filter(client=client, pk=contact_id)
        .select_related("membership__user")
        .first()
    )
    if contact is None:
        raise Http404
    return contact


def contact_for_membership(*, membership: Membership) -> Contact | None:
    """The contact a client-contact membership represents (None for staff or unlinked)."""
    if membership is None or not membership.is_client:
        return None
    found = _contact_of(practice=membership.practice_id, membership=membership.pk)
    return found[0] if found else None


@prepared()
def _contact_of(*, practice: int, membership: int):
    # One contact at most: the link is one to one.
    return (
        Contact.objects.for_practice(practice)
        .select_related("client")
        .filter(membership=membership)
    )


def engagement_active(*, practice: Practice, client: Client) -> Engagement | None:
    """The client's active engagement (at most one exists: a database constraint)."""
    return (
        Engagement.objects.for_practice(practice)
        .filter(client=client, status=EngagementStatus.ACTIVE)
        .select_related("plan")
        .prefetch_related(_windows_prefetch(practice), "categories")
        .first()
    )


def engagements_active(*, practice: Practice, client_ids: list[int]) -> dict[int, Engagement]:
    """Active engagements of several clients in one query."""
    rows = _active_of(practice=practice.pk, client_ids=list(client_ids))
    return {row.client_id: row for row in rows}


@prepared()
def _active_of(*, practice: int, client_ids: list[int]):
    return Engagement.objects.for_practice(practice).filter(
        AmongIds(F("client_id"), client_ids), status=EngagementStatus.ACTIVE
    )


def _windows_prefetch(practice) -> Prefetch:
    return Prefetch("windows", queryset=CoverageWindow.objects.for_practice(practice))


def engagement_get(
    *, practice: Practice, engagement_id, client: Client | None = None
) -> Engagement:
    try:
        engagement_id = int(engagement_id)
    except (TypeError, ValueError):
        raise Http404 from None
    qs = Engagement.objects.for_practice(practice).filter(pk=engagement_id)
    if client is not None:
        qs = qs.filter(client=client)
    engagement = (
        qs.select_related(
            "client__primary_secretary__user",
            "plan",
            "accepted_by",
            "proposed_by",
            "replaces",
            "changes_requested_by",
        )
        .prefetch_related(_windows_prefetch(practice), "categories")
        .first()
    )
    if engagement is None:
        raise Http404
    return engagement


def client_engagements(
    *, practice: Practice, client: Client
) -> tuple[list[Engagement], Engagement | None, Engagement | None]:
    """The client's engagements (newest version first), its active one and the one being
    drafted, proposed or sent back, in one query. (The client page shows neither coverage
    windows nor services: ``engagement_active`` prefetches them for the pages that do.)"""
    engagements = _engagements(practice=practice.pk, client=client.pk)
    active = next((e for e in engagements if e.status == EngagementStatus.ACTIVE), None)
    drafting = (
        EngagementStatus.DRAFT,
        EngagementStatus.PROPOSED,
        EngagementStatus.CHANGES_REQUESTED,
    )
    open_engagement = next((e for e in engagements if e.status in drafting), None)
    return engagements, active, open_engagement


@prepared()
def _engagements(*, practice: int, client: int):
    return engagements_of(practice=practice, client=client)


def engagements_of(*, practice: Practice, client: Client) -> QuerySet[Engagement]:
    return (
        Engagement.objects.for_practice(practice)
        .filter(client=client)
        .select_related("plan", "accepted_by")
        .order_by("-version")
    )


def engagement_open(*, practice: Practice, client: Client) -> Engagement | None:
    """The client's engagement being drafted, proposed or sent back for changes."""
    return (
        Engagement.objects.for_practice(practice)
        .filter(
            client=client,
            status__in=[
                EngagementStatus.DRAFT,
                EngagementStatus.PROPOSED,
                EngagementStatus.CHANGES_REQUESTED,
            ],
        )
        .order_by("-version")
        .first()
    )


def can_work_on(*, client: Client, membership: Membership) -> bool:
    """May this staff member join the client's team or be assigned its work?

    Regulated clients need a signed confidentiality agreement of the required kind (a BAA for
    medical records, an NDA otherwise) recorded for the member and that client.
    """
    if membership is None or membership.is_client or membership.practice_id != client.practice_id:
        return False
    if not client.is_regulated:
        return True
    return (
        ConfidentialityAgreement.objects.for_practice(client.practice_id)
        .filter(
            client=client,
            membership=membership,
            kind=client.required_agreement_kind,
            signed_on__lte=timezone.localdate(),
        )
        .exists()
    )


def cleared_for_records(*, membership: Membership, client_field: str = "client") -> Q:
    """A filter on rows that belong to a client (through ``client_field``): the rows of clients
    that are not regulated, and of regulated clients for which ``membership`` signed the
    agreement they require (``can_work_on`` as one condition of a query, no query of its own).
    A ``client_field`` that may be null keeps rows without a client."""
    from django.db.models import Exists, OuterRef

    from clients.models import AgreementKind, Specialty

    agreements = ConfidentialityAgreement.objects.for_practice(membership.practice_id).filter(
        Q(client__specialty=Specialty.MEDICAL, kind=AgreementKind.BAA)
        | (~Q(client__specialty=Specialty.MEDICAL) & Q(kind=AgreementKind.NDA)),
        client=OuterRef(client_field),
        membership=membership,
        signed_on__lte=timezone.localdate(),
    )
    return (
        Q(**{f"{client_field}__isnull": True})
        | Q(**{f"{client_field}__is_regulated": False})
        | Exists(agreements)
    )


def members_cleared_for(*, client: Client) -> set[int]:
    """Ids of staff memberships that may work on ``client`` (all staff if not regulated)."""
    staff = staff_memberships(practice=client.practice)
    if not client.is_regulated:
        return set(staff.values_list("pk", flat=True))
    return set(
        ConfidentialityAgreement.objects.for_practice(client.practice_id)
        .filter(
            client=client, kind=client.required_agreement_kind, signed_on__lte=timezone.localdate()
        )
        .values_list("membership_id", flat=True)
    )


def agreements_of(*, client: Client) -> QuerySet[ConfidentialityAgreement]:
    return (
        ConfidentialityAgreement.objects.for_practice(client.practice_id)
        .filter(client=client)
        .select_related("membership__user")
    )


def brand_for(*, practice: Practice, client: Client | None = None) -> BrandKit | None:
    """The brand kit documents use: the client's own when it has one, else the practice's
    (one query: at most one kit of each, by constraint)."""
    kits = BrandKit.objects.for_practice(practice)
    if client is None:
        return kits.filter(client__isnull=True).first()
    practice_id = practice if isinstance(practice, int) else practice.pk
    found = {kit.client_id: kit for kit in _kits(practice=practice_id, client=client.pk)}
    return found.get(client.pk) or found.get(None)


@prepared()
def _kits(*, practice: int, client: int):
    """The client's brand kit and the practice's (at most one of each)."""
    return BrandKit.objects.for_practice(practice).filter(Q(client=client) | Q(client__isnull=True))


def questionnaire_current(*, practice: Practice, client: Client) -> Questionnaire | None:
    """The client's latest intake questionnaire."""
    found = _latest_questionnaire(practice=_pk(practice), client=client.pk)
    if not found:
        return None
    prefetch_related_objects(found, "services")
    return found[0]


@prepared()
def _latest_questionnaire(*, practice: int, client: int):
    questionnaires = Questionnaire.objects.for_practice(practice).filter(client=client)
    ordered = questionnaires if questionnaires.ordered else questionnaires.order_by("pk")
    return ordered.select_related("contact")[:1]


def questionnaire_get(
    *, practice: Practice, questionnaire_id, client: Client | None = None
) -> Questionnaire:
    try:
        questionnaire_id = int(questionnaire_id)
    except (TypeError, ValueError):
        raise Http404 from None
    qs = Questionnaire.objects.for_practice(practice).filter(pk=questionnaire_id)
    if client is not None:
        qs = qs.filter(client=client)
    questionnaire = qs.select_related("client", "contact").first()
    if questionnaire is None:
        raise Http404
    return questionnaire


def categories_active(*, practice: Practice) -> QuerySet[ServiceCategory]:
    return ServiceCategory.objects.for_practice(practice).filter(archived=False)


def plans_active(*, practice: Practice) -> QuerySet[ServicePlan]:
    return ServicePlan.objects.for_practice(practice).filter(archived=False)


def plan_get(*, practice: Practice, plan_id) -> ServicePlan:
    try:
        plan_id = int(plan_id)
    except (TypeError, ValueError):
        raise Http404 from None
    plan = (
        ServicePlan.objects.for_practice(practice)
        .filter(pk=plan_id)
        .prefetch_related(_windows_prefetch(practice), "categories")
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def category_get(*, practice: Practice, category_id) -> ServiceCategory:
    try:
        category_id = int(category_id)
    except (TypeError, ValueError):
        raise Http404 from None
    category = ServiceCategory.objects.for_practice(practice).filter(pk=category_id).first()
    if category is None:
        raise Http404
    return category


def recent_activity(
    *, practice: Practice, client: Client, engagement_ids=(), contact_ids=(), limit: int = 10
):
    """The latest audit events about a client, its engagements and its contacts."""
    from secretary.audit import verb_label
    from secretary.models import ActivityEvent

    about = (
        Q(target_type="clients.client", target_id=str(client.pk))
        | Q(target_type="clients.engagement", target_id__in=[str(i) for i in engagement_ids])
        | Q(target_type="clients.contact", target_id__in=[str(i) for i in contact_ids])
    )
    events = list(
        ActivityEvent.objects.for_practice(practice).filter(about).select_related("actor")[:limit]
    )
    for event in events:
        event.label = verb_label(event.verb)
    return events


ONBOARDING_STEPS = ("sent", "answered", "proposed", "accepted")


def onboarding_state(
    *,
    questionnaire: Questionnaire | None,
    open_engagement: Engagement | None,
    active_engagement: Engagement | None,
) -> dict:
    """Where the client is in onboarding: the steps done and a label for the current one."""
    from django.utils.translation import gettext as _

    done = {
        "sent": questionnaire is not None or active_engagement is not None,
        "answered": (questionnaire is not None and questionnaire.is_submitted)
        or active_engagement is not None,
        "proposed": active_engagement is not None
        or (open_engagement is not None and open_engagement.status != EngagementStatus.DRAFT),
        "accepted": active_engagement is not None,
    }
    if open_engagement is not None and open_engagement.status == EngagementStatus.PROPOSED:
        label = _("Plan proposed, waiting for the client")
    elif open_engagement is not None and open_engagement.status == "changes_requested":
        label = _("The client asked for changes")
    elif open_engagement is not None:
        label = _("Plan being drafted")
    elif active_engagement is not None:
        label = _("Active plan (version %(version)s)") % {"version": active_engagement.version}
    elif questionnaire is not None and questionnaire.is_submitted:
        label = _("Answers in: build the plan")
    elif questionnaire is not None and questionnaire.status == "in_progress":
        label = _("Questionnaire being answered")
    elif questionnaire is not None:
        label = _("Questionnaire sent")
    else:
        label = _("Not started")
    labels = {
        "sent": _("Questionnaire sent"),
        "answered": _("Answered"),
        "proposed": _("Plan proposed"),
        "accepted": _("Accepted"),
    }
    return {
        "label": label,
        "steps": [
            {"key": key, "label": labels[key], "done": done[key]} for key in ONBOARDING_STEPS
        ],
    }


def regulated_clients_closed_to(membership: Membership) -> set[int]:
    """Ids of the practice's regulated clients this member holds no signed agreement for:
    their work stays out of what the member reads in bulk (exports, search)."""
    regulated = list(
        Client.objects.for_practice(membership.practice_id)
        .filter(is_regulated=True)
        .only("pk", "specialty")
    )
    if not regulated:
        return set()
    signed = set(
        ConfidentialityAgreement.objects.for_practice(membership.practice_id)
        .filter(membership=membership, signed_on__lte=timezone.localdate())
        .values_list("client_id", "kind")
    )
    return {c.pk for c in regulated if (c.pk, c.required_agreement_kind) not in signed}
