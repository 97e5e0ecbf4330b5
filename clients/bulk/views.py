"""Staff pages that bring clients and contacts in from a spreadsheet and take them out."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clients.bulk import exports, imports
from clients.bulk.forms import ClientImportMappingForm, ClientImportUploadForm
from clients.bulk.models import ClientImport, ClientImportStatus
from secretary import spreadsheets
from secretary.access import admin_view
from secretary.audit import activity_record
from secretary.errors import ApplicationError

REPORT_SHOWN = 200  # bad rows listed on the page; the report download has them all


@admin_view
@require_http_methods(["GET", "POST"])
def client_import_create(request):
    """Step 1: upload the file."""
    form = ClientImportUploadForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        try:
            job = imports.client_import_create(
                practice=request.practice,
                actor=request.membership,
                file=form.cleaned_data["file"],
                request=request,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            return redirect("client_import_detail", request.practice.slug, job.pk)
    recent = ClientImport.objects.for_practice(request.practice).only(
        "pk", "file_name", "status", "created_at", "report"
    )[:5]
    return render(
        request,
        "clients/bulk/import_upload.html",
        {"form": form, "recent": recent},
        status=400 if form.is_bound else 200,
    )


def _job(request, job_id: int) -> ClientImport:
    job = (
        ClientImport.objects.for_practice(request.practice)
        .select_related("practice", "primary_secretary__user")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        raise Http404
    return job


@admin_view
@require_http_methods(["GET", "POST"])
def client_import_detail(request, job_id: int):
    """Step 2, the column mapping and the check of every row; step 3, the import."""
    job = _job(request, job_id)
    form = None
    failed = False
    if job.status != ClientImportStatus.DONE:
        action = request.POST.get("action")
        form = ClientImportMappingForm(request.POST if action == "check" else None, job=job)
        if action == "check" and form.is_valid():
            try:
                job = imports.client_import_check(
                    practice=request.practice,
                    actor=request.membership,
                    job=job,
                    mapping=form.mapping(),
                    primary_secretary=form.cleaned_data["primary_secretary"],
                    request=request,
                )
            except ApplicationError as error:
                error.add_to_form(form)
                failed = True
            else:
                return redirect("client_import_detail", request.practice.slug, job.pk)
        elif action == "check":
            failed = True
        elif action == "run":
            try:
                job = imports.client_import_run(
                    practice=request.practice, actor=request.membership, job=job, request=request
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The clients and contacts are imported."))
            return redirect("client_import_detail", request.practice.slug, job.pk)
    errors = job.report.get("errors", [])
    return render(
        request,
        "clients/bulk/import_detail.html",
        {
            "job": job,
            "form": form,
            "report": job.report,
            "errors_shown": errors[:REPORT_SHOWN],
            "errors_hidden": max(len(errors) - REPORT_SHOWN, 0),
        },
        status=400 if failed else 200,
    )


@admin_view
@require_GET
def client_import_report(request, job_id: int):
    """Every bad row of the last check, as CSV."""
    job = _job(request, job_id)
    rows = ([error["line"], error["reason"]] for error in job.report.get("errors", []))
    return spreadsheets.csv_response(
        f"import-{job.pk}-problems.csv", [_("Line"), _("Problem")], rows
    )


@admin_view
@require_GET
def client_export(request):
    """Every client with its contacts, in the columns the import reads."""
    fmt = request.GET.get("format", "csv")
    if fmt not in {"csv", "xlsx"}:
        fmt = "csv"
    activity_record(
        practice=request.practice,
        actor=request.user,
        verb="clients.exported",
        data={"format": fmt},
        request=request,
    )
    return exports.export_response(request.practice, fmt)
