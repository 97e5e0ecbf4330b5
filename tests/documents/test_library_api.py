"""API of the template library: staff read, admins write, refused sources answer 400."""

import pytest
from django.urls import reverse

from documents import practice_templates
from documents.builtins import builtin_template
from documents.models import DocumentKind, DocumentTemplate
from tests.conftest import client_for
from tests.documents.test_library import bad_sources


def api(name: str, world, **kwargs) -> str:
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def letter_template(world):
    return practice_templates.template_customise(practice=world.practice, kind=DocumentKind.LETTER)


def test_it_checks_ownership(world, letter_template, outsider_client, contact_client):
    detail = api("api_template_detail", world, template_id=letter_template.pk)
    for client in (outsider_client, contact_client):
        assert client.get(detail).status_code == 404
        assert (
            client.patch(detail, {"name": "X"}, content_type="application/json").status_code == 404
        )
    secretary = client_for(world.secretary.user)
    assert secretary.get(detail).status_code == 200
    assert (
        secretary.get(
            api("api_template_versions", world, template_id=letter_template.pk)
        ).status_code
        == 200
    )
    refused = secretary.patch(detail, {"name": "X"}, content_type="application/json")
    created = secretary.post(
        api("api_template_list", world),
        {"kind": "letter", "name": "Mine"},
        content_type="application/json",
    )
    assert refused.status_code == created.status_code == 403
    assert DocumentTemplate.objects.for_practice(world.practice).count() == 1


def test_it_creates_reads_versions_and_archives(
    world, admin_client_, django_assert_max_num_queries
):
    created = admin_client_.post(
        api("api_template_list", world),
        {"kind": "flier", "name": "Our flier"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["version"] == 1 and body["source"] == builtin_template("flier").source
    detail = api("api_template_detail", world, template_id=body["id"])

    patched = admin_client_.patch(
        detail,
        {"source": body["source"] + "\n", "archived": True},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["version"] == 2
    assert patched.json()["archived"] is True
    versions = admin_client_.get(api("api_template_versions", world, template_id=body["id"])).json()
    assert [row["number"] for row in versions["results"]] == [2, 1]

    practice_templates.template_customise(practice=world.practice, kind=DocumentKind.LETTER)
    with django_assert_max_num_queries(10) as few:
        listed = admin_client_.get(api("api_template_list", world))
    for kind in (DocumentKind.BROCHURE, DocumentKind.BOOKLET):
        practice_templates.template_customise(practice=world.practice, kind=kind)
    with django_assert_max_num_queries(len(few.captured_queries)):
        more = admin_client_.get(api("api_template_list", world))
    assert listed.json()["count"] == 2 and more.json()["count"] == 4


@pytest.mark.parametrize(
    "case", ["include", "import", "remote url", "other practice's file", "unclosed tag", "empty"]
)
def test_it_refuses_a_bad_source_with_its_line_and_saves_nothing(
    world, admin_client_, letter_template, case
):
    source, names = bad_sources(world)[case]

    patched = admin_client_.patch(
        api("api_template_detail", world, template_id=letter_template.pk),
        {"source": source, "name": "Renamed"},
        content_type="application/json",
    )
    created = admin_client_.post(
        api("api_template_list", world),
        {"kind": "letter", "name": "New", "source": source},
        content_type="application/json",
    )

    for response in (patched, created):
        assert response.status_code == 400
        assert "source" in response.json()["errors"]
        assert names in " ".join(response.json()["errors"]["source"])
    assert DocumentTemplate.objects.for_practice(world.practice).count() == 1
    assert letter_template.versions.count() == 1
    letter_template.refresh_from_db()
    assert letter_template.name != "Renamed"


def test_another_practices_template_answers_404(world, admin_client_):
    theirs = practice_templates.template_customise(
        practice=world.other_practice, kind=DocumentKind.LETTER
    )

    for name in ("api_template_detail", "api_template_versions"):
        assert admin_client_.get(api(name, world, template_id=theirs.pk)).status_code == 404
