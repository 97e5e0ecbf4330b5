"""The engagement builder, the proposal, and the client's review in the portal."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clients.models import Engagement, EngagementStatus
from clients.services.catalog import set_categories
from clients.signals import engagement_proposed
from tests.clients.factories import (
    EngagementFactory,
    QuestionnaireFactory,
    ServiceCategoryFactory,
    ServicePlanFactory,
)
from tests.conftest import client_for


def url(name, world, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def engagements(world, client):
    return Engagement.objects.for_practice(world.practice).filter(client=client)


TERMS = {
    "title": "Australian business hours",
    "billing_model": "retainer",
    "monthly_fee": "2400.00",
    "included_hours": "30",
    "hourly_rate": "80",
    "overage_rate": "95",
    "rollover_max_hours": "5",
    "coverage_time_zone": "Australia/Sydney",
    "response_target_hours": "2",
    "start_date": "2025-02-03",
    "rounding_minutes": "15",
    "rush_notice_hours": "4",
    "rush_multiplier": "1.5",
    "after_hours_multiplier": "2",
    "alert_threshold_percent": "80",
    "windows": "Mon-Fri 09:00-17:00",
}
# What the portal's acceptance form asks: a confirmation of reading and the typed full name.
ACCEPTANCE = {"read_confirmed": "on", "name": "Cora Contact"}


def test_it_checks_ownership(world, proposed, outsider_client, contact_client, secretary_client):
    detail = url("engagement_detail", world, engagement_id=proposed.pk)
    assert outsider_client.get(detail).status_code == 404
    assert contact_client.get(detail).status_code == 404
    assert secretary_client.get(detail).status_code == 200
    portal = url("portal_engagement", world, engagement_id=proposed.pk)
    assert outsider_client.get(portal).status_code == 404
    assert secretary_client.get(portal).status_code == 404  # staff have no portal pages


def test_it_builds_from_a_plan_and_copies_its_terms(world, northwind, secretary_client):
    category = ServiceCategoryFactory(practice=world.practice)
    plan = ServicePlanFactory(
        practice=world.practice, currency="AUD", on_call=True, monthly_fee=Decimal("3000.00")
    )
    set_categories(practice=world.practice, owner=plan, categories=[category])
    response = secretary_client.post(
        url("engagement_create", world, client_id=northwind.pk), {"plan": plan.pk}
    )
    engagement = engagements(world, northwind).get()
    assert response.status_code == 302
    assert (engagement.plan, engagement.monthly_fee, engagement.on_call) == (
        plan,
        Decimal("3000.00"),
        True,
    )
    assert list(engagement.categories.all()) == [category]
    assert engagement.status == EngagementStatus.DRAFT and engagement.version == 1


def test_it_refuses_a_plan_in_another_currency(world, northwind, secretary_client):
    plan = ServicePlanFactory(practice=world.practice, currency="USD")
    response = secretary_client.post(
        url("engagement_create", world, client_id=northwind.pk), {"plan": plan.pk}
    )
    assert response.status_code == 400
    assert "USD" in str(response.context["form"].errors["plan"])
    assert not engagements(world, northwind).exists()


def test_it_refuses_a_plan_of_another_practice(world, northwind, secretary_client):
    plan = ServicePlanFactory(practice=world.other_practice, currency="AUD")
    response = secretary_client.post(
        url("engagement_create", world, client_id=northwind.pk), {"plan": plan.pk}
    )
    assert response.status_code == 400
    assert not engagements(world, northwind).exists()


def test_it_prefills_a_scratch_draft_from_the_intake_answers(world, northwind, secretary_client):
    category = ServiceCategoryFactory(practice=world.practice)
    questionnaire = QuestionnaireFactory(
        client=northwind,
        status="submitted",
        coverage_time_zone="Australia/Perth",
        expected_hours_per_month=Decimal("12"),
    )
    set_categories(
        practice=world.practice, owner=questionnaire, categories=[category], field="services"
    )
    secretary_client.post(url("engagement_create", world, client_id=northwind.pk), {"plan": ""})
    engagement = engagements(world, northwind).get()
    assert engagement.coverage_time_zone == "Australia/Perth"
    assert engagement.included_hours == Decimal("12")
    assert list(engagement.categories.all()) == [category]


def test_it_saves_every_term(world, northwind, secretary_client):
    draft = EngagementFactory(client=northwind)
    response = secretary_client.post(url("engagement_edit", world, engagement_id=draft.pk), TERMS)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.monthly_fee == Decimal("2400.00") and draft.rounding_minutes == 15
    assert draft.rush_multiplier == Decimal("1.5") and draft.after_hours_multiplier == 2
    assert draft.alert_threshold_percent == 80
    assert draft.coverage().weekly_minutes() == 5 * 8 * 60


@pytest.mark.parametrize(
    "field,value,error_field",
    [
        ("windows", "Mon 09:00-12:00\nMon 11:00-13:00", "windows"),
        ("windows", "Mon-Fri 17:00-09:00", "windows"),
        ("windows", "Someday 9-5", "windows"),
        ("coverage_time_zone", "Australia/Atlantis", "coverage_time_zone"),
        ("monthly_fee", "-1", "monthly_fee"),
        ("included_hours", "-5", "included_hours"),
        ("rush_multiplier", "0.5", "rush_multiplier"),
        ("alert_threshold_percent", "150", "alert_threshold_percent"),
    ],
)
def test_it_rejects_bad_terms_and_saves_nothing(
    world, northwind, secretary_client, field, value, error_field
):
    draft = EngagementFactory(client=northwind, monthly_fee=Decimal("100.00"))
    response = secretary_client.post(
        url("engagement_edit", world, engagement_id=draft.pk), {**TERMS, field: value}
    )
    assert response.status_code == 400
    assert error_field in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.monthly_fee == Decimal("100.00")
    assert not draft.windows.exists()


def test_it_names_every_bad_term_at_once(world, northwind, secretary_client):
    # Given a draft; when the fee is negative, a multiplier too small and the windows overlap
    draft = EngagementFactory(client=northwind, monthly_fee=Decimal("100.00"))
    response = secretary_client.post(
        url("engagement_edit", world, engagement_id=draft.pk),
        {
            **TERMS,
            "monthly_fee": "-1",
            "after_hours_multiplier": "0.5",
            "windows": "Mon 09:00-12:00\nMon 11:00-13:00",
        },
    )
    # Then all three are named in one answer, and the browser is told the bounds
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"monthly_fee", "after_hours_multiplier", "windows"} <= set(errors)
    page = response.content.decode()
    assert 'name="monthly_fee"' in page and 'min="0"' in page
    draft.refresh_from_db()
    assert draft.monthly_fee == Decimal("100.00")


def test_it_previews_the_coverage_as_typed_when_the_form_is_sent_back(
    world, northwind, secretary_client
):
    # Given a saved draft covering Mondays only; when new hours are sent with a bad fee
    draft = EngagementFactory(client=northwind, weekdays=[0])
    response = secretary_client.post(
        url("engagement_edit", world, engagement_id=draft.pk),
        {**TERMS, "monthly_fee": "-1", "windows": "Sat 10:00-14:00"},
    )
    # Then the preview shows the hours typed (Saturday), not the saved Monday
    assert response.status_code == 400
    sydney = response.context["grids"][0]
    assert [day.text for day in sydney.days if day.text] == ["10:00\u201314:00"]
    assert sydney.days[5].text == "10:00\u201314:00"


def test_it_proposes_and_signals_inside_the_transaction(world, northwind, secretary_client):
    draft = EngagementFactory(client=northwind, weekdays=range(5))
    seen = []

    def receiver(sender, engagement, user, **kwargs):
        seen.append((engagement.pk, engagement.status, user))

    engagement_proposed.connect(receiver)
    try:
        secretary_client.post(url("engagement_propose", world, engagement_id=draft.pk))
    finally:
        engagement_proposed.disconnect(receiver)
    assert seen == [(draft.pk, "proposed", world.secretary.user)]
    draft.refresh_from_db()
    assert draft.status == "proposed" and draft.proposed_by == world.secretary.user


def test_it_refuses_to_propose_without_coverage(world, northwind, secretary_client):
    draft = EngagementFactory(client=northwind)
    secretary_client.post(url("engagement_propose", world, engagement_id=draft.pk))
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_it_emails_contacts_who_may_approve_when_proposed(
    world, northwind, secretary_client, mailoutbox, django_capture_on_commit_callbacks
):
    draft = EngagementFactory(client=northwind, weekdays=range(5))
    with django_capture_on_commit_callbacks(execute=True):
        secretary_client.post(url("engagement_propose", world, engagement_id=draft.pk))
    assert [m.to for m in mailoutbox] == [["contact@client.test"]]
    assert "/portal/harbour-desk/plan/" in mailoutbox[0].body


def test_it_shows_the_coverage_in_both_time_zones(
    world, proposed, secretary_client, contact_client
):
    # Given a US client buying Mon-Fri 09:00-17:00 Sydney coverage
    staff = secretary_client.get(url("engagement_detail", world, engagement_id=proposed.pk))
    portal = contact_client.get(url("portal_engagement", world, engagement_id=proposed.pk))
    for response in (staff, portal):
        grids = {g.time_zone: g for g in response.context["grids"]}
        # Then Sydney reads 09:00-17:00 on Monday and Los Angeles the afternoon before
        assert grids["Australia/Sydney"].days[0].text == "09:00\u201317:00"
        # (Sydney is UTC+10/+11 and Los Angeles UTC-8/-7: 16 to 19 hours behind)
        assert grids["America/Los_Angeles"].days[6].text in (
            "13:00\u201321:00",
            "14:00\u201322:00",
            "15:00\u201323:00",
            "16:00\u201324:00",
        )
        assert grids["America/Los_Angeles"].days[5].text == ""  # Saturday: not covered


def test_the_client_accepts_recording_who_and_when(world, proposed, contact_client):
    response = contact_client.post(
        url("portal_engagement_accept", world, engagement_id=proposed.pk), ACCEPTANCE
    )
    assert response.status_code == 302
    proposed.refresh_from_db()
    proposed.client.refresh_from_db()
    assert proposed.status == "active"
    assert proposed.accepted_by == world.client_contact.user and proposed.accepted_at
    assert proposed.client.status == "active"


def test_a_contact_without_approval_rights_cannot_accept(world, proposed):
    contact = proposed.client.contacts.get()
    contact.portal_documents = False
    contact.save()
    response = client_for(world.client_contact.user).post(
        url("portal_engagement_accept", world, engagement_id=proposed.pk), ACCEPTANCE
    )
    assert response.status_code == 404
    proposed.refresh_from_db()
    assert proposed.status == "proposed"


def test_the_client_asks_for_changes_with_a_comment(
    world, proposed, contact_client, mailoutbox, django_capture_on_commit_callbacks
):
    response = contact_client.post(
        url("portal_engagement_changes", world, engagement_id=proposed.pk), {"comment": ""}
    )
    assert response.status_code == 400
    assert "comment" in response.context["change_form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        contact_client.post(
            url("portal_engagement_changes", world, engagement_id=proposed.pk),
            {"comment": "Please add Saturday mornings."},
        )
    proposed.refresh_from_db()
    assert proposed.status == "changes_requested"
    assert proposed.change_request == "Please add Saturday mornings."
    assert mailoutbox[-1].to == ["secretary@harbour.test"]


def test_it_shows_a_contact_of_another_client_nothing_of_this_proposal(world, proposed):
    # Given a contact with a login at another client of the same practice
    from secretary.models import Role
    from tests.clients.factories import ClientFactory, ContactFactory
    from tests.factories import MembershipFactory

    stranger = MembershipFactory(practice=world.practice, role=Role.CLIENT)
    ContactFactory(client=ClientFactory(practice=world.practice), membership=stranger)
    browser = client_for(stranger.user)
    # When it opens or answers Northwind's proposal; then nothing is there
    for name in ("portal_engagement",):
        assert browser.get(url(name, world, engagement_id=proposed.pk)).status_code == 404
    for name in ("portal_engagement_accept", "portal_engagement_changes"):
        response = browser.post(
            url(name, world, engagement_id=proposed.pk), {"comment": "Mine", **ACCEPTANCE}
        )
        assert response.status_code == 404
    proposed.refresh_from_db()
    assert proposed.status == "proposed" and proposed.change_request == ""


def test_it_hides_drafts_from_the_portal(world, northwind, contact_client):
    draft = EngagementFactory(client=northwind)
    assert (
        contact_client.get(url("portal_engagement", world, engagement_id=draft.pk)).status_code
        == 404
    )


def test_it_refuses_a_second_active_engagement(world, northwind, active, secretary_client):
    # Given an active engagement; when a new one is started from scratch; then refused
    response = secretary_client.post(
        url("engagement_create", world, client_id=northwind.pk), {"plan": ""}
    )
    assert response.status_code == 400
    assert engagements(world, northwind).count() == 1


def test_it_refuses_to_accept_an_unrelated_proposal_while_one_is_active(
    world, northwind, active, contact_client
):
    stray = EngagementFactory(client=northwind, status=EngagementStatus.PROPOSED, version=7)
    response = contact_client.post(
        url("portal_engagement_accept", world, engagement_id=stray.pk), ACCEPTANCE
    )
    assert response.status_code == 400
    assert "already has an active engagement" in response.content.decode()
    stray.refresh_from_db()
    active.refresh_from_db()
    assert (stray.status, active.status) == ("proposed", "active")


def test_changing_an_active_engagement_makes_a_new_version(
    world, northwind, active, secretary_client, contact_client
):
    # When the secretary changes the terms
    secretary_client.post(url("engagement_revise", world, engagement_id=active.pk))
    revision = engagements(world, northwind).exclude(pk=active.pk).get()
    assert revision.replaces == active and revision.version == active.version + 1
    assert revision.coverage().windows == active.coverage().windows
    secretary_client.post(
        url("engagement_edit", world, engagement_id=revision.pk),
        {**TERMS, "monthly_fee": "2600.00"},
    )
    secretary_client.post(url("engagement_propose", world, engagement_id=revision.pk))
    # Then the old version stays active until the client accepts the new one
    active.refresh_from_db()
    assert active.status == "active"
    contact_client.post(
        url("portal_engagement_accept", world, engagement_id=revision.pk), ACCEPTANCE
    )
    active.refresh_from_db()
    revision.refresh_from_db()
    assert (active.status, revision.status) == ("superseded", "active")
    assert revision.monthly_fee == Decimal("2600.00")
    assert active.monthly_fee == Decimal("1500.00")  # history kept


def test_it_shows_the_plan_and_usage_in_the_portal(world, active, contact_client):
    response = contact_client.get(url("portal_plan", world))
    assert response.status_code == 200
    assert "Hours used this month" in response.content.decode()


def test_the_agreement_is_requested_and_shown_on_both_sides(
    world, northwind, secretary_client, contact_client
):
    from documents.models import Document

    draft = EngagementFactory(client=northwind, weekdays=range(5))
    secretary_client.post(url("engagement_propose", world, engagement_id=draft.pk))
    document = Document.objects.for_practice(world.practice).get(
        subject_type="clients.engagement", subject_id=draft.pk
    )
    assert document.client == northwind
    staff = secretary_client.get(url("engagement_detail", world, engagement_id=draft.pk))
    portal = contact_client.get(url("portal_engagement", world, engagement_id=draft.pk))
    about = f"documents/about/clients.engagement/{draft.pk}/"
    assert f"/app/harbour-desk/{about}" in staff.content.decode()
    assert f"/portal/harbour-desk/{about}" in portal.content.decode()


def test_it_previews_the_coverage_while_typing(world, northwind, secretary_client):
    draft = EngagementFactory(client=northwind)
    edit = url("engagement_edit", world, engagement_id=draft.pk)
    response = secretary_client.post(
        edit,
        {
            "preview": "1",
            "windows": "Mon-Fri 09:00-17:00",
            "coverage_time_zone": "Australia/Sydney",
        },
        headers={"HX-Request": "true"},
    )
    grids = {g.time_zone: g for g in response.context["grids"]}
    assert grids["Australia/Sydney"].days[0].text == "09:00\u201317:00"
    assert "America/Los_Angeles" in grids
    response = secretary_client.post(
        edit, {"preview": "1", "windows": "Mon 17:00-09:00"}, headers={"HX-Request": "true"}
    )
    assert "must end after it starts" in response.content.decode()
    assert not draft.windows.exists()


def test_it_stops_a_pending_approval_when_the_contact_loses_the_documents_part(
    world, northwind, proposed, secretary_client, contact_client
):
    # Given a proposal awaiting Northwind's answer; when staff take the contact's right to
    # see documents and approve
    contact = northwind.contacts.get()
    response = secretary_client.post(
        url("contact_edit", world, client_id=northwind.pk, contact_id=contact.pk),
        {"name": contact.name, "email": contact.email, "portal_requests": "on"},
    )
    assert response.status_code == 302
    # Then the contact can neither accept it in the portal nor through the API
    page = contact_client.post(
        url("portal_engagement_accept", world, engagement_id=proposed.pk), ACCEPTANCE
    )
    api = contact_client.post(url("api_engagement_accept", world, engagement_id=proposed.pk))
    assert (page.status_code, api.status_code) == (404, 403)
    proposed.refresh_from_db()
    assert proposed.status == "proposed"


def test_it_stops_a_pending_approval_when_the_contact_is_removed(
    world, northwind, proposed, contact_client
):
    # Given a proposal awaiting Northwind's answer; when the owner removes the contact
    from secretary.services import membership_remove

    membership_remove(practice=world.practice, actor=world.owner, membership=world.client_contact)
    # Then the former contact cannot answer it any more
    page = contact_client.post(
        url("portal_engagement_accept", world, engagement_id=proposed.pk), ACCEPTANCE
    )
    api = contact_client.post(url("api_engagement_accept", world, engagement_id=proposed.pk))
    assert (page.status_code, api.status_code) == (404, 404)
    proposed.refresh_from_db()
    assert proposed.status == "proposed"
