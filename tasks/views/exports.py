"""The page that takes tasks and time entries of a period out as a spreadsheet."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from secretary.access import admin_view
from secretary.audit import activity_record
from secretary.date_inputs import DateInput
from secretary.limits import validate_date_in_range
from tasks import exports


class ExportForm(forms.Form):
    what = forms.ChoiceField(
        label=_("What"),
        choices=[("tasks", _("Tasks created in the period")), ("time", _("Time entries"))],
        widget=forms.RadioSelect,
    )
    start = forms.DateField(
        label=_("From"), widget=DateInput(), validators=[validate_date_in_range]
    )
    end = forms.DateField(
        label=_("Until (included)"), widget=DateInput(), validators=[validate_date_in_range]
    )
    format = forms.ChoiceField(
        label=_("File"),
        choices=[("xlsx", _("Excel workbook (.xlsx)")), ("csv", _("CSV"))],
        widget=forms.RadioSelect,
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days > exports.MAX_DAYS:
                self.add_error("end", _("Choose a period of at most three years."))
        return data


@admin_view
@require_GET
def export_page(request):
    """The form; once it is filled in, the file."""
    today = timezone.localdate()
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    form = ExportForm(
        request.GET if "what" in request.GET else None,
        initial={
            "what": "time",
            "format": "xlsx",
            "start": last_month_end.replace(day=1),
            "end": last_month_end,
        },
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        activity_record(
            practice=request.practice,
            actor=request.user,
            verb="tasks.exported",
            data={
                "what": data["what"],
                "start": data["start"].isoformat(),
                "end": data["end"].isoformat(),
            },
            request=request,
        )
        return exports.export_response(
            request.membership, data["what"], data["start"], data["end"], data["format"]
        )
    return render(
        request, "tasks/exports.html", {"form": form}, status=400 if form.is_bound else 200
    )
