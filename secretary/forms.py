"""Forms of the core web pages. Fields that take ids use querysets of the current practice."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from secretary import selectors
from secretary.audit import VERB_LABELS
from secretary.idempotency import IdempotentFormMixin
from secretary.models import (
    CURRENCIES,
    Membership,
    Practice,
    Role,
    User,
    time_zone_choices,
    validate_time_zone,
)


class PracticeForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, validators=[validate_time_zone]
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)

    class Meta:
        model = Practice
        fields = ["name", "time_zone", "currency"]
        labels = {"name": _("Practice name")}
        help_texts = {"currency": _("Used for plans and invoices.")}


class PracticeSettingsForm(forms.ModelForm):
    """What an owner or admin changes of the practice itself."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, validators=[validate_time_zone]
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)

    class Meta:
        model = Practice
        fields = ["name", "time_zone", "currency", "date_style"]
        labels = {"name": _("Practice name"), "date_style": _("Dates are typed")}
        help_texts = {
            "currency": _(
                "The default for new clients, plans and books; existing ones keep theirs."
            ),
            "date_style": _(
                "In every form of the practice and its portal. Pages write dates with the "
                "month's name (30 Nov 2026) and times on a 24-hour clock."
            ),
        }


class SignupExtraForm(forms.Form):
    """Fields allauth's signup form adds to email and password (``ACCOUNT_SIGNUP_FORM_CLASS``).

    The account adapter copies them onto the new user before it is first saved.
    """

    field_order = ["full_name", "email", "password1", "password2", "time_zone"]

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # Filled in by the browser (Intl API) so times show in the right zone from the start.
    time_zone = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput(attrs={"data-detect-time-zone": ""})
    )

    def clean_time_zone(self) -> str:
        value = (self.cleaned_data.get("time_zone") or "").strip()
        return value if value in zoneinfo.available_timezones() else "UTC"

    def signup(self, request, user) -> None:
        """Required by allauth; the adapter has already stored these fields."""


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        validators=[validate_time_zone],
        help_text=_("Dates and times are shown to you in this time zone."),
    )

    class Meta:
        model = User
        fields = ["full_name", "time_zone"]
        labels = {"full_name": _("Full name")}


def grantable_roles(actor: Membership) -> list[tuple[str, str]]:
    """Staff roles the actor may give on the members page (client contacts are invited from a
    client's page, with what the invitation grants)."""
    roles = [Role.SECRETARY, Role.ADMIN]
    if actor.role == Role.OWNER:
        roles.append(Role.OWNER)
    return [(role.value, role.label) for role in roles]


class MemberInviteForm(IdempotentFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, actor: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = grantable_roles(actor)
        self.fields["role"].initial = Role.SECRETARY


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, actor: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = grantable_roles(actor)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What will use it, e.g. “Bookkeeping sync”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ActivityFilterForm(forms.Form):
    verb = forms.ChoiceField(label=_("What"), required=False)
    person = forms.ModelChoiceField(
        label=_("Who"), required=False, queryset=User.objects.none(), empty_label=_("Anyone")
    )

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        verbs = sorted(VERB_LABELS.items(), key=lambda item: str(item[1]))
        self.fields["verb"].choices = [("", _("Anything")), *verbs]
        self.fields["person"].queryset = selectors.practice_people(practice=practice)
        self.fields["person"].label_from_instance = lambda user: (
            f"{user.full_name} ({user.email})" if user.full_name else user.email
        )
