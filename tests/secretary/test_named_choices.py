"""A select of many named rows (``secretary.named_choices``): the markup of Django's model
choice field through the project's renderer, byte for byte, read as ids and names."""

import django_filters
import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import Client
from clients.selectors import client_names
from secretary.form_renderer import UnnamedEmptyChoice
from secretary.named_choices import NamedChoiceField, NamedChoiceFilter
from tests.clients.factories import ClientFactory
from tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients():
    practice = PracticeFactory()
    ClientFactory(name="Elsewhere & Co")  # another practice's: never a choice
    names = ["Ames & <Co>", 'Bo "Lind"', "Cé 'Zé'", "Dana"]
    return practice, [ClientFactory(practice=practice, name=name) for name in names]


def _forms(practice, **options):
    def form(field_class):
        class Form(forms.Form):
            client = field_class(queryset=Client.objects.none(), **options)

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["client"].queryset = client_names.queryset(practice=practice.pk)

        return Form

    return form(forms.ModelChoiceField), form(NamedChoiceField)


@pytest.mark.parametrize(
    "options",
    [{"required": False, "empty_label": "All clients"}, {"empty_label": None}, {}],
    ids=["named empty choice", "no empty choice", "Django's dashes"],
)
def test_it_writes_the_select_of_djangos_model_choice_field(clients, options):
    practice, made = clients
    django_form, named_form = _forms(practice, **options)
    for data, initial in (
        (None, None),
        ({"client": str(made[1].pk)}, None),
        ({"client": "not an id"}, None),
        ({"client": str(made[3].pk + 1000)}, None),
        (None, {"client": made[2]}),
    ):
        django_bound = django_form(data, initial=initial)
        named_bound = named_form(data, initial=initial)
        expected = str(django_bound["client"].as_field_group())
        assert str(named_bound["client"].as_field_group()) == expected
        assert expected.count("<option") == len(made) + (options.get("empty_label", "") is not None)
        assert "Elsewhere" not in expected
    assert "Ames &amp; &lt;Co&gt;" in expected and " selected>Cé" in expected.replace("&#x27;", "'")


def test_it_reads_ids_and_names_in_one_query_and_checks_the_value_as_usual(clients):
    practice, made = clients
    _django_form, named_form = _forms(practice, required=False, empty_label="All")
    with CaptureQueriesContext(connection) as queries:
        str(named_form()["client"])
    assert len(queries) == 1
    assert "is_regulated" not in queries[0]["sql"]  # the names alone, no model instances
    chosen = named_form({"client": str(made[0].pk)})
    assert chosen.is_valid() and chosen.cleaned_data["client"] == made[0]
    stranger = Client.objects.unscoped().get(name="Elsewhere & Co")
    refused = named_form({"client": str(stranger.pk)})
    assert not refused.is_valid() and "client" in refused.errors


def test_it_refuses_an_unnamed_empty_choice_while_the_pages_are_walked(clients, settings):
    practice, _made = clients
    _django_form, named_form = _forms(practice, required=False)
    assert "Not chosen" in str(named_form()["client"])
    settings.REFUSE_UNNAMED_EMPTY_CHOICE = True
    with pytest.raises(UnnamedEmptyChoice):
        str(named_form()["client"])


def test_a_filter_of_named_rows_writes_djangos_select_with_its_none_choice(clients):
    practice, made = clients

    def filterset(filter_class):
        class Filters(django_filters.FilterSet):
            client = filter_class(
                queryset=client_names.queryset(practice=practice.pk),
                empty_label="Any client",
                null_label="No client",
            )

            class Meta:
                model = Client
                fields = ["client"]

        return Filters

    for data in (None, {"client": str(made[1].pk)}, {"client": "null"}):
        expected = str(filterset(django_filters.ModelChoiceFilter)(data).form["client"])
        assert str(filterset(NamedChoiceFilter)(data).form["client"]) == expected
        assert "No client" in expected and expected.count("<option") == len(made) + 2
