"""The client's proofing of composed documents in the portal: the version sent, approve or ask
for changes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clients.access import contact_view
from documents import compose, selectors
from documents.models import Approval, ProofComment
from secretary.audit import client_ip
from secretary.errors import ApplicationError


@contact_view("documents")
@require_http_methods(["GET", "POST"])
def portal_composition(request: HttpRequest, composition_id: int) -> HttpResponse:
    composition = selectors.composition_get(
        practice=request.practice, composition_id=composition_id, client=request.client
    )
    version = compose.version_latest(composition)
    problem = None
    if request.method == "POST":
        try:
            compose.composition_decide(
                practice=request.practice,
                composition=composition,
                version_id=int(request.POST.get("version") or 0),
                user=request.user,
                decision=request.POST.get("decision", ""),
                name=request.POST.get("name", ""),
                comment=request.POST.get("comment", ""),
                page=int(request.POST.get("page") or 1),
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except (ApplicationError, ValueError) as error:
            problem = getattr(error, "message", None) or _("Check the form and try again.")
        else:
            messages.success(request, _("Thank you: your answer is recorded."))
            return redirect(request.path)
    sent = version is not None and version.sent_for_approval_at is not None
    return render(
        request,
        "documents/portal_composition.html",
        {
            "composition": composition,
            "version": version if sent else None,
            "document": version.document if sent else None,
            "comments": ProofComment.objects.for_practice(request.practice)
            .filter(version__composition=composition)
            .select_related("version")
            .order_by("-created_at")
            if version
            else [],
            "approvals": Approval.objects.for_practice(request.practice).filter(
                subject_type=compose.VERSION_SUBJECT,
                subject_id__in=composition.versions.values("pk"),
            ),
            "problem": problem,
        },
        status=400 if problem else 200,
    )
