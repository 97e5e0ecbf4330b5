"""The rows of the transcription list, written in Python: the same markup as the template
loop they replaced (kept here), for jobs of every kind."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import timezone

from tasks.models import Status
from tasks.transcription import selectors
from tasks.transcription.models import TranscriptionJob, Turnaround
from tests.factories import MembershipFactory, UserFactory
from tests.tasks.factories import ClientFactory, TaskFactory

pytestmark = pytest.mark.django_db

# The loop of tasks/transcription/list.html before ``transcription_rows``.
OLD_TRANSCRIPTION_ROWS = """{% load i18n secretary_tags tasks_tags %}{% for job in jobs %}<tr><td><a href="{% row_url 'transcription_workspace' job.pk %}">{{ job.audio_name }}</a></td><td>{{ job.client.name }}</td><td>{{ job.duration_seconds|floatformat:0 }} s</td><td>{% zoned job.task.due_at %}</td><td><progress max="100" value="{{ job.progress_percent }}"></progress> {{ job.progress_percent }} %</td><td>{% status_badge job.task.status job.task.get_status_display %}</td><td>{{ job.task.assignee.user|default:"—" }}</td></tr>
{% empty %}<tr><td colspan="7" class="empty">{% translate "No transcription jobs yet." %}</td></tr>{% endfor %}"""

VIEWER_ZONES = ["America/Los_Angeles", "Asia/Kolkata"]


def render(text: str, **context) -> str:
    return engines["django"].from_string(text).render(context)


@pytest.fixture
def jobs(world) -> list[TranscriptionJob]:
    """Jobs on tasks of every status, with and without a due time and an assignee, of every
    length (none, under a second, hours) and progress; markup in the names."""
    practice = world.practice
    now = timezone.now()
    clients = [
        ClientFactory(practice=practice, name='Smith & "Sons" <LA>'),
        ClientFactory(practice=practice, name="O'Brien"),
    ]
    person = MembershipFactory(practice=practice, user=UserFactory(full_name="Ann <b>&</b> 'Lee'"))
    assignees = [None, person, world.secretary]
    lengths = [("0", "0"), ("0.49", "0.2"), ("3.5", "1.75"), ("5432.51", "5432.51"), ("61", "99")]
    for number, status in enumerate(Status.values * 2):
        seconds, position = lengths[number % len(lengths)]
        task = TaskFactory(
            practice=practice,
            client=clients[number % 2],
            status=status,
            assignee=assignees[number % 3],
            due_at=None if number % 4 == 3 else now + timedelta(hours=17 * number),
        )
        TranscriptionJob.objects.create(
            practice=practice,
            task=task,
            client=task.client,
            audio="transcription/meeting.wav",
            audio_name=f"Meeting <{number}> & 'notes' \"x\".wav",
            audio_type="audio/x-wav",
            audio_size=1,
            duration_seconds=Decimal(seconds),
            position_seconds=Decimal(position),
            turnaround=Turnaround.HOURS_48,
        )
    return list(selectors.jobs_list(practice=practice).order_by("pk"))


@pytest.mark.parametrize("viewer_zone", VIEWER_ZONES)
def test_it_writes_the_transcription_rows_as_the_template_did(world, jobs, viewer_zone):
    # Given jobs of every kind
    context = {"practice": world.practice, "jobs": jobs}
    with timezone.override(viewer_zone):
        # When the old loop and the tag render them
        old = render(OLD_TRANSCRIPTION_ROWS, **context)
        new = render("{% load tasks_tags %}{% transcription_rows jobs %}", **context)
    # Then the markup is the same, byte for byte
    assert new == old
    assert old.count("<tr>") == len(jobs) > 10
    for seen in ("Meeting &lt;0&gt; &amp; &#x27;notes&#x27; &quot;x&quot;.wav", "O&#x27;Brien"):
        assert seen in old
    for seen in ("Ann &lt;b&gt;&amp;&lt;/b&gt; &#x27;Lee&#x27;", "<td>—</td>", "<td></td>"):
        assert seen in old
    for seen in ("<td>5433 s</td>", "<td>0 s</td>", 'value="100"', 'value="50"', "badge success"):
        assert seen in old


def test_it_writes_the_row_of_no_jobs_as_the_template_did(world):
    context = {"practice": world.practice, "jobs": []}
    new = render("{% load tasks_tags %}{% transcription_rows jobs %}", **context)
    assert new == render(OLD_TRANSCRIPTION_ROWS, **context)
    assert "No transcription jobs yet." in new
