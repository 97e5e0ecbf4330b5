"""Forms of the campaign pages (staff and portal)."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from clients.mailing.campaigns.models import SendingSettings
from clients.mailing.models import Audience, Segment
from secretary import limits
from secretary.idempotency import IdempotentFormMixin
from secretary.limits import validate_date_in_range


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _newsletters(practice):
    from documents.models import Composition, DocumentKind

    return (
        Composition.objects.for_practice(practice)
        .filter(kind=DocumentKind.NEWSLETTER)
        .select_related("client")
        .order_by("client__name", "-updated_at")
    )


class CampaignForm(forms.Form):
    composition = forms.ModelChoiceField(
        label=gettext_lazy("Newsletter"),
        queryset=None,
        empty_label=gettext_lazy("Choose a newsletter"),
    )
    audience = forms.ModelChoiceField(
        label=gettext_lazy("Mailing list"),
        queryset=None,
        empty_label=gettext_lazy("Choose a mailing list"),
        help_text=gettext_lazy("One of the newsletter's client's lists."),
    )
    segment = forms.ModelChoiceField(
        label=gettext_lazy("Segment"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("The whole list"),
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=160,
        required=False,
        help_text=gettext_lazy("For your lists; leave empty to use the newsletter's title."),
    )
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Leave empty to use the newsletter's own subject."),
    )
    from_name = forms.CharField(label=gettext_lazy("From name"), max_length=120, required=False)
    from_email = forms.EmailField(
        label=gettext_lazy("From address"),
        required=False,
        help_text=gettext_lazy("Leave empty for the list's sender, or the practice's."),
    )

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["composition"].queryset = _newsletters(practice)
        self.fields["composition"].label_from_instance = lambda row: f"{row.client} · {row.title}"
        self.fields["audience"].queryset = (
            Audience.objects.for_practice(practice)
            .select_related("client")
            .order_by("client__name", "name")
        )
        self.fields["audience"].label_from_instance = lambda row: f"{row.client} · {row.name}"
        self.fields["segment"].queryset = (
            Segment.objects.for_practice(practice)
            .select_related("audience")
            .order_by("audience__name", "name")
        )
        self.fields["segment"].label_from_instance = lambda row: f"{row.audience} · {row.name}"


class CampaignCreateForm(IdempotentFormMixin, CampaignForm):
    pass


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=gettext_lazy("Send at"),
        widget=DateTimeLocalInput(),
        validators=[validate_date_in_range],
    )

    def __init__(self, *args, time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        self.fields["scheduled_at"].help_text = gettext_lazy(
            "In the client's time zone (%(zone)s)."
        ) % {"zone": time_zone}

    def clean_scheduled_at(self):
        # The field read the time on the current clock; it means the client's clock.
        value = self.cleaned_data["scheduled_at"]
        naive = timezone.make_naive(value, timezone.get_current_timezone())
        try:
            zone = zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = timezone.get_current_timezone()
        return timezone.make_aware(naive, zone)


class SendingSettingsForm(forms.ModelForm):
    class Meta:
        model = SendingSettings
        fields = [
            "rate_per_minute",
            "batch_size",
            "parallel_senders",
            "from_name",
            "from_email",
            "track_opens",
            "track_clicks",
        ]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What should change?"),
        max_length=limits.TEXT_SHORT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("Say why, so your secretary knows what to change.")
        },
    )
