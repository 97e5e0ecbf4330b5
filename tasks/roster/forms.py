"""Forms of the roster pages. They parse input; the services judge it."""

from __future__ import annotations

from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.coverage import Window
from clients.models import Client, ClientStatus
from secretary import limits
from secretary.idempotency import IdempotentFormMixin
from secretary.limits import validate_date_in_range
from secretary.models import time_zone_choices
from tasks.roster.models import WEEKDAY_CHOICES, Shift
from tasks.roster.selectors import staff_of

SLOTS_PER_DAY = 3  # windows a day the grid offers (a split day and an evening)


class DateInput(forms.DateInput):
    input_type = "date"


def _time_field(label, **kwargs) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        **kwargs,
    )


class MemberField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj.user)


class AvailabilityForm(forms.Form):
    """A member's week as a grid: for each day up to three from/until pairs (until 00:00 is
    midnight), the zone they are written in and the most hours a week."""

    time_zone = forms.ChoiceField(
        label=_("My hours are in"),
        choices=time_zone_choices,
        error_messages={"invalid_choice": _("“%(value)s” is not a known time zone.")},
    )
    max_weekly_hours = forms.DecimalField(
        label=_("Most hours a week"),
        required=False,
        min_value=0,
        max_value=168,
        decimal_places=2,
        max_digits=5,
        help_text=_("Empty: no limit."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for weekday, label in WEEKDAY_CHOICES:
            for slot in range(SLOTS_PER_DAY):
                self.fields[f"d{weekday}_{slot}_start"] = _time_field(
                    _("%(day)s, window %(n)s, from") % {"day": label, "n": slot + 1}
                )
                self.fields[f"d{weekday}_{slot}_end"] = _time_field(
                    _("%(day)s, window %(n)s, until") % {"day": label, "n": slot + 1}
                )

    @staticmethod
    def initial_for(windows: list[Window]) -> dict:
        initial: dict = {}
        used: dict[int, int] = {}
        for window in sorted(windows):
            slot = used.get(window.weekday, 0)
            if slot >= SLOTS_PER_DAY:
                continue
            used[window.weekday] = slot + 1
            initial[f"d{window.weekday}_{slot}_start"] = window.start
            initial[f"d{window.weekday}_{slot}_end"] = window.end
        return initial

    def rows(self):
        """The grid for the template: one row per day, its from/until pairs."""
        return [
            {
                "label": label,
                "slots": [
                    (self[f"d{weekday}_{slot}_start"], self[f"d{weekday}_{slot}_end"])
                    for slot in range(SLOTS_PER_DAY)
                ],
            }
            for weekday, label in WEEKDAY_CHOICES
        ]

    def clean(self):
        data = super().clean()
        windows: list[Window] = []
        for weekday, _label in WEEKDAY_CHOICES:
            for slot in range(SLOTS_PER_DAY):
                start_name, end_name = f"d{weekday}_{slot}_start", f"d{weekday}_{slot}_end"
                start, end = data.get(start_name), data.get(end_name)
                if start is None and end is None:
                    continue
                if start is None or end is None:
                    missing = start_name if start is None else end_name
                    self.add_error(missing, _("Give both the start and the end of this window."))
                    continue
                windows.append(Window(weekday, start, end))
        data["windows"] = windows
        return data


class TimeOffForm(IdempotentFormMixin, forms.Form):
    start_date = forms.DateField(
        label=_("From"), widget=DateInput(), validators=[validate_date_in_range]
    )
    end_date = forms.DateField(
        label=_("Until"), widget=DateInput(), validators=[validate_date_in_range]
    )
    start_time = _time_field(_("From time"), help_text=_("Empty: the whole first day."))
    end_time = _time_field(_("Until time"), help_text=_("Empty: the whole last day."))
    note = forms.CharField(label=_("Note"), required=False, max_length=limits.TEXT_SHORT)


class ShiftForm(IdempotentFormMixin, forms.Form):
    membership = MemberField(label=_("Who"), queryset=None, empty_label=_("Choose someone"))
    weekday = forms.TypedChoiceField(label=_("Day"), coerce=int, choices=WEEKDAY_CHOICES)
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(
        label=_("Until"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("00:00 means midnight at the end of the day."),
    )

    def __init__(self, *args, practice, **kwargs):
        kwargs.setdefault("prefix", "shift")
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = staff_of(practice)


class ShiftExceptionForm(IdempotentFormMixin, forms.Form):
    shift = forms.ModelChoiceField(label=_("Shift"), queryset=None, empty_label=_("Choose a shift"))
    date = forms.DateField(label=_("On"), widget=DateInput(), validators=[validate_date_in_range])
    replacement = MemberField(
        label=_("Covered by"),
        queryset=None,
        required=False,
        empty_label=_("Nobody: the shift is off that day"),
    )

    def __init__(self, *args, practice, engagement, **kwargs):
        kwargs.setdefault("prefix", "exception")
        super().__init__(*args, **kwargs)
        self.fields["shift"].queryset = (
            Shift.objects.for_practice(practice)
            .filter(engagement=engagement)
            .select_related("membership__user")
        )
        self.fields["shift"].label_from_instance = lambda shift: (
            f"{shift.get_weekday_display()} {shift.start:%H:%M}–"
            f"{'24:00' if shift.end == time(0) else shift.end.strftime('%H:%M')} · "
            f"{shift.membership.user}"
        )
        self.fields["replacement"].queryset = staff_of(practice)


ROTATION_SEATS = 4


class RotationForm(forms.Form):
    handover_weekday = forms.TypedChoiceField(
        label=_("Handover day"), coerce=int, choices=WEEKDAY_CHOICES
    )
    handover_time = forms.TimeField(
        label=_("Handover time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    length_days = forms.IntegerField(label=_("Turn length (days)"), min_value=1, max_value=56)
    starts_on = forms.DateField(
        label=_("First turn from"), widget=DateInput(), validators=[validate_date_in_range]
    )

    def __init__(self, *args, practice, **kwargs):
        kwargs.setdefault("prefix", "rotation")
        super().__init__(*args, **kwargs)
        for seat in range(ROTATION_SEATS):
            self.fields[f"member_{seat}"] = MemberField(
                label=_("Turn %(n)s") % {"n": seat + 1},
                queryset=staff_of(practice),
                required=False,
                empty_label=_("Nobody"),
            )

    def members(self) -> list:
        return [self.cleaned_data.get(f"member_{seat}") for seat in range(ROTATION_SEATS)]


class HandoverForm(IdempotentFormMixin, forms.Form):
    client = forms.ModelChoiceField(
        label=_("Client"), queryset=None, empty_label=_("Choose a client")
    )
    note = forms.CharField(
        label=_("What the next person should know"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.TEXT_NOTES,
    )

    def __init__(self, *args, practice, **kwargs):
        kwargs.setdefault("prefix", "handover")
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.for_practice(practice).filter(
            status=ClientStatus.ACTIVE
        )


class RosterSettingsForm(forms.Form):
    auto_assign_requests = forms.BooleanField(
        label=_("Assign new portal requests to whoever is on duty"),
        required=False,
        help_text=_("Otherwise the request only suggests them."),
    )
