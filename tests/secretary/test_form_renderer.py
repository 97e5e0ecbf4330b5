"""The form renderer writes labels, inputs and selects itself (fast): the markup must be what
Django's own templates make of the same form, field by field and whole."""

import datetime

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from secretary import form_renderer
from secretary.form_renderer import FormRenderer


class EveryKindForm(forms.Form):
    name = forms.CharField(label="Name & <title>", help_text="Help", max_length=20)
    email = forms.EmailField(required=False, label=mark_safe("E<em>mail</em>"))
    count = forms.IntegerField(label="How many?", initial=3)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput)
    hidden = forms.CharField(widget=forms.HiddenInput, initial='a "quoted" value')
    agree = forms.BooleanField(required=False, initial=True)
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "autofocus": True}))
    kind = forms.ChoiceField(
        choices=[("", "—"), ("a", "A & B"), ("c", "<C>")], required=False, initial="a"
    )
    grouped = forms.ChoiceField(
        choices=[('Group "one"', [("1", "one"), ("2", "two")]), ("3", "three")], initial="2"
    )
    several = forms.MultipleChoiceField(
        choices=[(1, "one"), (2, "two"), (3, "three")],
        widget=forms.SelectMultiple(attrs={"size": 3, "data-x": "y'z", "disabled": False}),
        initial=[1, 3],
    )
    maybe = forms.NullBooleanField()
    notes = forms.CharField(widget=forms.Textarea, required=False)
    pick = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)


class TemplatesOnly(TemplatesSetting):
    """The project's form and field templates, every widget and label through Django's."""

    form_template_name = FormRenderer.form_template_name
    field_template_name = FormRenderer.field_template_name


def render_both(form):
    fast = {name: str(form[name]) for name in form.fields}
    fast_labels = {name: form[name].label_tag() for name in form.fields}
    fast_form = str(form)
    form.renderer = TemplatesOnly()
    slow = {name: str(form[name]) for name in form.fields}
    slow_labels = {name: form[name].label_tag() for name in form.fields}
    slow_form = str(form)
    return (fast, fast_labels, fast_form), (slow, slow_labels, slow_form)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": "Ann <b>", "count": "x", "day": "2026-02-30", "kind": "c", "several": ["2"]},
        {"name": "", "grouped": "9", "agree": "on", "maybe": "true", "hidden": "&amp;"},
    ],
)
def test_it_writes_the_markup_of_djangos_templates(data):
    # Given the same form, unbound and bound with valid and invalid values
    form = EveryKindForm(data, auto_id="id_%s", label_suffix=":")
    assert isinstance(form.renderer, FormRenderer)
    if data is not None:
        form.is_valid()
    # When it renders with the project's renderer and with Django's templates
    fast, slow = render_both(form)
    # Then every widget, label and the whole form are the same
    assert fast == slow


def test_it_writes_the_common_widgets_itself():
    # Given a form of inputs, a select and a label
    form = EveryKindForm(initial={"day": datetime.date(2026, 3, 1)})
    renderer = FormRenderer()
    # Then none of them goes through a template (that is the point)
    widget = form["name"].field.widget.get_context("name", "x", {"id": "id_name"})
    assert form_renderer.render_input(widget["widget"]) is not None
    select = form["kind"].field.widget.get_context("kind", "a", {"id": "id_kind"})
    assert form_renderer.render_select(select["widget"]) is not None
    assert renderer.render(form_renderer.LABEL, {"label": "L", "use_tag": False}) == "L"
