"""Staff settings of invoice reminders (admins): when each is sent and what it says."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from billing.invoicing.reminders import (
    PLACEHOLDERS,
    reminder_rule_update,
    reminder_rules_seed,
    rule_when,
)
from billing.models import ReminderRule
from secretary import limits
from secretary.access import admin_view
from secretary.errors import form_submit


class ReminderRuleForm(forms.Form):
    days_from_due = forms.IntegerField(
        label=gettext_lazy("Days from the due date"),
        min_value=-60,
        max_value=365,
        help_text=gettext_lazy("-3 = three days before, 0 = on the day, 7 = a week overdue."),
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Message"), max_length=limits.TEXT_NOTES, widget=forms.Textarea
    )
    active = forms.BooleanField(label=gettext_lazy("Send this reminder"), required=False)


@admin_view
@require_http_methods(["GET"])
def invoice_reminders(request: HttpRequest) -> HttpResponse:
    rules = reminder_rules_seed(practice=request.practice)
    for rule in rules:
        rule.when = rule_when(rule)
    placeholders = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    return render(
        request,
        "billing/invoice_reminders.html",
        {"rules": rules, "placeholders": placeholders},
    )


@admin_view
@require_http_methods(["GET", "POST"])
def invoice_reminder_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = ReminderRule.objects.for_practice(request.practice).filter(pk=rule_id).first()
    if rule is None:
        raise Http404
    initial = {
        "days_from_due": rule.days_from_due,
        "subject": rule.subject,
        "body": rule.body,
        "active": rule.active,
    }
    form = ReminderRuleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done, _rule = form_submit(
            request,
            form,
            lambda data: reminder_rule_update(
                practice=request.practice, rule=rule, user=request.user, request=request, **data
            ),
            success=_("Reminder saved."),
        )
        if done:
            return redirect("invoice_reminders", request.practice.slug)
    placeholders = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    return render(
        request,
        "billing/invoice_reminder_edit.html",
        {"form": form, "rule": rule, "placeholders": placeholders},
    )


staff_patterns: list = [
    path("invoices/reminders/", invoice_reminders, name="invoice_reminders"),
    path("invoices/reminders/<int:rule_id>/", invoice_reminder_edit, name="invoice_reminder_edit"),
]
portal_patterns: list = []
