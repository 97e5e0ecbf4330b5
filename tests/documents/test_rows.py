"""The rows of the document list and of the composed documents, written in Python: the same
markup as the template loops they replaced (kept here), for rows of every kind."""

from datetime import timedelta

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone

from documents import selectors
from documents.models import (
    Composition,
    CompositionStatus,
    CompositionVersion,
    Document,
    DocumentKind,
    DocumentStatus,
)
from documents.views_compose import composition_rows
from tests.clients.factories import ClientFactory
from tests.documents.factories import DocumentFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The loop of documents/document_list.html before ``document_rows``.
OLD_DOCUMENT_ROWS = """{% load i18n %}{% for document in page.object_list %}
  <tr>
    <td>{{ document.title }}{% if document.created_by %}<div class="muted small">{% blocktranslate with name=document.created_by %}by {{ name }}{% endblocktranslate %}</div>{% endif %}</td>
    <td>{{ document.client|default:"—" }}</td>
    <td>{{ document.get_kind_display }}</td>
    <td>
      {% if document.status == "ready" %}<span class="badge success">{{ document.get_status_display }}</span>
      {% elif document.status == "failed" %}<span class="badge danger">{{ document.get_status_display }}</span>
        <div class="document-failure small">{{ document.failure_reason }}</div>
      {% elif document.is_stalled %}<span class="badge danger">{% translate "Stalled" %}</span>
      {% else %}<span class="badge warning">{{ document.get_status_display }}</span>{% endif %}
    </td>
    <td>{{ document.created_at|date:"j M Y H:i" }}</td>
    <td class="num">{{ document.page_count|default_if_none:"" }}</td>
    <td class="num">{% if document.size %}{{ document.size|filesizeformat }}{% endif %}</td>
    <td>
      {% if document.is_ready %}<a class="btn small secondary" href="{% url 'document_download' practice.slug document.pk %}">{% translate "Download" %}</a>
      {% elif document.can_retry %}
      <form method="post" action="{% url 'document_retry' practice.slug document.pk %}">{% csrf_token %}
        <input type="hidden" name="next" value="{{ request.get_full_path }}">
        <button class="small" type="submit">{% translate "Retry" %}</button>
      </form>
      {% endif %}
    </td>
  </tr>
  {% endfor %}"""

# The loop of documents/compose_list.html before ``composition_rows``.
OLD_COMPOSITION_ROWS = """{% for composition in page.object_list %}
  <tr>
    <td><a href="{% url 'composition_editor' practice.slug composition.pk %}">{{ composition.title }}</a></td>
    <td>{{ composition.client.name }}</td>
    <td>{{ composition.get_kind_display }}</td>
    <td>{% if composition.status == "approved" %}<span class="badge success">{{ composition.get_status_display }}</span>{% elif composition.status == "changes_requested" %}<span class="badge warning">{{ composition.get_status_display }}</span>{% elif composition.status == "awaiting_approval" %}<span class="badge warning">{{ composition.get_status_display }}</span>{% else %}<span class="badge neutral">{{ composition.get_status_display }}</span>{% endif %}</td>
    <td class="num">{{ composition.latest_number|default_if_none:"—" }}</td>
    <td>{{ composition.updated_at|date:"j M Y H:i" }}</td>
  </tr>
  {% endfor %}"""

VIEWER_ZONES = ["America/Los_Angeles", "Asia/Kolkata"]


def render(text: str, **context) -> str:
    return engines["django"].from_string(text).render(context)


@pytest.fixture
def documents(world) -> list[Document]:
    """Documents of every kind and status (rendering on time and stalled), with and without
    an author, a client, pages and a size (bytes to the largest the column holds, 2 GB); markup in the names."""
    practice = world.practice
    now = timezone.now()
    client = ClientFactory(practice=practice, name='Smith & "Sons" <LA>')
    author = UserFactory(full_name="Ann <b>&</b> 'Lee'")
    nameless = UserFactory(full_name="", email="no.name@example.com")
    states = [
        {"status": DocumentStatus.QUEUED},
        {"status": DocumentStatus.RENDERING, "claimed_until": now + timedelta(minutes=5)},
        {"status": DocumentStatus.RENDERING, "claimed_until": now - timedelta(minutes=5)},
        {"status": DocumentStatus.RENDERING, "rendering_started_at": now - timedelta(days=1)},
        {"status": DocumentStatus.RENDERING, "rendering_started_at": now},
        {"status": DocumentStatus.READY, "size": 1234567, "page_count": 3},
        {"status": DocumentStatus.READY, "size": 0, "page_count": 0},
        {"status": DocumentStatus.READY, "size": 2 * 1024**3 - 1, "page_count": 1234},
        {"status": DocumentStatus.FAILED, "failure_reason": "Uses {% include %} <&> 'x'"},
        {"status": DocumentStatus.FAILED, "size": 1023},
    ]
    for number, kind in enumerate(DocumentKind.values):
        state = states[number % len(states)]
        DocumentFactory(
            practice=practice,
            kind=kind,
            title=f"Letter {number} <&> \"{kind}\" 'x'",
            client=client if number % 2 else None,
            created_by=[author, None, nameless][number % 3],
            **state,
        )
    for number, state in enumerate(states):
        DocumentFactory(practice=practice, title=f"State {number}", **state)
    rows = list(selectors.document_list(practice=practice))
    for number, document in enumerate(rows):
        # Hours apart: days and months differ in the viewers' zones.
        document.created_at = now - timedelta(hours=17 * number)
    return rows


@pytest.mark.parametrize("viewer_zone", VIEWER_ZONES)
def test_it_writes_the_document_rows_as_the_template_did(world, documents, viewer_zone):
    # Given documents of every kind, on a page asked with a query and a CSRF token
    request = RequestFactory().get("/app/x/documents/", {"q": "<a & 'b'>", "kind": "letter"})
    context = {
        "practice": world.practice,
        "page": {"object_list": documents},
        "request": request,
        "csrf_token": "token<&>",
    }
    with timezone.override(viewer_zone):
        # When the old loop and the tag render them
        old = render(OLD_DOCUMENT_ROWS, **context)
        new = render("{% load documents_tags %}{% document_rows page.object_list %}", **context)
    # Then the markup is the same, byte for byte
    assert new == old
    assert old.count("<tr>") == len(documents)
    for seen in ("Ann &lt;b&gt;&amp;&lt;/b&gt; &#x27;Lee&#x27;", "by no.name@example.com", "—"):
        assert seen in old
    for seen in ("Stalled", "Rendering", "Queued", "Failed", "Download", "Retry", "GB", "MB"):
        assert seen in old
    assert 'value="/app/x/documents/?q=%3Ca' in old and 'value="token&lt;&amp;&gt;"' in old


def test_it_writes_the_document_rows_without_a_request(world, documents):
    context = {"practice": world.practice, "page": {"object_list": documents}}
    new = render("{% load documents_tags %}{% document_rows page.object_list %}", **context)
    assert new == render(OLD_DOCUMENT_ROWS, **context)


@pytest.fixture
def compositions(world) -> list[Composition]:
    """Compositions of every kind and status, with no version or a few; markup in the names."""
    practice = world.practice
    clients = [
        ClientFactory(practice=practice, name='Smith & "Sons" <LA>'),
        ClientFactory(practice=practice, name="O'Brien"),
    ]
    statuses = CompositionStatus.values
    for number, kind in enumerate(DocumentKind.values):
        composition = Composition.objects.create(
            practice=practice,
            client=clients[number % 2],
            kind=kind,
            title=f"<b>Issue</b> {number} & 'more'",
            paper="A4",
            status=statuses[number % len(statuses)],
        )
        for version in range(1, number % 4 + 1):
            CompositionVersion.objects.create(
                practice=practice,
                composition=composition,
                number=version * 1000 if number == 6 else version,
                content_hash=f"{version:064x}",
            )
    now = timezone.now()
    rows = list(composition_rows(practice=practice))
    for number, composition in enumerate(rows):
        composition.updated_at = now - timedelta(hours=17 * number)
    return rows


@pytest.mark.parametrize("viewer_zone", VIEWER_ZONES)
def test_it_writes_the_composition_rows_as_the_template_did(world, compositions, viewer_zone):
    # Given compositions of every kind
    context = {"practice": world.practice, "page": {"object_list": compositions}}
    with timezone.override(viewer_zone):
        # When the old loop and the tag render them
        old = render(OLD_COMPOSITION_ROWS, **context)
        new = render("{% load documents_tags %}{% composition_rows page.object_list %}", **context)
    # Then the markup is the same, byte for byte
    assert new == old
    assert old.count("<tr>") == len(compositions)
    for seen in ("&lt;b&gt;Issue&lt;/b&gt;", "O&#x27;Brien", "badge success", "badge neutral"):
        assert seen in old
    assert '<td class="num">—</td>' in old and '<td class="num">2000</td>' in old


@pytest.mark.parametrize("tag", ["document_rows", "composition_rows"])
def test_it_writes_nothing_for_no_documents(world, tag):
    text = f"{{% load documents_tags %}}{{% {tag} rows %}}"
    assert render(text, practice=world.practice, rows=[]) == ""
