"""``secretary.moments.format`` writes what Django's ``dateformat.format`` writes."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import dateformat, translation
from django.utils.html import conditional_escape
from hypothesis import given, settings
from hypothesis import strategies as st

from secretary import moments

ZONES = ["UTC", "Australia/Sydney", "America/New_York", "Europe/London", "Asia/Kathmandu"]
FORMATS = [
    moments.SHORT,
    "j M Y H:i",
    "D j M Y, H:i T",
    "D j M",
    "D H:i",
    "H:i:s",
    r"l, F jS \o\f Y",  # "S" is not compiled: dateformat writes it
    "d/m/y G:i",
    "N E b n",
    r"\T\o\d\a\y: Y-m-d \a\t H\h",
]


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(ZONES),
    fmt=st.sampled_from(FORMATS),
    language=st.sampled_from(["en", "fr", "de", "ja"]),
)
def test_it_writes_what_dateformat_writes(moment, zone, fmt, language):
    local = moment.astimezone(ZoneInfo(zone))
    with translation.override(language):
        assert moments.format(local, fmt) == dateformat.format(local, fmt)


@pytest.mark.parametrize(
    "local",
    [
        # Ambiguous (the hour repeated when clocks go back), both folds: no zone name.
        datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo("America/New_York")),
        datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")),
        # Imaginary (the hour skipped when clocks go forward).
        datetime(2026, 3, 8, 2, 30, tzinfo=ZoneInfo("America/New_York")),
    ],
)
def test_it_leaves_the_zone_name_out_where_the_wall_time_is_ambiguous(local):
    assert moments.short(local) == dateformat.format(local, moments.SHORT)
    assert not moments.short(local).endswith(("EST", "EDT"))


@pytest.mark.parametrize("value", [date(2026, 12, 2), datetime(2026, 12, 2, 9, 30)])
def test_it_writes_dates_and_naive_moments_as_dateformat_does(value):
    assert moments.format(value, "D j M Y") == dateformat.format(value, "D j M Y")
    assert moments.format(value, "D j M Y") == "Wed 2 Dec 2026"


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    fmt=st.sampled_from(["Y-m-d", "D j M Y", "j M", r"l, F jS \o\f Y", "d/m/y", "N E b n"]),
    language=st.sampled_from(["en", "fr", "de"]),
)
def test_it_writes_dates_as_dateformat_does(day, fmt, language):
    with translation.override(language):
        assert moments.format(day, fmt) == dateformat.format(day, fmt)


def test_it_refuses_the_time_of_a_date_as_dateformat_does():
    with pytest.raises(TypeError):
        moments.format(date(2026, 12, 2), "j M H:i")


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 12, 2, 22, 45, 7, tzinfo=UTC),
        datetime(2026, 4, 5, 2, 30, tzinfo=ZoneInfo("Australia/Sydney")),
        datetime(2026, 12, 2, 9, 30),
        date(2026, 12, 2),
        None,
        "",
        "not a date",
    ],
)
@pytest.mark.parametrize(
    "fmt", [None, "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "j M Y H:i", moments.SHORT, "D H:i"]
)
@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_the_templates_date_filter_writes_what_djangos_writes(value, fmt, zone):
    from django.template import engines
    from django.template.defaultfilters import date as django_date
    from django.utils import timezone

    # Given the engine's date filter (the project's builtin) and Django's own
    template = engines["django"].from_string(
        "{{ value|date }}" if fmt is None else "{{ value|date:fmt }}"
    )
    with timezone.override(ZoneInfo(zone)):
        # When each writes the value, in the viewer's zone as the template does
        try:
            theirs = django_date(timezone.template_localtime(value), fmt)
        except TypeError:  # a time format for a date: ours refuses it too
            with pytest.raises(TypeError):
                template.render({"value": value, "fmt": fmt})
            return
        ours = template.render({"value": value, "fmt": fmt})
    # Then they are the same, escaped alike
    assert ours == conditional_escape(theirs)


def test_the_engine_uses_the_projects_date_filter():
    from django.template import engines

    from secretary.templatetags import dates

    template = engines["django"].from_string("{{ value|date }}")
    [node] = template.template.nodelist
    assert node.filter_expression.filters[0][0] is dates.date
