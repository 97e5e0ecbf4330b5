"""Inbound email pages: the quarantine (held messages to accept or discard, the recently
ignored ones for diagnostics), the client page's Email tab with the client's address."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clients.selectors import client_get
from secretary.access import staff_view
from secretary.errors import ApplicationError
from secretary.prepared import prepared_aggregate
from tasks.inbound import selectors, services
from tasks.inbound.forms import AcceptForm
from tasks.inbound.models import InboundMessage, InboundStatus, preview_line


@staff_view
@require_GET
def inbound_quarantine(request):
    practice = request.practice
    rows = selectors.held_page_rows(practice=practice, membership=request.membership)
    page = Paginator(rows, selectors.HELD_PAGE_SIZE).get_page(request.GET.get("page"))
    held = list(page.object_list)
    for message in held:
        message.preview_text = preview_line(message.body_start)
    return render(
        request,
        "tasks/inbound/quarantine.html",
        {
            "page": page,
            "held": held,
            "ignored": list(
                selectors.ignored_messages(practice=practice)[: selectors.IGNORED_ROWS]
            ),
        },
    )


@staff_view
@require_POST
def inbound_accept(request, inbound_id: int):
    practice = request.practice
    inbound = selectors.held_message_get(
        practice=practice, membership=request.membership, inbound_id=inbound_id
    )
    form = AcceptForm(request.POST)
    form.is_valid()
    try:
        task = services.quarantine_accept(
            practice=practice,
            inbound=inbound,
            actor=request.membership,
            add_contact=bool(form.cleaned_data.get("add_contact")),
            request=request,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("inbound_quarantine", practice_slug=practice.slug)
    messages.success(request, _("The message was accepted."))
    return redirect("task_detail", practice_slug=practice.slug, task_id=task.pk)


@staff_view
@require_POST
def inbound_discard(request, inbound_id: int):
    practice = request.practice
    inbound = selectors.held_message_get(
        practice=practice, membership=request.membership, inbound_id=inbound_id
    )
    try:
        services.quarantine_discard(
            practice=practice, inbound=inbound, actor=request.membership, request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The message was discarded."))
    return redirect("inbound_quarantine", practice_slug=practice.slug)


@staff_view
@require_POST
def inbound_address_rotate(request, client_id: int):
    practice = request.practice
    client = client_get(practice=practice, client_id=client_id)
    services.inbound_address_rotate(
        practice=practice, client=client, actor=request.membership, request=request
    )
    messages.success(
        request, _("The client has a new email address; mail to the old one is not taken.")
    )
    url = reverse("client_detail", kwargs={"practice_slug": practice.slug, "client_id": client.pk})
    return redirect(f"{url}?tab=email")


# --- The client page's Email tab ----------------------------------------------------------


def client_tab_count(request, client) -> int:
    return _client_held(practice=request.practice.pk, client=client.pk)["n"]


@prepared_aggregate(n=Count("pk"))
def _client_held(*, practice: int, client: int):
    return InboundMessage.objects.for_practice(practice).filter(
        client=client, status=InboundStatus.QUARANTINED
    )


def client_tab_context(request, client) -> dict:
    address = services.inbound_address_for(practice=request.practice, client=client)
    held = list(
        selectors.held_messages(practice=request.practice, membership=request.membership).filter(
            client=client
        )[:20]
    )
    return {"client": client, "address": address, "held": held}
