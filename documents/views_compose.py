"""Staff pages of composed documents: the list, a new document, and the editor (blocks, the
kind's fields, a live preview, versions, approval, the client's images)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents import compose, selectors
from documents.compose_preview import composition_preview
from documents.filters import CompositionFilter
from documents.forms import (
    BLOCK_LABELS,
    IMAGE_WIDTHS,
    SPACER_SIZES,
    AssetUploadForm,
    CompositionCreateForm,
    CompositionTemplateForm,
    ContentForm,
)
from documents.models import (
    Approval,
    ApprovalDecision,
    Composition,
    CompositionVersion,
    DocumentAsset,
    ProofComment,
)
from documents.preview_guard import PreviewRefused, preview_paused, preview_slot
from documents.rendering import RenderError
from secretary.access import staff_view
from secretary.errors import ApplicationError, form_submit
from secretary.files import stored_file_response

PAGE_SIZE = 50


def _editor_url(request: HttpRequest, composition: Composition) -> str:
    return reverse(
        "composition_editor",
        kwargs={"practice_slug": request.practice.slug, "composition_id": composition.pk},
    )


def duration_text(minutes: int) -> str:
    """``135`` → "2 h 15 min"."""
    hours, rest = divmod(int(minutes or 0), 60)
    if hours and rest:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": rest}


# --- List and new ---------------------------------------------------------------------------


def composition_rows(*, practice):
    """The practice's compositions, last changed first, with what the list shows (one query)."""
    latest = (
        CompositionVersion.objects.for_practice(practice)
        .filter(composition=OuterRef("pk"))
        .order_by("-number")
        .values("number")[:1]
    )
    return (
        Composition.objects.for_practice(practice)
        .select_related("client")
        .only("pk", "title", "kind", "status", "updated_at", "client__id", "client__name")
        .annotate(latest_number=Subquery(latest))
        .order_by("-updated_at", "-id")
    )


@staff_view
@require_GET
def composition_list(request: HttpRequest) -> HttpResponse:
    rows = CompositionFilter(
        request.GET or None,
        queryset=composition_rows(practice=request.practice),
        request=request,
    )
    valid = not rows.is_bound or rows.is_valid()
    page = Paginator(rows.qs if valid else rows.queryset.none(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documents/compose_list.html",
        {"filter": rows, "page": page, "query": query.urlencode()},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def composition_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    client_id = request.GET.get("client", "")
    if client_id.isdigit():
        client = rows_first(request, "client", int(client_id))
        if client is not None:
            initial = {"client": client, "paper": compose.paper_for(client)}
    task_id = request.GET.get("task", "")
    if task_id.isdigit():
        task = rows_first(request, "task", int(task_id))
        if task is not None:
            initial.update(task=task, client=task.client, paper=compose.paper_for(task.client))
    form = CompositionCreateForm(request.POST or None, practice=request.practice, initial=initial)
    if request.method == "POST":
        done, composition = form_submit(
            request,
            form,
            lambda data: compose.composition_create(
                practice=request.practice,
                client=data["client"],
                kind=data["kind"],
                title=data["title"],
                task=data.get("task"),
                paper=data.get("paper") or "",
                template=data.get("template"),
                user=request.user,
            ),
        )
        if done:
            return redirect(_editor_url(request, composition))
    return render(
        request,
        "documents/compose_new.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def rows_first(request: HttpRequest, what: str, row_id: int):
    """The practice's client or task ``row_id`` (None when it is not the practice's)."""
    if what == "client":
        from clients.models import Client

        return Client.objects.for_practice(request.practice).filter(pk=row_id).first()
    from tasks.models import Task

    return (
        Task.objects.for_practice(request.practice)
        .select_related("client")
        .filter(pk=row_id)
        .first()
    )


# --- The editor -------------------------------------------------------------------------------


def _assets(request: HttpRequest, composition: Composition):
    return list(
        DocumentAsset.objects.for_practice(request.practice)
        .filter(client_id=composition.client_id)
        .only("pk", "original_name", "width", "height", "created_at")
    )


def _editor_context(
    request: HttpRequest,
    composition: Composition,
    content_form: ContentForm,
    *,
    upload_form: AssetUploadForm | None = None,
    saved=None,
) -> dict:
    practice = request.practice
    versions = list(
        CompositionVersion.objects.for_practice(practice)
        .filter(composition=composition)
        .select_related("created_by")
        .defer("content")
        .order_by("-number")
    )
    numbers = {version.pk: version.number for version in versions}
    approvals = list(
        Approval.objects.for_practice(practice).filter(
            subject_type=compose.VERSION_SUBJECT, subject_id__in=list(numbers)
        )
    )
    for approval in approvals:
        approval.version_number = numbers.get(approval.subject_id)
    approved = None
    if composition.is_locked and composition.approved_version_id:
        approved = next(
            (
                approval
                for approval in approvals
                if approval.subject_id == composition.approved_version_id
                and approval.decision == ApprovalDecision.APPROVED
            ),
            None,
        )
    comments = list(
        ProofComment.objects.for_practice(practice)
        .filter(version__composition=composition)
        .select_related("version")
        .order_by("-created_at", "-id")
    )
    task_time = None
    if composition.task_id is not None:
        from tasks.selectors import task_minutes

        task_time = duration_text(task_minutes(task=composition.task))
    latest = versions[0] if versions else None
    return {
        "composition": composition,
        "form": content_form,
        "upload_form": upload_form or AssetUploadForm(),
        "assets": _assets(request, composition),
        "versions": versions,
        "latest": latest,
        "approvals": approvals,
        "approved": approved,
        "approved_version": next(
            (v for v in versions if v.pk == composition.approved_version_id), None
        ),
        "comments": comments,
        "task_time": task_time,
        "saved": saved,
        "locked": composition.is_locked,
        "merge_fields": compose.MERGE_FIELDS,
        "block_labels": BLOCK_LABELS,
        "image_widths": IMAGE_WIDTHS,
        "spacer_sizes": list(SPACER_SIZES),
        "version_subject": compose.VERSION_SUBJECT,
        "template_form": CompositionTemplateForm(practice=practice, composition=composition),
    }


def _composition(request: HttpRequest, composition_id: int) -> Composition:
    return selectors.composition_get(practice=request.practice, composition_id=composition_id)


@staff_view
@require_http_methods(["GET", "POST"])
def composition_editor(request: HttpRequest, composition_id: int) -> HttpResponse:
    """GET shows the latest version; POST ``action=save`` keeps a version, other actions add,
    move or remove a block or a list's item and show the form again (its content for HTMX)."""
    composition = _composition(request, composition_id)
    if request.method == "GET":
        latest = compose.version_latest(composition)
        form = ContentForm(content=latest.content if latest else None, kind=composition.kind)
        return render(
            request, "documents/compose_editor.html", _editor_context(request, composition, form)
        )
    form = ContentForm(request.POST, kind=composition.kind)
    action = request.POST.get("action", "save")
    if action != "save":
        form.apply_action(action)
        context = _editor_context(request, composition, form)
        if request.htmx:
            # The fragment asks for a new preview once it is in the page (the new order).
            context["refresh_preview"] = True
            return render(request, "documents/partials/compose_content.html", context)
        return render(request, "documents/compose_editor.html", context)
    saved = None
    if form.is_valid():
        try:
            saved = compose.composition_save(
                practice=request.practice,
                composition=composition,
                content=form.content,
                user=request.user,
            )
        except ApplicationError as error:
            form.add_error(error)
    context = _editor_context(request, composition, form, saved=saved)
    return render(
        request,
        "documents/compose_editor.html",
        context,
        status=400 if form.has_errors() else 200,
    )


@staff_view
@require_POST
def composition_preview_view(request: HttpRequest, composition_id: int) -> HttpResponse:
    """The unsaved content as pages (HTMX fragment); nothing is stored."""
    composition = _composition(request, composition_id)
    if composition.is_locked and composition.approved_version_id:
        # An approved document shows its approved version, whatever the page sends.
        form = ContentForm(content=composition.approved_version.content, kind=composition.kind)
    else:
        form = ContentForm(request.POST, kind=composition.kind)
    preview, problem = None, None
    if form.is_valid():
        try:
            with preview_slot(request.user.pk):
                preview = composition_preview(
                    practice=request.practice,
                    composition=composition,
                    content=form.content,
                    user=request.user,
                )
        except PreviewRefused as refused:
            return preview_paused(request, refused)
        except ApplicationError as error:
            form.add_error(error)
        except RenderError as error:
            problem = error.message
    return render(
        request,
        "documents/partials/compose_preview.html",
        {"composition": composition, "form": form, "preview": preview, "problem": problem},
    )


@staff_view
@require_POST
def composition_send(request: HttpRequest, composition_id: int) -> HttpResponse:
    composition = _composition(request, composition_id)
    try:
        version = compose.composition_send_for_approval(
            practice=request.practice, composition=composition, user=request.user
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Version %(number)s is sent to the client for approval.")
            % {"number": version.number},
        )
    return redirect(_editor_url(request, composition))


@staff_view
@require_POST
def composition_pdf(request: HttpRequest, composition_id: int) -> HttpResponse:
    """Ask for the PDF of the latest version; its live status shows on the editor."""
    composition = _composition(request, composition_id)
    try:
        version_id = compose.version_render(
            practice=request.practice, composition=composition, user=request.user
        ).subject_id
    except ApplicationError as error:
        if request.htmx:
            return render(
                request,
                "documents/partials/compose_problem.html",
                {"problem": error.message},
            )
        messages.error(request, error.message)
        return redirect(_editor_url(request, composition))
    if request.htmx:
        return render(
            request,
            "documents/partials/compose_pdf.html",
            {"subject_type": compose.VERSION_SUBJECT, "subject_id": version_id},
        )
    return redirect(_editor_url(request, composition) + "#pdf")


# --- The client's images ----------------------------------------------------------------------


@staff_view
@require_POST
def composition_asset_upload(request: HttpRequest, composition_id: int) -> HttpResponse:
    composition = _composition(request, composition_id)
    upload_form = AssetUploadForm(request.POST, request.FILES)
    if upload_form.is_valid():
        try:
            asset = compose.asset_upload(
                practice=request.practice,
                client=composition.client,
                upload=upload_form.cleaned_data["file"],
                user=request.user,
            )
        except ApplicationError as error:
            error.add_to_form(upload_form)
        else:
            messages.success(
                request, _("%(name)s is added to the client's images.") % {"name": asset}
            )
            return redirect(_editor_url(request, composition) + "#images")
    latest = compose.version_latest(composition)
    form = ContentForm(content=latest.content if latest else None, kind=composition.kind)
    context = _editor_context(request, composition, form, upload_form=upload_form)
    return render(request, "documents/compose_editor.html", context, status=400)


@staff_view
@require_GET
def asset_file(request: HttpRequest, asset_id: int) -> HttpResponse:
    """A client's image, to staff of the practice (inline only as a raster image)."""
    asset = (
        DocumentAsset.objects.for_practice(request.practice)
        .filter(pk=asset_id)
        .only("pk", "file", "original_name")
        .first()
    )
    if asset is None:
        raise Http404
    return stored_file_response(asset.file, filename=asset.original_name, inline=True, max_age=300)
