"""The staff page of a newsletter's email and the test sent to oneself (through Celery, run
in-process after commit by the suite's settings)."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import compose
from documents.models import DocumentKind
from documents.newsletter_send import send_newsletter_test
from secretary.celery import app as celery_app
from secretary.models import ActivityEvent
from tests.clients.factories import ClientFactory, ContactFactory
from tests.conftest import client_for
from tests.documents.factories import png_bytes

pytestmark = pytest.mark.django_db

BLOCKS = [
    {"type": "heading", "text": "Winter hours", "level": 1},
    {"type": "text", "markdown": "We close at **noon** on Christmas Eve."},
]
FIELDS = {"masthead_title": "The Northwind Brief", "issue_number": "Issue 15"}


def url(name: str, world, **kwargs) -> str:
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def northwind(world):
    return ClientFactory(practice=world.practice, name="Northwind Legal", time_zone="UTC")


@pytest.fixture
def newsletter(world, northwind):
    asset = compose.asset_upload(
        practice=world.practice,
        client=northwind,
        upload=SimpleUploadedFile("team.png", png_bytes((40, 20)), content_type="image/png"),
    )
    return compose.composition_create(
        practice=world.practice,
        client=northwind,
        kind=DocumentKind.NEWSLETTER,
        title="December issue",
        user=world.secretary.user,
        content={
            "blocks": [*BLOCKS, {"type": "image", "asset": asset.pk, "alt": "Our team"}],
            "fields": FIELDS,
        },
    )


@pytest.fixture
def letter(world, northwind):
    return compose.composition_create(
        practice=world.practice,
        client=northwind,
        kind=DocumentKind.LETTER,
        title="A letter",
        content={"blocks": BLOCKS, "fields": {}},
    )


def test_it_checks_ownership(world, newsletter, outsider_client, contact_client, mailoutbox):
    ContactFactory(
        practice=world.practice, client=newsletter.client, membership=world.client_contact
    )
    page = url("composition_email", world, composition_id=newsletter.pk)
    test = url("composition_email_test", world, composition_id=newsletter.pk)

    # A member of another practice, and a client contact of the newsletter's client, find nothing
    for client in (outsider_client, contact_client):
        assert client.get(page).status_code == 404
        assert client.post(test).status_code == 404
    # Nor does the outsider naming their own practice with this newsletter's id
    own = reverse(
        "composition_email",
        kwargs={"practice_slug": world.other_practice.slug, "composition_id": newsletter.pk},
    )
    assert outsider_client.get(own).status_code == 404
    assert mailoutbox == []

    # Every staff role opens the page
    for membership in (world.secretary, world.admin, world.owner):
        assert client_for(membership.user).get(page).status_code == 200


def test_it_shows_the_email_as_it_arrives(world, newsletter, secretary_client):
    response = secretary_client.get(url("composition_email", world, composition_id=newsletter.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert "The Northwind Brief — Issue 15" in page  # the subject
    # The HTML sits in a frame that may run nothing and reach nothing
    frame = re.search(r"<iframe\b[^>]*>", page).group(0)
    assert 'sandbox=""' in frame
    srcdoc = html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
    assert ">Winter hours</h2>" in srcdoc and "cid:" not in srcdoc
    assert re.search(r'<img src="data:image/png;base64,[^"]+" width="40" height="20"', srcdoc)
    # Its <style> carries this response's nonce, so the page's policy lets it apply
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">' in srcdoc
    # And the text version is shown as written
    text = re.search(r'<pre class="email-text">(.*?)</pre>', page, re.S).group(1)
    assert "Winter hours\n============" in html.unescape(text)


def test_the_editor_links_to_the_email_of_a_newsletter_only(
    world, newsletter, letter, secretary_client
):
    email_page = url("composition_email", world, composition_id=newsletter.pk)
    editor = secretary_client.get(url("composition_editor", world, composition_id=newsletter.pk))
    assert f'href="{email_page}"' in editor.content.decode()

    other = secretary_client.get(url("composition_editor", world, composition_id=letter.pk))
    assert url("composition_email", world, composition_id=letter.pk) not in other.content.decode()


def test_another_kind_of_document_says_it_has_no_email(world, letter, secretary_client):
    response = secretary_client.get(url("composition_email", world, composition_id=letter.pk))

    assert response.status_code == 400
    assert "Only newsletters have an email version" in response.content.decode()


def test_it_sends_a_test_to_the_signed_in_member(
    world, newsletter, secretary_client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.DEFAULT_FROM_EMAIL = "Harbour Desk <mail@harbour.test>"

    # When the secretary asks for a test
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_client.post(
            url("composition_email_test", world, composition_id=newsletter.pk)
        )

    # Then one email, marked as a test, reaches them with its text, HTML and picture
    assert response.status_code == 302
    assert response["Location"] == url("composition_email", world, composition_id=newsletter.pk)
    (message,) = mailoutbox
    assert message.to == [world.secretary.user.email]
    assert message.subject == "[Test] The Northwind Brief — Issue 15"
    assert message.from_email == "Northwind Legal <mail@harbour.test>"
    assert "Winter hours" in message.body
    (alternative,) = message.alternatives
    assert alternative.mimetype == "text/html" and ">Winter hours</h2>" in alternative.content
    sent = message.message()
    assert [part.get_content_type() for part in sent.walk()] == [
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
    ]
    # And the page says so, and the audit log keeps who sent it
    page = secretary_client.get(response["Location"]).content.decode()
    assert f"A test of the email is on its way to {world.secretary.user.email}." in page
    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="composition.email_test_sent", actor=world.secretary.user)
        .exists()
    )


def test_it_sends_one_test_a_minute_per_member_and_newsletter(
    world, newsletter, northwind, secretary_client, mailoutbox, django_capture_on_commit_callbacks
):
    test = url("composition_email_test", world, composition_id=newsletter.pk)
    with django_capture_on_commit_callbacks(execute=True):
        secretary_client.post(test)

    # When the same member asks again at once
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_client.post(test, follow=True)

    # Then nothing more is sent, and they are told why
    assert len(mailoutbox) == 1
    assert "less than a minute ago" in response.content.decode()

    # But another member, or another newsletter, is not held back
    other = compose.composition_create(
        practice=world.practice,
        client=northwind,
        kind=DocumentKind.NEWSLETTER,
        title="January issue",
        content={"blocks": BLOCKS, "fields": {}},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.owner.user).post(test)
        secretary_client.post(url("composition_email_test", world, composition_id=other.pk))
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [world.secretary.user.email, world.owner.user.email, world.secretary.user.email]
    )


def test_a_test_of_another_kind_of_document_is_refused(
    world, letter, secretary_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_client.post(
            url("composition_email_test", world, composition_id=letter.pk), follow=True
        )

    assert "Only newsletters have an email version" in response.content.decode()
    assert mailoutbox == []


def test_the_job_sends_each_request_once(world, newsletter, mailoutbox):
    version = compose.version_latest(newsletter)
    job = {
        "practice_id": world.practice.pk,
        "composition_id": newsletter.pk,
        "version_id": version.pk,
        "user_id": world.secretary.user.pk,
        "send_id": "a1b2c3",
    }

    assert send_newsletter_test(**job) == "sent"
    assert send_newsletter_test(**job) == "skipped"  # a retried or duplicated job
    assert len(mailoutbox) == 1

    # A client contact, or a member of another practice, gets no test of it
    for membership in (world.client_contact, world.outsider):
        assert send_newsletter_test(**{**job, "user_id": membership.user.pk, "send_id": "x"}) == (
            "gone"
        )
    assert send_newsletter_test(**{**job, "practice_id": world.other_practice.pk}) == "gone"
    assert len(mailoutbox) == 1


def test_the_job_runs_on_the_default_queue():
    route = celery_app.amqp.router.route({}, send_newsletter_test.name, (), {})

    assert route["queue"].name == "default"
