from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.renderers import TemplatesSetting
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

# Django's ``conditional_escape`` without the wrapper that looks for lazy arguments on each
# call (half the time of a select's options when each went through it).
from secretary.rows import text as _escape

FORM = "forms/form.html"
FIELD = "forms/field.html"
SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
LABEL = "django/forms/label.html"
TEXTAREA = "django/forms/widgets/textarea.html"
# Django's error lists as ``<ul>`` (the default one includes the other).
ERROR_LISTS = {"django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"}
# Django's radio and checkbox lists (``multiple_input.html``), by the template of their options.
MULTIPLE_INPUTS = {
    "django/forms/widgets/radio.html": "django/forms/widgets/radio_option.html",
    "django/forms/widgets/checkbox_select.html": "django/forms/widgets/checkbox_option.html",
}
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

    Forms, field groups, labels, inputs, text areas, selects, radio and checkbox lists and
    error lists are written here rather than through templates: a form of ten fields rendered
    some thirty templates, and a select or a list of checkboxes one more per option (a list
    filter naming each of 300 clients rendered 600). The markup is the same, which
    ``tests/secretary/test_form_renderer.py`` checks against the templates, still the reference
    and still what renders whatever is not plain.
    """

    form_template_name = FORM
    field_template_name = FIELD

    def render(self, template_name, context, request=None):
        if template_name == FIELD:
            html = render_field(context["field"])
        elif template_name == FORM:
            html = render_form(context)
        elif template_name == SELECT:
            check_empty_choice(context["widget"])
            html = render_select(context["widget"])
        elif template_name in MULTIPLE_INPUTS:
            html = render_multiple_input(context["widget"], MULTIPLE_INPUTS[template_name])
        elif template_name in INPUTS:
            html = render_input(context["widget"])
        elif template_name == TEXTAREA:
            html = render_textarea(context["widget"])
        elif template_name == LABEL:
            html = render_label(context)
        elif template_name in ERROR_LISTS:
            html = render_error_list(context)
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
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_input(widget: dict) -> str | None:
    """Django's ``widgets/input.html``."""
    value = widget["value"]
    if value is not None and not _text(value):
        return None
    return _input(widget["type"], widget["name"], value, widget["attrs"])


def _input(type_, name, value, attrs: dict) -> str | None:
    if not (_text(type_) and _text(name)):
        return None
    value = "" if value is None else f' value="{_escape(str(value))}"'
    html = f'<input type="{_escape(type_)}" name="{_escape(name)}"{value}{_attrs(attrs)}>'
    return mark_safe(html)  # noqa: S308 (escaped parts)


def render_textarea(widget: dict) -> str | None:
    """Django's ``widgets/textarea.html``."""
    name, value = widget["name"], widget["value"]
    if not _text(name) or (value is not None and not _text(value)):
        return None
    body = _escape(value) if value else ""
    html = f'<textarea name="{_escape(name)}"{_attrs(widget["attrs"])}>\n{body}</textarea>'
    return mark_safe(html)  # noqa: S308 (escaped parts)


def render_error_list(context: dict) -> str | None:
    """Django's ``errors/list/ul.html``: nothing for no errors (most fields, most times)."""
    errors, error_class = context["errors"], context["error_class"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    if not _text(error_class) or (field_id and not _text(field_id)):
        return None
    id_ = f' id="{_escape(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_escape(error)}</li>" for error in errors)
    return mark_safe(f'<ul class="{_escape(error_class)}"{id_}>{items}</ul>')  # noqa: S308


def render_label(context: dict) -> str | None:
    """Django's ``label.html``, stripped as the renderer strips every template."""
    label = context["label"]
    if not _text(label):
        return None
    if not context["use_tag"]:
        return mark_safe(_escape(label).strip())  # noqa: S308 (escaped)
    tag, attrs = context["tag"], _attrs(context["attrs"] or {})
    return mark_safe(f"<{_escape(tag)}{attrs}>{_escape(label)}</{_escape(tag)}>")  # noqa: S308


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
            option["label"] = named_empty_choice(widget["name"], option["value"], option["label"])


def named_empty_choice(select: str, value, label):
    """``label``, or "Not chosen" for an empty choice of Django's dashes (refused while the
    tests walk every page)."""
    if value in ("", None) and label == UNNAMED_BLANK:
        if getattr(settings, "REFUSE_UNNAMED_EMPTY_CHOICE", False):
            raise UnnamedEmptyChoice(
                f"The select {select!r} offers an unnamed empty choice: give its field an "
                "empty_label that says what empty means."
            )
        return gettext("Not chosen")
    return label


def render_select(widget: dict) -> str | None:
    """Django's ``select.html`` with its ``select_option.html`` inlined, or None when a part
    of it is not plain text (a number to localize, an option template of its own)."""
    if not _text(widget["name"]):
        return None
    parts = [f'<select name="{_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name and not _text(group_name):
            return None
        if group_name:
            parts.append(f'\n  <optgroup label="{_escape(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION or not _text(option["label"]):
                return None
            parts.append(option_tag(option["value"], _attrs(option["attrs"]), option["label"]))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 (every part escaped above)


def option_tag(value, attrs: str, label) -> str:
    """One option of Django's ``select.html``, as its ``select_option.html`` wrote it."""
    return f'\n  <option value="{_escape(str(value))}"{attrs}>{_escape(label)}</option>\n'


def select_tag(name: str, attrs: dict, options: list[str]) -> str:
    """Django's ``select.html`` around its options (``option_tag``), without groups."""
    html = f'<select name="{_escape(name)}"{_attrs(attrs)}>{"".join(options)}\n</select>'
    return mark_safe(html)  # noqa: S308 (every part escaped)


def render_multiple_input(widget: dict, option_template: str) -> str | None:
    """Django's ``multiple_input.html`` with its ``input_option.html`` inlined (radio buttons,
    checkboxes), or None when a part of it is not plain text."""
    id_, class_ = widget["attrs"].get("id"), widget["attrs"].get("class")
    if not all(_text(value) for value in (id_, class_) if value):
        return None
    parts = [
        "<div",
        f' id="{_escape(id_)}"' if id_ else "",
        f' class="{_escape(class_)}"' if class_ else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group and not _text(group):
            return None
        if group:
            parts.append(f"\n  <div><label>{_escape(group)}</label>")
        for option in options:
            label, option_id = option["label"], option["attrs"].get("id")
            if option["template_name"] != option_template or not _text(label):
                return None
            if option_id and not _text(option_id):
                return None
            html = _input(option["type"], option["name"], option["value"], option["attrs"])
            if html is None:
                return None
            if option["wrap_label"]:
                label_for = f' for="{_escape(option_id)}"' if option_id else ""
                html = f"<label{label_for}>{html}\n {_escape(label)}</label>"
            else:
                html += "\n"
            parts.append(f"<div>\n    {html}\n\n</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return mark_safe("".join(parts))  # noqa: S308 (every part escaped above)


def render_field(field) -> str | None:
    """The project's ``forms/field.html``: label (a legend for a list of choices), widget, help
    and errors, or None when a part of it is not plain text."""
    label, help_text, auto_id = field.label, field.help_text, field.auto_id
    shown_for = getattr(field.field, "shown_for", None)
    if not all(_text(value) for value in (label, help_text, shown_for) if value):
        return None
    errors, checkbox, fieldset = field.errors, field.widget_type == "checkbox", field.use_fieldset
    id_for_label = field.id_for_label if checkbox else ""
    if not _text(id_for_label):
        return None
    shown_for = f' data-shown-for="{_escape(shown_for)}"' if shown_for else ""
    if fieldset:
        caption = f"<fieldset>{field.legend_tag() if label else ''}"
    else:
        caption = field.label_tag() if label and not checkbox else ""
    widget = str(field)
    if checkbox:
        widget += f' <label for="{_escape(id_for_label)}">{_escape(label)}</label>'
    lines = [
        f'<div class="field{" has-error" if errors else ""}{" checkbox" if checkbox else ""}"'
        f"{shown_for}>",
        caption,
        widget,
        # The template's ``help_text|safe``.
        f'<div class="helptext" id="{_escape(auto_id)}_helptext">{help_text}</div>'
        if help_text
        else "",
        f'<div id="{_escape(auto_id)}_errors">{_escape(errors)}</div>' if errors else "",
        "</fieldset>" if fieldset else "",
        "</div>",
    ]
    return mark_safe("\n".join(lines))  # noqa: S308 (every part escaped above)


def render_form(context: dict) -> str:
    """The project's ``forms/form.html``: the form's errors, its field groups, its hidden
    fields."""
    errors = context["errors"]
    lines = [
        f'<div class="form-errors" role="alert">{_escape(errors)}</div>' if errors else "",
        "".join(field.as_field_group() for field, _errors in context["fields"]),
        "".join(str(field) for field in context["hidden_fields"]),
    ]
    return mark_safe("\n".join(lines).strip())  # noqa: S308 (every part escaped above)
