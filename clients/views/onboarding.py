"""Onboarding pages: send the questionnaire, fill it in during a call (staff) or answer it in
the portal (contacts)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clients import selectors, services
from clients.access import contact_view
from clients.forms import OnboardingSendForm, QuestionnaireForm
from clients.views._common import client_for, render_form
from secretary.access import staff_view
from secretary.errors import ApplicationError


def _answer(request, form, questionnaire, *, by_staff: bool) -> bool:
    """Save or submit the answers from a bound form; True when done."""
    if not form.is_valid():
        return False
    submit = request.POST.get("action") == "submit"
    service = services.questionnaire_submit if submit else services.questionnaire_save
    try:
        service(
            practice=request.practice,
            questionnaire=questionnaire,
            data=form.answers(),
            services=form.cleaned_data.get("services"),
            user=request.user,
            by_staff=by_staff,
            request=request,
        )
    except ApplicationError as error:
        error.add_to_form(form)
        return False
    if submit:
        messages.success(request, _("Thank you, the answers were submitted."))
    else:
        messages.success(request, _("Your answers are saved; you can continue later."))
    return True


@staff_view
@require_http_methods(["GET", "POST"])
def client_onboarding(request, client_id: int):
    """The intake questionnaire of a client: its answers, or a form to fill in on a call."""
    client = client_for(request, client_id)
    questionnaire = selectors.questionnaire_current(practice=request.practice, client=client)
    send_form = OnboardingSendForm(
        practice=request.practice,
        client=client,
        initial={"contact": questionnaire.contact_id if questionnaire else None},
    )
    form = None
    if questionnaire is not None and not questionnaire.is_submitted:
        form = QuestionnaireForm(
            request.POST or None, instance=questionnaire, practice=request.practice
        )
        if request.method == "POST" and _answer(request, form, questionnaire, by_staff=True):
            return redirect(
                "client_onboarding", practice_slug=request.practice.slug, client_id=client.pk
            )
    elif request.method == "POST":
        messages.error(request, _("This questionnaire was already submitted."))
    context = {
        "client": client,
        "questionnaire": questionnaire,
        "form": form,
        "send_form": send_form,
    }
    return render_form(request, "clients/onboarding.html", context, failed=request.method == "POST")


@staff_view
@require_POST
def onboarding_send(request, client_id: int):
    """Start onboarding: send the questionnaire to a contact (or start one to fill in)."""
    client = client_for(request, client_id)
    form = OnboardingSendForm(request.POST, practice=request.practice, client=client)
    contact = form.cleaned_data["contact"] if form.is_valid() else None
    if not form.is_valid() and request.POST.get("contact"):
        messages.error(request, _("Choose a contact of this client."))
        return redirect(
            "client_onboarding", practice_slug=request.practice.slug, client_id=client.pk
        )
    try:
        services.questionnaire_send(
            practice=request.practice,
            actor=request.membership,
            client=client,
            contact=contact,
            request=request,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if contact is not None and contact.membership_id is not None:
            messages.success(
                request, _("The questionnaire was sent to %(name)s.") % {"name": contact.name}
            )
        elif contact is not None:
            messages.warning(
                request,
                _(
                    "%(name)s has no portal login yet: invite them to answer online, or fill in "
                    "the answers with them during a call."
                )
                % {"name": contact.name},
            )
        else:
            messages.success(request, _("Fill in the answers during your call."))
    return redirect("client_onboarding", practice_slug=request.practice.slug, client_id=client.pk)


@contact_view()
@require_http_methods(["GET", "POST"])
def portal_onboarding(request):
    """The contact answers the intake questionnaire: save and continue later, then submit."""
    questionnaire = selectors.questionnaire_current(
        practice=request.practice, client=request.client
    )
    form = None
    if questionnaire is not None and not questionnaire.is_submitted:
        form = QuestionnaireForm(
            request.POST or None, instance=questionnaire, practice=request.practice
        )
        if request.method == "POST" and _answer(request, form, questionnaire, by_staff=False):
            return redirect("portal_onboarding", practice_slug=request.practice.slug)
    elif request.method == "POST":
        messages.error(
            request,
            _(
                "This questionnaire was already submitted; it cannot be "
                "changed. Contact the practice to update your answers."
            ),
        )
        return render(
            request,
            "clients/portal/onboarding.html",
            {"questionnaire": questionnaire, "form": None},
            status=400,
        )
    return render_form(
        request,
        "clients/portal/onboarding.html",
        {"questionnaire": questionnaire, "form": form},
        failed=request.method == "POST",
    )
