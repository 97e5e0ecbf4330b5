"""Forms of the clients app. Fields that take ids use querysets of the current practice only;
the services do the writing (forms only parse and validate input)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clients import selectors
from clients.coverage_widget import WeeklyWindowsWidget
from clients.models import (
    FONT_CHOICES,
    BrandKit,
    Channel,
    Client,
    ClientStatus,
    ConfidentialityAgreement,
    Contact,
    Engagement,
    Questionnaire,
    ServiceCategory,
    ServicePlan,
    Specialty,
)
from clients.schedule import parse_windows
from clients.services.catalog import CATEGORY_FIELDS
from clients.services.clients import CLIENT_FIELDS, CONTACT_FIELDS
from clients.services.onboarding import ANSWER_FIELDS
from secretary import limits
from secretary.date_inputs import DateInput
from secretary.form_renderer import name_empty_choices
from secretary.idempotency import IdempotentFormMixin
from secretary.models import (
    CURRENCIES,
    Membership,
    Practice,
    time_zone_choices,
    validate_time_zone,
)

DATE = DateInput()
MONEY_AND_HOURS = (
    "monthly_fee",
    "included_hours",
    "hourly_rate",
    "overage_rate",
    "rollover_max_hours",
    "response_target_hours",
    "rush_notice_hours",
    "expected_hours_per_month",
)
MULTIPLIERS = ("rush_multiplier", "after_hours_multiplier")
COLOUR = forms.TextInput(attrs={"type": "color"})


def _member_label(membership) -> str:
    return str(membership.user)


def _bounded(form: forms.BaseForm) -> None:
    """Give the form the bounds the model enforces (no negative money or hours, multipliers
    from 1 to 10), so every bad number is named together with the other field errors, and
    the browser knows the bounds too."""
    for name, field in form.fields.items():
        if not isinstance(field, forms.DecimalField):
            continue
        if name in MONEY_AND_HOURS:
            bounds = (Decimal("0"), None)
        elif name in MULTIPLIERS:
            bounds = (Decimal("1"), Decimal("10"))
        else:
            continue
        low, high = bounds
        field.validators.append(MinValueValidator(low))
        field.widget.attrs["min"] = str(low)
        if high is not None:
            field.validators.append(MaxValueValidator(high))
            field.widget.attrs["max"] = str(high)


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("choices", time_zone_choices)
        kwargs.setdefault("validators", [validate_time_zone])
        super().__init__(**kwargs)


class CoverageField(forms.CharField):
    """Coverage windows on a weekly grid (``clients.coverage_widget``), checked as the text
    rules it posts ("Mon 09:00-17:00"); the text itself is accepted too."""

    widget = WeeklyWindowsWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", limits.TEXT_SHORT)
        kwargs.setdefault("label", _("Coverage windows"))
        kwargs.setdefault(
            "help_text",
            _(
                "In the coverage time zone, on a 24-hour clock: 09:00 to 17:00; 24:00 is "
                "midnight. Two spans a day for a split shift. Leave empty for 24/7 on-call."
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        return parse_windows(super().to_python(value) or "")


class CategoriesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, practice: Practice, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset=selectors.categories_active(practice=practice), **kwargs)


# --- Catalog ------------------------------------------------------------------------------


class CategoryForm(IdempotentFormMixin, forms.ModelForm):
    class Meta:
        model = ServiceCategory
        fields = list(CATEGORY_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Left empty, it is made from the name.")

    def _post_clean(self):
        pass  # the service validates (and checks the short name within the practice)


# The terms each billing model reads (the hourly rate is read by all: surcharges multiply it).
SHOWN_FOR_BILLING_MODEL = {
    "monthly_fee": "billing_model:retainer block",
    "included_hours": "billing_model:retainer block",
    "overage_rate": "billing_model:retainer block",
    "rollover_max_hours": "billing_model:retainer",
}


def _fields_per_billing_model(form: forms.Form) -> None:
    """Show each term only under the billing models that use it (``forms/field.html`` and
    ``static/js/app.js``); a hidden term keeps its value."""
    for name, shown_for in SHOWN_FOR_BILLING_MODEL.items():
        if name in form.fields:
            form.fields[name].shown_for = shown_for


class PlanForm(IdempotentFormMixin, forms.ModelForm):
    coverage_time_zone = TimeZoneField(label=_("Coverage time zone"))
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    windows = CoverageField()

    class Meta:
        model = ServicePlan
        fields = [
            "name",
            "description",
            "billing_model",
            "currency",
            "monthly_fee",
            "included_hours",
            "hourly_rate",
            "overage_rate",
            "rollover_max_hours",
            "coverage_time_zone",
            "on_call",
            "response_target_hours",
            "categories",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"] = CategoriesField(practice, label=_("Services included"))
        _bounded(self)
        _fields_per_billing_model(self)
        if self.instance.pk:
            self.initial.setdefault("windows", list(self.instance.coverage().windows))
            self.initial["categories"] = list(self.instance.categories.all())
        else:
            self.initial.setdefault("currency", practice.currency)
            self.initial.setdefault("coverage_time_zone", practice.time_zone)

    def _save_m2m(self):  # the service sets categories (through rows carry the practice)
        pass

    def terms(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("categories", None)
        data.pop("windows", None)
        return data


# --- Clients ------------------------------------------------------------------------------


class ClientFilterForm(forms.Form):
    SCOPES = [("mine", _("My clients")), ("all", _("All clients"))]
    SORTS = [
        ("name", _("Name A to Z")),
        ("-name", _("Name Z to A")),
        ("status", _("Status")),
        ("-created", _("Newest first")),
        ("created", _("Oldest first")),
    ]

    scope = forms.ChoiceField(label=_("Show"), choices=SCOPES, required=False)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or email")}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ClientStatus.choices]
    )
    secretary = forms.ModelChoiceField(
        label=_("Secretary"), required=False, queryset=None, empty_label=_("Anyone")
    )
    specialty = forms.ChoiceField(
        label=_("Specialty"), required=False, choices=[("", _("Any specialty")), *Specialty.choices]
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=SORTS, required=False)

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretary"].queryset = selectors.staff_memberships(practice=practice)
        self.fields["secretary"].label_from_instance = _member_label


class ClientForm(IdempotentFormMixin, forms.ModelForm):
    time_zone = TimeZoneField(label=_("Time zone"))
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    primary_secretary = forms.ModelChoiceField(
        label=_("Primary secretary"), required=False, queryset=None
    )
    team = forms.ModelMultipleChoiceField(
        label=_("Team"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Client
        fields = list(CLIENT_FIELDS)
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, practice: Practice, membership: Membership | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(
            self,
            primary_secretary=_("No primary secretary")
            if self.instance.pk
            else _("You (the default)"),
        )
        staff = selectors.staff_memberships(practice=practice)
        for name in ("primary_secretary", "team"):
            self.fields[name].queryset = staff
            self.fields[name].label_from_instance = _member_label
        if self.instance.pk:
            self.initial["primary_secretary"] = self.instance.primary_secretary_id
            self.initial["team"] = [m.pk for m in selectors.team_of(client=self.instance)]
            if membership is not None and not membership.is_admin:
                # Only owners and admins change the confidentiality rule (the service refuses
                # it too); a disabled field keeps its current value whatever is posted.
                locked = ["is_regulated"] + (["specialty"] if self.instance.is_regulated else [])
                for name in locked:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Only owners and admins can change this.")
        else:
            self.initial.setdefault("currency", practice.currency)
            self.initial.setdefault("time_zone", practice.time_zone)
            del self.fields["team"]
            self.fields["primary_secretary"].help_text = _("Defaults to you.")

    def _post_clean(self):
        # Model validation runs in the service, which has the whole picture (team rules).
        pass


def contact_time_zone_field(client: Client | None, **kwargs) -> forms.ChoiceField:
    """A contact's time zone, empty meaning "the client's" (named, with the client's zone)."""
    same = (
        _("Same as %(client)s (%(zone)s)") % {"client": client.name, "zone": client.time_zone}
        if client is not None
        else _("Same as the client")
    )
    return forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=[("", same), *time_zone_choices()],
        validators=[validate_time_zone],
        **kwargs,
    )


class ContactForm(IdempotentFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = list(CONTACT_FIELDS)
        help_texts = {
            "portal_requests": _("Operations contacts file requests."),
            "portal_billing": _("Finance contacts see invoices."),
        }

    def __init__(
        self, *args, practice: Practice | None = None, client: Client | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"] = contact_time_zone_field(
            client, help_text=_("The portal shows this contact's times in this zone.")
        )

    def _post_clean(self):
        pass


class PortalProfileForm(forms.Form):
    """What a contact keeps up to date themselves in the portal."""

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("Your replies are signed with it."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def __init__(self, *args, client: Client | None, **kwargs):
        super().__init__(*args, **kwargs)
        if client is None:  # a login not linked to a client yet: only the name is theirs
            del self.fields["phone"]
            return
        self.fields["time_zone"] = contact_time_zone_field(
            client, help_text=_("Every date and time in this portal is shown in this zone.")
        )

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError(_("Enter your name."))
        return name


class AgreementForm(IdempotentFormMixin, forms.ModelForm):
    membership = forms.ModelChoiceField(label=_("Staff member"), queryset=None)

    class Meta:
        model = ConfidentialityAgreement
        fields = ["membership", "kind", "signed_on", "file"]
        widgets = {"signed_on": DATE}

    def __init__(self, *args, practice: Practice, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(self, membership=_("Choose a staff member"), kind=_("Choose a kind"))
        self.fields["membership"].queryset = selectors.staff_memberships(practice=practice)
        self.fields["membership"].label_from_instance = _member_label
        self.initial.setdefault("kind", client.required_agreement_kind)
        self.fields["file"].help_text = _("PDF, PNG or JPEG, up to 10 MB.")

    def _post_clean(self):
        pass


# --- Onboarding ---------------------------------------------------------------------------


class OnboardingSendForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("Send to"), queryset=None, empty_label=None)

    def __init__(self, *args, practice: Practice, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.for_practice(practice).filter(
            client=client
        )


class QuestionnaireForm(forms.ModelForm):
    coverage_time_zone = TimeZoneField(label=_("In which time zone"), required=False)
    preferred_channels = forms.MultipleChoiceField(
        label=_("Preferred channels"),
        required=False,
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Questionnaire
        fields = ["services", *ANSWER_FIELDS]
        widgets = {
            "start_date": DATE,
            "coverage_needs": forms.Textarea(attrs={"rows": 2}),
            "response_expectations": forms.Textarea(attrs={"rows": 2}),
            "tools": forms.Textarea(attrs={"rows": 2}),
            "confidentiality_notes": forms.Textarea(attrs={"rows": 2}),
            "other_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "expected_hours_per_month": _("A rough estimate is fine."),
            "response_expectations": _("How quickly should we answer a request?"),
        }

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"] = CategoriesField(practice, label=_("Services wanted"))
        _bounded(self)
        self.fields["coverage_time_zone"].choices = [("", _("Not sure")), *time_zone_choices()]
        name_empty_choices(self, confidentiality=_("Not sure"))
        if self.instance.pk:
            self.initial["services"] = list(self.instance.services.all())

    def _post_clean(self):
        pass

    def answers(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("services", None)
        return data


# --- Engagements --------------------------------------------------------------------------


class EngagementStartForm(IdempotentFormMixin, forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Start from"),
        required=False,
        queryset=None,
        empty_label=_("Scratch (or the intake answers)"),
    )

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = selectors.plans_active(practice=practice)
        self.fields["plan"].label_from_instance = lambda plan: f"{plan.name} · {plan.price_summary}"


class EngagementForm(forms.ModelForm):
    coverage_time_zone = TimeZoneField(label=_("Coverage time zone"))
    call_minimum_minutes = forms.IntegerField(
        label=_("Minimum billed per phone call (minutes)"),
        required=False,
        min_value=0,
        max_value=240,
        help_text=_("A billable call logged for less is billed this long; empty or 0 = none."),
    )
    windows = CoverageField()
    # Coverage right after its time zone, so the grid preview sits next to what drives it.
    field_order = [
        "title",
        "billing_model",
        "monthly_fee",
        "included_hours",
        "hourly_rate",
        "overage_rate",
        "rollover_max_hours",
        "coverage_time_zone",
        "windows",
        "on_call",
        "response_target_hours",
    ]

    class Meta:
        model = Engagement
        fields = [
            "title",
            "billing_model",
            "monthly_fee",
            "included_hours",
            "hourly_rate",
            "overage_rate",
            "rollover_max_hours",
            "coverage_time_zone",
            "on_call",
            "response_target_hours",
            "categories",
            "start_date",
            "end_date",
            "rounding_minutes",
            "transcription_billing",
            "call_minimum_minutes",
            "rush_notice_hours",
            "rush_multiplier",
            "after_hours_multiplier",
            "alert_threshold_percent",
            "scope_notes",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "scope_notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"] = CategoriesField(practice, label=_("Services"))
        _bounded(self)
        _fields_per_billing_model(self)
        if self.instance.pk:
            self.initial.setdefault("windows", list(self.instance.coverage().windows))
            self.initial["categories"] = list(self.instance.categories.all())
        currency = self.instance.currency if self.instance.pk else ""
        for name in ("monthly_fee", "hourly_rate", "overage_rate"):
            self.fields[name].help_text = currency
        # A post without it (an older form, a script) keeps the engagement's current choice.
        self.fields["transcription_billing"].required = False

    def _post_clean(self):
        pass

    def clean_call_minimum_minutes(self) -> int:
        return self.cleaned_data.get("call_minimum_minutes") or 0

    def terms(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("categories", None)
        data.pop("windows", None)
        if not data.get("transcription_billing"):
            data["transcription_billing"] = self.instance.transcription_billing
        return data


class ChangeRequestForm(forms.Form):
    comment = forms.CharField(
        label=_("What would you like to change?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AgreementAcceptForm(forms.Form):
    """The client's acceptance: they confirm having read the agreement and type their name."""

    read_confirmed = forms.BooleanField(
        label=_("I have read the service agreement and accept it."),
        error_messages={"required": _("Confirm that you have read the agreement.")},
    )
    name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        help_text=_("Typed as your signature on the agreement."),
        error_messages={"required": _("Type your full name to accept.")},
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Type your full name to accept."))
        return name


class EndEngagementForm(forms.Form):
    end_date = limits.DateField(label=_("Last day"), required=False, widget=DATE)


# --- Brand kits ---------------------------------------------------------------------------


class _StoredLogo:
    """The current logo as the file widget shows it: its file name, linked to the logo view
    (media files are never served publicly)."""

    def __init__(self, name: str, url: str):
        self.name, self.url = name, url

    def __str__(self) -> str:
        return self.name


class LogoInput(forms.ClearableFileInput):
    """The logo as it looks, a file input to replace it, and "Remove the logo"; a file chosen
    is previewed before it is sent (``static/js/app.js``)."""

    template_name = "forms/widgets/logo.html"

    def __init__(self, attrs=None, *, url: str | None = None):
        super().__init__(attrs)
        self.url = url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.url and context["widget"]["is_initial"]:
            context["widget"]["value"] = _StoredLogo(value.name.rsplit("/", 1)[-1], self.url)
        return context


class BrandKitForm(forms.ModelForm):
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=LogoInput(attrs={"accept": "image/*"}),
        help_text=_("PNG, JPEG, GIF or WebP, up to 2 MB."),
    )
    font = forms.ChoiceField(label=_("Font"), choices=FONT_CHOICES)

    class Meta:
        model = BrandKit
        fields = [
            "logo",
            "primary_color",
            "secondary_color",
            "accent_color",
            "font",
            "tagline",
            "address_block",
        ]
        widgets = {
            "primary_color": COLOUR,
            "secondary_color": COLOUR,
            "accent_color": COLOUR,
            "address_block": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, practice: Practice | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if practice is not None and self.instance.pk and self.instance.logo:
            self.fields["logo"].widget.url = reverse(
                "brand_logo", kwargs={"practice_slug": practice.slug, "kit_id": self.instance.pk}
            )

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo is False:  # "clear" ticked
            return False
        return logo

    def _post_clean(self):
        # Colours are validated by the model validators, run here without touching the logo.
        for name in ("primary_color", "secondary_color", "accent_color"):
            value = self.cleaned_data.get(name)
            if value is None:
                continue
            try:
                self.instance._meta.get_field(name).run_validators(value.strip().lower())
            except ValidationError as error:
                self.add_error(name, error)

    def style(self) -> dict:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {
            name: data.get(name) or getattr(self.instance, name)
            for name in (
                "primary_color",
                "secondary_color",
                "accent_color",
                "font",
                "tagline",
                "address_block",
            )
        }
