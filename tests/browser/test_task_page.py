"""The task page in a real browser: each card's labels tick that card's own fields, so a file
marked internal on the attachments card stays out of the client portal."""

import pytest
from django.urls import reverse

from secretary.models import Role
from tasks.models import Attachment
from tests.browser.session import signed_in
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.tasks.factories import ClientFactory, ContactFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office():
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    secretary = MembershipFactory(
        practice=practice, role=Role.SECRETARY, user=UserFactory(email="sam@harbour.test")
    )
    contact = MembershipFactory(
        practice=practice, role=Role.CLIENT, user=UserFactory(email="nora@northwind.test")
    )
    client = ClientFactory(practice=practice, name="Northwind Legal", primary_secretary=secretary)
    ContactFactory(practice=practice, client=client, membership=contact)
    task = TaskFactory(practice=practice, client=client, title="Book flights", assignee=secretary)
    return {"practice": practice, "secretary": secretary, "contact": contact, "task": task}


def test_it_marks_a_file_internal_from_its_own_label(
    live_server, browser, office, tmp_path, screenshot_dir
):
    practice, task = office["practice"], office["task"]
    memo = tmp_path / "fee-memo.pdf"
    memo.write_bytes(b"%PDF-1.4\n% internal memo\n")
    staff = signed_in(browser, live_server, office["secretary"].user)
    desk = staff.new_page()
    desk.goto(live_server.url + reverse("task_detail", args=[practice.slug, task.pk]))

    # When the secretary clicks the label "Internal" on the attachments card
    card = desk.locator("#attachments")
    card.get_by_text("Internal (the client does not see them)").click()

    # Then that card's box is ticked, and the conversation's is not
    assert card.locator("input[name=internal]").is_checked()
    assert not desk.locator("#conversation input[name=internal]").is_checked()
    card.locator("input[name=attachments]").set_input_files(str(memo))
    card.get_by_role("button", name="Attach", exact=True).click()
    desk.wait_for_selector("text=Files attached.")
    assert Attachment.objects.for_practice(practice).get().internal
    desk.screenshot(path=str(screenshot_dir / "staff-task.png"), full_page=True)

    # And the client never sees the file
    portal = signed_in(browser, live_server, office["contact"].user).new_page()
    portal.goto(live_server.url + reverse("portal_request_detail", args=[practice.slug, task.pk]))
    assert "Book flights" in portal.inner_text("main")
    assert "fee-memo.pdf" not in portal.content()
    staff.close()
