"""The editor's inputs for each kind's fields: every kind's content goes through the page and
back unchanged, lists and nested blocks are added, moved and removed, and bad input is shown
where it was typed with nothing saved."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import compose
from documents.kind_forms import KIND_FORMS
from documents.models import CompositionVersion, DocumentKind
from documents.samples import sample_context
from tests.clients.factories import ClientFactory
from tests.conftest import client_for
from tests.documents.editor_inputs import editor_post, form_inputs
from tests.documents.factories import png_bytes

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, world, **kwargs) -> str:
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def northwind(world):
    return ClientFactory(
        practice=world.practice, name="Northwind Legal", time_zone="Australia/Sydney"
    )


def with_assets(value, upload):
    """``value`` with every sample picture (a ``data:`` URI) uploaded as the client's image."""
    if isinstance(value, dict):
        if str(value.get("src", "")).startswith("data:"):
            rest = {key: item for key, item in value.items() if key != "src"}
            return {**with_assets(rest, upload), "asset": upload(value["src"])}
        return {key: with_assets(item, upload) for key, item in value.items()}
    if isinstance(value, list):
        return [with_assets(item, upload) for item in value]
    return value


def pruned(value):
    """``value`` without empty texts, lists and objects (what an input left empty adds)."""
    if isinstance(value, dict):
        kept = {key: pruned(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in ("", [], {}, None)}
    if isinstance(value, list):
        return [pruned(item) for item in value]
    return value


def sample_content(world, client, kind):
    uploaded = {}

    def upload(src):
        if src not in uploaded:
            data = base64.b64decode(src.partition(",")[2])
            asset = compose.asset_upload(
                practice=world.practice,
                client=client,
                upload=SimpleUploadedFile("picture.png", data, content_type="image/png"),
            )
            uploaded[src] = asset.pk
        return uploaded[src]

    context = sample_context(kind)
    return with_assets({"blocks": context["blocks"], "fields": context["fields"]}, upload)


def save_as_shown(secretary_client, editor):
    """Post the editor's form exactly as the page shows it, with the Save button."""
    page = secretary_client.get(editor)
    assert page.status_code == 200
    data = form_inputs(page.content.decode())
    data["action"] = "save"
    return secretary_client.post(editor, data)


@pytest.mark.parametrize("kind", sorted(KIND_FORMS))
def test_every_kind_goes_through_the_editor_and_back_unchanged(
    world, secretary_client, northwind, kind
):
    # Given a document of the kind holding the sample's whole content (pictures uploaded)
    content = sample_content(world, northwind, kind)
    composition = compose.composition_create(
        practice=world.practice, client=northwind, kind=kind, title="Sample", content=content
    )
    editor = url("composition_editor", world, composition_id=composition.pk)

    # When the secretary saves the editor's form as it shows the document
    response = save_as_shown(secretary_client, editor)

    # Then the version kept has the same content (inputs left empty add nothing that shows;
    # when they add nothing at all, no new version is made)
    assert response.status_code == 200, response.content.decode()[:2000]
    saved = compose.version_latest(composition)
    assert pruned(saved.content["fields"]) == pruned(content["fields"])
    assert pruned(saved.content["blocks"]) == pruned(content["blocks"])

    # and saving the page again keeps no new version: the form is stable
    again = save_as_shown(secretary_client, editor)
    assert again.status_code == 200
    assert compose.version_latest(composition).pk == saved.pk


def create(world, client, kind, fields, blocks=()):
    return compose.composition_create(
        practice=world.practice,
        client=client,
        kind=kind,
        title=f"A {kind}",
        content={"blocks": list(blocks), "fields": fields},
    )


def test_a_new_document_starts_with_what_its_kind_needs(world, northwind):
    us_client = ClientFactory(practice=world.practice, name="Acme", time_zone="America/Chicago")

    brochure = compose.composition_create(
        practice=world.practice, client=northwind, kind=DocumentKind.BROCHURE, title="B"
    )
    cards = compose.composition_create(
        practice=world.practice, client=us_client, kind=DocumentKind.BUSINESS_CARDS, title="C"
    )
    letter = compose.composition_create(
        practice=world.practice, client=us_client, kind=DocumentKind.LETTER, title="L"
    )

    assert compose.version_latest(brochure).content["fields"]["panels"] == [{"blocks": []}] * 6
    assert compose.version_latest(cards).content["fields"]["card_size"] == "3.5x2"
    assert compose.version_latest(letter).content["fields"]["envelope"] == "10"


def test_it_adds_moves_and_removes_people_on_a_card_sheet(world, secretary_client, northwind):
    cards = create(world, northwind, DocumentKind.BUSINESS_CARDS, {"card_size": "85x55"})
    editor = url("composition_editor", world, composition_id=cards.pk)
    people = [{"name": "Olivia Chen", "title": "Principal"}, {"name": "Marcus Reid"}]
    typed = {"card_size": "85x55", "people": people}

    added = secretary_client.post(
        editor, editor_post(fields=typed, action="item-add@f-people"), **HTMX
    )
    moved = secretary_client.post(
        editor, editor_post(fields=typed, action="item-up:1@f-people"), **HTMX
    )
    removed = secretary_client.post(
        editor, editor_post(fields=typed, action="item-remove:0@f-people"), **HTMX
    )

    assert added.status_code == 200
    added_inputs = form_inputs(f'<form id="compose-form">{added.content.decode()}</form>')
    assert added_inputs["f-people-count"] == "3"
    assert added_inputs["f-people-2-name"] == ""
    assert "Person 3" in added.content.decode()
    moved_inputs = form_inputs(f'<form id="compose-form">{moved.content.decode()}</form>')
    assert [moved_inputs["f-people-0-name"], moved_inputs["f-people-1-name"]] == [
        "Marcus Reid",
        "Olivia Chen",
    ]
    assert moved_inputs["f-people-1-title"] == "Principal"
    removed_inputs = form_inputs(f'<form id="compose-form">{removed.content.decode()}</form>')
    assert removed_inputs["f-people-count"] == "1"
    assert removed_inputs["f-people-0-name"] == "Marcus Reid"
    # nothing is saved until the secretary saves
    assert CompositionVersion.objects.for_practice(world.practice).count() == 1


def test_it_adds_a_block_to_one_brochure_panel(world, secretary_client, northwind):
    brochure = compose.composition_create(
        practice=world.practice, client=northwind, kind=DocumentKind.BROCHURE, title="B"
    )
    editor = url("composition_editor", world, composition_id=brochure.pk)
    panels = [{"blocks": []} for _ in range(6)]
    panels[2] = {"blocks": [{"type": "heading", "text": "What we do", "level": "2"}]}

    response = secretary_client.post(
        editor,
        editor_post(fields={"panels": panels}, action="add:text@f-panels-2-blocks-"),
        **HTMX,
    )

    inputs = form_inputs(f'<form id="compose-form">{response.content.decode()}</form>')
    assert inputs["f-panels-2-blocks-blocks"] == "2"
    assert inputs["f-panels-2-blocks-b1-type"] == "text"
    assert inputs["f-panels-1-blocks-blocks"] == "0"
    assert "Panel 3: inside left" in response.content.decode()

    # and saving keeps the block in that panel only
    inputs["f-panels-2-blocks-b1-markdown"] = "Wills, powers of attorney and trusts."
    inputs["action"] = "save"
    assert secretary_client.post(editor, inputs).status_code == 200
    kept = compose.version_latest(brochure).content["fields"]["panels"]
    assert [len(panel["blocks"]) for panel in kept] == [0, 0, 2, 0, 0, 0]
    assert kept[2]["blocks"][1] == {
        "type": "text",
        "markdown": "Wills, powers of attorney and trusts.",
    }


def test_a_brochure_keeps_six_panels_whatever_is_posted(world, secretary_client, northwind):
    brochure = compose.composition_create(
        practice=world.practice, client=northwind, kind=DocumentKind.BROCHURE, title="B"
    )
    editor = url("composition_editor", world, composition_id=brochure.pk)
    data = editor_post(fields={"panels": [{"blocks": []}] * 6}, action="item-remove:0@f-panels")
    data["f-panels-count"] = "2"

    response = secretary_client.post(editor, data, **HTMX)

    inputs = form_inputs(f'<form id="compose-form">{response.content.decode()}</form>')
    assert sum(1 for name in inputs if name.endswith("-blocks-blocks")) == 6
    assert 'value="item-remove' not in response.content.decode()


def test_it_shows_a_problem_where_it_was_typed_and_saves_nothing(
    world, secretary_client, northwind
):
    agenda = create(world, northwind, DocumentKind.MEETING_AGENDA, {})
    editor = url("composition_editor", world, composition_id=agenda.pk)
    fields = {
        "meeting": {"title": "Partners' meeting", "attendees": ["Amelia Hart"]},
        "items": [{"title": "Welcome"}, {"title": "x" * 201, "owner": "Grace Lim"}],
    }

    response = secretary_client.post(editor, editor_post(fields=fields))

    body = response.content.decode()
    assert response.status_code == 400
    assert "Item 2 › Title: At most 200 characters." in body
    assert 'id="f-items-1-title"' in body and 'aria-invalid="true"' in body
    shown = form_inputs(body)
    assert shown["f-items-1-owner"] == "Grace Lim"
    assert shown["f-meeting-attendees"] == "Amelia Hart"
    assert CompositionVersion.objects.for_practice(world.practice).count() == 1


def test_it_refuses_a_choice_that_is_not_offered(world, secretary_client, northwind):
    cards = create(world, northwind, DocumentKind.BUSINESS_CARDS, {"card_size": "85x55"})
    data = editor_post(fields={"card_size": "90x50", "people": [{"name": "Olivia Chen"}]})

    response = secretary_client.post(
        url("composition_editor", world, composition_id=cards.pk), data
    )

    assert response.status_code == 400
    assert "Card size: Choose one of the options." in response.content.decode()
    assert CompositionVersion.objects.for_practice(world.practice).count() == 1


def test_an_image_field_takes_only_the_clients_own_images(world, secretary_client, northwind):
    other_client = ClientFactory(practice=world.practice, name="Other client")
    theirs = compose.asset_upload(
        practice=world.practice,
        client=other_client,
        upload=SimpleUploadedFile("theirs.png", png_bytes(), content_type="image/png"),
    )
    flier = create(world, northwind, DocumentKind.FLIER, {})
    editor = url("composition_editor", world, composition_id=flier.pk)

    foreign = secretary_client.post(
        editor, editor_post(fields={"hero": {"asset": theirs.pk, "alt": "Not ours"}})
    )
    garbage = secretary_client.post(
        editor, editor_post(fields={"hero": {"asset": "../../etc/passwd", "alt": ""}})
    )

    assert foreign.status_code == 400
    assert "An image is not among this client&#x27;s files." in foreign.content.decode()
    assert garbage.status_code == 400
    assert "Hero image: Choose one of the client&#x27;s images." in garbage.content.decode()
    assert CompositionVersion.objects.for_practice(world.practice).count() == 1


def test_it_carries_what_the_form_does_not_show(world, secretary_client, northwind):
    # Given an itinerary whose days carry their time zone and a field of a custom template
    fields = {
        "trip": "Tokyo roadshow",
        "days": [{"label": "Sun 6 December", "zone": "Asia/Tokyo", "items": []}],
        "dress_code": "Business",
    }
    itinerary = create(world, northwind, DocumentKind.TRAVEL_ITINERARY, fields)
    editor = url("composition_editor", world, composition_id=itinerary.pk)

    # When the secretary changes the trip's name through the page
    page = secretary_client.get(editor).content.decode()
    data = form_inputs(page)
    assert '"dress_code": "Business"' in data["fields"]
    data["f-trip"] = "Tokyo roadshow, December"
    data["action"] = "save"
    assert secretary_client.post(editor, data).status_code == 200

    # Then what the form does not show is kept as it was
    kept = compose.version_latest(itinerary).content["fields"]
    assert kept["trip"] == "Tokyo roadshow, December"
    assert kept["days"][0]["zone"] == "Asia/Tokyo"
    assert kept["dress_code"] == "Business"


def test_other_fields_cannot_name_a_field_of_the_form(world, secretary_client, northwind):
    letter = create(world, northwind, DocumentKind.LETTER, {})

    response = secretary_client.post(
        url("composition_editor", world, composition_id=letter.pk),
        editor_post(fields={"salutation": "Dear Sir,"}, other='{"salutation": "Hi"}'),
    )

    assert response.status_code == 400
    assert "“salutation” is edited in the form above" in response.content.decode()
    assert CompositionVersion.objects.for_practice(world.practice).count() == 1


def test_another_practices_user_cannot_act_on_the_fields(world, northwind):
    cards = create(world, northwind, DocumentKind.BUSINESS_CARDS, {"card_size": "85x55"})
    outsider = client_for(world.outsider.user)

    response = outsider.post(
        url("composition_editor", world, composition_id=cards.pk),
        editor_post(fields={"people": [{"name": "X"}]}, action="item-add@f-people"),
        **HTMX,
    )

    assert response.status_code == 404


def test_the_live_preview_is_bounded_per_person(world, secretary_client, northwind, monkeypatch):
    from django.core.cache import cache

    from documents import preview_guard

    letter = create(world, northwind, DocumentKind.LETTER, {})
    preview = url("composition_preview", world, composition_id=letter.pk)
    data = editor_post(blocks=[{"type": "heading", "text": "Hello", "level": "2"}])
    monkeypatch.setattr(preview_guard, "PREVIEWS_PER_MINUTE", 2)
    minute = 60 * (1_000_000 + world.secretary.user.pk)  # a minute of this test's own
    monkeypatch.setattr(preview_guard, "clock", lambda: minute + 1.0)
    cache.delete(f"documents:previews:{world.secretary.user.pk}:{minute // 60}")
    rendered = []
    monkeypatch.setattr(
        "documents.views_compose.composition_preview",
        lambda **kwargs: rendered.append(kwargs) or None,
    )

    # Another preview of the same person is being made: this one waits its turn
    cache.add(f"documents:preview-busy:{world.secretary.user.pk}", 1, 60)
    busy = secretary_client.post(preview, data, **HTMX)
    cache.delete(f"documents:preview-busy:{world.secretary.user.pk}")
    # then one more preview is made, and the next one in the minute is refused
    made = secretary_client.post(preview, data, **HTMX)
    refused = secretary_client.post(preview, data, **HTMX)

    assert "still being made" in busy.content.decode()
    assert busy["HX-Retarget"] == "#preview-status" and busy["HX-Trigger"] == "preview-retry"
    assert made.status_code == 200 and "HX-Retarget" not in made
    assert "asked for 2 times this minute" in refused.content.decode()
    assert len(rendered) == 1
    # and the slot is free again once a preview is made
    assert cache.get(f"documents:preview-busy:{world.secretary.user.pk}") is None
