"""Reminders of open invoices: default rules seeded once, each reminder sent once per invoice
and rule, only for open invoices with a balance; the admin's settings page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from billing.invoicing.reminders import fill, reminder_rules_seed, reminders_send_for
from billing.invoicing.tasks import send_invoice_reminders
from billing.models import ReminderRule, ReminderSent
from tests.billing.invoice_factories import issued_invoice, paid
from tests.clients.factories import ClientFactory

ISSUED = date(2026, 3, 1)
DUE = ISSUED + timedelta(days=14)


@pytest.fixture
def northwind(world):
    return ClientFactory(
        practice=world.practice,
        name="Northwind Legal",
        currency="AUD",
        billing_email="accounts@northwind.test",
    )


@pytest.fixture
def invoice(world, northwind):
    return issued_invoice(
        practice=world.practice, client=northwind, issue_date=ISSUED, number="INV-2026-00007"
    )


def test_it_seeds_the_default_rules_once(world):
    rules = reminder_rules_seed(practice=world.practice)
    assert [rule.days_from_due for rule in rules] == [-3, 0, 7, 21]
    assert "{number}" in rules[0].subject
    reminder_rules_seed(practice=world.practice)
    assert ReminderRule.objects.for_practice(world.practice).count() == 4


def test_it_sends_the_reminder_due_today_once(world, invoice):
    # Given the invoice is due in three days
    today = DUE - timedelta(days=3)
    # When the daily job runs twice that day
    assert reminders_send_for(practice=world.practice, today=today) == 1
    assert reminders_send_for(practice=world.practice, today=today) == 0
    # Then one reminder went, with the placeholders filled in
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["accounts@northwind.test"]
    assert message.subject == f"Invoice INV-2026-00007 is due on {DUE.isoformat()}"
    assert "AUD\xa01,000.00" in message.body and "Northwind Legal" in message.body
    assert ReminderSent.objects.for_practice(world.practice).get().days_from_due == -3


def test_it_sends_each_rule_in_turn(world, invoice):
    for offset in range(-5, 30):
        reminders_send_for(practice=world.practice, today=DUE + timedelta(days=offset))
    sent = ReminderSent.objects.for_practice(world.practice).order_by("days_from_due")
    assert [row.days_from_due for row in sent] == [-3, 0, 7, 21]
    assert len(mail.outbox) == 4


def test_it_catches_up_with_only_the_latest_reminder(world, invoice):
    # Given the job did not run until the invoice was ten days overdue
    reminders_send_for(practice=world.practice, today=DUE + timedelta(days=10))
    # Then only the "7 days overdue" reminder went
    assert [row.days_from_due for row in ReminderSent.objects.for_practice(world.practice)] == [7]
    assert "overdue" in mail.outbox[0].subject


def test_it_reminds_nobody_of_a_paid_invoice(world, invoice):
    paid(invoice, "1000.00")
    assert reminders_send_for(practice=world.practice, today=DUE) == 0
    assert mail.outbox == []


def test_it_skips_an_inactive_rule(world, invoice):
    reminder_rules_seed(practice=world.practice)
    ReminderRule.objects.for_practice(world.practice).filter(days_from_due=0).update(active=False)
    assert reminders_send_for(practice=world.practice, today=DUE - timedelta(days=3)) == 1
    # Then on the due date nothing more goes out
    assert reminders_send_for(practice=world.practice, today=DUE) == 0


def test_it_runs_for_every_practice_from_beat(world, invoice, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: DUE)
    assert send_invoice_reminders.apply().get() == 1


def test_it_fills_only_known_placeholders():
    text = fill(
        "{number} {unknown} {client.__class__}",
        {"number": "A", "client": "B"} | {"amount_due": "", "due_date": ""},
    )
    assert text == "A {unknown} {client.__class__}"


def test_it_checks_ownership(
    world, owner_client, secretary_client, contact_client, outsider_client
):
    rule = reminder_rules_seed(practice=world.practice)[0]
    pages = [
        reverse("invoice_reminders", args=[world.practice.slug]),
        reverse("invoice_reminder_edit", args=[world.practice.slug, rule.pk]),
    ]
    for page in pages:
        assert owner_client.get(page).status_code == 200
        assert secretary_client.get(page).status_code == 403
        assert contact_client.get(page).status_code == 404
        assert outsider_client.get(page).status_code == 404


def test_it_lets_an_admin_change_the_wording(world, owner_client):
    rule = reminder_rules_seed(practice=world.practice)[1]
    page = reverse("invoice_reminder_edit", args=[world.practice.slug, rule.pk])
    response = owner_client.post(
        page,
        {
            "days_from_due": "1",
            "subject": "Due: {number}",
            "body": "Pay {amount_due}",
            "active": "",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.days_from_due, rule.subject, rule.active) == (1, "Due: {number}", False)


def test_it_refuses_two_rules_on_one_day(world, owner_client):
    rule = reminder_rules_seed(practice=world.practice)[1]
    page = reverse("invoice_reminder_edit", args=[world.practice.slug, rule.pk])
    response = owner_client.post(
        page, {"days_from_due": "7", "subject": "x", "body": "y", "active": "on"}
    )
    assert response.status_code == 200
    assert "already" in str(response.context["form"].errors)
