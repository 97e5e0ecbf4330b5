"""Staff pages of a newsletter's email: the email as a subscriber receives it, and a test sent
to oneself."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents import selectors
from documents.newsletter_email import newsletter_email
from documents.newsletter_send import newsletter_test_send, sender_address
from secretary.access import staff_view
from secretary.errors import ApplicationError


def _email_url(request: HttpRequest, composition_id: int) -> str:
    return reverse(
        "composition_email",
        kwargs={"practice_slug": request.practice.slug, "composition_id": composition_id},
    )


@staff_view
@require_GET
def composition_email(request: HttpRequest, composition_id: int) -> HttpResponse:
    """The latest version's email: subject, the HTML in a sandboxed frame (pictures inlined
    as ``data:`` URIs for this page only), the text part and what may go wrong."""
    composition = selectors.composition_get(
        practice=request.practice, composition_id=composition_id
    )
    context = {"composition": composition}
    try:
        email = newsletter_email(practice=request.practice, composition=composition)
    except ApplicationError as error:
        context["problem"] = error.message
        return render(request, "documents/compose_email.html", context, status=400)
    context.update(
        email=email,
        preview=email.preview_html(style_nonce=str(request.csp_nonce)),
        from_email=sender_address(composition),
    )
    return render(request, "documents/compose_email.html", context)


@staff_view
@require_POST
def composition_email_test(request: HttpRequest, composition_id: int) -> HttpResponse:
    composition = selectors.composition_get(
        practice=request.practice, composition_id=composition_id
    )
    try:
        newsletter_test_send(
            practice=request.practice, composition=composition, user=request.user, request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("A test of the email is on its way to %(email)s.") % {"email": request.user.email},
        )
    return redirect(_email_url(request, composition.pk))
