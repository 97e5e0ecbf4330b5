"""The demo's front desk: Northwind Legal's playbook with six answers and a day of calls (two
messages for the client, one follow-up task), seeded once."""

import pytest

from clients.playbook.models import Playbook
from secretary.demo import seed_demo
from tasks.calls.models import Call
from tasks.models import Source

pytestmark = pytest.mark.django_db


def test_it_seeds_northwind_s_playbook_and_a_day_of_calls():
    demo = seed_demo()
    playbook = Playbook.objects.for_practice(demo.practice).get(client__name="Northwind Legal")
    assert len(playbook.content["inquiries"]) == 6
    calls = Call.objects.for_practice(demo.practice).filter(client__name="Northwind Legal")
    assert calls.count() == 5
    assert calls.filter(message_to_client=True).count() == 2
    follow_ups = calls.filter(follow_up=True)
    assert follow_ups.count() == 1
    assert follow_ups.get().task.source == Source.PHONE
    # A second run adds nothing
    seed_demo()
    assert calls.count() == 5
    assert playbook.versions.count() == 1
