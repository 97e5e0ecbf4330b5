"""The usage alert: once per engagement and period, to the secretary and the contacts."""

from datetime import date
from decimal import Decimal

import pytest

from clients.models import UsageAlert
from clients.tasks import check_usage_alert
from clients.usage import register_minutes_source, unregister_minutes_source


@pytest.fixture
def minutes():
    entries: dict[int, list[int]] = {}

    def source(*, practice, client_ids, start, end):
        return {cid: entries.get(cid, []) for cid in client_ids}

    register_minutes_source(source)
    yield entries
    unregister_minutes_source(source)


@pytest.fixture
def engagement(active):
    active.included_hours = Decimal("10")
    active.alert_threshold_percent = 80
    active.start_date = date(2020, 1, 1)
    active.save()
    return active


def test_it_stays_quiet_below_the_threshold(world, northwind, engagement, minutes, mailoutbox):
    minutes[northwind.pk] = [7 * 60]
    assert check_usage_alert(practice_id=world.practice.pk, client_id=northwind.pk) is False
    assert mailoutbox == []


def test_it_alerts_once_per_period(world, northwind, engagement, minutes, mailoutbox):
    # Given 8.5 of 10 included hours used (over 80%)
    minutes[northwind.pk] = [8 * 60, 30]
    assert check_usage_alert(practice_id=world.practice.pk, client_id=northwind.pk) is True
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == ["contact@client.test", "secretary@harbour.test"]
    assert "85.0%" in mailoutbox[0].subject
    # When more time is logged and the task runs again; then nothing more is sent
    minutes[northwind.pk].append(60)
    assert check_usage_alert(practice_id=world.practice.pk, client_id=northwind.pk) is False
    assert len(mailoutbox) == 2
    assert UsageAlert.objects.for_practice(world.practice).count() == 1


def test_it_ignores_clients_of_another_practice(world, northwind, engagement, minutes, mailoutbox):
    minutes[northwind.pk] = [10 * 60]
    assert check_usage_alert(practice_id=world.other_practice.pk, client_id=northwind.pk) is False
    assert mailoutbox == []


def test_a_failed_send_can_be_retried(
    world, northwind, engagement, minutes, mailoutbox, monkeypatch
):
    minutes[northwind.pk] = [9 * 60]
    from django.core.mail.backends.locmem import EmailBackend

    def broken(self, messages):
        raise OSError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    with pytest.raises(OSError):
        check_usage_alert.run(practice_id=world.practice.pk, client_id=northwind.pk)
    assert not UsageAlert.objects.for_practice(world.practice).exists()
    monkeypatch.undo()
    assert check_usage_alert(practice_id=world.practice.pk, client_id=northwind.pk) is True
