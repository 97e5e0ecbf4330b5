"""Clients, contacts, the service-plan catalog, onboarding, engagements and brand kits.

Every table carries ``practice`` (first in every unique constraint and index). Many-to-many
links use explicit through models so that join rows carry the practice too.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clients.coverage import Coverage, Window
from secretary import limits
from secretary.durations import format_hours
from secretary.limits import text_field, validate_date_in_range
from secretary.models import CURRENCIES, Membership, validate_time_zone
from secretary.tenancy import TenantModel

# The fonts documents can use, as ``documents.rendering.SAFE_FONTS`` lists them: the bundled
# families first (the first is the default), then the fonts installed on every host.
SAFE_FONTS = [
    "Source Sans",
    "Source Serif",
    "Zilla Slab",
    "DejaVu Sans",
    "DejaVu Serif",
    "Liberation Sans",
    "Liberation Serif",
]
FONT_CHOICES = [(name, name) for name in SAFE_FONTS]

NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb, e.g. #2a5bd7."))
MULTIPLIER = [MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("10"))]


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, validators=NON_NEGATIVE, **kwargs
    )


def hours_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=7, decimal_places=2, validators=NON_NEGATIVE, **kwargs
    )


# --- Catalog ------------------------------------------------------------------------------


class ServiceCategory(TenantModel):
    """A kind of work the practice sells (correspondence, bookkeeping, legal secretarial…)."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60)
    description = text_field(_("description"), blank=True, max_length=limits.TEXT_SHORT)
    is_specialty = models.BooleanField(
        _("specialty"),
        default=False,
        help_text=_("Specialised work such as legal or medical secretarial support."),
    )
    archived = models.BooleanField(_("archived"), default=False)
    position = models.PositiveIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "slug"], name="category_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class BillingModel(models.TextChoices):
    RETAINER = "retainer", _("Monthly retainer with included hours")
    HOURLY = "hourly", _("Hourly, pay as you go")
    BLOCK = "block", _("Prepaid block of hours")


class CoverageTerms(models.Model):
    """Terms shared by a catalog plan and a client's engagement."""

    billing_model = models.CharField(
        _("billing model"),
        max_length=16,
        choices=BillingModel.choices,
        default=BillingModel.RETAINER,
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    monthly_fee = money_field(_("monthly fee"), default=Decimal("0"))
    included_hours = hours_field(_("included hours per month"), default=Decimal("0"))
    hourly_rate = money_field(_("hourly rate"), default=Decimal("0"))
    overage_rate = money_field(
        _("overage rate"),
        default=Decimal("0"),
        help_text=_("Per hour beyond the included and rolled-over hours."),
    )
    rollover_max_hours = hours_field(
        _("rollover up to (hours)"),
        default=Decimal("0"),
        help_text=_("Unused included hours carried into the next month only; 0 = no rollover."),
    )
    on_call = models.BooleanField(_("24/7 on-call"), default=False)
    response_target_hours = hours_field(
        _("response target (coverage hours)"),
        default=Decimal("4"),
        help_text=_("Counted only inside the coverage windows."),
    )
    coverage_time_zone = models.CharField(
        _("coverage time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )

    class Meta:
        abstract = True

    @property
    def price_summary(self) -> str:
        """The price in a few words, as its billing model sells it."""
        if self.billing_model == BillingModel.HOURLY:
            return _("%(rate)s %(currency)s per hour") % {
                "rate": self.hourly_rate,
                "currency": self.currency,
            }
        if self.billing_model == BillingModel.BLOCK:
            return _("%(fee)s %(currency)s for a block of %(hours)s") % {
                "fee": self.monthly_fee,
                "currency": self.currency,
                "hours": format_hours(self.included_hours),
            }
        return _("%(fee)s %(currency)s per month, %(hours)s included") % {
            "fee": self.monthly_fee,
            "currency": self.currency,
            "hours": format_hours(self.included_hours),
        }

    def coverage(self) -> Coverage:
        """The coverage windows as plain values (uses prefetched ``windows`` when present)."""
        windows = tuple(sorted(Window(w.weekday, w.start, w.end) for w in self.windows.all()))
        return Coverage(time_zone=self.coverage_time_zone, windows=windows, always_on=self.on_call)


class ServicePlan(TenantModel, CoverageTerms):
    """A plan of the practice's catalog, the starting point of engagements."""

    name = models.CharField(_("name"), max_length=120)
    description = text_field(_("description"), blank=True, max_length=limits.TEXT_NOTES)
    categories = models.ManyToManyField(
        ServiceCategory,
        through="PlanCategory",
        related_name="plans",
        blank=True,
        verbose_name=_("services included"),
    )
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")
        ordering = ["archived", "name"]
        indexes = [models.Index(fields=["practice", "archived"], name="plan_archived_idx")]

    def __str__(self) -> str:
        return self.name


class PlanCategory(TenantModel):
    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(ServiceCategory, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "plan", "category"], name="plancategory_unique"
            )
        ]


# --- Clients and contacts -----------------------------------------------------------------


class ClientStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class Specialty(models.TextChoices):
    GENERAL = "general", _("General")
    LEGAL = "legal", _("Legal")
    MEDICAL = "medical", _("Medical")
    OTHER = "other", _("Other")


class Client(TenantModel):
    """A client business of the practice."""

    name = models.CharField(_("name"), max_length=160)
    status = models.CharField(
        _("status"), max_length=16, choices=ClientStatus.choices, default=ClientStatus.PROSPECT
    )
    specialty = models.CharField(
        _("specialty"), max_length=16, choices=Specialty.choices, default=Specialty.GENERAL
    )
    is_regulated = models.BooleanField(
        _("handles regulated records"),
        default=False,
        help_text=_(
            "Medical or legal records: only staff with a signed confidentiality "
            "agreement may join the team or be assigned its work, and staff views are "
            "audited."
        ),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="USD")
    billing_email = models.EmailField(_("billing email"), blank=True)
    address = text_field(_("address"), blank=True, max_length=limits.TEXT_SHORT)
    tax_id = models.CharField(_("tax id"), max_length=64, blank=True)
    notes = text_field(_("notes"), blank=True, max_length=limits.TEXT_NOTES)
    primary_secretary = models.ForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("primary secretary"),
    )
    team = models.ManyToManyField(
        Membership, through="ClientTeamMember", related_name="+", blank=True, verbose_name=_("team")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["practice", "status"], name="client_status_idx"),
            models.Index(fields=["practice", "name"], name="client_name_idx"),
            models.Index(fields=["practice", "primary_secretary"], name="client_primary_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def required_agreement_kind(self) -> str:
        """The agreement staff must sign: a BAA for medical records, an NDA otherwise."""
        return AgreementKind.BAA if self.specialty == Specialty.MEDICAL else AgreementKind.NDA

    @property
    def required_agreement_label(self) -> str:
        return AgreementKind(self.required_agreement_kind).label


class ClientTeamMember(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="team_links")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client", "membership"], name="clientteam_unique"
            )
        ]
        indexes = [models.Index(fields=["practice", "membership"], name="clientteam_member_idx")]


class Contact(TenantModel):
    """A person at a client business; may have a portal login limited to that client."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=160)
    title = models.CharField(_("title"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    membership = models.OneToOneField(
        Membership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
        verbose_name=_("portal login"),
    )
    portal_requests = models.BooleanField(_("may file requests"), default=True)
    portal_documents = models.BooleanField(_("may see documents and approve"), default=True)
    portal_billing = models.BooleanField(_("may see invoices"), default=False)
    # Empty: the client's zone (followed when the client's changes).
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client"],
                condition=Q(is_primary=True),
                name="contact_one_primary",
            ),
        ]
        indexes = [models.Index(fields=["practice", "client"], name="contact_client_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def shown_time_zone(self) -> str:
        """The zone the portal shows this contact's times in."""
        return self.time_zone or self.client.time_zone

    def may_use(self, part: str | None) -> bool:
        if part is None:
            return True
        return bool(getattr(self, f"portal_{part}", False))


class AgreementKind(models.TextChoices):
    BAA = "baa", _("Business associate agreement (BAA)")
    NDA = "nda", _("Non-disclosure agreement (NDA)")


def agreement_upload_to(instance, filename: str) -> str:
    return f"practices/{instance.practice_id}/agreements/{instance.client_id}/{filename}"


class ConfidentialityAgreement(TenantModel):
    """A staff member's signed confidentiality agreement for one client."""

    client = models.ForeignKey(Client, on_delete=models.RESTRICT, related_name="agreements")
    # A signed agreement stays on record when the member leaves: the link is cleared and their
    # name kept in ``member_name`` (written when the membership is deleted, see receivers).
    membership = models.ForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("staff member"),
    )
    member_name = models.CharField(_("staff member"), max_length=150, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=AgreementKind.choices)
    signed_on = models.DateField(_("signed on"), validators=[validate_date_in_range])
    file = models.FileField(_("signed file"), upload_to=agreement_upload_to)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("confidentiality agreement")
        verbose_name_plural = _("confidentiality agreements")
        ordering = ["-signed_on", "-id"]
        indexes = [
            models.Index(fields=["practice", "client", "membership"], name="agreement_lookup_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.signed_on}"

    @property
    def member_label(self) -> str:
        """Who signed: the member, or the name they had when they were removed."""
        if self.membership_id is not None:
            return str(self.membership.user)
        return self.member_name or gettext("Former member")


# --- Onboarding ---------------------------------------------------------------------------


class QuestionnaireStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Answered")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    PORTAL = "portal", _("Client portal")
    CHAT = "chat", _("Chat / messaging")
    VIDEO = "video", _("Video calls")


class Confidentiality(models.TextChoices):
    NONE = "none", _("Nothing special")
    BUSINESS = "business", _("Business confidential")
    LEGAL = "legal", _("Legal records")
    MEDICAL = "medical", _("Medical records")


class Questionnaire(TenantModel):
    """The intake questionnaire of one client's onboarding; answered once, then submitted."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="questionnaires")
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent to"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=QuestionnaireStatus.choices,
        default=QuestionnaireStatus.SENT,
    )
    # The answers.
    services = models.ManyToManyField(
        ServiceCategory,
        through="QuestionnaireService",
        related_name="+",
        blank=True,
        verbose_name=_("services wanted"),
    )
    expected_hours_per_month = hours_field(
        _("expected volume (hours per month)"), null=True, blank=True
    )
    coverage_needs = text_field(
        _("hours that must be covered"),
        blank=True,
        help_text=_("For example: Mon-Fri 09:00-17:00, or around the clock."),
        max_length=limits.TEXT_NOTES,
    )
    coverage_time_zone = models.CharField(
        _("in which time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    needs_on_call = models.BooleanField(_("we need someone on call at all times"), default=False)
    response_expectations = text_field(
        _("response expectations"), blank=True, max_length=limits.TEXT_NOTES
    )
    preferred_channels = models.JSONField(_("preferred channels"), default=list, blank=True)
    tools = text_field(_("tools and systems in use"), blank=True, max_length=limits.TEXT_NOTES)
    confidentiality = models.CharField(
        _("confidentiality needs"), max_length=16, choices=Confidentiality.choices, blank=True
    )
    confidentiality_notes = text_field(
        _("confidentiality details"), blank=True, max_length=limits.TEXT_NOTES
    )
    start_date = models.DateField(
        _("desired start date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    other_notes = text_field(_("anything else"), blank=True, max_length=limits.TEXT_NOTES)
    # Bookkeeping.
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filled_by_staff = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["practice", "client"], name="questionnaire_client_idx")]

    def __str__(self) -> str:
        return _("Intake questionnaire for %(client)s") % {"client": self.client}

    @property
    def is_submitted(self) -> bool:
        return self.status == QuestionnaireStatus.SUBMITTED

    @property
    def preferred_channel_labels(self) -> list[str]:
        """The preferred channels as people read them ("Email", not "email")."""
        labels = dict(Channel.choices)
        return [str(labels.get(value, value)) for value in self.preferred_channels or []]


class QuestionnaireService(TenantModel):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(ServiceCategory, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "questionnaire", "category"], name="questionnaireservice_unique"
            )
        ]


# --- Engagements --------------------------------------------------------------------------


class EngagementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    ACTIVE = "active", _("Active")
    SUPERSEDED = "superseded", _("Superseded")
    ENDED = "ended", _("Ended")


EDITABLE_STATUSES = (EngagementStatus.DRAFT, EngagementStatus.CHANGES_REQUESTED)
OPEN_STATUSES = (
    EngagementStatus.DRAFT,
    EngagementStatus.PROPOSED,
    EngagementStatus.CHANGES_REQUESTED,
)
ROUNDING_CHOICES = [
    (0, _("No rounding")),
    (1, _("1 minute")),
    (5, _("5 minutes")),
    (6, _("6 minutes (tenths of an hour)")),
    (10, _("10 minutes")),
    (15, _("15 minutes")),
    (30, _("30 minutes")),
    (60, _("1 hour")),
]


class Engagement(TenantModel, CoverageTerms):
    """A client's customized plan. Versions of a client's plan share the client; at most one
    is active (a partial unique constraint). Changing an active engagement drafts a new
    version that replaces it when accepted."""

    client = models.ForeignKey(Client, on_delete=models.RESTRICT, related_name="engagements")
    plan = models.ForeignKey(
        ServicePlan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagements",
        verbose_name=_("catalog plan"),
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("replaces version"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=EngagementStatus.choices, default=EngagementStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=160, blank=True)
    categories = models.ManyToManyField(
        ServiceCategory,
        through="EngagementCategory",
        related_name="engagements",
        blank=True,
        verbose_name=_("services"),
    )
    start_date = models.DateField(_("start date"), validators=[validate_date_in_range])
    end_date = models.DateField(
        _("end date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    scope_notes = text_field(_("scope notes"), blank=True, max_length=limits.TEXT_NOTES)
    rounding_minutes = models.PositiveSmallIntegerField(
        _("round each time entry up to"),
        choices=ROUNDING_CHOICES,
        default=0,
        help_text=_("Applied when billing; raw durations are always kept."),
    )
    rush_notice_hours = hours_field(
        _("rush: less than (hours' notice)"),
        null=True,
        blank=True,
        help_text=_("Work requested with less notice is rush work. Empty = no rush surcharge."),
    )
    rush_multiplier = models.DecimalField(
        _("rush multiplier"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=MULTIPLIER,
    )
    after_hours_multiplier = models.DecimalField(
        _("outside coverage multiplier"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=MULTIPLIER,
    )
    alert_threshold_percent = models.PositiveSmallIntegerField(
        _("alert at (% of included hours)"),
        null=True,
        blank=True,
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The secretary and the client's contacts are told once per month."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    proposed_at = models.DateTimeField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes_requested_at = models.DateTimeField(null=True, blank=True)
    changes_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change_request = text_field(_("requested changes"), blank=True, max_length=limits.TEXT_NOTES)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-version", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client"],
                condition=Q(status="active"),
                name="engagement_one_active_per_client",
            ),
            models.UniqueConstraint(
                fields=["practice", "client", "version"], name="engagement_unique_version"
            ),
        ]
        indexes = [models.Index(fields=["practice", "status"], name="engagement_status_idx")]

    def __str__(self) -> str:
        return _("%(client)s · version %(version)s") % {
            "client": self.client,
            "version": self.version,
        }

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EngagementCategory(TenantModel):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(ServiceCategory, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "engagement", "category"], name="engagementcategory_unique"
            )
        ]


class CoverageWindow(TenantModel):
    """One weekday span of coverage, in the owner's coverage time zone (end 00:00 = midnight).

    Belongs to exactly one engagement or one catalog plan.
    """

    engagement = models.ForeignKey(
        Engagement, null=True, blank=True, on_delete=models.CASCADE, related_name="windows"
    )
    plan = models.ForeignKey(
        ServicePlan, null=True, blank=True, on_delete=models.CASCADE, related_name="windows"
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        validators=[MaxValueValidator(6)],
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(engagement__isnull=False, plan__isnull=True)
                    | Q(engagement__isnull=True, plan__isnull=False)
                ),
                name="coveragewindow_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(end=time(0, 0)) | Q(end__gt=models.F("start")),
                name="coveragewindow_not_inverted",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "engagement"], name="window_engagement_idx"),
            models.Index(fields=["practice", "plan"], name="window_plan_idx"),
        ]

    def as_window(self) -> Window:
        return Window(self.weekday, self.start, self.end)


# --- Usage alerts -------------------------------------------------------------------------


class UsageAlert(TenantModel):
    """The alert-threshold notice of one engagement's period: at most one per period."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    percent = models.DecimalField(max_digits=7, decimal_places=2)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "engagement", "period_start"], name="usagealert_once_per_period"
            )
        ]


class NoticeSent(TenantModel):
    """A notification email already sent, keyed by what it was about, so a retried or repeated
    Celery task never sends it twice."""

    key = models.CharField(max_length=160)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "key"], name="noticesent_unique_key")
        ]


# --- Brand kits ---------------------------------------------------------------------------


def logo_upload_to(instance, filename: str) -> str:
    owner = f"client-{instance.client_id}" if instance.client_id else "practice"
    return f"practices/{instance.practice_id}/brand/{owner}/{filename}"


class BrandKit(TenantModel):
    """Branding for documents: the practice's own (``client`` empty) or a client's."""

    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.CASCADE, related_name="brand_kits"
    )
    logo = models.ImageField(_("logo"), upload_to=logo_upload_to, blank=True)
    primary_color = models.CharField(
        _("primary colour"), max_length=7, default="#14213d", validators=[HEX_COLOUR]
    )
    secondary_color = models.CharField(
        _("secondary colour"), max_length=7, default="#5b6576", validators=[HEX_COLOUR]
    )
    accent_color = models.CharField(
        _("accent colour"), max_length=7, default="#2a5bd7", validators=[HEX_COLOUR]
    )
    font = models.CharField(_("font"), max_length=40, choices=FONT_CHOICES, default=SAFE_FONTS[0])
    tagline = models.CharField(_("tagline"), max_length=160, blank=True)
    address_block = text_field(_("address block"), blank=True, max_length=limits.TEXT_SHORT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("brand kit")
        verbose_name_plural = _("brand kits")
        constraints = [
            models.UniqueConstraint(fields=["practice", "client"], name="brandkit_one_per_client"),
            models.UniqueConstraint(
                fields=["practice"],
                condition=Q(client__isnull=True),
                name="brandkit_one_per_practice",
            ),
        ]

    def __str__(self) -> str:
        return str(self.client) if self.client_id else str(_("Practice brand"))


# The mailing lists' models live in their own module; importing them here registers them
# with the clients app.
from clients.mailing.campaigns.models import (  # noqa: E402,F401
    Campaign,
    Delivery,
    ProviderEvent,
    SendingSettings,
)
from clients.mailing.models import (  # noqa: E402,F401
    Audience,
    ImportJob,
    Segment,
    Subscriber,
    SubscriberStatus,
)
