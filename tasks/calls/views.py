"""Pages of the call log: the call form, a call, the practice's call list, the client tab and
the portal's messages."""

from __future__ import annotations

import functools
import zoneinfo

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from clients.access import contact_view
from clients.playbook.selectors import clients_visible_to, playbook_of
from clients.services import regulated_view_record
from secretary.access import staff_view
from secretary.date_inputs import DateInput
from secretary.errors import form_submit
from secretary.limits import parse_id, validate_date_in_range
from secretary.paging import BoundedPaginator
from secretary.prepared import prepared_aggregate
from tasks.calls import selectors, services
from tasks.calls.forms import CallClientForm, CallForm, contacts_of

PAGE_SIZE = 50


def _client_of_query(request):
    client_id = parse_id(request.GET.get("client") or request.POST.get("client"))
    if client_id is None:
        return None
    client = clients_visible_to(membership=request.membership).filter(pk=client_id).first()
    if client is None:
        return None
    regulated_view_record(request=request, client=client)
    return client


@staff_view
@require_http_methods(["GET", "POST"])
def call_new(request):
    """Step one picks the client (autofocused; Enter goes on); step two is the call form with
    the client's playbook beside it."""
    client = _client_of_query(request)
    if client is None:
        picker = CallClientForm(clients=clients_visible_to(membership=request.membership))
        return render(request, "tasks/calls/call_new.html", {"picker": picker})
    read_playbook = functools.cache(lambda: playbook_of(practice=request.practice, client=client))

    def content() -> dict:
        playbook = read_playbook()
        return playbook.content if playbook else {}

    form = CallForm(
        request.POST or None,
        contacts=lambda: contacts_of(practice=request.practice, client=client),
        playbook=content,
    )
    if request.method == "POST":
        done, call = form_submit(
            request,
            form,
            lambda _data: services.call_log(
                practice=request.practice,
                actor=request.membership,
                client=client,
                data=form.service_data(),
                request=request,
            ),
            success=_("The call was logged."),
        )
        if done:
            if request.POST.get("next") == "another":
                return redirect(f"{request.path}?client={client.pk}")
            return redirect("call_detail", request.practice.slug, call.pk)
    return render(
        request,
        "tasks/calls/call_new.html",
        {"client": client, "form": form, "content": content(), "playbook": read_playbook()},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_view
@require_GET
def call_detail(request, call_id: int):
    call = selectors.call_get(
        practice=request.practice, call_id=call_id, membership=request.membership
    )
    regulated_view_record(request=request, client=call.client)
    return render(request, "tasks/calls/call_detail.html", {"call": call})


class CallFilterForm(forms.Form):
    client = forms.ModelChoiceField(
        label=gettext_lazy("Client"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Any client"),
    )
    since = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=DateInput(),
        validators=[validate_date_in_range],
    )
    until = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=DateInput(),
        validators=[validate_date_in_range],
    )

    def __init__(self, *args, clients=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients


def _zone(request):
    try:
        return zoneinfo.ZoneInfo(request.practice.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, AttributeError):
        return timezone.get_current_timezone()


@staff_view
@require_GET
def call_list(request):
    """The practice's calls (of the clients the member may see), newest first."""
    clients = clients_visible_to(membership=request.membership).only("practice", "name")
    filters = CallFilterForm(request.GET or None, clients=clients)
    values = filters.cleaned_data if filters.is_valid() else {}
    calls = selectors.listed_calls(
        **selectors.call_filters(
            request.practice,
            request.membership,
            client=values.get("client"),
            since=values.get("since"),
            until=values.get("until"),
            zone=_zone(request),
        )
    )
    page = BoundedPaginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/calls/call_list.html",
        {"filters": filters, "page": page, "calls": list(page.object_list)},
    )


# --- Client tab -------------------------------------------------------------------------------


def client_tab_context(request, client) -> dict:
    calls = selectors.calls_for(practice=request.practice, client=client).only(
        *selectors.LIST_FIELDS
    )[:25]
    return {"client": client, "calls": list(calls)}


def client_tab_count(request, client):
    return _client_calls(practice=request.practice.pk, client=client.pk)["n"]


@prepared_aggregate(n=Count("pk"))
def _client_calls(*, practice: int, client: int):
    from tasks.calls.models import Call

    return Call.objects.for_practice(practice).filter(client=client)


# --- Portal -----------------------------------------------------------------------------------


@contact_view("requests")
@require_GET
def portal_call_messages(request):
    calls = selectors.messages_for_client(practice=request.practice, client=request.client)
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/calls/portal_messages.html",
        {"page": page, "calls": list(page.object_list)},
    )
