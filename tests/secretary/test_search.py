"""Search across the practice: the page, the API, the rules of who sees what, and bad input.

Every test but the ``postgres`` ones runs on both databases (SQLite matches words with
"contains", PostgreSQL with full-text search); the ``postgres`` ones check what only full-text
search does (phrases, the GIN index, operators read by ``websearch_to_tsquery``)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Specialty
from secretary import search as core
from secretary.search import SearchContext
from tests.clients.factories import AgreementFactory, ClientFactory, ContactFactory
from tests.documents.factories import DocumentFactory
from tests.tasks.factories import CommentFactory, TaskFactory

pytestmark = pytest.mark.django_db

URL = reverse("search", args=["harbour-desk"])
API = reverse("api_search", args=["harbour-desk"])

BAD_TEXTS = [
    "'; DROP TABLE tasks_task;--",
    '" OR 1=1 --',
    ".*(",
    "[a-z]+\\",
    "& | ! <-> :*",
    "invoice:* & !draft",
    "a <-> b <2> c",
    '"unbalanced',
    "((invoice",
    "invoice))",
    "'",
    "\\",
    "%_%",
    "or",
    "-",
    "!!",
]


@pytest.fixture
def desk(world):
    """Practice A: a client with a contact, a task, a comment and a document that all say
    "harbourmaster"; practice B's rows say it too."""
    practice = world.practice
    client = ClientFactory(practice=practice, name="Northwind Legal", billing_email="ap@nw.test")
    contact = ContactFactory(
        practice=practice, client=client, name="Ada Harbourmaster", email="ada@nw.test"
    )
    task = TaskFactory(
        practice=practice,
        client=client,
        title="Book the harbourmaster's launch",
        description="Call the harbourmaster about Friday's slot.",
    )
    comment = CommentFactory(
        practice=practice,
        task=task,
        body="The harbourmaster confirmed nine o'clock.",
        internal=True,
    )
    document = DocumentFactory(
        practice=practice, client=client, title="Letter to the harbourmaster"
    )
    outside = ClientFactory(practice=world.other_practice, name="Harbourmaster Outside Ltd")
    TaskFactory(practice=world.other_practice, client=outside, title="Outside harbourmaster task")
    return {"client": client, "contact": contact, "task": task, "comment": comment, "doc": document}


def _groups(response) -> dict[str, list[str]]:
    return {g["key"]: [row["hit"].title for row in g["hits"]] for g in response.context["groups"]}


def test_it_checks_ownership(world, outsider_client, contact_client, secretary_client):
    assert outsider_client.get(URL, {"q": "x"}).status_code == 404
    assert contact_client.get(URL, {"q": "x"}).status_code == 404
    assert secretary_client.get(URL, {"q": "x"}).status_code == 200
    assert outsider_client.get(API, {"q": "x"}).status_code == 404
    assert contact_client.get(API, {"q": "x"}).status_code == 404
    assert secretary_client.get(API, {"q": "x"}).status_code == 200


def test_it_finds_every_kind_in_the_practice_only(desk, secretary_client):
    response = secretary_client.get(URL, {"q": "harbourmaster"})

    assert response.status_code == 200
    found = _groups(response)
    assert list(found) == ["contacts", "tasks", "comments", "documents"]
    assert found["contacts"] == ["Ada Harbourmaster"]
    assert found["tasks"] == ["Book the harbourmaster's launch"]
    # An internal note: search is a staff page.
    assert found["comments"] == ["Internal note on “Book the harbourmaster's launch”"]
    assert found["documents"] == ["Letter to the harbourmaster"]
    body = response.content.decode()
    assert "Outside" not in body
    assert reverse("task_detail", args=["harbour-desk", desk["task"].pk]) in body


def test_it_finds_a_client_by_name_and_email(desk, secretary_client):
    by_name = _groups(secretary_client.get(URL, {"q": "northwind"}))
    by_email = _groups(secretary_client.get(URL, {"q": "ap@nw.test"}))

    assert by_name["clients"] == ["Northwind Legal"]
    assert by_email["clients"] == ["Northwind Legal"]


def test_it_needs_every_word(desk, secretary_client):
    found = _groups(secretary_client.get(URL, {"q": "harbourmaster launch"}))

    assert found == {"tasks": ["Book the harbourmaster's launch"]}


def test_it_marks_the_match_and_escapes_what_people_wrote(world, secretary_client):
    client = ClientFactory(practice=world.practice, name="Acme")
    TaskFactory(
        practice=world.practice,
        client=client,
        title="<script>alert('x')</script> invoice run",
        description="<b>bold</b> invoice",
    )

    body = secretary_client.get(URL, {"q": "invoice"}).content.decode()

    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <mark>invoice</mark> run" in body
    assert "&lt;b&gt;bold&lt;/b&gt; <mark>invoice</mark>" in body


def test_it_shows_the_empty_and_the_no_result_states(desk, secretary_client):
    empty = secretary_client.get(URL)
    blank = secretary_client.get(URL, {"q": "   "})
    nothing = secretary_client.get(URL, {"q": "zeppelin"})
    no_words = secretary_client.get(URL, {"q": "&& ((("})

    assert "Press / on any page to search." in empty.content.decode()
    assert empty.context["groups"] == blank.context["groups"] == []
    assert "Nothing matches “zeppelin”." in nothing.content.decode()
    assert "Type a word or a name to search for." in no_words.content.decode()


def test_it_limits_each_kind_and_links_to_the_full_list(world, secretary_client):
    client = ClientFactory(practice=world.practice, name="Acme")
    for n in range(core.DEFAULT_LIMIT + 2):
        TaskFactory(practice=world.practice, client=client, title=f"Renewal {n}")

    response = secretary_client.get(URL, {"q": "renewal"})

    (group,) = response.context["groups"]
    assert group["count"] == core.DEFAULT_LIMIT and group["more"]
    assert len(group["hits"]) == core.DEFAULT_LIMIT
    assert group["more_url"] == reverse("task_list", args=["harbour-desk"]) + "?q=renewal"
    assert "More in the full list" in response.content.decode()


def test_it_hides_a_regulated_clients_records_from_staff_without_its_agreement(
    world, secretary_client, owner_client
):
    clinic = ClientFactory(
        practice=world.practice,
        name="Bayside Clinic",
        is_regulated=True,
        specialty=Specialty.MEDICAL,
    )
    ContactFactory(practice=world.practice, client=clinic, name="Dr Quill Patient")
    task = TaskFactory(practice=world.practice, client=clinic, title="Quill chart review")
    CommentFactory(practice=world.practice, task=task, body="Quill results are in.")
    DocumentFactory(practice=world.practice, client=clinic, title="Quill referral letter")
    # The owner signed the clinic's BAA; the secretary signed only an NDA (the wrong kind).
    AgreementFactory(practice=world.practice, client=clinic, membership=world.owner, kind="baa")
    AgreementFactory(practice=world.practice, client=clinic, membership=world.secretary, kind="nda")

    hidden = _groups(secretary_client.get(URL, {"q": "quill"}))
    shown = _groups(owner_client.get(URL, {"q": "quill"}))
    name = _groups(secretary_client.get(URL, {"q": "bayside"}))

    assert hidden == {}
    assert set(shown) == {"contacts", "tasks", "comments", "documents"}
    # The client itself is listed for every staff member, as on the client list.
    assert name == {"clients": ["Bayside Clinic"]}


def test_it_shows_a_regulated_clients_records_once_the_agreement_is_signed(world, secretary_client):
    firm = ClientFactory(practice=world.practice, name="Law firm", is_regulated=True)
    TaskFactory(practice=world.practice, client=firm, title="Quill deposition")
    AgreementFactory(
        practice=world.practice,
        client=firm,
        membership=world.secretary,
        kind="nda",
        signed_on=date(2025, 1, 2),
    )

    assert _groups(secretary_client.get(URL, {"q": "quill"})) == {"tasks": ["Quill deposition"]}


def _queries(client, text) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"q": text}).status_code == 200
    return len(queries)


def _reads_per_search() -> int:
    """PostgreSQL reads every kind in one statement; elsewhere one query per provider."""
    return 1 if connection.vendor == "postgresql" else len(core.providers())


def test_its_queries_do_not_grow_with_what_it_finds(world, secretary_client):
    def grow(count, start):
        for n in range(start, start + count):
            client = ClientFactory(practice=world.practice, name=f"Kestrel {n}")
            ContactFactory(practice=world.practice, client=client, name=f"Kestrel person {n}")
            task = TaskFactory(practice=world.practice, client=client, title=f"Kestrel task {n}")
            CommentFactory(practice=world.practice, task=task, body=f"Kestrel note {n}")
            DocumentFactory(practice=world.practice, client=client, title=f"Kestrel doc {n}")

    grow(1, 0)
    _queries(secretary_client, "warm")  # the tables' sizes, read once per process and period
    few = _queries(secretary_client, "kestrel")
    grow(10, 1)
    many = _queries(secretary_client, "kestrel")
    nothing = _queries(secretary_client, "zeppelin")

    assert few == many == nothing
    # The request's own reads (session, user, memberships...), the regulated clients closed
    # to the member (read once for every provider: no regulated client here, one query) and
    # the kinds' reads.
    baseline = _queries(secretary_client, "")
    assert many - baseline == 1 + _reads_per_search()


def test_it_reads_the_closed_regulated_clients_once_per_search(world, secretary_client):
    # Given two regulated clients, one of them closed to the secretary (no agreement)
    for name in ("Clinic", "Counsel"):
        client = ClientFactory(practice=world.practice, name=name, is_regulated=True)
        TaskFactory(practice=world.practice, client=client, title=f"Kestrel task of {name}")
    AgreementFactory(practice=world.practice, client=client, membership=world.secretary, kind="nda")
    _queries(secretary_client, "warm")  # the tables' sizes, read once per process and period
    # When the secretary searches, the rule costs two reads in all (the regulated clients and
    # the member's agreements), not one per provider
    plain = _queries(secretary_client, "zeppelin")
    assert plain - _queries(secretary_client, "") == 2 + _reads_per_search()
    # And only the open client's task is found
    assert _groups(secretary_client.get(URL, {"q": "kestrel"})) == {
        "tasks": ["Kestrel task of Counsel"]
    }


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_it_takes_sql_regex_and_full_text_operators_as_text(desk, secretary_client, text):
    page = secretary_client.get(URL, {"q": text})
    api = secretary_client.get(API, {"q": text})

    assert page.status_code == 200
    assert api.status_code == 200
    assert not page.context["form"].errors
    # Nothing was dropped or run: the practice's tasks are all there.
    assert desk["task"].__class__.objects.unscoped().filter(pk=desk["task"].pk).exists()


def test_it_takes_sql_text_as_words(world, secretary_client):
    client = ClientFactory(practice=world.practice, name="Acme")
    TaskFactory(practice=world.practice, client=client, title="Drop table bookings")

    found = _groups(secretary_client.get(URL, {"q": "'; DROP TABLE--"}))

    assert found == {"tasks": ["Drop table bookings"]}


def test_it_refuses_too_long_text_with_a_clear_error(desk, secretary_client):
    text = " ".join(["harbourmaster"] * 20)  # 279 characters

    page = secretary_client.get(URL, {"q": text})
    api = secretary_client.get(API, {"q": text})

    assert page.status_code == 200
    assert page.context["groups"] == []
    assert "Search for at most 200 characters (this is 279)." in page.content.decode()
    assert api.status_code == 400
    assert "q" in api.json()["errors"]


def test_it_refuses_nul_bytes_with_a_clear_error(desk, secretary_client):
    page = secretary_client.get(URL, {"q": "harbour\x00master"})
    api = secretary_client.get(API, {"q": "harbour\x00master"})

    assert page.status_code == 200
    assert page.context["form"].errors["q"]
    assert page.context["groups"] == []
    assert api.status_code == 400
    assert "q" in api.json()["errors"]


def test_the_api_answers_grouped_hits(desk, secretary_client):
    response = secretary_client.get(API, {"q": "harbourmaster", "limit": 1})

    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "harbourmaster"
    tasks = next(g for g in body["groups"] if g["key"] == "tasks")
    assert tasks["label"] == "Tasks"
    assert tasks["count"] == 1 and tasks["more"] is False
    (hit,) = tasks["hits"]
    assert hit["title"] == "Book the harbourmaster's launch"
    assert hit["url"] == reverse("task_detail", args=["harbour-desk", desk["task"].pk])
    assert hit["kind"] == "Task"
    assert "harbourmaster" in hit["snippet"]
    assert set(hit) == {"kind", "title", "url", "snippet", "when", "rank"}


def test_the_api_refuses_an_empty_text_and_a_bad_limit(desk, secretary_client):
    for params in (
        {},
        {"q": ""},
        {"q": "  \x01 "},
        {"q": "x", "limit": 0},
        {"q": "x", "limit": 99},
    ):
        response = secretary_client.get(API, params)
        assert response.status_code == 400, params
        assert response.json()["errors"]


def test_the_top_bar_has_the_search_box_on_staff_pages(world, secretary_client):
    body = secretary_client.get(reverse("dashboard", args=["harbour-desk"])).content.decode()

    assert 'id="site-search"' in body
    assert f'action="{URL}"' in body


def test_each_provider_reads_alone_too(desk, world):
    context = SearchContext(
        practice=world.practice, membership=world.secretary, text="harbourmaster", limit=5
    )

    tasks = core.provider_hits("tasks", context)
    assert [hit.title for hit in tasks] == ["Book the harbourmaster's launch"]
    assert [hit.kind for hit in core.provider_hits("comments", context)] == ["Comment"]


@pytest.mark.postgres
@pytest.mark.parametrize("member", ["secretary", "owner"])
@pytest.mark.parametrize("window_from_rows", [-2, 10**9], ids=["windowed", "gin-only"])
def test_the_one_statement_finds_what_each_provider_finds_alone(
    world, member, window_from_rows, monkeypatch, request
):
    """The statement (``search_statement``: SQL compiled once, values put in their places,
    every kind at once) finds what each provider's own queryset finds: the same rows, in the
    same order, for a member with a closed regulated client and for the owner, whether the
    dated kinds look at their newest rows first or read every match."""
    from clients.playbook.models import Playbook
    from secretary import search_statement

    monkeypatch.setattr(search_statement, "WINDOW_FROM_ROWS", window_from_rows)
    search_statement.forget()
    request.addfinalizer(search_statement.forget)  # the sizes read under the patch
    tasks_window = f"recent{[entry.key for entry in core.providers()].index('tasks')}("

    clinic = ClientFactory(
        practice=world.practice, name="Quill Clinic", is_regulated=True, specialty="medical"
    )
    firm = ClientFactory(practice=world.practice, name="Quill & Co", billing_email="q@co.test")
    AgreementFactory(practice=world.practice, client=clinic, membership=world.owner, kind="baa")
    for client in (firm, clinic):  # the clinic's tasks are the newest
        ContactFactory(practice=world.practice, client=client, name=f"Quill of {client.name}")
        for n in range(8):
            task = TaskFactory(practice=world.practice, client=client, title=f"Quill task {n}")
            CommentFactory(practice=world.practice, task=task, body=f"Quill 50% done {n}")
        DocumentFactory(practice=world.practice, client=client, title="Quill letter")
        Playbook.objects.create(
            practice=world.practice,
            client=client,
            version=1,
            content={"greeting": "Quill speaking, 50% off_today"},
        )
    membership = getattr(world, member)
    for text in ("quill", "quill task", '"quill letter"', "quill -task", "50%", "off_today"):
        with CaptureQueriesContext(connection) as queries:
            groups = core.search(practice=world.practice, membership=membership, text=text, limit=6)
        (statement,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("WITH")]
        assert (tasks_window in statement) is (window_from_rows < 0)
        together = {group.key: group.hits for group in groups}
        context = SearchContext(practice=world.practice, membership=membership, text=text, limit=6)
        alone = {
            entry.key: hits
            for entry in core.providers()
            if (hits := core.provider_hits(entry.key, context))
        }
        assert together == alone, text
        if text == "quill task":
            clinic_seen = any("Quill Clinic" in hit.snippet for hit in together["tasks"])
    # The clinic's tasks are newer: only a member who may read them sees them first.
    assert clinic_seen is (member == "owner")


def test_a_provider_may_not_read_money_through_the_statement(world):
    """The statement's rows come back as JSON, whose numbers are floats: a decimal column is
    refused when the provider's read is compiled, never rounded on the way."""
    from billing.models import Expense
    from secretary import search_statement

    core.register_search_provider(
        "expenses",
        rows=lambda context: Expense.objects.for_practice(context.practice),
        columns=("description", "amount"),
        fields=("description",),
        sort=("-date", "-pk"),
        hits=lambda context, rows: [],
        label="Expenses",
    )
    try:
        variant = search_statement.Variant(limit=6, is_admin=False, present=frozenset())
        with pytest.raises(ValueError, match="decimal column"):
            search_statement.compiled("expenses", variant, "rows")
    finally:
        del core.PROVIDERS["expenses"]
        search_statement.forget()


def test_a_provider_without_an_order_is_refused():
    """Rows without an order would come in any order the database likes, and pages would
    differ from one search to the next."""
    with pytest.raises(ValueError, match="needs an order"):
        core.register_search_provider(
            "unordered",
            rows=lambda context: None,
            columns=("pk",),
            hits=lambda context, rows: [],
            label="Unordered",
        )
    assert "unordered" not in core.PROVIDERS


# --- The text helpers ----------------------------------------------------------------------


def test_clean_query_drops_control_characters_and_collapses_blanks():
    assert core.clean_query("  a\x00b\t\n c\x7f ") == "a b c"
    assert core.clean_query(None) == ""


def test_query_terms_are_the_words_only():
    assert core.query_terms('"Smith & Co" -draft | (invoice:*)') == [
        "smith",
        "co",
        "draft",
        "invoice",
    ]


def test_snippet_cuts_around_the_first_match():
    text = "lorem " * 60 + "harbourmaster " + "ipsum " * 60

    piece = core.snippet(text, ["harbourmaster"])

    assert piece.startswith("…") and piece.endswith("…")
    assert "harbourmaster" in piece
    assert len(piece) <= core.SNIPPET_LENGTH + 2


def test_highlight_marks_every_term_without_regex_meaning():
    assert core.highlight("a.*( b A.*(", [".*(", "a"]) == [
        ("a", True),
        (".*(", True),
        (" b ", False),
        ("A", True),
        (".*(", True),
    ]


def test_highlighted_escapes_every_piece_and_marks_the_matches():
    html = core.highlighted("Tom & <b>Jerry</b> & tom", ["tom", "<b>"])

    assert html == (
        "<mark>Tom</mark> &amp; <mark>&lt;b&gt;</mark>Jerry&lt;/b&gt; &amp; <mark>tom</mark>"
    )


# --- PostgreSQL full-text search -----------------------------------------------------------


@pytest.mark.postgres
def test_it_searches_phrases_alternatives_and_exclusions_on_postgres(world, secretary_client):
    client = ClientFactory(practice=world.practice, name="Acme")
    for title in ("Renew the lease", "Lease renewal letter", "Renew passport", "Lease the van"):
        TaskFactory(practice=world.practice, client=client, title=title)

    def titles(text):
        return sorted(_groups(secretary_client.get(URL, {"q": text})).get("tasks", []))

    assert titles('"renew the lease"') == ["Renew the lease"]
    assert titles("passport or van") == ["Lease the van", "Renew passport"]
    assert titles("lease -van") == ["Lease renewal letter", "Renew the lease"]


@pytest.mark.postgres
@pytest.mark.parametrize("text", BAD_TEXTS)
def test_websearch_parsing_never_fails_on_postgres(world, text):
    from tasks.models import Task

    client = ClientFactory(practice=world.practice, name="Acme")
    TaskFactory(practice=world.practice, client=client, title="Invoice draft")

    queryset = core.text_match(
        Task.objects.for_practice(world.practice), ("title", "description"), text
    )

    assert isinstance(list(queryset), list)


@pytest.mark.postgres
def test_the_query_matches_the_stored_vector_under_its_gin_index_on_postgres(world):
    """Each searched table has a generated ``search_vector`` (PostgreSQL writes it: an update
    is found by its new words) with a GIN index, and the query matches that column.

    (Under the forced practice policies of row-level security the index serves the app's role
    only once ``ts_match_vq`` is leak-proof: ``test_search_indexes.py``.)"""
    from tasks.models import Task

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE indexname IN "
            "('client_search_idx', 'contact_search_idx', 'task_search_idx', "
            "'comment_search_idx', 'document_search_idx') ORDER BY tablename"
        )
        indexes = cursor.fetchall()
    client = ClientFactory(practice=world.practice, name="Acme")
    task = TaskFactory(practice=world.practice, client=client, title="Old words")
    Task.objects.for_practice(world.practice).filter(pk=task.pk).update(title="Harbourmaster")
    queryset = core.text_match(
        Task.objects.for_practice(world.practice), ("title", "description"), "harbourmaster"
    )

    assert [table for table, _ in indexes] == [
        "clients_client",
        "clients_contact",
        "documents_document",
        "tasks_comment",
        "tasks_task",
    ]
    assert all(definition.endswith("USING gin (search_vector)") for _, definition in indexes)
    assert "search_vector @@ " in queryset.explain()
    assert list(queryset) == [task]
