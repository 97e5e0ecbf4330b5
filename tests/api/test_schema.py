"""The OpenAPI schema (/api/schema/) and the interactive docs (/api/docs/), with no CDN."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS

from tests.isolation import tenant_routes


@pytest.fixture
def schema(tmp_path):
    GENERATOR_STATS.reset()
    path = tmp_path / "schema.yml"
    # Fails (raises) on any warning of the generator or any violation of OpenAPI 3.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_it_generates_a_valid_schema_without_warnings(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Secretary API"


def test_it_documents_every_api_route(schema):
    documented = set(schema["paths"])
    for name, route in tenant_routes().items():
        if not route.startswith("api/v1/"):
            continue
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        assert path in documented, f"{name} ({path}) is missing from the schema"


def test_it_documents_errors_and_token_auth(schema):
    members = schema["paths"]["/api/v1/practices/{practice_slug}/members/{member_id}/"]
    assert set(members["patch"]["responses"]) >= {"200", "400", "401", "403", "404"}
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"message", "errors"}
    assert schema["components"]["securitySchemes"]["personalAccessToken"]["scheme"] == "bearer"
    # Token management is for browser sessions only, and says so.
    tokens = schema["paths"]["/api/v1/practices/{practice_slug}/tokens/"]
    assert tokens["post"]["security"] == [{"cookieAuth": []}]


def test_it_documents_the_idempotency_key_on_creates(schema):
    paths = schema["paths"]
    tasks = paths["/api/v1/practices/{practice_slug}/tasks/"]
    header = next(p for p in tasks["post"]["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and not header.get("required", False)
    assert header["schema"]["maxLength"] == 200 and header["schema"]["pattern"]
    assert "422" in tasks["post"]["responses"]
    # Only on creates: not on reads, and not where the answer holds a secret (tokens)
    assert all(p["name"] != "Idempotency-Key" for p in tasks["get"].get("parameters", []))
    tokens = paths["/api/v1/practices/{practice_slug}/tokens/"]["post"]
    assert all(p["name"] != "Idempotency-Key" for p in tokens.get("parameters", []))


def test_it_serves_the_schema(db):
    response = Client().get(reverse("api_schema"), headers={"accept": "application/json"})

    assert response.status_code == 200
    assert "/api/v1/me/" in response.json()["paths"]


def test_it_serves_the_docs_from_our_own_static_files(db):
    # When the interactive docs page is loaded
    response = Client().get(reverse("api_docs"))
    assert response.status_code == 200
    html = response.content.decode()

    # Then every script, stylesheet and icon comes from /static/ and exists there, except the
    # page's own settings script, served by the same view (no inline script: see the CSP)
    assets = re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 3
    own_script = reverse("api_docs") + "?script="
    assert own_script in assets
    for asset in assets:
        if asset == own_script:
            continue
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a vendored file"
    script = Client().get(own_script).content.decode()
    assert not re.search(r"""(?:https?:)?//[\w.-]+\.\w""", script), "the script names another host"
    # And nothing on the page points to another host, not even swagger.io's validator
    assert not re.search(r"""(?:https?:)?//[\w.-]+\.\w""", html), "the page names another host"
    assert '"validatorUrl": null' in script


def test_it_documents_every_type_an_attachment_is_served_as(schema):
    from secretary.files import OFFICE_DOCUMENTS, PDF, RASTER_IMAGES, TEXT

    download = schema["paths"]["/api/v1/practices/{practice_slug}/attachments/{attachment_id}/"]
    documented = set(download["get"]["responses"]["200"]["content"])
    assert RASTER_IMAGES | PDF | OFFICE_DOCUMENTS | TEXT <= documented
    assert "application/octet-stream" in documented


def test_it_documents_a_transcript_save_as_the_whole_body_it_takes(schema):
    save = schema["paths"][
        "/api/v1/practices/{practice_slug}/transcription-jobs/{job_id}/transcript/"
    ]
    body = save["patch"]["requestBody"]
    assert body["required"] is True
    name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"transcript", "version"} <= set(schema["components"]["schemas"][name]["required"])


def test_the_search_text_pattern_refuses_exactly_what_the_search_refuses(schema):
    """A text is searched when something is left of it without blanks and control
    characters; the schema's pattern says so for every character."""
    from secretary.search import clean_query

    search = schema["paths"]["/api/v1/practices/{practice_slug}/search/"]["get"]
    (text,) = [p for p in search["parameters"] if p["name"] == "q"]
    assert text["required"] is True and text["schema"]["minLength"] == 1
    assert not text.get("allowEmptyValue")  # "?q=" searches nothing: 400
    pattern = re.compile(text["schema"]["pattern"])
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        character = chr(code)
        assert bool(pattern.search(character)) == bool(clean_query(character)), hex(code)
    assert pattern.search(" \t\x01 a ") and not pattern.search(" \t\x01\u3000")
