"""Staff pages of the mailing lists (and the client contact's page of their own lists)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients import selectors as client_selectors
from clients.access import contact_view
from clients.mailing import exports, imports, selectors, services
from clients.mailing.forms import (
    AudienceForm,
    ImportMappingForm,
    ImportUploadForm,
    SegmentForm,
    StatusForm,
    SubscriberFilterForm,
    SubscriberForm,
)
from clients.mailing.models import Audience, ImportJob, ImportStatus, Segment
from clients.services import regulated_view_record
from secretary.access import admin_view, staff_view
from secretary.audit import activity_record
from secretary.errors import ApplicationError, form_submit
from secretary.limits import parse_id
from secretary.models import ActivityEvent

PAGE_SIZE = 50


def _audience(request, audience_id) -> Audience:
    audience = selectors.audience_get(practice=request.practice, audience_id=audience_id)
    regulated_view_record(request=request, client=audience.client)
    return audience


def _render(request, template: str, context: dict, *, failed: bool = False):
    return render(request, template, context, status=400 if failed else 200)


@staff_view
@require_GET
def audience_list(request):
    """Every client's mailing lists, or one client's (``?client=<id>``)."""
    practice = request.practice
    client = None
    client_id = parse_id(request.GET.get("client"))
    if client_id is not None:
        client = client_selectors.client_get(practice=practice, client_id=client_id)
    audiences = selectors.audiences_with_counts(practice=practice, client=client)
    page = Paginator(audiences, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/mailing/audience_list.html",
        {"page": page, "rows": list(page.object_list), "client": client},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def audience_create(request):
    practice = request.practice
    initial = {}
    client_id = parse_id(request.GET.get("client"))
    if client_id is not None:
        initial["client"] = client_id
    form = AudienceForm(request.POST or None, practice=practice, initial=initial)

    def create(data):
        return services.audience_create(
            practice=practice,
            client=data["client"],
            actor=request.membership,
            data=form.data_for_service(),
            request=request,
        )

    done, audience = form_submit(request, form, create, success=_("Mailing list created."))
    if done:
        return redirect("audience_detail", practice.slug, audience.pk)
    return _render(
        request, "clients/mailing/audience_form.html", {"form": form}, failed=form.is_bound
    )


@staff_view
@require_GET
def audience_detail(request, audience_id: int):
    """A list's counts by status, its people (filtered, paginated), segments and imports."""
    audience = _audience(request, audience_id)
    tags = selectors.audience_tags(audience)
    form = SubscriberFilterForm(request.GET or None, tags=tags)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    people = selectors.subscribers_filtered(
        audience,
        status=filters.get("status") or "",
        tag=filters.get("tag") or "",
        search=filters.get("q") or "",
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "audience": audience,
        "form": form,
        "page": page,
        "rows": list(page.object_list),
        "query": query.urlencode(),
    }
    if request.htmx:
        return render(request, "clients/mailing/partials/subscriber_rows.html", context)
    segments = list(audience.segments.all())
    counts = selectors.segment_counts(audience, segments)
    for segment in segments:
        segment.count = counts[segment.pk]
    context.update(
        {
            "counts": selectors.status_counts(audience),
            "segments": segments,
            "imports": list(
                ImportJob.objects.for_practice(request.practice).filter(audience=audience)[:5]
            ),
        }
    )
    return render(request, "clients/mailing/audience_detail.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def audience_edit(request, audience_id: int):
    audience = _audience(request, audience_id)
    form = AudienceForm(request.POST or None, practice=request.practice, audience=audience)

    def save(data):
        return services.audience_update(
            practice=request.practice,
            audience=audience,
            actor=request.membership,
            data=form.data_for_service(),
            request=request,
        )

    done, _saved = form_submit(request, form, save, success=_("Mailing list saved."))
    if done:
        return redirect("audience_detail", request.practice.slug, audience.pk)
    return _render(
        request,
        "clients/mailing/audience_form.html",
        {"form": form, "audience": audience},
        failed=form.is_bound,
    )


@admin_view
@require_POST
def audience_delete(request, audience_id: int):
    audience = _audience(request, audience_id)
    services.audience_delete(
        practice=request.practice, audience=audience, actor=request.membership, request=request
    )
    messages.success(request, _("Mailing list deleted."))
    return redirect("audience_list", request.practice.slug)


@staff_view
@require_GET
def audience_export(request, audience_id: int):
    audience = _audience(request, audience_id)
    return _export(request, audience, None)


def _export(request, audience: Audience, segment: Segment | None):
    activity_record(
        practice=request.practice,
        actor=request.user,
        verb="audience.exported",
        target=segment or audience,
        request=request,
    )
    return exports.export_response(audience, segment)


@staff_view
@require_http_methods(["GET", "POST"])
def subscriber_create(request, audience_id: int):
    audience = _audience(request, audience_id)
    form = SubscriberForm(request.POST or None, audience=audience)

    def create(data):
        return services.subscriber_add(
            practice=request.practice,
            audience=audience,
            actor=request.membership,
            data=form.data_for_service(),
            request=request,
        )

    done, person = form_submit(request, form, create, success=_("Person added."))
    if done:
        return redirect("subscriber_detail", request.practice.slug, audience.pk, person.pk)
    return _render(
        request,
        "clients/mailing/subscriber_form.html",
        {"form": form, "audience": audience},
        failed=form.is_bound,
    )


def _history(request, person) -> list[ActivityEvent]:
    return list(
        ActivityEvent.objects.for_practice(request.practice)
        .filter(target_type=person._meta.label_lower, target_id=str(person.pk))
        .select_related("actor")
        .order_by("-created_at")[:20]
    )


@staff_view
@require_http_methods(["GET", "POST"])
def subscriber_detail(request, audience_id: int, subscriber_id: int):
    """A person: edit their details, change their status, see what happened to them."""
    audience = _audience(request, audience_id)
    person = selectors.subscriber_get(
        practice=request.practice, audience=audience, subscriber_id=subscriber_id
    )
    form = SubscriberForm(request.POST or None, audience=audience, subscriber=person)

    def save(data):
        return services.subscriber_update(
            practice=request.practice,
            subscriber=person,
            actor=request.membership,
            data=form.data_for_service(),
            request=request,
        )

    done, _saved = form_submit(request, form, save, success=_("Saved."))
    if done:
        return redirect("subscriber_detail", request.practice.slug, audience.pk, person.pk)
    return _render(
        request,
        "clients/mailing/subscriber_detail.html",
        {
            "audience": audience,
            "person": person,
            "form": form,
            "status_form": StatusForm(initial={"status": person.status}),
            "history": _history(request, person),
        },
        failed=form.is_bound,
    )


@staff_view
@require_POST
def subscriber_status(request, audience_id: int, subscriber_id: int):
    audience = _audience(request, audience_id)
    person = selectors.subscriber_get(
        practice=request.practice, audience=audience, subscriber_id=subscriber_id
    )
    status_form = StatusForm(request.POST)
    if status_form.is_valid():
        data = status_form.cleaned_data
        consent = None
        if data.get("consent_source") or data.get("consent_at"):
            consent = services.Consent(data.get("consent_source") or "", data.get("consent_at"))
        try:
            services.subscriber_status_change(
                practice=request.practice,
                subscriber=person,
                status=data["status"],
                reason=data.get("reason") or "",
                consent=consent,
                actor=request.membership,
                request=request,
            )
        except ApplicationError as error:
            error.add_to_form(status_form)
        else:
            messages.success(request, _("Status changed."))
            return redirect("subscriber_detail", request.practice.slug, audience.pk, person.pk)
    person.refresh_from_db()
    return _render(
        request,
        "clients/mailing/subscriber_detail.html",
        {
            "audience": audience,
            "person": person,
            "form": SubscriberForm(audience=audience, subscriber=person),
            "status_form": status_form,
            "history": _history(request, person),
        },
        failed=True,
    )


@staff_view
@require_POST
def subscriber_delete(request, audience_id: int, subscriber_id: int):
    audience = _audience(request, audience_id)
    person = selectors.subscriber_get(
        practice=request.practice, audience=audience, subscriber_id=subscriber_id
    )
    services.subscriber_delete(
        practice=request.practice, subscriber=person, actor=request.membership, request=request
    )
    messages.success(request, _("Person removed from the list."))
    return redirect("audience_detail", request.practice.slug, audience.pk)


def _segment_page(request, audience: Audience, segment: Segment | None):
    form = SegmentForm(request.POST or None, audience=audience, segment=segment)

    def save(data):
        if segment is None:
            return services.segment_create(
                practice=request.practice,
                audience=audience,
                actor=request.membership,
                data=form.data_for_service(),
                request=request,
            )
        return services.segment_update(
            practice=request.practice,
            segment=segment,
            actor=request.membership,
            data=form.data_for_service(),
            request=request,
        )

    done, saved = form_submit(request, form, save, success=_("Segment saved."))
    if done:
        return redirect("segment_edit", request.practice.slug, audience.pk, saved.pk)
    return _render(
        request,
        "clients/mailing/segment_form.html",
        {
            "audience": audience,
            "segment": segment,
            "form": form,
            "count": selectors.segment_count(segment) if segment is not None else None,
            "rule_rows": [
                [form[f"rule_{n}_key"], form[f"rule_{n}_op"], form[f"rule_{n}_value"]]
                for n in form.rule_slots
            ],
        },
        failed=form.is_bound,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def segment_create(request, audience_id: int):
    return _segment_page(request, _audience(request, audience_id), None)


@staff_view
@require_http_methods(["GET", "POST"])
def segment_edit(request, audience_id: int, segment_id: int):
    audience = _audience(request, audience_id)
    segment = selectors.segment_get(
        practice=request.practice, audience=audience, segment_id=segment_id
    )
    return _segment_page(request, audience, segment)


@staff_view
@require_POST
def segment_delete(request, audience_id: int, segment_id: int):
    audience = _audience(request, audience_id)
    segment = selectors.segment_get(
        practice=request.practice, audience=audience, segment_id=segment_id
    )
    services.segment_delete(
        practice=request.practice, segment=segment, actor=request.membership, request=request
    )
    messages.success(request, _("Segment deleted."))
    return redirect("audience_detail", request.practice.slug, audience.pk)


@staff_view
@require_GET
def segment_export(request, audience_id: int, segment_id: int):
    audience = _audience(request, audience_id)
    segment = selectors.segment_get(
        practice=request.practice, audience=audience, segment_id=segment_id
    )
    return _export(request, audience, segment)


@staff_view
@require_http_methods(["GET", "POST"])
def import_create(request, audience_id: int):
    """Step 1 of an import: upload the file."""
    audience = _audience(request, audience_id)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        try:
            job = imports.import_job_create(
                practice=request.practice,
                audience=audience,
                file=form.cleaned_data["file"],
                actor=request.membership,
                request=request,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            return redirect("import_detail", request.practice.slug, audience.pk, job.pk)
    return _render(
        request,
        "clients/mailing/import_upload.html",
        {"form": form, "audience": audience},
        failed=form.is_bound,
    )


def _job(request, audience: Audience, job_id: int) -> ImportJob:
    job = (
        ImportJob.objects.for_practice(request.practice)
        .filter(audience=audience, pk=job_id)
        .select_related("audience")
        .first()
    )
    if job is None:
        raise Http404
    return job


@staff_view
@require_http_methods(["GET", "POST"])
def import_detail(request, audience_id: int, job_id: int):
    """Step 2, the column mapping; then the progress (polled) and the report."""
    audience = _audience(request, audience_id)
    job = _job(request, audience, job_id)
    context = {"audience": audience, "job": job}
    if job.status == ImportStatus.MAPPING:
        form = ImportMappingForm(request.POST or None, job=job)
        if form.is_bound and form.is_valid():
            try:
                imports.import_job_start(
                    practice=request.practice,
                    job=job,
                    mapping=form.mapping(),
                    basis=form.basis_text(),
                    actor=request.membership,
                    request=request,
                )
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                return redirect("import_detail", request.practice.slug, audience.pk, job.pk)
        context["form"] = form
        return _render(
            request, "clients/mailing/import_mapping.html", context, failed=form.is_bound
        )
    if request.method == "POST":
        return redirect("import_detail", request.practice.slug, audience.pk, job.pk)
    if request.htmx:
        return render(request, "clients/mailing/partials/import_progress.html", context)
    return render(request, "clients/mailing/import_detail.html", context)


# --- Portal ---------------------------------------------------------------------------------


@contact_view("documents")
@require_GET
def portal_audience_list(request):
    """The client's own mailing lists with their counts."""
    audiences = selectors.audiences_with_counts(practice=request.practice, client=request.client)
    page = Paginator(audiences, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/mailing/portal_audience_list.html",
        {"page": page, "rows": list(page.object_list)},
    )


@contact_view("documents")
@require_GET
def portal_audience_export(request, audience_id: int):
    audience = selectors.audience_get(practice=request.practice, audience_id=audience_id)
    if audience.client_id != request.client.pk:
        raise Http404
    activity_record(
        practice=request.practice,
        actor=request.user,
        verb="audience.exported",
        target=audience,
        request=request,
    )
    return exports.export_response(audience)
