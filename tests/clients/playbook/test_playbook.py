"""The client playbook: versions, the editor, history, the portal's proposals, the switcher,
the search provider and the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import AgreementKind, Specialty
from clients.playbook import content as playbook_content
from clients.playbook import services
from clients.playbook.models import Playbook, PlaybookProposal, PlaybookVersion, ProposalStatus
from clients.playbook.selectors import switcher_clients
from secretary.errors import ApplicationError
from secretary.search import SearchContext, provider_hits
from tests.clients.factories import AgreementFactory, ClientFactory, ContactFactory
from tests.clients.playbook.helpers import portal_contact, sample_content, written_playbook
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(world):
    found = portal_contact(world)
    found.portal_documents = True
    found.save(update_fields=["portal_documents"])
    return found


def _url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def _posted(content: dict, **extra) -> dict:
    """``content`` as the editor's inputs post it."""
    data = {"base_version": "0", **extra}
    for key in ("greeting", "hours", "escalation"):
        data[f"f-{key}"] = content[key]
    data["f-never_say"] = "\n".join(content["never_say"])
    for key in ("people", "inquiries", "snippets", "spellings"):
        data[f"f-{key}-count"] = str(len(content[key]))
        for index, row in enumerate(content[key]):
            for name, value in row.items():
                data[f"f-{key}-{index}-{name}"] = value
    return data


# --- Services ---------------------------------------------------------------------------------


def test_it_makes_a_new_version_on_every_save_that_changes_something(world, contact):
    # Given a first version
    first = written_playbook(world, contact.client)
    assert first.number == 1
    assert first.changed == list(playbook_content.SECTION_KEYS)
    # When the greeting changes, then version 2 names that section only
    second = services.playbook_save(
        practice=world.practice,
        client=contact.client,
        actor=world.secretary,
        content=sample_content(greeting="Hello there."),
        base_number=1,
    )
    assert second.number == 2
    assert second.changed == ["greeting"]
    # And saving the same again makes none
    assert (
        services.playbook_save(
            practice=world.practice,
            client=contact.client,
            actor=world.secretary,
            content=sample_content(greeting="Hello there."),
            base_number=2,
        )
        is None
    )
    assert PlaybookVersion.objects.unscoped().filter(playbook__client=contact.client).count() == 2
    # The old version keeps its content
    assert (
        PlaybookVersion.objects.unscoped()
        .get(number=1)
        .content["greeting"]
        .startswith("Good morning")
    )


def test_it_keeps_prices_as_decimals_with_their_currency(world, contact):
    version = written_playbook(
        world,
        contact.client,
        sample_content(
            snippets=[{"service": "Crown", "text": "", "price": "950.5", "currency": "eur"}]
        ),
    )
    snippet = version.content["snippets"][0]
    assert snippet == {"service": "Crown", "text": "", "price": "950.50", "currency": "EUR"}
    assert str(playbook_content.price_of(snippet)) == "950.50"


def test_it_refuses_a_save_over_a_newer_version(world, contact):
    written_playbook(world, contact.client)
    with pytest.raises(ApplicationError) as error:
        services.playbook_save(
            practice=world.practice,
            client=contact.client,
            actor=world.secretary,
            content=sample_content(greeting="Mine"),
            base_number=0,
        )
    assert "base_version" in error.value.errors


def test_it_refuses_an_answer_over_the_limit_and_saves_nothing(world, contact):
    # Given an approved answer one character too long
    long_answer = "x" * (playbook_content.MAX_ANSWER + 1)
    content = sample_content(inquiries=[{"question": "Why?", "answer": long_answer}])
    # When it is saved, then it is refused, by where it is
    with pytest.raises(playbook_content.ContentInvalid) as error:
        services.playbook_save(
            practice=world.practice, client=contact.client, actor=world.secretary, content=content
        )
    assert ("inquiries", 0, "answer") in error.value.problems
    assert "Common inquiries › 1 › Approved answer" in error.value.errors["content"][0]
    assert not PlaybookVersion.objects.unscoped().filter(playbook__client=contact.client).exists()


@pytest.mark.parametrize(
    "changes, path",
    [
        ({"people": [{"name": "", "role": "Boss"}]}, ("people", 0, "name")),
        ({"people": [{"name": "Al", "email": "not-an-email"}]}, ("people", 0, "email")),
        ({"people": [{"name": "Al", "put_through": "maybe"}]}, ("people", 0, "put_through")),
        (
            {"snippets": [{"service": "X", "price": "12,5x", "currency": "USD"}]},
            ("snippets", 0, "price"),
        ),
        (
            {"snippets": [{"service": "X", "price": "12", "currency": ""}]},
            ("snippets", 0, "currency"),
        ),
        (
            {"snippets": [{"service": "X", "price": "-1", "currency": "USD"}]},
            ("snippets", 0, "price"),
        ),
        ({"inquiries": [{"question": "Only a question"}]}, ("inquiries", 0, "answer")),
        ({"greeting": 12}, ("greeting",)),
        ({"unknown": "x"}, ("unknown",)),
        ({"never_say": ["x"] * 61}, ("never_say",)),
    ],
)
def test_it_names_every_bad_section(world, contact, changes, path):
    with pytest.raises(playbook_content.ContentInvalid) as error:
        playbook_content.content_clean(sample_content(**changes))
    assert path in error.value.problems


def test_it_accepts_a_proposal_as_the_next_version(world, contact):
    # Given version 1, and a proposal from the client's contact changing the hours
    written_playbook(world, contact.client)
    proposal = services.playbook_propose(
        practice=world.practice, contact=contact, content=sample_content(hours="Mon-Sat 8-18")
    )
    assert proposal.changed == ["hours"]
    # And staff change the greeting meanwhile (version 2)
    services.playbook_save(
        practice=world.practice,
        client=contact.client,
        actor=world.secretary,
        content=sample_content(greeting="Hi."),
    )
    # When the proposal is accepted
    services.proposal_accept(practice=world.practice, proposal=proposal, actor=world.secretary)
    # Then version 3 has the proposed hours and keeps the staff's greeting
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.version.number == 3
    assert proposal.version.content["hours"] == "Mon-Sat 8-18"
    assert proposal.version.content["greeting"] == "Hi."
    # And it cannot be decided twice
    with pytest.raises(ApplicationError):
        services.proposal_decline(
            practice=world.practice, proposal=proposal, actor=world.secretary, reason="No"
        )


def test_it_declines_a_proposal_only_with_a_reason(world, contact):
    written_playbook(world, contact.client)
    proposal = services.playbook_propose(
        practice=world.practice, contact=contact, content=sample_content(hours="Never")
    )
    with pytest.raises(ApplicationError) as error:
        services.proposal_decline(
            practice=world.practice, proposal=proposal, actor=world.secretary, reason="  "
        )
    assert "reason" in error.value.errors
    services.proposal_decline(
        practice=world.practice, proposal=proposal, actor=world.secretary, reason="Not yet."
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason) == (ProposalStatus.DECLINED, "Not yet.")


def test_it_refuses_a_proposal_from_a_contact_without_the_portal_part(world, contact):
    # Given a contact who may not approve documents
    contact.portal_documents = False
    contact.save(update_fields=["portal_documents"])
    # When they propose, then the service refuses and nothing is stored
    with pytest.raises(ApplicationError) as error:
        services.playbook_propose(
            practice=world.practice, contact=contact, content=sample_content()
        )
    assert "contact" in error.value.errors
    assert not PlaybookProposal.objects.unscoped().exists()
    # And the portal's pages are not there for them
    browser = client_for(world.client_contact.user)
    assert browser.get(_url(world, "portal_playbook")).status_code == 404
    response = browser.post(_url(world, "portal_playbook_propose"), _posted(sample_content()))
    assert response.status_code == 404
    assert not PlaybookProposal.objects.unscoped().exists()


# --- Pages ------------------------------------------------------------------------------------


def test_it_checks_ownership(world, contact):
    written_playbook(world, contact.client)
    url = _url(world, "playbook_detail", client_id=contact.client.pk)
    assert client_for(world.outsider.user).get(url).status_code == 404
    assert client_for(world.client_contact.user).get(url).status_code == 404
    assert client_for(world.secretary.user).get(url).status_code == 200


def test_it_saves_the_editor_as_a_new_version(world, contact):
    browser = client_for(world.secretary.user)
    url = _url(world, "playbook_edit", client_id=contact.client.pk)
    assert browser.get(url).status_code == 200
    response = browser.post(url, _posted(sample_content(), note="First"))
    assert response.status_code == 302
    version = PlaybookVersion.objects.unscoped().get()
    assert version.content == playbook_content.content_clean(sample_content())
    assert version.note == "First"
    # The page shows it, and the history
    page = browser.get(_url(world, "playbook_detail", client_id=contact.client.pk))
    assert "Do you take new patients?" in page.content.decode()
    history = browser.get(_url(world, "playbook_versions", client_id=contact.client.pk))
    assert "First" in history.content.decode()
    old = browser.get(_url(world, "playbook_version", client_id=contact.client.pk, number=1))
    assert old.status_code == 200


def test_it_adds_moves_and_removes_rows_in_the_editor(world, contact):
    browser = client_for(world.secretary.user)
    url = _url(world, "playbook_edit", client_id=contact.client.pk)
    data = _posted(sample_content())
    # Adding an inquiry row saves nothing and shows a third row
    response = browser.post(url, {**data, "action": "item-add@f-inquiries"})
    assert response.status_code == 200
    assert 'name="f-inquiries-2-question"' in response.content.decode()
    # Moving the second inquiry up puts it first
    response = browser.post(url, {**data, "action": "item-up:1@f-inquiries"})
    assert 'value="Where do I park?"' in response.content.decode().split("f-inquiries-1")[0]
    assert not PlaybookVersion.objects.unscoped().exists()


def test_it_shows_an_answer_over_the_limit_on_the_form(world, contact):
    browser = client_for(world.secretary.user)
    url = _url(world, "playbook_edit", client_id=contact.client.pk)
    data = _posted(sample_content())
    data["f-inquiries-0-answer"] = "y" * (playbook_content.MAX_ANSWER + 1)
    response = browser.post(url, data)
    assert response.status_code == 400
    assert "At most 2000 characters." in response.content.decode()
    assert not PlaybookVersion.objects.unscoped().exists()


def test_it_runs_the_portal_proposal_flow(world, contact):
    # Given a playbook the contact reads in the portal
    written_playbook(world, contact.client)
    portal = client_for(world.client_contact.user)
    assert (
        "Do you take new patients?" in portal.get(_url(world, "portal_playbook")).content.decode()
    )
    # When the contact proposes other hours
    response = portal.post(
        _url(world, "portal_playbook_propose"),
        _posted(sample_content(hours="Mon-Fri 9-16"), message="New hours from May"),
    )
    assert response.status_code == 302
    proposal = PlaybookProposal.objects.unscoped().get()
    assert (proposal.changed, proposal.message) == (["hours"], "New hours from May")
    # Then the secretary sees it, compares and accepts
    staff = client_for(world.secretary.user)
    page = staff.get(_url(world, "playbook_detail", client_id=contact.client.pk)).content.decode()
    assert "The client proposed a change." in page
    review = _url(world, "proposal_review", client_id=contact.client.pk, proposal_id=proposal.pk)
    compared = staff.get(review).content.decode()
    assert "Mon-Fri 9-16" in compared and "Mon-Fri 8:00-17:00" in compared
    assert staff.post(review, {"decision": "accept"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    playbook = Playbook.objects.unscoped().get(client=contact.client)
    assert playbook.content["hours"] == "Mon-Fri 9-16"


def test_it_declines_in_the_review_page_only_with_a_reason(world, contact):
    written_playbook(world, contact.client)
    proposal = services.playbook_propose(
        practice=world.practice, contact=contact, content=sample_content(hours="x")
    )
    staff = client_for(world.secretary.user)
    review = _url(world, "proposal_review", client_id=contact.client.pk, proposal_id=proposal.pk)
    assert staff.post(review, {"decision": "decline", "reason": ""}).status_code == 400
    assert staff.post(review, {"decision": "decline", "reason": "Too early"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED


def test_it_keeps_the_playbook_pages_queries_flat(world, contact):
    written_playbook(world, contact.client)
    staff = client_for(world.secretary.user)
    urls = [
        _url(world, "playbook_detail", client_id=contact.client.pk),
        _url(world, "playbook_versions", client_id=contact.client.pk),
        _url(world, "client_detail", client_id=contact.client.pk) + "?tab=playbook",
    ]
    for url in urls:
        staff.get(url)
    with CaptureQueriesContext(connection) as few:
        for url in urls:
            assert staff.get(url).status_code == 200
    for n in range(8):
        services.playbook_save(
            practice=world.practice,
            client=contact.client,
            actor=world.secretary,
            content=sample_content(greeting=f"Hello {n}"),
        )
        services.playbook_propose(
            practice=world.practice, contact=contact, content=sample_content(hours=f"{n}")
        )
    with CaptureQueriesContext(connection) as many:
        for url in urls:
            assert staff.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- The quick switcher -----------------------------------------------------------------------


def test_it_lists_clients_by_part_of_their_name(world):
    ClientFactory(practice=world.practice, name="Northwind Dental")
    ClientFactory(practice=world.practice, name="Old Northwind")
    ClientFactory(practice=world.practice, name="Acme")
    ClientFactory(practice=world.other_practice, name="Northwind Elsewhere")
    staff = client_for(world.secretary.user)
    response = staff.get(
        _url(world, "client_switcher") + "?q=northw", HTTP_ACCEPT="application/json"
    )
    names = [row["name"] for row in response.json()["results"]]
    assert names == ["Northwind Dental", "Old Northwind"]
    assert response.json()["results"][0]["playbook_url"].endswith("/playbook/")
    # Without JavaScript, the same as a page
    assert (
        "Northwind Dental"
        in staff.get(_url(world, "client_switcher") + "?q=north").content.decode()
    )


def test_it_hides_regulated_clients_from_staff_without_an_agreement(world):
    medical = ClientFactory(
        practice=world.practice, name="Clinic", is_regulated=True, specialty=Specialty.MEDICAL
    )
    ClientFactory(practice=world.practice, name="Clinic Supplies")
    assert [c.name for c in switcher_clients(membership=world.secretary, text="clinic")] == [
        "Clinic Supplies"
    ]
    # An admin sees it; a secretary with the signed BAA too
    assert len(switcher_clients(membership=world.admin, text="clinic")) == 2
    AgreementFactory(client=medical, membership=world.secretary, kind=AgreementKind.BAA)
    assert len(switcher_clients(membership=world.secretary, text="clinic")) == 2


def test_it_keeps_the_switcher_at_one_query_whatever_the_clients(world):
    for n in range(3):
        ClientFactory(practice=world.practice, name=f"North {n}")
    with CaptureQueriesContext(connection) as few:
        switcher_clients(membership=world.secretary, text="north")
    for n in range(30):
        ClientFactory(practice=world.practice, name=f"Northern {n}")
    with CaptureQueriesContext(connection) as many:
        assert len(switcher_clients(membership=world.secretary, text="north")) == 8
    assert len(many.captured_queries) == len(few.captured_queries) == 1


# --- Search provider --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["park", "PARK", "Northwind"])
def test_it_finds_playbooks_by_name_or_content(world, contact, text):
    contact.client.name = "Northwind Dental"
    contact.client.save(update_fields=["name"])
    written_playbook(world, contact.client)
    context = SearchContext(practice=world.practice, membership=world.secretary, text=text, limit=5)
    hits = provider_hits("playbooks", context)
    assert [hit.title for hit in hits] == ["Playbook of Northwind Dental"]
    if text.lower() == "park":
        assert "Where do I park?" in hits[0].snippet


@pytest.mark.parametrize("text", ["' OR 1=1 --", ".*", "park & !dental", "%", "_"])
def test_it_searches_hostile_text_as_plain_text(world, contact, text):
    written_playbook(world, contact.client)
    context = SearchContext(practice=world.practice, membership=world.secretary, text=text, limit=5)
    assert provider_hits("playbooks", context) == []


def test_it_searches_only_the_practice(world, contact):
    written_playbook(world, contact.client)
    context = SearchContext(
        practice=world.other_practice, membership=world.outsider, text="park", limit=5
    )
    assert provider_hits("playbooks", context) == []


# --- API --------------------------------------------------------------------------------------


def test_it_saves_and_reads_through_the_api(world, contact):
    api = client_for(world.secretary.user)
    url = _url(world, "api_playbook", client_id=contact.client.pk)
    assert api.get(url).json()["version"] == 0
    response = api.put(
        url, {"content": sample_content(), "note": "API"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1
    assert response.json()["content"]["snippets"][0]["price"] == "120.00"
    versions = api.get(_url(world, "api_playbook_versions", client_id=contact.client.pk)).json()
    assert versions["results"][0]["number"] == 1


def test_it_answers_400_for_bad_content_in_the_api(world, contact):
    api = client_for(world.secretary.user)
    url = _url(world, "api_playbook", client_id=contact.client.pk)
    content = sample_content(inquiries=[{"question": "Q", "answer": "a" * 2001}])
    response = api.put(url, {"content": content}, content_type="application/json")
    assert response.status_code == 400
    assert not PlaybookVersion.objects.unscoped().exists()
    content = sample_content(snippets=[{"service": "S", "price": "abc", "currency": "USD"}])
    response = api.put(url, {"content": content}, content_type="application/json")
    assert response.status_code == 400
    assert "content" in response.json()["errors"]


def test_it_accepts_and_declines_proposals_through_the_api(world, contact):
    written_playbook(world, contact.client)
    first = services.playbook_propose(
        practice=world.practice, contact=contact, content=sample_content(hours="A")
    )
    second = services.playbook_propose(
        practice=world.practice, contact=contact, content=sample_content(hours="B")
    )
    api = client_for(world.secretary.user)
    listed = api.get(_url(world, "api_playbook_proposals", client_id=contact.client.pk)).json()
    assert {row["id"] for row in listed["results"]} == {first.pk, second.pk}
    accept = _url(
        world, "api_playbook_proposal_accept", client_id=contact.client.pk, proposal_id=first.pk
    )
    assert api.post(accept).json()["version"] == 2
    decline = _url(
        world, "api_playbook_proposal_decline", client_id=contact.client.pk, proposal_id=second.pk
    )
    assert api.post(decline, {}, content_type="application/json").status_code == 400
    response = api.post(decline, {"reason": "Later"}, content_type="application/json")
    assert response.json()["status"] == "declined"


def test_it_keeps_other_clients_contacts_out_of_a_playbook(world, contact):
    other = ClientFactory(practice=world.practice, name="Other")
    ContactFactory(practice=world.practice, client=other)
    written_playbook(world, other)
    portal = client_for(world.client_contact.user)
    assert "Do you take" not in portal.get(_url(world, "portal_playbook")).content.decode()
