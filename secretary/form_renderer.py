from django.forms.renderers import TemplatesSetting
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
LABEL = "django/forms/label.html"
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
