from django.forms.renderers import TemplatesSetting
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


class FormRenderer(TemplatesSetting):
    """Forms render through the design system: label, input, help, errors next to the field.

    A select's options are written here rather than through Django's templates, which include
    one template per option (a list filter naming each of 300 clients renders 600 templates);
    the markup is the same (``tests/secretary/test_form_renderer.py`` compares them).
    """

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"

    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            select = render_select(context["widget"])
            if select is not None:
                return select
        return super().render(template_name, context, request=request)


def _text(value) -> bool:
    return isinstance(value, str | Promise)


def _attrs(attrs: dict) -> str:
    """Django's ``widgets/attrs.html``: `` name="value"``, a bare `` name`` for True."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items()
        if value is not False
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
