"""The client's proofing of composed documents in the portal: the list of what awaits review,
every page of the version sent, comments pinned on its pages, approve or ask for changes.

Contacts only ever see versions sent for approval (``documents.proofing``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients.access import contact_view
from documents import compose, proofing, selectors
from documents.models import ApprovalDecision, CompositionStatus, DocumentStatus
from documents.pages import NoSuchPage, page_file
from secretary import limits
from secretary.audit import client_ip
from secretary.errors import ApplicationError
from secretary.files import stored_file_response

MAX_PAGE = 2000


class ApproveForm(forms.Form):
    read_confirmed = forms.BooleanField(
        label=gettext_lazy("I have read this version and approve it as it is."),
        error_messages={"required": gettext_lazy("Confirm that you have read this version.")},
    )
    name = forms.CharField(
        label=gettext_lazy("Your full name"),
        max_length=150,
        error_messages={"required": gettext_lazy("Type your full name to approve.")},
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Type your full name to approve."))
        return name


class ChangesForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("What should change?"),
        max_length=limits.TEXT_SHORT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Say what should change.")},
    )
    page = forms.IntegerField(
        label=gettext_lazy("Page"), min_value=1, max_value=MAX_PAGE, required=False
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=limits.TEXT_SHORT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Write a comment.")},
    )
    page = forms.IntegerField(label=gettext_lazy("Page"), min_value=1, max_value=MAX_PAGE)
    x = forms.DecimalField(
        min_value=0, max_value=100, max_digits=5, decimal_places=2, required=False
    )
    y = forms.DecimalField(
        min_value=0, max_value=100, max_digits=5, decimal_places=2, required=False
    )

    def clean(self):
        data = super().clean()
        if (data.get("x") is None) != (data.get("y") is None):
            raise forms.ValidationError(_("A spot on the page needs both coordinates."))
        return data


def _as_form_error(form: forms.Form, error: ApplicationError) -> None:
    for field, message in (error.errors or {}).items():
        messages_ = message if isinstance(message, list) else [message]
        for text in messages_:
            form.add_error(field if field in form.fields else None, text)
    if not error.errors:
        form.add_error(None, error.message)


@contact_view("documents")
@require_GET
def portal_compositions(request: HttpRequest) -> HttpResponse:
    groups = proofing.portal_compositions(practice=request.practice, client=request.client)
    return render(request, "documents/portal_compositions.html", {"groups": groups})


def _page_context(request: HttpRequest, composition, **forms_) -> dict:
    practice = request.practice
    version = proofing.version_shown(practice=practice, composition=composition)
    document = version.document if version is not None else None
    ready = document is not None and document.status == DocumentStatus.READY and document.file
    comments = (
        list(proofing.version_comments(practice=practice, version=version)) if version else []
    )
    for number, comment in enumerate(comments, start=1):
        comment.number = number
    pages = []
    if ready:
        for number in range(1, (document.page_count or 1) + 1):
            pages.append(
                {
                    "number": number,
                    "comments": [c for c in comments if c.page == number],
                }
            )
    latest = compose.version_latest(composition)
    may_decide = (
        version is not None
        and composition.status == CompositionStatus.AWAITING_APPROVAL
        and latest is not None
        and latest.pk == version.pk
    )
    return {
        "composition": composition,
        "version": version,
        "document": document if ready else None,
        "pending": version is not None and not ready,
        "pages": pages,
        "comments": comments,
        "approval": proofing.composition_approval(practice=practice, composition=composition),
        "may_decide": may_decide,
        "approve_form": forms_.get("approve_form") or ApproveForm(),
        "changes_form": forms_.get("changes_form") or ChangesForm(),
        "comment_form": forms_.get("comment_form") or CommentForm(initial={"page": 1}),
    }


@contact_view("documents")
@require_http_methods(["GET", "POST"])
def portal_composition(request: HttpRequest, composition_id: int) -> HttpResponse:
    composition = selectors.composition_get(
        practice=request.practice, composition_id=composition_id, client=request.client
    )
    if request.method == "GET":
        return render(
            request, "documents/portal_composition.html", _page_context(request, composition)
        )
    decision = request.POST.get("decision", "")
    form_class = ApproveForm if decision == ApprovalDecision.APPROVED else ChangesForm
    form = form_class(request.POST)
    if decision not in ApprovalDecision.values:
        form.add_error(None, _("Choose to approve or to request changes."))
    elif form.is_valid():
        data = form.cleaned_data
        try:
            compose.composition_decide(
                practice=request.practice,
                composition=composition,
                version_id=_int(request.POST.get("version")),
                user=request.user,
                decision=decision,
                name=data.get("name") or request.user.get_full_name() or request.user.email,
                comment=data.get("comment", ""),
                page=data.get("page") or 1,
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except ApplicationError as error:
            _as_form_error(form, error)
        else:
            if decision == ApprovalDecision.APPROVED:
                messages.success(request, _("Thank you: this version is approved."))
            else:
                messages.success(request, _("Thank you: your comments are sent to your secretary."))
            return redirect(request.path)
    composition.refresh_from_db()
    key = "approve_form" if form_class is ApproveForm else "changes_form"
    return render(
        request,
        "documents/portal_composition.html",
        _page_context(request, composition, **{key: form}),
        status=400,
    )


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


@contact_view("documents")
@require_POST
def portal_composition_comment(request: HttpRequest, composition_id: int) -> HttpResponse:
    composition = selectors.composition_get(
        practice=request.practice, composition_id=composition_id, client=request.client
    )
    version = proofing.version_shown(practice=request.practice, composition=composition)
    form = CommentForm(request.POST)
    if version is None:
        raise Http404
    if composition.status != CompositionStatus.AWAITING_APPROVAL:
        form.add_error(None, _("This version is no longer open for comments."))
    elif form.is_valid():
        data = form.cleaned_data
        try:
            compose.proof_comment_add(
                practice=request.practice,
                version=version,
                user=request.user,
                body=data["body"],
                page=data["page"],
                x=data.get("x"),
                y=data.get("y"),
                from_client=True,
            )
        except ApplicationError as error:
            _as_form_error(form, error)
        else:
            messages.success(request, _("Your comment is added."))
            return redirect("portal_composition", request.practice.slug, composition.pk)
    return render(
        request,
        "documents/portal_composition.html",
        _page_context(request, composition, comment_form=form),
        status=400,
    )


@contact_view("documents")
@require_GET
def portal_composition_page(
    request: HttpRequest, composition_id: int, version_id: int, page: int
) -> HttpResponse:
    """Page ``page`` of a version sent to the client, as a PNG."""
    composition = selectors.composition_get(
        practice=request.practice, composition_id=composition_id, client=request.client
    )
    version = proofing.sent_version_get(
        practice=request.practice, composition=composition, version_id=version_id
    )
    document = version.document
    if document is None or document.status != DocumentStatus.READY:
        raise Http404
    try:
        png = page_file(document, page)
    except NoSuchPage:
        raise Http404 from None
    name = slugify(composition.title) or "document"
    return stored_file_response(
        png, filename=f"{name}-v{version.number}-{page}.png", inline=True, max_age=300
    )
