"""The rows of billing's lists, written in Python: the same markup as the template loops they
replaced (kept here), for rows of every kind."""

from datetime import date
from decimal import Decimal

import pytest
from django.template import engines

from billing.ledger import selectors
from billing.ledger.books import book_create
from billing.ledger.posting import entry_post
from billing.models import (
    Account,
    EntrySource,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    JournalEntry,
)
from billing.views.invoices import INVOICE_LIST_FIELDS
from tests.billing.conftest import Ledger
from tests.clients.factories import ClientFactory

pytestmark = pytest.mark.django_db

# The loop of billing/invoice_list.html before ``invoice_rows``.
OLD_INVOICE_ROWS = """{% load i18n books_money %}{% for invoice in page.object_list %}<tr>
    <td><a href="{% if invoice.is_draft %}{% url 'invoice_edit' practice.slug invoice.pk %}{% else %}{% url 'invoice_detail' practice.slug invoice.pk %}{% endif %}">{{ invoice }}</a>{% if invoice.kind == "credit_note" %} <span class="badge neutral">{% translate "Credit note" %}</span>{% endif %}</td>
    <td>{{ invoice.client.name }}</td><td>{{ invoice.issue_date|default:"—" }}</td><td>{{ invoice.due_date|default:"—" }}</td>
    <td><span class="badge{% if invoice.status == 'paid' %} success{% elif invoice.status == 'draft' or invoice.status == 'void' %} neutral{% endif %}">{{ invoice.get_status_display }}</span></td>
    <td class="num">{{ invoice.total|money:invoice.currency }}</td><td class="num">{{ invoice.balance_due|money:invoice.currency }}</td>
  </tr>{% endfor %}"""

# The loop of billing/partials/journal_rows.html before ``journal_rows``.
OLD_JOURNAL_ROWS = """{% load i18n books_money %}{% for entry in page.object_list %}
    <tr><td><a href="{% url 'entry_detail' practice.slug book.pk entry.pk %}">{% if entry.number %}#{{ entry.number }}{% else %}{% translate "draft" %}{% endif %}</a></td>
    <td>{{ entry.date|date:"Y-m-d" }}</td><td>{{ entry.memo }}</td><td>{{ entry.reference }}</td>
    <td>{{ entry.get_source_display }}</td>
    <td>{% if entry.is_posted %}<span class="badge success">{% translate "Posted" %}</span>{% else %}<span class="badge warning">{% translate "Draft" %}</span>{% endif %}</td>
    <td class="num">{{ entry.total|money:book.currency }}</td></tr>
  {% empty %}<tr><td colspan="7" class="empty">{% translate "No entries match." %}</td></tr>{% endfor %}"""

# The loop of billing/book_detail.html before ``account_rows``.
OLD_ACCOUNT_ROWS = """{% load i18n books_money %}{% for row in tree.rows %}
    <tr class="depth-{{ row.depth|stringformat:'d' }}{% if row.has_children %} heading{% endif %}{% if row.account.archived %} archived{% endif %}">
      <td class="mono">{{ row.account.code }}</td>
      <td class="account-name">{{ row.account.name }}
        {% if row.account.role %}<span class="badge neutral">{{ row.account.get_role_display }}</span>{% endif %}
        {% if row.account.is_bank %}<span class="badge">{% translate "Bank" %}</span>{% endif %}
        {% if row.account.is_trust %}<span class="badge warning">{% translate "Trust" %}</span>{% endif %}
        {% if row.account.archived %}<span class="badge neutral">{% translate "Archived" %}</span>{% endif %}
        {% if row.contrary %}<span class="badge danger" title="{% translate 'Balance on the side opposite its normal balance' %}">{% translate "Contrary" %}</span>{% endif %}
      </td>
      <td>{{ row.account.get_type_display }}</td>
      <td class="num">{% if row.debit %}{{ row.debit|money:book.currency }}{% endif %}</td>
      <td class="num">{% if row.credit %}{{ row.credit|money:book.currency }}{% endif %}</td>
      <td class="actions"><a href="{% url 'journal_list' practice.slug book.pk %}?account={{ row.account.pk }}">{% translate "Journal" %}</a>
        <a href="{% url 'account_edit' practice.slug book.pk row.account.pk %}">{% translate "Edit" %}</a>
        <form method="post" class="inline-form" action="{% url 'account_archive' practice.slug book.pk row.account.pk %}">{% csrf_token %}
          <input type="hidden" name="archived" value="{% if row.account.archived %}0{% else %}1{% endif %}">
          <button type="submit" class="link">{% if row.account.archived %}{% translate "Restore" %}{% else %}{% translate "Archive" %}{% endif %}</button></form></td>
    </tr>
  {% empty %}<tr><td colspan="6" class="empty">{% translate "This book has no accounts yet." %}</td></tr>{% endfor %}"""


def render(text: str, **context) -> str:
    return engines["django"].from_string(text).render(context)


@pytest.fixture
def invoices(world) -> list[Invoice]:
    """Invoices and credit notes of every status, drafts without a number or dates, in four
    currencies (JPY without minor units, BHD with three), paid in part or credited; markup in
    the numbers and the clients' names."""
    practice = world.practice
    clients = [
        ClientFactory(practice=practice, name='Smith & "Sons" <LA>'),
        ClientFactory(practice=practice, name="O'Brien"),
    ]
    currencies = ["AUD", "JPY", "USD", "BHD"]
    number = 0
    for kind in InvoiceKind.values:
        for status in InvoiceStatus.values:
            for variant in range(2):
                number += 1
                draft = status == InvoiceStatus.DRAFT
                total = Decimal("1234.5678") * number * (-1 if kind == "credit_note" else 1)
                Invoice.objects.create(
                    practice=practice,
                    client=clients[number % 2],
                    kind=kind,
                    status=status,
                    currency=currencies[number % 4],
                    number="" if draft and variant else f"INV-<{number}> & 'x'",
                    issue_date=None if draft and variant else date(2026, 3, number),
                    due_date=None if variant else date(2026, 4, number),
                    total=total.quantize(Decimal("0.001")),
                    amount_paid=Decimal("100.50") * variant,
                    amount_credited=Decimal("20") if status == InvoiceStatus.VOID else 0,
                )
    return list(
        Invoice.objects.for_practice(practice)
        .select_related("client")
        .only(*INVOICE_LIST_FIELDS)
        .order_by("pk")
    )


def test_it_writes_the_invoice_rows_as_the_template_did(world, invoices):
    # Given invoices and credit notes of every kind
    context = {"practice": world.practice, "page": {"object_list": invoices}}
    # When the old loop and the tag render them
    old = render(OLD_INVOICE_ROWS, **context)
    new = render("{% load billing_tags %}{% invoice_rows page.object_list %}", **context)
    # Then the markup is the same, byte for byte
    assert new == old
    assert old.count("<tr>") == len(invoices) == 24
    for seen in ("INV-&lt;1&gt; &amp; &#x27;x&#x27;", "Smith &amp; &quot;Sons&quot; &lt;LA&gt;"):
        assert seen in old
    for seen in ("Draft invoice", "Draft credit note", "Credit note</span>", "<td>—</td>"):
        assert seen in old
    for seen in ("/edit/", "badge success", "badge neutral", "JPY", "BHD", "-USD"):
        assert seen in old


def test_it_writes_no_invoice_rows_for_no_invoices(world):
    text = "{% load billing_tags %}{% invoice_rows rows %}"
    assert render(text, practice=world.practice, rows=[]) == ""


@pytest.fixture(params=["USD", "JPY"])
def journal(world, request) -> Ledger:
    """A book (in dollars or in yen) with posted and draft entries from every source, of
    small and large amounts, with and without a memo and a reference; markup in both."""
    book = book_create(
        practice=world.practice,
        name="Harbour <Desk>",
        chart="us_service",
        currency=request.param,
        user=world.owner.user,
    )
    books = Ledger(book, user=world.owner.user)
    for number, source in enumerate(EntrySource.values * 2):
        entry = books.post(
            date(2026 - number % 3, 1 + number % 12, 1 + number),
            ("1010", "4010", str((Decimal("1234567.89") / (number + 1)).quantize(book.quantum))),
            ("1010", "4010", "7"),
            memo="" if number % 4 == 3 else f"Memo <{number}> & 'quoted' \"x\"",
            post=False,
        )
        # Set while a draft: a posted entry cannot change (on PostgreSQL, a trigger says so).
        JournalEntry.objects.for_practice(world.practice).filter(pk=entry.pk).update(
            source=source, reference="" if number % 2 else f"REF <{number}> & co"
        )
        if number % 3 != 1:
            entry.refresh_from_db()
            entry_post(practice=world.practice, entry=entry, user=world.owner.user)
    return books


def test_it_writes_the_journal_rows_as_the_template_did(world, journal):
    # Given a book's entries of every kind, as its journal lists them
    book = journal.book
    entries = list(selectors.journal_entries(practice=world.practice, book=book))
    context = {"practice": world.practice, "book": book, "page": {"object_list": entries}}
    # When the old loop and the tag render them
    old = render(OLD_JOURNAL_ROWS, **context)
    new = render("{% load billing_tags %}{% journal_rows page.object_list book %}", **context)
    # Then the markup is the same, byte for byte
    assert new == old
    assert old.count("<tr>") == len(entries) == 12
    for seen in ("Memo &lt;0&gt; &amp; &#x27;quoted&#x27; &quot;x&quot;", "REF &lt;0&gt; &amp; co"):
        assert seen in old
    for seen in (">draft</a>", ">#1</a>", "Posted", "Draft", "Bank import", book.currency):
        assert seen in old


def test_it_writes_the_journal_row_of_no_entries_as_the_template_did(world, ledger):
    context = {"practice": world.practice, "book": ledger.book, "page": {"object_list": []}}
    new = render("{% load billing_tags %}{% journal_rows page.object_list book %}", **context)
    assert new == render(OLD_JOURNAL_ROWS, **context)
    assert "No entries match." in new


@pytest.fixture
def chart(world, journal) -> Ledger:
    """The book's chart with balances on either side (some contrary to the account's normal
    one), archived accounts (one with a balance), a trust account and markup in the names."""
    books = journal
    books.post(date(2026, 2, 1), ("6020", "1020", "50"))  # the savings account overdrawn
    books.post(date(2026, 2, 2), ("2020", "3010", "9999"))  # a card in credit
    accounts = Account.objects.for_practice(world.practice).filter(book=books.book)
    accounts.filter(code__in=["1500", "6020"]).update(archived=True)
    accounts.filter(code="1020").update(is_trust=True, name="Trust <money> & 'client' \"x\"")
    accounts.filter(code="6110").update(code="6110<&>")
    return books


def test_it_writes_the_account_rows_as_the_template_did(world, chart):
    # Given a book's chart as its page shows it, and a CSRF token
    book = chart.book
    tree = selectors.account_tree(practice=world.practice, book=book, as_of=date(2030, 1, 1))
    context = {"practice": world.practice, "book": book, "tree": tree, "csrf_token": "t<&>"}
    # When the old loop and the tag render them
    old = render(OLD_ACCOUNT_ROWS, **context)
    new = render("{% load billing_tags %}{% account_rows tree.rows book %}", **context)
    # Then the markup is the same, byte for byte
    assert new == old
    assert old.count("<tr ") == len(tree.rows) > 30
    for seen in ("Trust &lt;money&gt; &amp; &#x27;client&#x27; &quot;x&quot;", "6110&lt;&amp;&gt;"):
        assert seen in old
    for seen in ("depth-1", "heading", " archived", "Restore", "Contrary", "Bank", "Trust<"):
        assert seen in old
    assert 'value="t&lt;&amp;&gt;"' in old and "Accounts receivable</span>" in old


def test_it_writes_the_account_row_of_an_empty_chart_as_the_template_did(world, ledger):
    context = {"practice": world.practice, "book": ledger.book, "tree": {"rows": []}}
    new = render("{% load billing_tags %}{% account_rows tree.rows book %}", **context)
    assert new == render(OLD_ACCOUNT_ROWS, **context)
    assert "This book has no accounts yet." in new
