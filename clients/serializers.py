"""Serializers of the clients API. Output serializers describe rows; input serializers only
parse and validate, then a service in ``clients.services`` writes. Fields that take ids accept
only rows of the caller's practice."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clients.coverage import Window, window_problems
from clients.models import (
    Channel,
    Client,
    Contact,
    Engagement,
    Questionnaire,
    ServiceCategory,
    ServicePlan,
)
from clients.services.catalog import CATEGORY_FIELDS
from clients.services.clients import CLIENT_FIELDS, CONTACT_FIELDS
from clients.services.onboarding import ANSWER_FIELDS
from secretary import limits
from secretary.api_fields import PracticeRelatedField
from secretary.limits import validate_date_in_range
from secretary.models import Membership, Role, validate_time_zone


def _practice(serializer):
    return serializer.context["request"].practice


class StaffMemberField(PracticeRelatedField):
    def __init__(self, **kwargs):
        super().__init__(Membership, **kwargs)

    def get_queryset(self):
        return super().get_queryset().exclude(role=Role.CLIENT)


class TimeZoneField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(validators=[validate_time_zone], **kwargs)


class WindowSerializer(serializers.Serializer):
    """A weekly coverage window: weekday 0 = Monday … 6 = Sunday; end "00:00" = midnight."""

    weekday = serializers.IntegerField(min_value=0, max_value=6)
    start = serializers.TimeField(format="%H:%M")
    end = serializers.TimeField(format="%H:%M")

    def validate(self, attrs):
        # A partial update (PATCH) of a plan or engagement replaces whole windows: it does not
        # make a window's own fields optional.
        missing = [name for name in self.fields if name not in attrs]
        if missing:
            raise serializers.ValidationError(
                {name: [self.fields[name].error_messages["required"]] for name in missing}
            )
        return attrs

    def to_representation(self, instance):
        return {
            "weekday": instance.weekday,
            "start": f"{instance.start:%H:%M}",
            "end": f"{instance.end:%H:%M}",
        }


class WindowsField(serializers.ListField):
    child = WindowSerializer()

    def to_internal_value(self, data):
        rows = super().to_internal_value(data)
        windows = [Window(r["weekday"], r["start"], r["end"]) for r in rows]
        problems = window_problems(windows)
        if problems:
            raise serializers.ValidationError(problems, code="window_rule")
        return windows

    def to_representation(self, value):
        return [WindowSerializer().to_representation(w) for w in value]


MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}
HOURS = {"max_digits": 7, "decimal_places": 2, "min_value": 0}


# --- Catalog ------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceCategory
        fields = ["id", *CATEGORY_FIELDS]
        read_only_fields = ["id"]
        extra_kwargs = {"slug": {"required": False, "allow_blank": True, "validators": []}}


class TermsOutputMixin(serializers.Serializer):
    windows = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()

    def get_windows(self, obj) -> list[dict]:
        return [WindowSerializer().to_representation(w) for w in obj.coverage().windows]

    def get_categories(self, obj) -> list[int]:
        return [c.pk for c in obj.categories.all()]


class PlanSerializer(TermsOutputMixin, serializers.ModelSerializer):
    windows = serializers.SerializerMethodField(help_text=_("Weekly coverage windows."))

    class Meta:
        model = ServicePlan
        fields = [
            "id",
            "name",
            "description",
            "billing_model",
            "currency",
            "monthly_fee",
            "included_hours",
            "hourly_rate",
            "overage_rate",
            "rollover_max_hours",
            "on_call",
            "response_target_hours",
            "coverage_time_zone",
            "windows",
            "categories",
            "archived",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PlanInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.TEXT_NOTES
    )
    billing_model = serializers.ChoiceField(
        choices=ServicePlan._meta.get_field("billing_model").choices, required=False
    )
    currency = serializers.ChoiceField(
        choices=ServicePlan._meta.get_field("currency").choices, required=False
    )
    monthly_fee = serializers.DecimalField(required=False, **MONEY)
    included_hours = serializers.DecimalField(required=False, **HOURS)
    hourly_rate = serializers.DecimalField(required=False, **MONEY)
    overage_rate = serializers.DecimalField(required=False, **MONEY)
    rollover_max_hours = serializers.DecimalField(required=False, **HOURS)
    on_call = serializers.BooleanField(required=False)
    response_target_hours = serializers.DecimalField(required=False, **HOURS)
    coverage_time_zone = TimeZoneField(required=False)
    windows = WindowsField(required=False)
    categories = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=limits.MAX_ID), required=False
    )
    archived = serializers.BooleanField(required=False)

    def validate_categories(self, ids):
        return _category_ids(self, ids)


def _category_ids(serializer, ids: list[int]) -> list[int]:
    found = set(
        ServiceCategory.objects.for_practice(_practice(serializer))
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    missing = sorted(set(ids) - found)
    if missing:
        raise serializers.ValidationError(
            _("Unknown categories: %(ids)s.") % {"ids": ", ".join(map(str, missing))},
            code="does_not_exist",
        )
    return sorted(found)


# --- Clients and contacts -----------------------------------------------------------------


class ClientSerializer(serializers.ModelSerializer):
    primary_secretary = serializers.PrimaryKeyRelatedField(read_only=True)
    team = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = [
            "id",
            *CLIENT_FIELDS,
            "primary_secretary",
            "team",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_team(self, obj) -> list[int]:
        return [link.membership_id for link in obj.team_links.all()]


class ClientPortalSerializer(serializers.ModelSerializer):
    """What a client contact sees of their own client."""

    class Meta:
        model = Client
        fields = ["id", "name", "status", "time_zone", "currency", "billing_email", "address"]
        read_only_fields = fields


class ClientInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=160, required=False)
    status = serializers.ChoiceField(
        choices=Client._meta.get_field("status").choices, required=False
    )
    specialty = serializers.ChoiceField(
        choices=Client._meta.get_field("specialty").choices, required=False
    )
    is_regulated = serializers.BooleanField(required=False)
    time_zone = TimeZoneField(required=False)
    currency = serializers.ChoiceField(
        choices=Client._meta.get_field("currency").choices, required=False
    )
    billing_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    address = serializers.CharField(required=False, allow_blank=True, max_length=limits.TEXT_SHORT)
    tax_id = serializers.CharField(required=False, allow_blank=True, max_length=64)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=limits.TEXT_NOTES)
    primary_secretary = StaffMemberField(required=False, allow_null=True)
    team = serializers.ListField(child=StaffMemberField(), required=False)


class ContactSerializer(serializers.ModelSerializer):
    has_portal_login = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "client",
            *CONTACT_FIELDS,
            "has_portal_login",
        ]
        read_only_fields = fields

    def get_has_portal_login(self, obj) -> bool:
        return obj.membership_id is not None


class ContactInputSerializer(serializers.Serializer):
    client = PracticeRelatedField(Client, required=False)
    name = serializers.CharField(max_length=160, required=False)
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    is_primary = serializers.BooleanField(required=False)
    portal_requests = serializers.BooleanField(required=False)
    portal_documents = serializers.BooleanField(required=False)
    portal_billing = serializers.BooleanField(required=False)
    time_zone = TimeZoneField(
        required=False,
        allow_blank=True,
        help_text=_("The zone the portal shows this contact's times in; empty: the client's."),
    )


# --- Onboarding ---------------------------------------------------------------------------


class QuestionnaireSerializer(serializers.ModelSerializer):
    services = serializers.SerializerMethodField()

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "client",
            "contact",
            "status",
            "services",
            *ANSWER_FIELDS,
            "sent_at",
            "submitted_at",
            "filled_by_staff",
        ]
        read_only_fields = fields

    def get_services(self, obj) -> list[int]:
        return [c.pk for c in obj.services.all()]


class QuestionnaireSendSerializer(serializers.Serializer):
    client = PracticeRelatedField(Client)
    contact = PracticeRelatedField(Contact, required=False, allow_null=True)

    def validate(self, attrs):
        contact = attrs.get("contact")
        if contact is not None and contact.client_id != attrs["client"].pk:
            raise serializers.ValidationError({"contact": [_("Choose a contact of this client.")]})
        return attrs


class AnswersSerializer(serializers.Serializer):
    services = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=limits.MAX_ID), required=False
    )
    expected_hours_per_month = serializers.DecimalField(required=False, allow_null=True, **HOURS)
    coverage_needs = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.TEXT_NOTES
    )
    coverage_time_zone = serializers.CharField(required=False, allow_blank=True, max_length=64)
    needs_on_call = serializers.BooleanField(required=False)
    response_expectations = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.TEXT_NOTES
    )
    preferred_channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), required=False
    )
    tools = serializers.CharField(required=False, allow_blank=True, max_length=limits.TEXT_NOTES)
    confidentiality = serializers.ChoiceField(
        choices=Questionnaire._meta.get_field("confidentiality").choices,
        required=False,
        allow_blank=True,
    )
    confidentiality_notes = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.TEXT_NOTES
    )
    start_date = serializers.DateField(
        required=False, allow_null=True, validators=[validate_date_in_range]
    )
    other_notes = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.TEXT_NOTES
    )

    def validate_coverage_time_zone(self, value):
        if value:
            validate_time_zone(value)
        return value

    def validate_services(self, ids):
        return _category_ids(self, ids)


# --- Engagements --------------------------------------------------------------------------


class EngagementSerializer(TermsOutputMixin, serializers.ModelSerializer):
    accepted_by = serializers.StringRelatedField()

    class Meta:
        model = Engagement
        fields = [
            "id",
            "client",
            "plan",
            "replaces",
            "version",
            "status",
            "title",
            "billing_model",
            "currency",
            "monthly_fee",
            "included_hours",
            "hourly_rate",
            "overage_rate",
            "rollover_max_hours",
            "on_call",
            "response_target_hours",
            "coverage_time_zone",
            "windows",
            "categories",
            "start_date",
            "end_date",
            "scope_notes",
            "rounding_minutes",
            "transcription_billing",
            "call_minimum_minutes",
            "rush_notice_hours",
            "rush_multiplier",
            "after_hours_multiplier",
            "alert_threshold_percent",
            "proposed_at",
            "accepted_at",
            "accepted_by",
            "change_request",
            "changes_requested_at",
        ]
        read_only_fields = fields


class EngagementTermsSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=160, required=False, allow_blank=True)
    billing_model = serializers.ChoiceField(
        choices=Engagement._meta.get_field("billing_model").choices, required=False
    )
    currency = serializers.CharField(max_length=3, required=False)
    monthly_fee = serializers.DecimalField(required=False, **MONEY)
    included_hours = serializers.DecimalField(required=False, **HOURS)
    hourly_rate = serializers.DecimalField(required=False, **MONEY)
    overage_rate = serializers.DecimalField(required=False, **MONEY)
    rollover_max_hours = serializers.DecimalField(required=False, **HOURS)
    on_call = serializers.BooleanField(required=False)
    response_target_hours = serializers.DecimalField(required=False, **HOURS)
    coverage_time_zone = TimeZoneField(required=False)
    windows = WindowsField(required=False)
    categories = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=limits.MAX_ID), required=False
    )
    start_date = serializers.DateField(required=False, validators=[validate_date_in_range])
    end_date = serializers.DateField(
        required=False, allow_null=True, validators=[validate_date_in_range]
    )
    scope_notes = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.TEXT_NOTES
    )
    rounding_minutes = serializers.ChoiceField(
        choices=Engagement._meta.get_field("rounding_minutes").choices, required=False
    )
    transcription_billing = serializers.ChoiceField(
        choices=Engagement._meta.get_field("transcription_billing").choices, required=False
    )
    call_minimum_minutes = serializers.IntegerField(min_value=0, max_value=240, required=False)
    rush_notice_hours = serializers.DecimalField(required=False, allow_null=True, **HOURS)
    rush_multiplier = serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=1, max_value=10, required=False
    )
    after_hours_multiplier = serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=1, max_value=10, required=False
    )
    alert_threshold_percent = serializers.IntegerField(
        min_value=1, max_value=100, required=False, allow_null=True
    )

    def validate_categories(self, ids):
        return _category_ids(self, ids)


class EngagementCreateSerializer(EngagementTermsSerializer):
    client = PracticeRelatedField(Client)
    plan = PracticeRelatedField(ServicePlan, required=False, allow_null=True)


class ReviseSerializer(serializers.Serializer):
    plan = PracticeRelatedField(
        ServicePlan,
        required=False,
        allow_null=True,
        help_text=_(
            "Start the new version from this catalog plan; without it, from the current terms."
        ),
    )


class ChangeRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5000)


class EndSerializer(serializers.Serializer):
    end_date = serializers.DateField(
        required=False, allow_null=True, validators=[validate_date_in_range]
    )
