"""The practice's template library: pages, services and the template a document renders with."""

import re

import pytest
from django.urls import reverse

from documents import compose, practice_templates
from documents.builtins import builtin_template
from documents.models import (
    Composition,
    DocumentKind,
    DocumentStatus,
    DocumentTemplate,
    DocumentTemplateVersion,
)
from documents.rendering import practice_media_folder
from secretary.errors import ApplicationError
from tests.clients.factories import ClientFactory
from tests.conftest import client_for
from tests.documents.pdf_facts import page_texts

HTMX = {"HTTP_HX_REQUEST": "true"}
MARKER = "Harbour house style"


def url(name: str, world, **kwargs) -> str:
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def with_marker(source: str) -> str:
    return source.replace("<body>", f"<body><p>{MARKER}</p>", 1)


def other_practice_file_url(world) -> str:
    from pathlib import Path

    return Path(practice_media_folder(world.other_practice.pk)).as_uri() + "/assets/logo.png"


def bad_sources(world) -> dict[str, tuple[str, str]]:
    """Each refused source, and what its error names (the line where it is known)."""
    base = builtin_template(DocumentKind.LETTER).source
    return {
        "include": ('<p>Hi</p>\n{% include "secrets.html" %}\n', "Line 2"),
        "import": ('<style>\n@import "https://example.com/x.css";\n</style>\n', "Line 2"),
        "remote url": (
            "<style>\n\nbody { background: url(http://example.com/x.png); }\n</style>\n",
            "Line 3",
        ),
        "other practice's file": (
            f'<style>\nbody {{ background: url("{other_practice_file_url(world)}"); }}\n</style>',
            "Line 2",
        ),
        "unclosed tag": (base + "\n{% if title %}", "if"),
        "empty": ("   ", ""),
    }


@pytest.fixture
def letter_template(world):
    return practice_templates.template_customise(
        practice=world.practice, kind=DocumentKind.LETTER, user=world.admin.user
    )


@pytest.fixture
def northwind(world):
    return ClientFactory(practice=world.practice, name="Northwind Legal", time_zone="UTC")


def test_it_checks_ownership(world, letter_template, outsider_client, contact_client):
    gets = [
        url("template_library", world),
        url("template_editor", world, template_id=letter_template.pk),
    ]
    admin_posts = [
        url("template_customise", world),
        url("template_editor", world, template_id=letter_template.pk),
        url("template_restore", world, template_id=letter_template.pk),
        url("template_archive", world, template_id=letter_template.pk),
    ]
    # a member of another practice and a client contact see nothing
    for client in (outsider_client, contact_client):
        for address in gets:
            assert client.get(address).status_code == 404, address
        for address in admin_posts:
            assert client.post(address, {"kind": "letter"}).status_code == 404, address
    # a secretary reads but may not change the library
    secretary = client_for(world.secretary.user)
    for address in gets:
        assert secretary.get(address).status_code == 200, address
    for address in admin_posts:
        assert secretary.post(address, {"kind": "letter", "source": "x"}).status_code == 403
    assert DocumentTemplate.objects.for_practice(world.practice).count() == 1
    assert DocumentTemplateVersion.objects.for_practice(world.practice).count() == 1
    assert not letter_template.__class__.objects.for_practice(world.practice).get().archived


def test_it_customises_a_builtin_as_version_one(world, owner_client):
    page = owner_client.get(url("template_library", world)).content.decode()
    token = re.search(r'name="idempotency_token" value="([^"]+)"', page).group(1)

    response = owner_client.post(
        url("template_customise", world), {"kind": "newsletter", "idempotency_token": token}
    )

    template = DocumentTemplate.objects.for_practice(world.practice).get()
    assert response.status_code == 302
    assert response["Location"] == url("template_editor", world, template_id=template.pk)
    assert template.kind == DocumentKind.NEWSLETTER
    version = template.versions.get()
    assert version.number == 1
    assert version.source == builtin_template(DocumentKind.NEWSLETTER).source
    assert version.created_by == world.owner.user


def test_it_lists_builtins_and_the_practices_templates_in_fixed_queries(
    world, secretary_client, django_assert_max_num_queries
):
    for kind in (DocumentKind.LETTER, DocumentKind.FLIER):
        practice_templates.template_customise(practice=world.practice, kind=kind)

    with django_assert_max_num_queries(12) as few:
        page = secretary_client.get(url("template_library", world))
    for kind in (DocumentKind.BROCHURE, DocumentKind.BOOKLET, DocumentKind.NEWSLETTER):
        practice_templates.template_customise(practice=world.practice, kind=kind)
    with django_assert_max_num_queries(len(few.captured_queries)):
        more = secretary_client.get(url("template_library", world))

    assert page.status_code == more.status_code == 200
    body = more.content.decode()
    for kind in compose.COMPOSABLE_KINDS:
        assert url("template_builtin_thumbnail", world) + f"?kind={kind.value}" in body
    assert "Brochure (our own)" in body
    # secretaries see no customise button
    assert url("template_customise", world) not in body


def test_it_shows_a_builtin_on_its_sample_as_a_picture(world, secretary_client):
    response = secretary_client.get(url("template_builtin_thumbnail", world) + "?kind=flier")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert (
        secretary_client.get(url("template_builtin_thumbnail", world) + "?kind=invoice").status_code
        == 400
    )


def test_it_saves_a_changed_source_as_a_new_version(world, admin_client_, letter_template):
    source = with_marker(letter_template.versions.get().source)

    response = admin_client_.post(
        url("template_editor", world, template_id=letter_template.pk),
        {"name": "House letter", "description": "Ours", "source": source},
    )
    again = admin_client_.post(
        url("template_editor", world, template_id=letter_template.pk),
        {"name": "House letter", "description": "Ours", "source": source},
    )

    assert response.status_code == again.status_code == 302
    versions = list(letter_template.versions.order_by("number"))
    assert [version.number for version in versions] == [1, 2]  # unchanged: no third
    assert versions[1].source == source and versions[1].created_by == world.admin.user
    letter_template.refresh_from_db()
    assert letter_template.name == "House letter"


@pytest.mark.parametrize(
    "case", ["include", "import", "remote url", "other practice's file", "unclosed tag", "empty"]
)
def test_it_refuses_a_bad_source_in_the_editor_and_saves_nothing(
    world, admin_client_, letter_template, case
):
    source, names = bad_sources(world)[case]

    response = admin_client_.post(
        url("template_editor", world, template_id=letter_template.pk),
        {"name": "Renamed", "description": "", "source": source},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "errorlist" in body
    assert names in body
    assert letter_template.versions.count() == 1
    letter_template.refresh_from_db()
    assert letter_template.name != "Renamed"


def test_it_restores_an_old_version_as_a_new_one(world, admin_client_, letter_template):
    original = letter_template.versions.get().source
    practice_templates.template_save(
        practice=world.practice, template=letter_template, source=with_marker(original)
    )

    response = admin_client_.post(
        url("template_restore", world, template_id=letter_template.pk), {"version": "1"}
    )
    missing = admin_client_.post(
        url("template_restore", world, template_id=letter_template.pk), {"version": "9"}
    )

    assert response.status_code == missing.status_code == 302
    latest = letter_template.versions.order_by("-number").first()
    assert latest.number == 3 and latest.source == original
    assert letter_template.versions.count() == 3


def test_it_archives_a_template_and_stops_offering_it(world, admin_client_, letter_template):
    response = admin_client_.post(url("template_archive", world, template_id=letter_template.pk))

    letter_template.refresh_from_db()
    assert response.status_code == 302 and letter_template.archived
    page = admin_client_.get(url("composition_new", world)).content.decode()
    assert f'value="{letter_template.pk}"' not in page
    with pytest.raises(ApplicationError):
        compose.composition_create(
            practice=world.practice,
            client=ClientFactory(practice=world.practice),
            kind=DocumentKind.LETTER,
            title="Late",
            template=letter_template,
        )


def test_it_previews_a_source_on_the_sample_without_saving(world, admin_client_, letter_template):
    source = with_marker(letter_template.versions.get().source)
    address = url("template_preview", world, template_id=letter_template.pk)

    good = admin_client_.post(address, {"source": source}, **HTMX)
    bad = admin_client_.post(address, {"source": '{% include "x.html" %}'}, **HTMX)

    assert good.status_code == 200 and 'src="data:image/png;base64,' in good.content.decode()
    assert "Line 1" in bad.content.decode()
    assert letter_template.versions.count() == 1


def test_a_practice_template_renders_its_composition(
    world, northwind, letter_template, django_capture_on_commit_callbacks
):
    practice_templates.template_save(
        practice=world.practice,
        template=letter_template,
        source=with_marker(letter_template.versions.get().source),
    )
    composition = compose.composition_create(
        practice=world.practice,
        client=northwind,
        kind=DocumentKind.LETTER,
        title="Welcome",
        template=letter_template,
        content={"blocks": [{"type": "text", "markdown": "Hello there."}], "fields": {}},
    )

    with django_capture_on_commit_callbacks(execute=True):
        document = compose.version_render(practice=world.practice, composition=composition)

    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.failure_reason
    assert document.template_version.startswith("practice:")
    with document.file.open("rb") as handle:
        text = " ".join(page_texts(handle.read()))
    assert MARKER in text and "Hello there." in text


def test_changing_the_template_renders_again_with_a_new_key(
    world, northwind, letter_template, django_capture_on_commit_callbacks
):
    composition = compose.composition_create(
        practice=world.practice,
        client=northwind,
        kind=DocumentKind.LETTER,
        title="Welcome",
        content={"blocks": [{"type": "text", "markdown": "Hello."}], "fields": {}},
    )
    render = lambda: compose.version_render(practice=world.practice, composition=composition)  # noqa: E731
    builtin = render()

    practice_templates.composition_template_set(
        practice=world.practice, composition=composition, template=letter_template
    )
    chosen = render()
    practice_templates.template_save(
        practice=world.practice,
        template=letter_template,
        source=with_marker(letter_template.versions.get().source),
    )
    edited = render()

    keys = {builtin.render_key, chosen.render_key, edited.render_key}
    assert len(keys) == 3
    assert compose.version_latest(composition).document_id == edited.pk
    assert builtin.template_version == builtin_template(DocumentKind.LETTER).version
    assert chosen.template_version != edited.template_version


def test_another_practices_template_is_refused(world, secretary_client, northwind):
    theirs = practice_templates.template_customise(
        practice=world.other_practice, kind=DocumentKind.LETTER
    )
    composition = compose.composition_create(
        practice=world.practice, client=northwind, kind=DocumentKind.LETTER, title="Ours"
    )
    page = secretary_client.get(url("composition_new", world)).content.decode()
    token = re.search(r'name="idempotency_token" value="([^"]+)"', page).group(1)

    created = secretary_client.post(
        url("composition_new", world),
        {
            "client": northwind.pk,
            "kind": "letter",
            "title": "Borrowed",
            "template": theirs.pk,
            "idempotency_token": token,
        },
    )
    chosen = secretary_client.post(
        url("composition_template", world, composition_id=composition.pk), {"template": theirs.pk}
    )

    assert created.status_code == 400
    assert not Composition.objects.for_practice(world.practice).filter(title="Borrowed").exists()
    assert chosen.status_code == 302
    composition.refresh_from_db()
    assert composition.template_id is None
    assert (
        secretary_client.get(url("template_editor", world, template_id=theirs.pk)).status_code
        == 404
    )
    with pytest.raises(ApplicationError):
        practice_templates.composition_template_set(
            practice=world.practice, composition=composition, template=theirs
        )


def test_the_editor_chooses_a_template_of_the_same_kind(
    world, secretary_client, northwind, letter_template
):
    flier = practice_templates.template_customise(practice=world.practice, kind=DocumentKind.FLIER)
    composition = compose.composition_create(
        practice=world.practice, client=northwind, kind=DocumentKind.LETTER, title="Ours"
    )
    editor = url("composition_editor", world, composition_id=composition.pk)
    page = secretary_client.get(editor).content.decode()
    assert f'value="{letter_template.pk}"' in page and f'value="{flier.pk}"' not in page
    address = url("composition_template", world, composition_id=composition.pk)

    wrong = secretary_client.post(address, {"template": flier.pk})
    composition.refresh_from_db()
    assert wrong.status_code == 302 and composition.template_id is None

    right = secretary_client.post(address, {"template": letter_template.pk})
    composition.refresh_from_db()
    assert right.status_code == 302 and composition.template_id == letter_template.pk

    secretary_client.post(address, {"template": ""})
    composition.refresh_from_db()
    assert composition.template_id is None


def test_a_new_document_takes_a_template_of_its_kind(
    world, secretary_client, northwind, letter_template
):
    page = secretary_client.get(url("composition_new", world)).content.decode()
    token = re.search(r'name="idempotency_token" value="([^"]+)"', page).group(1)

    wrong_kind = secretary_client.post(
        url("composition_new", world),
        {
            "client": northwind.pk,
            "kind": "flier",
            "title": "Flier",
            "template": letter_template.pk,
            "idempotency_token": token,
        },
    )
    right = secretary_client.post(
        url("composition_new", world),
        {
            "client": northwind.pk,
            "kind": "letter",
            "title": "Letter",
            "template": letter_template.pk,
            "idempotency_token": token,
        },
    )

    assert wrong_kind.status_code == 400
    assert right.status_code == 302
    made = Composition.objects.for_practice(world.practice).get()
    assert made.title == "Letter" and made.template_id == letter_template.pk


def test_an_approved_document_keeps_its_template(world, northwind, letter_template):
    composition = compose.composition_create(
        practice=world.practice, client=northwind, kind=DocumentKind.LETTER, title="Done"
    )
    Composition.objects.for_practice(world.practice).filter(pk=composition.pk).update(
        status="approved"
    )

    with pytest.raises(ApplicationError):
        practice_templates.composition_template_set(
            practice=world.practice, composition=composition, template=letter_template
        )


def test_an_approved_version_keeps_the_template_version_it_was_approved_in(
    world, northwind, letter_template, django_capture_on_commit_callbacks
):
    from clients.models import Contact

    Contact.objects.create(
        practice=world.practice,
        client=northwind,
        name="Ana Reyes",
        membership=world.client_contact,
        portal_documents=True,
    )
    composition = compose.composition_create(
        practice=world.practice,
        client=northwind,
        kind=DocumentKind.LETTER,
        title="Welcome",
        content={"blocks": [{"type": "text", "markdown": "Hello."}], "fields": {}},
        template=letter_template,
    )
    with django_capture_on_commit_callbacks(execute=True):
        version = compose.composition_send_for_approval(
            practice=world.practice, composition=composition
        )
    compose.composition_decide(
        practice=world.practice,
        composition=composition,
        version_id=version.pk,
        user=world.client_contact.user,
        decision="approved",
        name="Ana Reyes",
    )
    approved = compose.version_latest(composition).document
    # When an admin edits the template afterwards
    practice_templates.template_save(
        practice=world.practice,
        template=letter_template,
        source=with_marker(letter_template.versions.get().source),
    )
    composition.refresh_from_db()

    # Then the approved version still renders with the template version the client approved
    again = compose.version_render(practice=world.practice, composition=composition)
    assert again.template_version == approved.template_version
    assert again.pk == approved.pk
