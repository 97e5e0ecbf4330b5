"""The rows of the client list, written in Python: the same markup as the template loop they
replaced (kept here), for clients of every kind."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template import engines

from clients import selectors
from clients.models import ClientStatus, Specialty
from clients.usage import Usage
from clients.views._common import usage_chart
from tests.clients.factories import ClientFactory, EngagementFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# The loop of clients/partials/client_rows.html before ``client_rows``.
OLD_CLIENT_ROWS = """{% load i18n durations money %}{% for client in rows %}
    <tr>
      <td><a href="{% url 'client_detail' practice.slug client.pk %}">{{ client.name }}</a>{% if client.is_regulated %} <span class="badge warning" title="{% translate 'Regulated records' %}">{% translate "Regulated" %}</span>{% endif %}</td>
      <td><span class="badge {% if client.status == 'active' %}success{% elif client.status == 'ended' %}neutral{% elif client.status == 'paused' %}warning{% endif %}">{{ client.get_status_display }}</span></td>
      <td>{{ client.get_specialty_display }}</td>
      <td>{{ client.primary_secretary.user|default:"—" }}</td>
      <td>{% if client.active_engagement %}{{ client.active_engagement.monthly_fee|money:client.active_engagement.currency }} · v{{ client.active_engagement.version }}{% else %}<span class="muted">—</span>{% endif %}</td>
      <td class="meter-cell">{% if client.usage_chart %}{% with u=client.usage_chart.usage %}<div class="meter{% if client.usage_chart.level %} {{ client.usage_chart.level }}{% endif %}" role="img" aria-label="{% blocktranslate with used=u.used_hours|hours_duration of=u.included_hours|hours_duration %}{{ used }} of {{ of }}{% endblocktranslate %}"><span style="width: {{ u.included_percent|stringformat:'s' }}%"></span></div><span class="small muted">{{ u.used_hours|hours_duration }} / {{ u.included_hours|hours_duration }}</span>{% endwith %}{% else %}<span class="muted">—</span>{% endif %}</td>
    </tr>
  {% endfor %}"""


def render(text: str, **context) -> str:
    return engines["django"].from_string(text).render(context)


def usage(used: str, included: str, overage: str = "0.00") -> Usage:
    used, included, overage = Decimal(used), Decimal(included), Decimal(overage)
    return Usage(
        engagement_id=1,
        client_id=1,
        period_start=datetime(2026, 3, 1, tzinfo=UTC),
        period_end=datetime(2026, 4, 1, tzinfo=UTC),
        used_hours=used,
        included_hours=included,
        rollover_hours=Decimal("0.00"),
        from_included=min(used, included),
        from_rollover=Decimal("0.00"),
        overage_hours=overage,
        percent=(used * 100 / included).quantize(Decimal("0.1")),
    )


@pytest.fixture
def rows(world):
    """Clients of every status and specialty, regulated or not, with and without a primary
    secretary and a plan (in three currencies), hours under, near and over the plan's; markup
    in the names."""
    practice = world.practice
    person = MembershipFactory(practice=practice, user=UserFactory(full_name="Ann <b>&</b> 'Lee'"))
    secretaries = [person, None, world.secretary]
    charts = [
        usage_chart(usage("3.50", "10.00"), 80),
        usage_chart(usage("9.25", "10.00"), 80),  # near: "warn"
        usage_chart(usage("12.75", "10.00", overage="2.75"), 80),  # "over"
        usage_chart(usage("0.00", "20.00")),
        None,  # a plan without usage
    ]
    plans = {}
    kinds = [
        (status, specialty) for status in ClientStatus.values for specialty in Specialty.values
    ]
    for number, (status, specialty) in enumerate(kinds):
        client = ClientFactory(
            practice=practice,
            name=f'Client {number} <&> "{status}"',
            status=status,
            specialty=specialty,
            is_regulated=number % 3 == 0,
            primary_secretary=secretaries[number % 3],
            currency=["AUD", "JPY", "USD"][number % 3],
        )
        if number % 4 != 3:
            engagement = EngagementFactory(
                practice=practice, client=client, monthly_fee=Decimal("1234.5") * number
            )
            plans[client.pk] = (engagement, charts[number % 5])
    listed = list(selectors.client_list(practice=practice))
    for client in listed:
        client.active_engagement, client.usage_chart = plans.get(client.pk, (None, None))
    return listed


def test_it_writes_the_client_rows_as_the_template_did(world, rows):
    # Given clients of every kind
    context = {"practice": world.practice, "rows": rows}
    # When the old loop and the tag render them
    old = render(OLD_CLIENT_ROWS, **context)
    new = render("{% load clients_tags %}{% client_rows rows %}", **context)
    # Then the markup is the same, byte for byte
    assert new == old
    assert old.count("<tr>") == len(rows) == 20
    for seen in ("Ann &lt;b&gt;&amp;&lt;/b&gt; &#x27;Lee&#x27;", "Regulated", "meter warn"):
        assert seen in old
    assert "meter over" in old and "JPY" in old and "AUD" in old and "<td>—</td>" in old


def test_it_writes_nothing_for_no_clients(world):
    text = "{% load clients_tags %}{% client_rows rows %}"
    assert render(text, practice=world.practice, rows=[]) == ""


# The loop of the dashboard's "Hours this period" before ``usage_bars``.
OLD_USAGE_BARS = """{% load i18n durations %}{% for client, u in usage %}<li>
        <div class="label"><span>{{ client.name }}</span><span>{% if u %}{{ u.used_hours|hours_duration }} / {{ u.included_hours|hours_duration }}{% else %}<span class="muted">{% translate "no active plan" %}</span>{% endif %}</span></div>
        {% if u %}<div class="meter{% if u.percent >= 100 %} over{% elif u.percent >= 80 %} warn{% endif %}" role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{{ u.percent }}" aria-label="{% blocktranslate with name=client.name %}Hours used by {{ name }}{% endblocktranslate %}"><span style="width: {% if u.percent > 100 %}100{% else %}{{ u.percent }}{% endif %}%"></span></div>{% endif %}
      </li>{% endfor %}"""


def test_it_writes_the_dashboard_usage_bars_as_the_template_did(world):
    names = ["Ann <b>&</b> \"Lee\" 'Co'", "Plain", "Over & out", "Nearly", "No plan"]
    clients = [ClientFactory(practice=world.practice, name=name) for name in names]
    spent = [usage("3.50", "10"), usage("0", "5"), usage("14.25", "10"), usage("8.5", "10"), None]
    bars = list(zip(clients, spent, strict=True))
    old = render(OLD_USAGE_BARS, usage=bars)
    new = render("{% load clients_tags %}{% usage_bars usage %}", usage=bars)
    assert new == old
    assert "over" in new and "warn" in new and "no active plan" in new
