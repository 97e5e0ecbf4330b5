"""The tenancy core: users, practices, memberships, invitations, API tokens and the audit log."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from decimal import Decimal

from babel.numbers import get_currency_precision
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from secretary.tenancy import TenantModel

CURRENCIES = [
    ("USD", "USD"),
    ("EUR", "EUR"),
    ("GBP", "GBP"),
    ("AUD", "AUD"),
    ("CAD", "CAD"),
    ("NZD", "NZD"),
    ("CHF", "CHF"),
    ("JPY", "JPY"),
    ("SEK", "SEK"),
    ("NOK", "NOK"),
    ("DKK", "DKK"),
    ("SGD", "SGD"),
    ("ZAR", "ZAR"),
    ("INR", "INR"),
]


def currency_exponent(currency: str) -> int:
    """The currency's minor unit as a number of decimals (ISO 4217, from babel's CLDR data):
    2 for USD, 0 for JPY, 3 for BHD; 2 for a code it does not know."""
    return get_currency_precision(currency or "")


def currency_quantum(currency: str) -> Decimal:
    """``Decimal("0.01")`` for USD, ``Decimal("1")`` for JPY: what amounts are quantized to."""
    return Decimal(1).scaleb(-currency_exponent(currency))


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; what they may do comes from their memberships."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    is_staff = models.BooleanField(_("site administrator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class DateStyle(models.TextChoices):
    """How the practice types dates in forms (``secretary.date_inputs``); pages write them
    with the month's name ("30 Nov 2026"), which reads the same everywhere."""

    DAY_FIRST = "dmy", _("Day first: 30/11/2026")
    MONTH_FIRST = "mdy", _("Month first: 11/30/2026")
    YEAR_FIRST = "ymd", _("Year first: 2026-11-30")


class Practice(models.Model):
    """A tenant: one virtual-secretary practice and everything it owns."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="USD")
    date_style = models.CharField(
        _("dates typed"), max_length=3, choices=DateStyle.choices, default=DateStyle.DAY_FIRST
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    SECRETARY = "secretary", _("Secretary")
    CLIENT = "client", _("Client contact")


# Higher rank includes the powers of lower ranks. Client contacts sit outside the staff ladder.
ROLE_RANK = {Role.CLIENT: 0, Role.SECRETARY: 1, Role.ADMIN: 2, Role.OWNER: 3}
STAFF_ROLES = (Role.OWNER, Role.ADMIN, Role.SECRETARY)
ADMIN_ROLES = (Role.OWNER, Role.ADMIN)


class Membership(TenantModel):
    """A user's place in a practice; the only source of access to it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "user"], name="membership_unique_user")
        ]
        indexes = [models.Index(fields=["practice", "role"], name="membership_role_idx")]

    def __str__(self) -> str:
        # Shown to people (e.g. "on what" in the activity log): the person and their role.
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    def has_role_at_least(self, role: str) -> bool:
        if self.role == Role.CLIENT:
            return role == Role.CLIENT
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(TenantModel):
    """An invitation to join a practice with a role; single use, expiring, stored hashed."""

    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Feature apps attach what the invitation grants beyond the role (e.g. the client a
    # contact represents); they read it back when the invitation is accepted.
    grants = models.JSONField(default=dict, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "email"], name="invitation_email_idx")]

    def __str__(self) -> str:
        # Shown to people (the activity log's "on what"), like a membership: address and role.
        return f"{self.email} ({self.get_role_display()})"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApiToken(TenantModel):
    """A personal access token for one membership; the secret is shown once and kept hashed."""

    PREFIX = "sec_"

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the secret, so a user can recognise a token in the list.
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "membership"], name="apitoken_member_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ActivityEvent(TenantModel):
    """The audit log: who did what, when, on what, from where."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verb = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["practice", "-created_at"], name="activity_recent_idx"),
            models.Index(
                fields=["practice", "target_type", "target_id"], name="activity_target_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_repr}"


class IdempotencyKey(TenantModel):
    """A create made once for a person and a key: a form's single-use token, or the
    ``Idempotency-Key`` header of an API call.

    The row is written in the transaction that makes the object, so the same key again (a double
    click, a retried call) finds it and gets what the first call made instead of a second object.
    ``fingerprint`` is a hash of what was sent: the same key with other data is refused. Rows
    are kept for ``secretary.idempotency.KEY_TTL`` (24 hours), then purged.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=200)
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    # What the first call made: a row (HTML forms go back to it) ...
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    # ... and, for the API, the answer it gave (replayed as it was).
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "user", "scope", "key"], name="idempotencykey_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:12]}"


class Outbox(models.Model):
    """A background job recorded in the transaction that asked for it (the transactional outbox).

    ``secretary.background.enqueue_on_commit`` writes the row with the caller's data, publishes
    it after commit, and the relay publishes again whatever the worker has not marked ``done_at``
    (the broker was down, a worker died with it). The Celery task id is ``task_id``, so a
    redelivered or re-published message finds its row done and does nothing.

    Not a tenant model: the relay reads it across practices by design, and it holds only task
    names and ids (a secret argument, such as an invitation token, is wiped when the job is
    done). ``practice`` says whose job it is, when the job names one.
    """

    task_id = models.UUIDField(unique=True, editable=False)
    task_name = models.CharField(max_length=200)
    queue = models.CharField(max_length=64, blank=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Publishing: times it reached the broker, failures in a row since, when to send again.
    deliveries = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True)
    # Set by the worker once the job has run (or failed for good): nothing more to send.
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due_idx",
                condition=models.Q(done_at__isnull=True),
            ),
            models.Index(fields=["done_at"], name="outbox_done_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id}"
