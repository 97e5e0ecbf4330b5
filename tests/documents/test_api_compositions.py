"""The documents API: compositions, versions, render, sending for approval, the client's
decision and comments, and rendered documents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import compose
from documents.models import (
    Approval,
    Composition,
    CompositionStatus,
    CompositionVersion,
    DocumentKind,
    ProofComment,
)
from tests.clients.factories import ClientFactory, ContactFactory
from tests.conftest import client_for
from tests.documents.factories import png_bytes
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"
BLOCKS = [{"type": "heading", "text": "Spring newsletter"}]


def url(world, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def northwind(world):
    client = ClientFactory(practice=world.practice, name="Northwind Legal", time_zone="UTC")
    ContactFactory(
        practice=world.practice,
        client=client,
        membership=world.client_contact,
        portal_documents=True,
    )
    return client


def make(world, client, blocks=BLOCKS):
    return compose.composition_create(
        practice=world.practice,
        client=client,
        kind=DocumentKind.LETTER,
        title="Spring newsletter",
        user=world.secretary.user,
        content={"blocks": blocks, "fields": {}},
    )


@pytest.fixture
def sent(world, northwind, django_capture_on_commit_callbacks):
    composition = make(world, northwind)
    with django_capture_on_commit_callbacks(execute=True):
        version = compose.composition_send_for_approval(
            practice=world.practice, composition=composition
        )
    return composition, version


def test_it_checks_ownership(world, sent, outsider_client, contact_client):
    composition, _version = sent
    c = {"composition_id": composition.pk}
    for name, kwargs in [
        ("api_composition_list", {}),
        ("api_composition_detail", c),
        ("api_composition_versions", c),
        ("api_composition_comments", c),
    ]:
        assert outsider_client.get(url(world, name, **kwargs)).status_code == 404
    # Contacts may not write content, render or send (403), nor see staff-only routes' effect
    assert (
        contact_client.patch(
            url(world, "api_composition_detail", **c), {"content": {}}, content_type=JSON
        ).status_code
        == 403
    )
    assert contact_client.post(url(world, "api_composition_render", **c)).status_code == 404
    assert contact_client.post(url(world, "api_composition_send", **c)).status_code == 404


def test_staff_create_and_read(world, northwind, secretary_client):
    answer = secretary_client.post(
        url(world, "api_composition_list"),
        {
            "client": northwind.pk,
            "kind": "letter",
            "title": "Summer",
            "content": {"blocks": BLOCKS, "fields": {}},
        },
        content_type=JSON,
        HTTP_IDEMPOTENCY_KEY="create-summer-1",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["status"] == "draft" and body["version"]["number"] == 1
    assert body["content"]["blocks"][0]["text"] == "Spring newsletter"
    again = secretary_client.post(
        url(world, "api_composition_list"),
        {
            "client": northwind.pk,
            "kind": "letter",
            "title": "Summer",
            "content": {"blocks": BLOCKS, "fields": {}},
        },
        content_type=JSON,
        HTTP_IDEMPOTENCY_KEY="create-summer-1",
    )
    assert again.json()["id"] == body["id"]
    assert Composition.objects.for_practice(world.practice).count() == 1

    listed = secretary_client.get(
        url(world, "api_composition_list"), {"client": northwind.pk, "status": "draft"}
    ).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]

    patched = secretary_client.patch(
        url(world, "api_composition_detail", composition_id=body["id"]),
        {"content": {"blocks": [*BLOCKS, {"type": "text", "markdown": "More"}], "fields": {}}},
        content_type=JSON,
    )
    assert patched.status_code == 200 and patched.json()["version"]["number"] == 2
    versions = secretary_client.get(
        url(world, "api_composition_versions", composition_id=body["id"])
    ).json()
    assert [row["number"] for row in versions["results"]] == [2, 1]


def test_render_and_send_and_download(
    world, northwind, secretary_client, django_capture_on_commit_callbacks
):
    composition = make(world, northwind)
    c = {"composition_id": composition.pk}
    with django_capture_on_commit_callbacks(execute=True):
        rendered = secretary_client.post(url(world, "api_composition_render", **c))
    assert rendered.status_code == 202
    document_id = rendered.json()["document"]
    status = secretary_client.get(url(world, "api_document_detail", document_id=document_id))
    assert status.json()["status"] == "ready"
    download = secretary_client.get(url(world, "api_document_download", document_id=document_id))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    with django_capture_on_commit_callbacks(execute=True):
        sent = secretary_client.post(url(world, "api_composition_send", **c))
    assert sent.status_code == 200 and sent.json()["status"] == "awaiting_approval"


@pytest.mark.parametrize(
    ("blocks", "field"),
    [
        ([{"type": "heading", "text": "x"}] * 10_000, "blocks"),
        ([{"type": "cta", "text": "Click", "url": "javascript:alert(1)"}], "blocks"),
        ([{"type": "nonsense"}], "blocks"),
    ],
)
def test_bad_content_answers_400_and_saves_nothing(
    world, northwind, secretary_client, blocks, field
):
    composition = make(world, northwind)
    answer = secretary_client.patch(
        url(world, "api_composition_detail", composition_id=composition.pk),
        {"content": {"blocks": blocks, "fields": {}}},
        content_type=JSON,
    )
    assert answer.status_code == 400
    assert field in answer.json()["errors"]
    assert CompositionVersion.objects.for_practice(world.practice).count() == 1


def test_bad_create_input_answers_400(world, northwind, secretary_client):
    other = ClientFactory(practice=world.outsider.practice)
    for body, field in [
        ({"client": northwind.pk, "kind": "invoice", "title": "X"}, "kind"),
        ({"client": northwind.pk, "kind": "letter", "title": ""}, "title"),
        ({"client": other.pk, "kind": "letter", "title": "X"}, "client"),
        ({"client": northwind.pk, "kind": "letter", "title": "X", "content": [1]}, "content"),
    ]:
        answer = secretary_client.post(url(world, "api_composition_list"), body, content_type=JSON)
        assert answer.status_code == 400, body
        assert field in answer.json()["errors"], answer.json()
    assert not Composition.objects.for_practice(world.practice).exists()


def test_script_stays_text(world, northwind, secretary_client):
    composition = make(world, northwind)
    answer = secretary_client.patch(
        url(world, "api_composition_detail", composition_id=composition.pk),
        {
            "content": {
                "blocks": [{"type": "heading", "text": "<script>alert(1)</script>"}],
                "fields": {},
            }
        },
        content_type=JSON,
    )
    assert answer.status_code == 200
    assert answer.json()["content"]["blocks"][0]["text"] == "<script>alert(1)</script>"
    from documents.content.blocks import blocks_html

    html = blocks_html(answer.json()["content"]["blocks"])
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_another_clients_image_is_refused(world, northwind, secretary_client):
    other = ClientFactory(practice=world.practice, name="Contoso")
    asset = compose.asset_upload(
        practice=world.practice,
        client=other,
        upload=SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
    )
    composition = make(world, northwind)
    answer = secretary_client.patch(
        url(world, "api_composition_detail", composition_id=composition.pk),
        {
            "content": {
                "blocks": [{"type": "image", "asset": asset.pk, "alt": "Logo"}],
                "fields": {},
            }
        },
        content_type=JSON,
    )
    assert answer.status_code == 400 and "blocks" in answer.json()["errors"]
    assert CompositionVersion.objects.for_practice(world.practice).count() == 1


def test_contacts_see_only_sent_versions(world, northwind, sent, contact_client):
    composition, version = sent
    unsent = make(world, northwind)
    listed = contact_client.get(url(world, "api_composition_list")).json()
    assert [row["id"] for row in listed["results"]] == [composition.pk]
    assert (
        contact_client.get(
            url(world, "api_composition_detail", composition_id=unsent.pk)
        ).status_code
        == 404
    )
    compose.composition_decide(
        practice=world.practice,
        composition=composition,
        version_id=version.pk,
        user=world.client_contact.user,
        decision="changes_requested",
        comment="Shorter.",
    )
    compose.composition_save(
        practice=world.practice,
        composition=composition,
        content={"blocks": [{"type": "heading", "text": "Secret draft"}], "fields": {}},
    )
    detail = contact_client.get(
        url(world, "api_composition_detail", composition_id=composition.pk)
    ).json()
    assert detail["version"]["id"] == version.pk and "Secret draft" not in str(detail)
    versions = contact_client.get(
        url(world, "api_composition_versions", composition_id=composition.pk)
    ).json()
    assert [row["id"] for row in versions["results"]] == [version.pk]


def test_contacts_of_another_client_or_without_documents_get_404(world, sent):
    composition, _version = sent
    other = ClientFactory(practice=world.practice)
    user = UserFactory()
    membership = MembershipFactory(practice=world.practice, user=user, role="client")
    ContactFactory(
        practice=world.practice, client=other, membership=membership, portal_documents=True
    )
    plain_user = UserFactory()
    plain = MembershipFactory(practice=world.practice, user=plain_user, role="client")
    ContactFactory(
        practice=world.practice, client=composition.client, membership=plain, portal_documents=False
    )
    detail = url(world, "api_composition_detail", composition_id=composition.pk)
    assert client_for(user).get(detail).status_code == 404
    assert client_for(plain_user).get(detail).status_code == 404
    assert client_for(plain_user).get(url(world, "api_composition_list")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "approved", "name": "Ana Reyes"}, "read_confirmed"),
        ({"decision": "approved", "read_confirmed": True, "name": "  "}, "name"),
        ({"decision": "changes_requested", "comment": ""}, "comment"),
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_bad_decisions_answer_400(world, sent, contact_client, body, field):
    composition, version = sent
    answer = contact_client.post(
        url(world, "api_composition_decide", composition_id=composition.pk),
        {"version": version.pk, **body},
        content_type=JSON,
    )
    assert answer.status_code == 400 and field in answer.json()["errors"]
    assert not Approval.objects.for_practice(world.practice).exists()


def test_approve_once(world, sent, contact_client, secretary_client):
    composition, version = sent
    decide = url(world, "api_composition_decide", composition_id=composition.pk)
    body = {
        "version": version.pk,
        "decision": "approved",
        "read_confirmed": True,
        "name": "Ana Reyes",
    }
    assert secretary_client.post(decide, body, content_type=JSON).status_code == 403
    answer = contact_client.post(decide, body, content_type=JSON, HTTP_USER_AGENT="API test")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["composition_status"] == "approved"
    approval = Approval.objects.for_practice(world.practice).get()
    assert approval.content_hash == version.content_hash and approval.user_agent == "API test"
    # Decide twice
    twice = contact_client.post(decide, body, content_type=JSON)
    assert twice.status_code == 400 and "version" in twice.json()["errors"]
    assert Approval.objects.for_practice(world.practice).count() == 1
    composition.refresh_from_db()
    assert composition.status == CompositionStatus.APPROVED


def test_approving_a_version_not_sent_is_refused(world, sent, contact_client):
    composition, _version = sent
    draft = CompositionVersion.objects.create(
        practice=world.practice,
        composition=composition,
        number=2,
        content={"blocks": BLOCKS, "fields": {"x": 1}},
        content_hash="f" * 64,
    )
    answer = contact_client.post(
        url(world, "api_composition_decide", composition_id=composition.pk),
        {"version": draft.pk, "decision": "approved", "read_confirmed": True, "name": "Ana"},
        content_type=JSON,
    )
    assert answer.status_code == 400
    assert not Approval.objects.for_practice(world.practice).exists()


def test_comments(world, sent, contact_client, secretary_client):
    composition, _version = sent
    comments = url(world, "api_composition_comments", composition_id=composition.pk)
    made = contact_client.post(
        comments, {"body": "Bigger logo", "page": 1, "x": "10.5", "y": "20"}, content_type=JSON
    )
    assert made.status_code == 201 and made.json()["from_client"] is True
    reply = secretary_client.post(comments, {"body": "Done", "page": 1}, content_type=JSON)
    assert reply.status_code == 201 and reply.json()["from_client"] is False
    for bad, field in [
        ({"body": "", "page": 1}, "body"),
        ({"body": "Hi", "page": 0}, "page"),
        ({"body": "Hi", "page": 5}, "page"),
        ({"body": "Hi", "page": 1, "x": "101", "y": "1"}, "x"),
        ({"body": "Hi", "page": 1, "x": "5"}, "y"),
    ]:
        answer = contact_client.post(comments, bad, content_type=JSON)
        assert answer.status_code == 400 and field in answer.json()["errors"], (bad, answer.json())
    assert ProofComment.objects.for_practice(world.practice).count() == 2
    listed = contact_client.get(comments).json()
    assert [row["body"] for row in listed["results"]] == ["Bigger logo", "Done"]


def test_create_with_one_of_the_practices_templates(world, northwind, secretary_client):
    from documents import practice_templates

    ours = practice_templates.template_customise(practice=world.practice, kind="letter")
    flier = practice_templates.template_customise(practice=world.practice, kind="flier")
    theirs = practice_templates.template_customise(practice=world.other_practice, kind="letter")

    def create(template, key):
        return secretary_client.post(
            url(world, "api_composition_list"),
            {"client": northwind.pk, "kind": "letter", "title": "Branded", "template": template},
            content_type=JSON,
            HTTP_IDEMPOTENCY_KEY=key,
        )

    for template, key in ((theirs.pk, "t-1"), (flier.pk, "t-2")):
        refused = create(template, key)
        assert refused.status_code == 400, refused.json()
        assert "template" in refused.json()["errors"]
    assert not Composition.objects.for_practice(world.practice).exists()

    answer = create(ours.pk, "t-3")
    assert answer.status_code == 201, answer.json()
    assert Composition.objects.for_practice(world.practice).get().template_id == ours.pk


def test_comments_are_ordered_on_request_even_with_no_version_to_show(
    world, sent, northwind, contact_client, secretary_client
):
    composition, _version = sent
    comments = url(world, "api_composition_comments", composition_id=composition.pk)
    for body in ("First", "Second"):
        made = contact_client.post(comments, {"body": body, "page": 1}, content_type=JSON)
        assert made.status_code == 201

    oldest_first = secretary_client.get(comments, {"ordering": "created_at"})
    newest_first = secretary_client.get(comments, {"ordering": "-created_at"})

    assert [row["body"] for row in oldest_first.json()["results"]] == ["First", "Second"]
    assert [row["body"] for row in newest_first.json()["results"]] == ["Second", "First"]
    # a document with nothing to show yet lists no comment (ordering asked or not)
    unsent = make(world, northwind)
    CompositionVersion.objects.for_practice(world.practice).filter(composition=unsent).delete()
    empty = secretary_client.get(
        url(world, "api_composition_comments", composition_id=unsent.pk), {"ordering": "page"}
    )
    assert empty.status_code == 200 and empty.json()["results"] == []


def test_a_patch_without_content_changes_nothing(world, northwind, secretary_client):
    composition = make(world, northwind)

    response = secretary_client.patch(
        url(world, "api_composition_detail", composition_id=composition.pk),
        {},
        content_type=JSON,
    )

    assert response.status_code == 200
    assert CompositionVersion.objects.for_practice(world.practice).count() == 1
