"""The only tags and filters a document template may use (the restricted engine's builtins).

Nothing here reaches files, other templates, URLs, settings or the request: no ``include``,
``extends``, ``load``, ``ssi``, ``debug``, ``url``, ``csrf_token`` or ``querystring``.
"""

from django.template import Library, defaultfilters, defaulttags
from django.templatetags import i18n

from documents.content.blocks import blocks_html
from documents.content.markdown import markdown_html

ALLOWED_TAGS = (
    "autoescape",
    "comment",
    "cycle",
    "filter",
    "firstof",
    "for",
    "if",
    "ifchanged",
    "lorem",
    "now",
    "regroup",
    "resetcycle",
    "spaceless",
    "templatetag",
    "verbatim",
    "widthratio",
    "with",
)
ALLOWED_I18N_TAGS = ("translate", "trans", "blocktranslate", "blocktrans")
# ``pprint`` shows Python reprs; nothing a document needs.
DENIED_FILTERS = ("pprint",)

register = Library()
register.tags.update({name: defaulttags.register.tags[name] for name in ALLOWED_TAGS})
register.tags.update({name: i18n.register.tags[name] for name in ALLOWED_I18N_TAGS})
register.filters.update(
    {
        name: function
        for name, function in defaultfilters.register.filters.items()
        if name not in DENIED_FILTERS
    }
)


@register.filter(name="markdown")
def markdown_filter(text):
    """Rich text typed as Markdown, as HTML cleaned to the allow-list."""
    return markdown_html(text or "")


@register.filter(name="blocks")
def blocks_filter(blocks):
    """A document's content blocks as HTML (texts escaped, rich text cleaned)."""
    return blocks_html(blocks or ())
