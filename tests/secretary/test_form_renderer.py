"""The form renderer writes forms, field groups, labels, inputs, selects and lists of radio
buttons and checkboxes itself (fast): the markup must be what the project's and Django's
templates make of the same form, field by field and whole."""

import datetime
from unittest import mock

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from billing.forms.invoices import InvoiceFilterForm
from clients.forms import PlanForm
from secretary import form_renderer
from secretary.form_renderer import FormRenderer
from secretary.idempotency import TOKEN_FIELD
from tasks import selectors
from tasks.forms import BulkForm, TaskFilter
from tests.clients.factories import ClientFactory, ServiceCategoryFactory

ODD = """<b>"Tom" & 'Jerry'</b>"""


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
    tone = forms.ChoiceField(
        label=gettext_lazy("Tone"),
        choices=[(ODD, [(1, ODD), (2, "two")]), (3, gettext_lazy("Three"))],
        widget=forms.RadioSelect(attrs={"class": "chips"}),
        disabled=True,
        initial=2,
    )
    ticks = forms.MultipleChoiceField(
        label=ODD,
        choices=[("Group <g>", [("1", "one"), ("2", ODD)]), ("3", "three"), ("4", "four")],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "chips", "data-x": ODD}),
        help_text="<b>Tick</b> any",
        initial=["2", "4"],
    )
    terms = forms.BooleanField(label=ODD, help_text="Read them")
    unlabelled = forms.CharField(label="", required=False)
    code = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["count"].shown_for = 'kind:a "c"'

    def clean(self):
        if self.data.get("name") == "":
            raise forms.ValidationError(ODD)
        if self.data.get("code") == "bad":
            self.add_error("code", "A bad code")
        return self.cleaned_data


class TemplatesOnly(TemplatesSetting):
    """The project's form and field templates, every widget and label through Django's."""

    form_template_name = FormRenderer.form_template_name
    field_template_name = FormRenderer.field_template_name


def render_both(make):
    """Each field's widget, label and group, and the whole form, as the project's renderer
    writes them (never through the form's and field groups' templates) and as the templates
    do; ``make()`` builds the form afresh each time."""

    def render(form):
        fields = {
            name: (
                str(form[name]),
                form[name].label_tag(),
                form[name].as_field_group(),
                str(form[name].errors),
            )
            for name in form.fields
        }
        return fields, str(form), str(form.non_field_errors())

    fast = make()
    assert isinstance(fast.renderer, FormRenderer)
    get_template = TemplatesSetting.get_template
    with mock.patch.object(
        TemplatesSetting, "get_template", autospec=True, side_effect=get_template
    ) as templates:
        fast_html = render(fast)
    used = {name for (_renderer, name), _kwargs in templates.call_args_list}
    assert not used & {form_renderer.FORM, form_renderer.FIELD}
    slow = make()
    slow.renderer = TemplatesOnly()
    return fast_html, render(slow)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": "Ann <b>", "count": "x", "day": "2026-02-30", "kind": "c", "several": ["2"]},
        {"notes": f"{ODD}\n  second line ", "name": "Ann"},
        {"name": "", "grouped": "9", "agree": "on", "maybe": "true", "hidden": "&amp;"},
        {"name": ODD, "ticks": ["1", "3"], "pick": "y", "terms": "on", "code": "bad", "tone": "1"},
        {"ticks": ["9"], "pick": ODD, "unlabelled": ODD, "hidden": ""},
    ],
)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_it_writes_the_markup_of_the_templates(data, auto_id):
    # Given the same form, unbound and bound with valid and invalid values, with ids and without
    def make():
        return EveryKindForm(data, auto_id=auto_id, label_suffix=":")

    # When it renders with the project's renderer and with the templates
    fast, slow = render_both(make)
    # Then every widget, label, field group and the whole form are the same
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


def test_it_writes_whole_forms_without_templates(monkeypatch):
    # Given a form with errors of every kind (the field groups, errors, lists of choices)
    form = EveryKindForm({"name": "", "code": "bad", "ticks": ["9"]})
    rendered = []
    get_template = TemplatesSetting.get_template
    monkeypatch.setattr(
        TemplatesSetting,
        "get_template",
        lambda self, name: rendered.append(name) or get_template(self, name),
    )
    # When it renders
    str(form)
    # Then nothing goes through a template
    assert rendered == []


def test_what_is_not_plain_text_goes_through_the_templates():
    # Given a list of choices and a field group holding numbers (the templates localize them)
    radio = forms.RadioSelect(choices=[(1, 1000)])
    form = forms.Form()
    form.fields["n"] = forms.IntegerField(widget=radio)
    form.fields["n"].shown_for = 1000
    widget = radio.get_context("n", None, {"id": "id_n"})["widget"]
    # Then the renderer leaves them to the templates, which write them
    assert (
        form_renderer.render_multiple_input(widget, widget["optgroups"][0][1][0]["template_name"])
        is None
    )
    assert form_renderer.render_field(form["n"]) is None
    assert 'data-shown-for="1000"' in form["n"].as_field_group()
    assert "1000</label>" in str(form["n"])


@pytest.fixture
def practice_forms(world):
    """Makers of the task list's filter and bulk form, the invoice list's filter and the plan
    form, as their pages build them, with clients and services whose names need escaping."""
    practice = world.practice
    clients = [ClientFactory(practice=practice, name=f"{ODD} {n}") for n in range(3)]
    ServiceCategoryFactory(practice=practice, name=ODD)
    members = list(selectors.staff_members(practice=practice))
    tasks = selectors.tasks_for(practice=practice)

    def task_filter(data):
        return lambda: TaskFilter(data, queryset=tasks, practice=practice, members=members).form

    def bulk_form(data):
        return lambda: BulkForm(data, practice=practice, members=members)

    return {
        "task filter": task_filter(None),
        "task filter, bound": task_filter(
            {"status": ["todo", "done"], "client": str(clients[1].pk), "sort": "due", "q": ODD}
        ),
        "task filter, invalid": task_filter({"client": "0", "due_after": "nope", "sort": "x"}),
        "bulk form": bulk_form(None),
        "bulk form, invalid": bulk_form({"status": "nope"}),
        "invoice filter": lambda: InvoiceFilterForm(None, practice=practice),
        "invoice filter, bound": lambda: InvoiceFilterForm(
            {"client": str(clients[0].pk), "status": "x"}, practice=practice
        ),
        # The same idempotency token each time (a new form would draw a new one).
        "plan form": lambda: PlanForm(initial={TOKEN_FIELD: "token"}, practice=practice),
        "plan form, invalid": lambda: PlanForm(
            {"name": ODD, TOKEN_FIELD: "token", "billing_model": "retainer"}, practice=practice
        ),
    }


@pytest.mark.parametrize(
    "name",
    [
        "task filter",
        "task filter, bound",
        "task filter, invalid",
        "bulk form",
        "bulk form, invalid",
        "invoice filter",
        "invoice filter, bound",
        "plan form",
        "plan form, invalid",
    ],
)
def test_it_writes_the_markup_of_the_templates_for_the_projects_forms(practice_forms, name):
    # Given one of the project's forms, as its page builds it
    # When it renders with the project's renderer and with the templates
    fast, slow = render_both(practice_forms[name])
    # Then every widget, label, field group and the whole form are the same
    assert fast == slow
