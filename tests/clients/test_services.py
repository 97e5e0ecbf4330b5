"""Rules kept by the services, whatever the interface."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from clients import services
from clients.models import ClientTeamMember, Engagement, EngagementStatus, Questionnaire
from clients.selectors import engagement_active
from secretary.errors import ApplicationError
from secretary.models import ActivityEvent
from tests.clients.factories import (
    AgreementFactory,
    ClientFactory,
    ContactFactory,
    EngagementFactory,
    QuestionnaireFactory,
)
from tests.factories import InvitationFactory, MembershipFactory


def test_a_regulated_team_needs_signed_agreements(world):
    client = ClientFactory(practice=world.practice, specialty="medical", is_regulated=True)
    with pytest.raises(ApplicationError, match="BAA"):
        services.client_team_add(
            practice=world.practice, actor=world.owner, client=client, membership=world.secretary
        )
    AgreementFactory(client=client, membership=world.secretary, kind="baa")
    services.client_team_add(
        practice=world.practice, actor=world.owner, client=client, membership=world.secretary
    )
    assert (
        ClientTeamMember.objects.for_practice(world.practice)
        .filter(client=client, membership=world.secretary)
        .exists()
    )


def test_an_agreement_signed_tomorrow_does_not_count(world):
    from clients.selectors import can_work_on

    client = ClientFactory(practice=world.practice, is_regulated=True)
    AgreementFactory(
        client=client,
        membership=world.secretary,
        kind="nda",
        signed_on=timezone.localdate() + timedelta(days=1),
    )
    assert not can_work_on(client=client, membership=world.secretary)


def test_a_client_contact_cannot_join_a_team(world, northwind):
    with pytest.raises(ApplicationError):
        services.client_team_add(
            practice=world.practice,
            actor=world.owner,
            client=northwind,
            membership=world.client_contact,
        )


def test_an_invitation_links_only_the_contact_it_names(world, northwind):
    contact = ContactFactory(client=northwind)
    other_client = ClientFactory(practice=world.practice)
    newcomer = MembershipFactory(practice=world.practice, role="client")
    forged = InvitationFactory(
        practice=world.practice,
        role="client",
        grants={"contact_id": contact.pk, "client_id": other_client.pk},
    )
    assert services.contact_link_invitation(invitation=forged, membership=newcomer) is None
    staff = InvitationFactory(
        practice=world.practice,
        role="secretary",
        grants={"contact_id": contact.pk, "client_id": northwind.pk},
    )
    assert services.contact_link_invitation(invitation=staff, membership=newcomer) is None
    good = InvitationFactory(
        practice=world.practice,
        role="client",
        grants={"contact_id": contact.pk, "client_id": northwind.pk},
    )
    assert services.contact_link_invitation(invitation=good, membership=newcomer) == contact


def test_resending_reuses_the_unanswered_questionnaire(world, northwind):
    contact = northwind.contacts.get()
    first = services.questionnaire_send(
        practice=world.practice, actor=world.secretary, client=northwind, contact=contact
    )
    again = services.questionnaire_send(
        practice=world.practice, actor=world.secretary, client=northwind, contact=contact
    )
    assert first.pk == again.pk
    assert Questionnaire.objects.for_practice(world.practice).count() == 1


def test_a_new_questionnaire_follows_a_submitted_one(world, northwind):
    QuestionnaireFactory(client=northwind, status="submitted")
    services.questionnaire_send(
        practice=world.practice, actor=world.secretary, client=northwind, contact=None
    )
    assert Questionnaire.objects.for_practice(world.practice).count() == 2


def test_it_quantizes_money_in_the_client_currency(world):
    client = ClientFactory(practice=world.practice, currency="JPY")
    engagement = services.engagement_create(
        practice=world.practice,
        actor=world.secretary,
        client=client,
        data={"monthly_fee": Decimal("150000.50"), "hourly_rate": Decimal("4999.4")},
    )
    assert engagement.monthly_fee == Decimal("150001")
    assert engagement.hourly_rate == Decimal("4999")


def test_it_refuses_an_end_date_before_the_start(world, northwind):
    engagement = EngagementFactory(client=northwind, start_date=date(2025, 3, 1))
    with pytest.raises(ApplicationError) as error:
        services.engagement_update(
            practice=world.practice,
            actor=world.secretary,
            engagement=engagement,
            data={"end_date": date(2025, 2, 1)},
        )
    assert "end_date" in error.value.errors


def test_withdraw_edit_and_propose_again(world, proposed):
    services.engagement_withdraw(
        practice=world.practice, actor=world.secretary, engagement=proposed
    )
    services.engagement_update(
        practice=world.practice,
        actor=world.secretary,
        engagement=proposed,
        data={"monthly_fee": Decimal("2500")},
    )
    services.engagement_propose(practice=world.practice, actor=world.secretary, engagement=proposed)
    proposed.refresh_from_db()
    assert (proposed.status, proposed.monthly_fee) == ("proposed", Decimal("2500.00"))


def test_a_proposed_engagement_cannot_be_edited(world, proposed):
    with pytest.raises(ApplicationError):
        services.engagement_update(
            practice=world.practice,
            actor=world.secretary,
            engagement=proposed,
            data={"monthly_fee": Decimal("1")},
        )


def test_ending_keeps_the_engagement_in_the_history(world, northwind, active):
    services.engagement_end(practice=world.practice, actor=world.secretary, engagement=active)
    active.refresh_from_db()
    northwind.refresh_from_db()
    assert active.status == "ended" and northwind.status == "ended"
    assert engagement_active(practice=world.practice, client=northwind) is None
    # and a new plan may now be built
    services.engagement_create(practice=world.practice, actor=world.secretary, client=northwind)


def test_only_never_proposed_drafts_can_be_discarded(world, northwind, proposed):
    proposed.proposed_at = timezone.now()
    proposed.save()
    with pytest.raises(ApplicationError):
        services.engagement_discard(
            practice=world.practice, actor=world.secretary, engagement=proposed
        )
    services.engagement_withdraw(
        practice=world.practice, actor=world.secretary, engagement=proposed
    )
    with pytest.raises(ApplicationError):  # it was proposed once: keep the history
        services.engagement_discard(
            practice=world.practice, actor=world.secretary, engagement=proposed
        )
    EngagementFactory(client=ClientFactory(practice=world.practice))
    draft = (
        Engagement.objects.for_practice(world.practice)
        .filter(status="draft", proposed_at=None)
        .first()
    )
    services.engagement_discard(practice=world.practice, actor=world.secretary, engagement=draft)
    assert not Engagement.objects.for_practice(world.practice).filter(pk=draft.pk).exists()


def test_every_step_is_in_the_audit_log(world, proposed):
    services.engagement_accept(
        practice=world.practice, engagement=proposed, membership=world.client_contact
    )
    event = ActivityEvent.objects.for_practice(world.practice).get(verb="engagement.accepted")
    assert event.actor == world.client_contact.user
    assert event.target_id == str(proposed.pk)


def test_a_contact_of_another_client_cannot_accept(world, proposed):
    stranger = MembershipFactory(practice=world.practice, role="client")
    ContactFactory(client=ClientFactory(practice=world.practice), membership=stranger)
    with pytest.raises(ApplicationError):
        services.engagement_accept(
            practice=world.practice, engagement=proposed, membership=stranger
        )
    proposed.refresh_from_db()
    assert proposed.status == EngagementStatus.PROPOSED
