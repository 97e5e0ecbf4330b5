"""The transcription workspace in a real browser: the recording plays and pauses from the
keyboard, a shortcut inserts the current time into the transcript, and autosave stores it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from secretary.models import Role
from tasks.transcription.models import TranscriptionJob
from tests.browser.session import signed_in
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.tasks.factories import ClientFactory, TaskFactory
from tests.tasks.transcription.audio import job_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYER = "document.getElementById('transcription-player')"


def test_it_plays_stamps_and_autosaves(live_server, browser, screenshot_dir):
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    secretary = MembershipFactory(
        practice=practice, role=Role.SECRETARY, user=UserFactory(email="sam@harbour.test")
    )
    client = ClientFactory(practice=practice, name="Northwind Legal", primary_secretary=secretary)
    task = TaskFactory(
        practice=practice,
        client=client,
        title="Call",
        assignee=secretary,
        due_at=timezone.now() + timedelta(hours=48),
    )
    job = job_for(task, seconds=8)
    context = signed_in(browser, live_server, secretary.user)
    page = context.new_page()
    page.goto(live_server.url + reverse("transcription_workspace", args=[practice.slug, job.pk]))
    page.wait_for_function(f"() => {PLAYER}.readyState >= 1")
    assert page.get_by_text("Back 5 seconds").is_visible()

    # When the secretary presses Esc, the recording plays until it has moved on
    page.locator("#transcript").click()
    page.keyboard.press("Escape")
    page.wait_for_function(f"() => !{PLAYER}.paused && {PLAYER}.currentTime > 1")
    # and Esc again pauses it
    page.keyboard.press("Escape")
    page.wait_for_function(f"() => {PLAYER}.paused")
    # Ctrl+↑ plays faster, Ctrl+← goes back
    page.keyboard.press("Control+ArrowUp")
    assert page.evaluate(f"() => {PLAYER}.playbackRate") == 1.1
    assert page.locator("#transcription-rate").inner_text() == "1.1×"
    assert 1 < page.evaluate(f"() => {PLAYER}.currentTime") < 5
    page.keyboard.press("Control+ArrowLeft")
    assert page.evaluate(f"() => {PLAYER}.currentTime") == 0  # 5 s back, not before the start

    # When they type and press Ctrl+T, the current time is inserted as [hh:mm:ss]
    page.evaluate(f"() => {PLAYER}.currentTime = 3")
    page.wait_for_function(f"() => {PLAYER}.currentTime >= 3")
    page.keyboard.type("Ana: Good morning. ")
    page.keyboard.press("Control+t")
    text = page.locator("#transcript").input_value()
    assert text == "Ana: Good morning. [00:00:03] "

    # Then autosave stores it (leaving the editor saves at once) and says when
    page.locator("#transcription-player").focus()
    page.wait_for_selector("#transcription-status:has-text('Saved at')")
    job = TranscriptionJob.objects.for_practice(practice).get(pk=job.pk)
    assert job.transcript == "Ana: Good morning. [00:00:03] "
    assert job.version >= 1
    assert job.position_seconds > 1
    assert not page.locator("#shortcuts").is_visible()  # the page's own list stays closed
    page.screenshot(path=str(screenshot_dir / "transcription-workspace.png"), full_page=True)
    context.close()
