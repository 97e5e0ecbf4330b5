"""``document_rows`` and ``composition_rows`` write the rows of the document list and of the
composed documents themselves: a ``{% for %}`` of them cost the template language most of the
page's time. The markup is the loops' that they replaced, byte for byte
(``tests/documents/test_rows.py`` keeps the loops and compares).
"""

import functools

from django import template
from django.template.defaultfilters import filesizeformat
from django.template.defaulttags import CsrfTokenNode
from django.utils.translation import gettext

from secretary import moments
from secretary.rows import choice_labels, joined, localized, text
from secretary.templatetags.secretary_tags import row_url

register = template.Library()

# ``{{ moment|date:"j M Y H:i" }}``: a moment in the viewer's time zone.
_MOMENT = "j M Y H:i"


def _moment(value) -> str:
    return text(moments.shown(value, _MOMENT))


_DOCUMENT_ROW = (
    "\n  <tr>\n"
    "    <td>{title}{by}</td>\n"
    "    <td>{client}</td>\n"
    "    <td>{kind}</td>\n"
    "    <td>\n"
    "      {status}\n"
    "    </td>\n"
    "    <td>{created}</td>\n"
    '    <td class="num">{pages}</td>\n'
    '    <td class="num">{size}</td>\n'
    "    <td>\n"
    "      {action}\n"
    "    </td>\n"
    "  </tr>\n  "
)

_DOCUMENT_DOWNLOAD = '<a class="btn small secondary" href="{url}">{download}</a>\n      '

_DOCUMENT_RETRY = (
    "\n"
    '      <form method="post" action="{url}">{csrf}\n'
    '        <input type="hidden" name="next" value="{next}">\n'
    '        <button class="small" type="submit">{retry}</button>\n'
    "      </form>\n      "
)


@register.simple_tag(takes_context=True)
def document_rows(context, documents):
    """The ``<tr>`` of each document of the document list (``documents/document_list.html``):
    its state, and a download link when it is ready or a retry when it failed or stalled."""
    from documents.models import Document, DocumentStatus

    kinds = choice_labels(Document, "kind")
    statuses = choice_labels(Document, "status")
    by = gettext("by %(name)s")
    stalled = f'<span class="badge danger">{text(gettext("Stalled"))}</span>\n      '
    download = text(gettext("Download"))
    # The retry form's token and return address: the same for every row.
    retry = None
    size = functools.cache(lambda value: text(filesizeformat(value)))
    number = localized()
    rows = []
    for document in documents:
        status = document.status
        label = text(statuses.get(status, status))
        if status == DocumentStatus.READY:
            badge = f'<span class="badge success">{label}</span>\n      '
        elif status == DocumentStatus.FAILED:
            badge = (
                f'<span class="badge danger">{label}</span>\n'
                f'        <div class="document-failure small">{text(document.failure_reason)}'
                "</div>\n      "
            )
        elif document.is_stalled:
            badge = stalled
        else:
            badge = f'<span class="badge warning">{label}</span>'
        if document.is_ready:
            action = _DOCUMENT_DOWNLOAD.format(
                url=text(row_url(context, "document_download", document.pk)), download=download
            )
        elif document.can_retry:
            if retry is None:
                request = context.get("request")
                retry = {
                    "csrf": CsrfTokenNode().render(context),
                    "next": text(request.get_full_path()) if request is not None else "",
                    "retry": text(gettext("Retry")),
                }
            action = _DOCUMENT_RETRY.format(
                url=text(row_url(context, "document_retry", document.pk)), **retry
            )
        else:
            action = ""
        author = document.created_by
        client = document.client
        pages = document.page_count
        rows.append(
            _DOCUMENT_ROW.format(
                title=text(document.title),
                # As {% blocktranslate %} did: the name escaped, the translation as it is.
                by=f'<div class="muted small">{by % {"name": text(author)}}</div>'
                if author
                else "",
                client=text(client) if client else "—",
                kind=text(kinds.get(document.kind, document.kind)),
                status=badge,
                created=_moment(document.created_at),
                pages="" if pages is None else number(pages),
                size=size(document.size) if document.size else "",
                action=action,
            )
        )
    return joined(rows)


_COMPOSITION_ROW = (
    "\n  <tr>\n"
    '    <td><a href="{url}">{title}</a></td>\n'
    "    <td>{client}</td>\n"
    "    <td>{kind}</td>\n"
    '    <td><span class="badge {status_class}">{status}</span></td>\n'
    '    <td class="num">{version}</td>\n'
    "    <td>{updated}</td>\n"
    "  </tr>\n  "
)

_COMPOSITION_STATUS_CLASSES = {
    "approved": "success",
    "changes_requested": "warning",
    "awaiting_approval": "warning",
}


@register.simple_tag(takes_context=True)
def composition_rows(context, compositions):
    """The ``<tr>`` of each composed document of their list (``documents/compose_list.html``),
    with its latest version's number (``latest_number``)."""
    from documents.models import Composition

    kinds = choice_labels(Composition, "kind")
    statuses = choice_labels(Composition, "status")
    numbered = localized()
    rows = []
    for composition in compositions:
        status = composition.status
        number = composition.latest_number
        rows.append(
            _COMPOSITION_ROW.format(
                url=text(row_url(context, "composition_editor", composition.pk)),
                title=text(composition.title),
                client=text(composition.client.name),
                kind=text(kinds.get(composition.kind, composition.kind)),
                status_class=_COMPOSITION_STATUS_CLASSES.get(status, "neutral"),
                status=text(statuses.get(status, status)),
                version="—" if number is None else numbered(number),
                updated=_moment(composition.updated_at),
            )
        )
    return joined(rows)
