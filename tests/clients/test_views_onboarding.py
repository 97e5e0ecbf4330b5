"""Onboarding: the questionnaire sent, answered in the portal or on a call, submitted once."""

from django.urls import reverse

from clients.models import Questionnaire
from tests.clients.factories import ContactFactory, QuestionnaireFactory, ServiceCategoryFactory


def url(name, world, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def questionnaires(world, client):
    return Questionnaire.objects.for_practice(world.practice).filter(client=client)


def test_it_checks_ownership(world, northwind, outsider_client, contact_client):
    page = url("client_onboarding", world, client_id=northwind.pk)
    assert outsider_client.get(page).status_code == 404
    assert contact_client.get(page).status_code == 404
    assert outsider_client.get(url("portal_onboarding", world)).status_code == 404


def test_it_sends_the_questionnaire_to_a_contact_with_a_login(
    world, northwind, secretary_client, mailoutbox, django_capture_on_commit_callbacks
):
    northwind.status = "prospect"
    northwind.save()
    contact = northwind.contacts.get()
    with django_capture_on_commit_callbacks(execute=True):
        secretary_client.post(
            url("onboarding_send", world, client_id=northwind.pk), {"contact": contact.pk}
        )
    questionnaire = questionnaires(world, northwind).get()
    northwind.refresh_from_db()
    assert questionnaire.contact == contact and northwind.status == "onboarding"
    assert mailoutbox[0].to == ["contact@client.test"]
    assert "/portal/harbour-desk/onboarding/" in mailoutbox[0].body


def test_sending_again_does_not_duplicate_or_email_twice(
    world, northwind, secretary_client, mailoutbox, django_capture_on_commit_callbacks
):
    from clients.tasks import send_questionnaire

    contact = northwind.contacts.get()
    with django_capture_on_commit_callbacks(execute=True):
        secretary_client.post(
            url("onboarding_send", world, client_id=northwind.pk), {"contact": contact.pk}
        )
    questionnaire = questionnaires(world, northwind).get()
    # A retried task run sends nothing more
    assert (
        send_questionnaire(practice_id=world.practice.pk, questionnaire_id=questionnaire.pk)
        is False
    )
    assert len(mailoutbox) == 1


def test_it_refuses_a_contact_of_another_client(world, northwind, secretary_client):
    stranger = ContactFactory(client__practice=world.practice)
    secretary_client.post(
        url("onboarding_send", world, client_id=northwind.pk), {"contact": stranger.pk}
    )
    assert not questionnaires(world, northwind).exists()


def test_the_contact_saves_and_continues_later_then_submits(world, northwind, contact_client):
    category = ServiceCategoryFactory(practice=world.practice)
    questionnaire = QuestionnaireFactory(client=northwind)
    page = url("portal_onboarding", world)
    # When the contact saves a partial answer
    response = contact_client.post(page, {"action": "save", "tools": "Clio, Outlook"})
    questionnaire.refresh_from_db()
    assert response.status_code == 302
    assert questionnaire.status == "in_progress" and questionnaire.tools == "Clio, Outlook"
    # And later submits without the required answers; then told what is missing
    response = contact_client.post(page, {"action": "submit", "tools": "Clio"})
    assert response.status_code == 400
    assert {"services", "expected_hours_per_month"} <= set(response.context["form"].errors)
    questionnaire.refresh_from_db()
    assert questionnaire.status == "in_progress" and questionnaire.tools == "Clio, Outlook"
    # And submits complete answers
    response = contact_client.post(
        page,
        {
            "action": "submit",
            "services": [category.pk],
            "expected_hours_per_month": "25",
            "coverage_needs": "Mon-Fri 09:00-17:00",
            "coverage_time_zone": "Australia/Sydney",
            "preferred_channels": ["email", "portal"],
            "confidentiality": "legal",
            "start_date": "2025-02-03",
        },
    )
    questionnaire.refresh_from_db()
    assert response.status_code == 302
    assert questionnaire.is_submitted
    assert questionnaire.submitted_by == world.client_contact.user
    assert questionnaire.preferred_channels == ["email", "portal"]
    # Then the answers read as people write them
    answers = contact_client.get(page).content.decode()
    assert "Email, Client portal" in answers and "Legal records" in answers


def test_a_questionnaire_submitted_twice_gets_a_clear_error(world, northwind, contact_client):
    questionnaire = QuestionnaireFactory(client=northwind, status="submitted", tools="Clio")
    response = contact_client.post(
        url("portal_onboarding", world), {"action": "submit", "tools": "Changed"}
    )
    assert response.status_code == 400
    assert "already submitted" in response.content.decode()
    questionnaire.refresh_from_db()
    assert questionnaire.tools == "Clio"


def test_the_service_refuses_a_second_submission(world, northwind):
    import pytest

    from clients.services import AlreadySubmitted, questionnaire_submit

    questionnaire = QuestionnaireFactory(client=northwind, status="submitted")
    with pytest.raises(AlreadySubmitted):
        questionnaire_submit(
            practice=world.practice,
            questionnaire=questionnaire,
            data={},
            user=world.client_contact.user,
        )


def test_the_secretary_fills_it_in_during_a_call(world, northwind, secretary_client):
    category = ServiceCategoryFactory(practice=world.practice)
    secretary_client.post(url("onboarding_send", world, client_id=northwind.pk), {})
    questionnaire = questionnaires(world, northwind).get()
    response = secretary_client.post(
        url("client_onboarding", world, client_id=northwind.pk),
        {
            "action": "submit",
            "services": [category.pk],
            "expected_hours_per_month": "10",
            "needs_on_call": "on",
        },
    )
    questionnaire.refresh_from_db()
    assert response.status_code == 302
    assert questionnaire.is_submitted and questionnaire.filled_by_staff
    assert questionnaire.needs_on_call


def test_it_refuses_a_service_of_another_practice(world, northwind, contact_client):
    foreign = ServiceCategoryFactory(practice=world.other_practice)
    questionnaire = QuestionnaireFactory(client=northwind)
    response = contact_client.post(
        url("portal_onboarding", world), {"action": "save", "services": [foreign.pk]}
    )
    assert response.status_code == 400
    assert "services" in response.context["form"].errors
    assert not questionnaire.services.exists()


def test_a_contact_without_a_questionnaire_sees_nothing_to_answer(world, northwind, contact_client):
    response = contact_client.get(url("portal_onboarding", world))
    assert response.status_code == 200
    assert "Nothing to answer" in response.content.decode()
