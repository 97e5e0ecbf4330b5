"""Staff pages of the practice's template library: the built-ins with a picture of each on its
sample, the practice's own templates, and the editor of one (source, live preview, versions).

Secretaries read the library and choose a template for a document; admins customise, edit,
restore and archive.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents import practice_templates, selectors
from documents.builtins import builtin_template
from documents.forms import (
    CompositionTemplateForm,
    TemplateCustomiseForm,
    TemplateEditForm,
    template_label,
)
from documents.models import DocumentKind
from documents.preview_guard import PreviewRefused, preview_slot
from documents.rendering import RenderError
from secretary.access import admin_view, staff_view
from secretary.errors import ApplicationError, form_submit
from secretary.models import Role


def _template_url(request: HttpRequest, template) -> str:
    return reverse(
        "template_editor",
        kwargs={"practice_slug": request.practice.slug, "template_id": template.pk},
    )


def _png(png: bytes | None) -> HttpResponse:
    if png is None:
        raise Http404
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


@staff_view
@require_GET
def template_library(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    rows = list(practice_templates.template_rows(practice=practice))
    builtins = [
        {"kind": kind, "label": DocumentKind(kind).label}
        for kind in practice_templates.template_kinds()
    ]
    return render(
        request,
        "documents/library_list.html",
        {
            "builtins": builtins,
            "templates": [row for row in rows if not row.archived],
            "archived": [row for row in rows if row.archived],
            "can_edit": request.membership.has_role_at_least(Role.ADMIN),
            "customise_form": TemplateCustomiseForm(),
        },
    )


@staff_view
@require_GET
def builtin_thumbnail(request: HttpRequest) -> HttpResponse:
    """``?kind=``: the first page of the kind's built-in template on its sample."""
    kind = str(request.GET.get("kind", ""))
    if kind not in practice_templates.template_kinds():
        return HttpResponseBadRequest(_("Name a kind of document that has a built-in template."))
    return _png(practice_templates.builtin_thumbnail(practice=request.practice, kind=kind))


@admin_view
@require_POST
def template_customise(request: HttpRequest) -> HttpResponse:
    form = TemplateCustomiseForm(request.POST)
    done, template = form_submit(
        request,
        form,
        lambda data: practice_templates.template_customise(
            practice=request.practice, kind=data["kind"], user=request.user
        ),
        success=_("The template is now the practice's own: edit it below."),
    )
    if not done:
        messages.error(request, _("Choose a kind of document to customise."))
        return redirect("template_library", practice_slug=request.practice.slug)
    return redirect(_template_url(request, template))


def _editor_context(request: HttpRequest, template, form) -> dict:
    versions = list(
        practice_templates.template_versions(practice=request.practice, template=template)
    )
    return {
        "template": template,
        "form": form,
        "versions": versions,
        "latest": versions[0] if versions else None,
        "can_edit": request.membership.has_role_at_least(Role.ADMIN),
        "builtin_version": builtin_template(template.kind).version,
    }


@staff_view
@require_http_methods(["GET", "POST"])
def template_editor(request: HttpRequest, template_id: int) -> HttpResponse:
    """GET shows the latest source (read only below admin); POST (admins) saves a version."""
    template = practice_templates.template_get(practice=request.practice, template_id=template_id)
    if request.method == "GET":
        latest = practice_templates.template_latest(practice=request.practice, template=template)
        form = TemplateEditForm(
            initial={
                "name": template.name,
                "description": template.description,
                "source": latest.source if latest else "",
            }
        )
        return render(
            request, "documents/library_editor.html", _editor_context(request, template, form)
        )
    if not request.membership.has_role_at_least(Role.ADMIN):
        raise PermissionDenied
    form = TemplateEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            version = practice_templates.template_save(
                practice=request.practice,
                template=template,
                source=data["source"],
                name=data["name"],
                description=data["description"],
                user=request.user,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            if version is not None:
                messages.success(
                    request, _("Version %(number)s saved.") % {"number": version.number}
                )
            else:
                messages.info(request, _("The source is unchanged: no new version."))
            return redirect(_template_url(request, template))
    return render(
        request,
        "documents/library_editor.html",
        _editor_context(request, template, form),
        status=400,
    )


@staff_view
@require_POST
def template_preview(request: HttpRequest, template_id: int) -> HttpResponse:
    """The posted source on the kind's sample with the practice's brand kit (HTMX fragment)."""
    template = practice_templates.template_get(practice=request.practice, template_id=template_id)
    source = str(request.POST.get("source", ""))[: practice_templates.MAX_SOURCE + 1]
    pages, problem = [], None
    try:
        with preview_slot(request.user.pk):
            pages = practice_templates.template_preview(
                practice=request.practice, kind=template.kind, source=source
            )
    except PreviewRefused as refused:
        problem = refused.message
    except ApplicationError as error:
        problem = error.message
    except RenderError as error:
        problem = error.message
    return render(
        request,
        "documents/library_preview.html",
        {"pages": pages, "problem": problem},
        status=200,
    )


@staff_view
@require_GET
def template_thumbnail(request: HttpRequest, template_id: int) -> HttpResponse:
    template = practice_templates.template_get(practice=request.practice, template_id=template_id)
    return _png(practice_templates.template_thumbnail(practice=request.practice, template=template))


@admin_view
@require_POST
def template_restore(request: HttpRequest, template_id: int) -> HttpResponse:
    template = practice_templates.template_get(practice=request.practice, template_id=template_id)
    number = str(request.POST.get("version", ""))
    try:
        version = practice_templates.template_restore(
            practice=request.practice,
            template=template,
            number=int(number) if number.isdigit() and len(number) < 9 else 0,
            user=request.user,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Version %(old)s is restored as version %(number)s.")
            % {"old": number, "number": version.number},
        )
    return redirect(_template_url(request, template))


@admin_view
@require_POST
def template_archive(request: HttpRequest, template_id: int) -> HttpResponse:
    template = practice_templates.template_get(practice=request.practice, template_id=template_id)
    archived = request.POST.get("archived", "1") != "0"
    practice_templates.template_archive(
        practice=request.practice, template=template, archived=archived, user=request.user
    )
    if archived:
        messages.success(request, _("The template is archived."))
    else:
        messages.success(request, _("The template is back in the library."))
    return redirect(_template_url(request, template))


@staff_view
@require_POST
def composition_template(request: HttpRequest, composition_id: int) -> HttpResponse:
    """The editor's setting: which template renders the composition from now on."""
    composition = selectors.composition_get(
        practice=request.practice, composition_id=composition_id
    )
    form = CompositionTemplateForm(request.POST, practice=request.practice, composition=composition)
    editor = reverse(
        "composition_editor",
        kwargs={"practice_slug": request.practice.slug, "composition_id": composition.pk},
    )
    if not form.is_valid():
        messages.error(request, _("Choose one of the practice's templates of this kind."))
        return redirect(editor)
    template = form.cleaned_data["template"]
    try:
        practice_templates.composition_template_set(
            practice=request.practice, composition=composition, template=template, user=request.user
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The document now uses %(template)s.")
            % {"template": template_label(template) if template else _("the built-in template")},
        )
    return redirect(editor)
