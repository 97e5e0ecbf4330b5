from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.renderers import TemplatesSetting
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
LABEL = "django/forms/label.html"
# Django's and django-filter's unnamed empty choice.
UNNAMED_BLANK = BLANK_CHOICE_DASH[0][1]
# Django's input widgets whose template is only ``{% include "…/input.html" %}``.
INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input checkbox color date datetime email file hidden number password search tel text "
        "time url"
    ).split()
}


class FormRenderer(TemplatesSetting):
    """Forms render through the design system: label, input, help, errors next to the field.

    Labels, inputs and selects are written here rather than through Django's templates: a
    form of ten fields rendered some thirty templates, and a select one more per option (a
    list filter naming each of 300 clients rendered 600). The markup is the same, which
    ``tests/secretary/test_form_renderer.py`` checks against Django's templates.
    """

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"

    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            check_empty_choice(context["widget"])
            html = render_select(context["widget"])
        elif template_name in INPUTS:
            html = render_input(context["widget"])
        elif template_name == LABEL:
            html = render_label(context)
        else:
            html = None
        if html is None:
            return super().render(template_name, context, request=request)
        return html


def _text(value) -> bool:
    return isinstance(value, str | Promise)


def _attrs(attrs: dict) -> str:
    """Django's ``widgets/attrs.html``: `` name="value"``, a bare `` name`` for True."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items()
        if value is not False
    )


def render_input(widget: dict) -> str | None:
    """Django's ``widgets/input.html``."""
    value = widget["value"]
    if not (_text(widget["type"]) and _text(widget["name"])):
        return None
    if value is not None and not _text(value):
        return None
    html = format_html('<input type="{}" name="{}"', widget["type"], widget["name"])
    if value is not None:
        html += format_html(' value="{}"', str(value))
    return mark_safe(f"{html}{_attrs(widget['attrs'])}>")  # noqa: S308 (escaped parts)


def render_label(context: dict) -> str | None:
    """Django's ``label.html``, stripped as the renderer strips every template."""
    label = context["label"]
    if not _text(label):
        return None
    if not context["use_tag"]:
        return mark_safe(conditional_escape(label).strip())  # noqa: S308 (escaped)
    return format_html(
        "<{}{}>{}</{}>",
        context["tag"],
        mark_safe(_attrs(context["attrs"] or {})),  # noqa: S308 (escaped by _attrs)
        label,
        context["tag"],
    )


def name_empty_choices(form, **labels) -> None:
    """Say what an empty choice means ("No service", "Unassigned", "Any client"), never
    "---------": ``name_empty_choices(self, category=_("No service"))`` in a form's
    ``__init__``, for model choice fields and for choice fields whose choices hold a blank."""
    fields = getattr(form, "fields", None)
    if fields is None:  # a django-filter filterset
        fields = form.form.fields
    for name, label in labels.items():
        field = fields.get(name)
        if field is None:
            continue
        if hasattr(field, "empty_label"):
            # None: the field offers no empty choice (required, with a value already).
            if field.empty_label is not None:
                field.empty_label = label
        elif hasattr(field, "choices"):
            field.choices = [
                (value, label if value in ("", None) and text == UNNAMED_BLANK else text)
                for value, text in field.choices
            ]


class UnnamedEmptyChoice(ImproperlyConfigured):
    """A select offers "---------": its field needs an ``empty_label`` that says what empty
    means ("No category", "Any client", "Choose a plan")."""


def check_empty_choice(widget: dict) -> None:
    """Refuse a select whose empty choice has no name (``REFUSE_UNNAMED_EMPTY_CHOICE``, on
    while the tests walk every page); otherwise call it "Not chosen" rather than show dashes."""
    for _group, options, _index in widget["optgroups"]:
        for option in options:
            if option["value"] in ("", None) and option["label"] == UNNAMED_BLANK:
                if getattr(settings, "REFUSE_UNNAMED_EMPTY_CHOICE", False):
                    raise UnnamedEmptyChoice(
                        f"The select {widget['name']!r} offers an unnamed empty choice: give "
                        "its field an empty_label that says what empty means."
                    )
                option["label"] = gettext("Not chosen")


def render_select(widget: dict) -> str | None:
    """Django's ``select.html`` with its ``select_option.html`` inlined, or None when a part
    of it is not plain text (a number to localize, an option template of its own)."""
    if not _text(widget["name"]):
        return None
    parts = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
    for group_name, options, _index in widget["optgroups"]:
        if group_name and not _text(group_name):
            return None
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            if option["template_name"] != OPTION or not _text(option["label"]):
                return None
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    str(option["value"]),
                    mark_safe(_attrs(option["attrs"])),  # noqa: S308 (escaped by _attrs)
                    conditional_escape(option["label"]),
                )
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 (every part escaped above)
