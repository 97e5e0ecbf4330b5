"""Staff pages of clients: list, page, edit, contacts, agreements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client, ClientTeamMember, Contact
from secretary.models import ActivityEvent, Invitation
from tests.clients.factories import AgreementFactory, ClientFactory, ContactFactory
from tests.conftest import client_for


def url(name, world, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def test_it_checks_ownership(world, northwind, outsider_client, contact_client, secretary_client):
    # Given practice A's client; then an outsider and a contact get 404
    for name, kwargs in [
        ("client_list", {}),
        ("client_detail", {"client_id": northwind.pk}),
        ("client_edit", {"client_id": northwind.pk}),
    ]:
        assert outsider_client.get(url(name, world, **kwargs)).status_code == 404
        assert contact_client.get(url(name, world, **kwargs)).status_code == 404
    # and a secretary may not record agreements (admins vouch)
    assert (
        secretary_client.get(url("agreement_create", world, client_id=northwind.pk)).status_code
        == 403
    )


def test_it_shows_my_clients_by_default(world, northwind, secretary_client):
    # Given a client of the secretary and one of nobody
    ClientFactory(practice=world.practice, name="Someone Else's")
    # When the secretary opens the list; then only their client shows
    body = secretary_client.get(url("client_list", world)).content.decode()
    assert "Northwind Legal" in body and "Someone Else&#x27;s" not in body
    # When they ask for all clients; then both show
    body = secretary_client.get(url("client_list", world) + "?scope=all").content.decode()
    assert "Someone Else&#x27;s" in body


def test_it_filters_searches_and_sorts(world, northwind, owner_client):
    ClientFactory(
        practice=world.practice, name="Acme Medical", specialty="medical", status="prospect"
    )
    ClientFactory(practice=world.practice, name="Zed Paused", status="paused")
    base = url("client_list", world) + "?scope=all"
    body = owner_client.get(base + "&specialty=medical").content.decode()
    assert "Acme Medical" in body and "Northwind" not in body
    body = owner_client.get(base + "&status=paused").content.decode()
    assert "Zed Paused" in body and "Acme" not in body
    body = owner_client.get(base + "&q=north").content.decode()
    assert "Northwind" in body and "Acme" not in body
    body = owner_client.get(base + f"&secretary={world.secretary.pk}").content.decode()
    assert "Northwind" in body and "Acme" not in body
    body = owner_client.get(base + "&sort=-name").content.decode()
    assert body.index("Zed Paused") < body.index("Northwind") < body.index("Acme Medical")


def test_it_answers_htmx_with_the_rows_only(world, northwind, secretary_client):
    response = secretary_client.get(url("client_list", world), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="client-results"' in body and "<html" not in body


def test_it_lists_clients_in_constant_queries(
    world, northwind, owner_client, django_assert_num_queries
):
    # Given a few clients; when the list is read, count the queries
    for n in range(3):
        ClientFactory(practice=world.practice, name=f"Client {n}")
    list_url = url("client_list", world) + "?scope=all"
    owner_client.get(list_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        owner_client.get(list_url)
    # When there are many more; then the count is the same
    for n in range(15):
        ClientFactory(practice=world.practice, name=f"More {n}")
    with django_assert_num_queries(len(few)):
        response = owner_client.get(list_url)
    assert response.status_code == 200


def test_it_shows_the_client_page(world, northwind, active, secretary_client):
    response = secretary_client.get(url("client_detail", world, client_id=northwind.pk))
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("Nora North", "Hours used this month", "Active plan", "Recent activity"):
        assert text in body


def test_the_client_page_reads_no_coverage_windows_nor_services(
    world, northwind, active, secretary_client
):
    # Given an active plan with coverage windows; when its client's page is shown
    with CaptureQueriesContext(connection) as queries:
        response = secretary_client.get(url("client_detail", world, client_id=northwind.pk))
    # Then it shows the plan without reading what the page does not show
    assert response.status_code == 200 and "Active plan" in response.content.decode()
    read = " ".join(query["sql"] for query in queries)
    assert "clients_engagement" in read
    assert "clients_coveragewindow" not in read and "clients_engagementcategory" not in read


def test_it_charts_the_hours_logged_this_month(world, northwind, active, secretary_client):
    # Given 90 minutes of billable time logged on the client this month (Sydney time)
    from datetime import timedelta

    from django.utils import timezone

    from clients.usage import period_bounds
    from tests.tasks.factories import TaskFactory, TimeEntryFactory

    start, _end = period_bounds(time_zone=active.coverage_time_zone, at=timezone.now())
    task = TaskFactory(practice=world.practice, client=northwind)
    TimeEntryFactory(
        task=task,
        started_at=start + timedelta(minutes=1),
        ended_at=start + timedelta(minutes=91),
        minutes=90,
        membership=world.secretary,
    )
    # When the client page is read; then the bar chart counts them against the plan
    body = secretary_client.get(url("client_detail", world, client_id=northwind.pk)).content
    assert "1 h 30 min of 20 h" in body.decode()
    assert 'class="uc-used" style="width: 7.5%"' in body.decode()


def test_it_creates_a_client_with_me_as_primary_secretary(world, secretary_client):
    response = secretary_client.post(
        url("client_create", world),
        {
            "name": "Harbour Bakery",
            "status": "prospect",
            "specialty": "general",
            "time_zone": "Australia/Sydney",
            "currency": "AUD",
        },
    )
    client = Client.objects.for_practice(world.practice).get(name="Harbour Bakery")
    assert response.status_code == 302
    assert client.primary_secretary == world.secretary
    assert (
        ClientTeamMember.objects.for_practice(world.practice)
        .filter(client=client, membership=world.secretary)
        .exists()
    )


def test_it_rejects_an_unknown_time_zone(world, secretary_client):
    response = secretary_client.post(
        url("client_create", world),
        {
            "name": "Nowhere Inc",
            "status": "prospect",
            "specialty": "general",
            "time_zone": "Mars/Olympus",
            "currency": "AUD",
        },
    )
    assert response.status_code == 400
    assert "time_zone" in response.context["form"].errors
    assert not Client.objects.for_practice(world.practice).filter(name="Nowhere Inc").exists()


def test_it_refuses_a_team_member_of_another_practice(world, northwind, secretary_client):
    response = secretary_client.post(
        url("client_edit", world, client_id=northwind.pk),
        {
            "name": "Northwind Legal",
            "status": "active",
            "specialty": "legal",
            "time_zone": "America/Los_Angeles",
            "currency": "AUD",
            "team": [world.outsider.pk],
        },
    )
    assert response.status_code == 400
    assert "team" in response.context["form"].errors


def test_it_requires_an_agreement_to_join_a_regulated_team(world, northwind, owner_client):
    # Given the owner makes Northwind regulated while the secretary has signed nothing
    data = {
        "name": "Northwind Legal",
        "status": "active",
        "specialty": "legal",
        "is_regulated": "on",
        "time_zone": "America/Los_Angeles",
        "currency": "AUD",
        "primary_secretary": world.secretary.pk,
        "team": [world.secretary.pk],
    }
    response = owner_client.post(url("client_edit", world, client_id=northwind.pk), data)
    # Then it is refused and nothing changes
    assert response.status_code == 400
    northwind.refresh_from_db()
    assert not northwind.is_regulated
    # When an NDA is on record; then it goes through
    AgreementFactory(client=northwind, membership=world.secretary, kind="nda")
    response = owner_client.post(url("client_edit", world, client_id=northwind.pk), data)
    assert response.status_code == 302
    northwind.refresh_from_db()
    assert northwind.is_regulated


def test_it_audits_staff_views_of_a_regulated_client(world, northwind, secretary_client):
    AgreementFactory(client=northwind, membership=world.secretary, kind="nda")
    Client.objects.for_practice(world.practice).filter(pk=northwind.pk).update(is_regulated=True)
    secretary_client.get(url("client_detail", world, client_id=northwind.pk))
    event = ActivityEvent.objects.for_practice(world.practice).get(verb="client.records_viewed")
    assert event.actor == world.secretary.user
    assert event.target_id == str(northwind.pk)


def test_it_does_not_audit_ordinary_clients(world, northwind, secretary_client):
    secretary_client.get(url("client_detail", world, client_id=northwind.pk))
    assert (
        not ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="client.records_viewed")
        .exists()
    )


def test_it_records_an_agreement_with_its_file(world, northwind, admin_client_):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client_.post(
        url("agreement_create", world, client_id=northwind.pk),
        {
            "membership": world.secretary.pk,
            "kind": "nda",
            "signed_on": "2025-01-02",
            "file": SimpleUploadedFile("nda.pdf", b"%PDF-1.4 signed", "application/pdf"),
        },
    )
    assert response.status_code == 302
    agreement = northwind.agreements.get()
    download = client_for(world.secretary.user).get(
        url("agreement_file", world, client_id=northwind.pk, agreement_id=agreement.pk)
    )
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"


def test_it_refuses_an_agreement_signed_in_the_future(world, northwind, admin_client_):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client_.post(
        url("agreement_create", world, client_id=northwind.pk),
        {
            "membership": world.secretary.pk,
            "kind": "nda",
            "signed_on": "2999-01-02",
            "file": SimpleUploadedFile("nda.pdf", b"%PDF-1.4", "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "signed_on" in response.context["form"].errors
    assert not northwind.agreements.exists()


def test_it_adds_and_edits_contacts_keeping_one_primary(world, northwind, secretary_client):
    response = secretary_client.post(
        url("contact_create", world, client_id=northwind.pk),
        {
            "name": "Finn Finance",
            "email": "Finn@Client.test",
            "is_primary": "on",
            "portal_billing": "on",
        },
    )
    assert response.status_code == 302
    finn = Contact.objects.for_practice(world.practice).get(name="Finn Finance")
    assert finn.is_primary and finn.email == "finn@client.test"
    assert list(northwind.contacts.filter(is_primary=True)) == [finn]


def test_it_invites_a_contact_with_grants_and_links_on_acceptance(world, northwind, admin_client_):
    from secretary.services import invitation_accept
    from tests.factories import UserFactory

    contact = ContactFactory(
        client=northwind, name="Olga Ops", email="olga@client.test", portal_billing=False
    )
    admin_client_.post(url("contact_invite", world, client_id=northwind.pk, contact_id=contact.pk))
    invitation = Invitation.objects.for_practice(world.practice).get(email="olga@client.test")
    assert invitation.role == "client"
    assert invitation.grants["contact_id"] == contact.pk
    assert invitation.grants["client_id"] == northwind.pk
    assert invitation.grants["portal_billing"] is False
    # When Olga accepts; then her new membership is the contact's portal login
    token = "raw-token-for-olga"
    from secretary.models import hash_secret

    Invitation.objects.for_practice(world.practice).filter(pk=invitation.pk).update(
        token_hash=hash_secret(token)
    )
    membership = invitation_accept(token=token, user=UserFactory(email="olga@client.test"))
    contact.refresh_from_db()
    assert contact.membership == membership


@pytest.mark.parametrize(
    "name",
    [
        "client_detail",
        "client_edit",
        "client_onboarding",
        "client_brand",
        "contact_create",
        "engagement_create",
    ],
)
def test_it_answers_404_for_a_client_of_another_practice(world, name, owner_client):
    other = ClientFactory(practice=world.other_practice)
    assert owner_client.get(url(name, world, client_id=other.pk)).status_code == 404


def test_it_lets_a_secretary_invite_a_contact_to_the_portal(world, northwind, secretary_client):
    # Given a contact with an email and no portal login
    contact = ContactFactory(client=northwind, name="Pat Front", email="pat@client.test")
    # When the secretary invites them
    response = secretary_client.post(
        url("contact_invite", world, client_id=northwind.pk, contact_id=contact.pk)
    )
    # Then a client-contact invitation limited to this client exists
    assert response.status_code == 302
    invitation = Invitation.objects.for_practice(world.practice).get(email="pat@client.test")
    assert invitation.role == "client"
    assert invitation.grants["client_id"] == northwind.pk


REGULATED_FORM = {
    "name": "Northwind Legal",
    "status": "active",
    "specialty": "general",
    "time_zone": "America/Los_Angeles",
    "currency": "AUD",
}


def test_it_keeps_the_regulated_flag_out_of_a_secretarys_hands(world, northwind, secretary_client):
    # Given Northwind is regulated and the secretary has signed nothing
    Client.objects.for_practice(world.practice).filter(pk=northwind.pk).update(is_regulated=True)
    ClientTeamMember.objects.for_practice(world.practice).filter(client=northwind).delete()
    Client.objects.for_practice(world.practice).filter(pk=northwind.pk).update(
        primary_secretary=None
    )
    edit = url("client_edit", world, client_id=northwind.pk)
    # When the secretary opens the edit page; then the flag (and the specialty) are locked
    form = secretary_client.get(edit).context["form"]
    assert form.fields["is_regulated"].disabled and form.fields["specialty"].disabled
    # When they post the flag off, the specialty changed and themselves on the team
    response = secretary_client.post(
        edit, {**REGULATED_FORM, "specialty": "medical", "team": [world.secretary.pk]}
    )
    # Then the client stays regulated and general, and they are not on its team
    assert response.status_code == 400
    northwind.refresh_from_db()
    assert northwind.is_regulated and northwind.specialty == "general"
    assert not ClientTeamMember.objects.for_practice(world.practice).filter(client=northwind)
    # And an edit that leaves the rule alone still goes through
    response = secretary_client.post(edit, {**REGULATED_FORM, "name": "Northwind Law"})
    assert response.status_code == 302
    northwind.refresh_from_db()
    assert northwind.name == "Northwind Law" and northwind.is_regulated


def test_it_shows_who_must_sign_or_leave_when_the_owner_regulates(world, northwind, owner_client):
    # Given the secretary (primary, on the team) has signed nothing for Northwind
    edit = url("client_edit", world, client_id=northwind.pk)
    data = {
        **REGULATED_FORM,
        "is_regulated": "on",
        "primary_secretary": world.secretary.pk,
        "team": [world.secretary.pk],
    }
    # When the owner makes it regulated
    response = owner_client.post(edit, data)
    # Then the page names the secretary, with a link to record their agreement and a button
    # taking them off the team
    assert response.status_code == 400
    assert response.context["unsigned"] == [world.secretary]
    body = response.content.decode()
    record = url("agreement_create", world, client_id=northwind.pk)
    remove = url(
        "client_team_remove", world, client_id=northwind.pk, membership_id=world.secretary.pk
    )
    assert f"{record}?membership={world.secretary.pk}" in body and remove in body
    # When the owner takes the secretary off the team, and saves again without them
    assert owner_client.post(remove).status_code == 302
    northwind.refresh_from_db()
    assert northwind.primary_secretary is None
    response = owner_client.post(edit, {**REGULATED_FORM, "is_regulated": "on"})
    # Then Northwind is regulated, and the change is in the audit log
    assert response.status_code == 302
    northwind.refresh_from_db()
    assert northwind.is_regulated
    log = ActivityEvent.objects.for_practice(world.practice)
    assert log.get(verb="client.team_left").data["member"] == world.secretary.user.email
    changed = log.get(verb="client.regulation_changed")
    assert changed.actor == world.owner.user
    assert changed.data == {"is_regulated": {"from": False, "to": True}}


def test_it_preselects_the_member_whose_agreement_is_recorded(world, northwind, owner_client):
    # When the owner follows the link to record the secretary's agreement
    page = owner_client.get(
        url("agreement_create", world, client_id=northwind.pk) + f"?membership={world.secretary.pk}"
    )
    # Then the form is set to that member
    assert page.context["form"]["membership"].value() == str(world.secretary.pk)


def test_it_lets_no_contact_take_someone_off_a_team(world, northwind, contact_client):
    remove = url(
        "client_team_remove", world, client_id=northwind.pk, membership_id=world.secretary.pk
    )
    assert contact_client.post(remove).status_code == 404
    assert ClientTeamMember.objects.for_practice(world.practice).filter(client=northwind).exists()
