"""The rows of billing's long lists, written in Python: a ``{% for %}`` of them cost the
template language most of the page's time. The markup is the loops' that they replaced, byte
for byte (``tests/billing/test_rows.py`` keeps the loops and compares).
"""

import functools

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils import formats
from django.utils.translation import gettext

from secretary import moments
from secretary.money import format_money
from secretary.rows import choice_labels, empty_row, joined, localized, text
from secretary.templatetags.secretary_tags import row_url

register = template.Library()

_INVOICE_STATUS_CLASSES = {"paid": " success", "draft": " neutral", "void": " neutral"}

_INVOICE_ROW = (
    "<tr>\n"
    '    <td><a href="{url}">{name}</a>{credit_note}</td>\n'
    "    <td>{client}</td><td>{issued}</td><td>{due}</td>\n"
    '    <td><span class="badge{status_class}">{status}</span></td>\n'
    '    <td class="num">{total}</td><td class="num">{balance}</td>\n'
    "  </tr>"
)


def _dates():
    """``{{ day|default:"—" }}`` for a list: each day written once (``date_format`` reads the
    active language's formats on every call)."""

    @functools.cache
    def written(day) -> str:
        return "—" if not day else text(formats.localize(day))

    return written


def _money():
    """``{{ amount|money:currency }}`` for a list: each amount written once."""
    return functools.cache(lambda amount, currency: text(format_money(amount, currency)))


@register.simple_tag(takes_context=True)
def invoice_rows(context, invoices):
    """The ``<tr>`` of each invoice of the invoice list (``billing/invoice_list.html``): a
    draft links to its editor, an issued one to its page."""
    from billing.models import Invoice, InvoiceKind, InvoiceStatus

    statuses = choice_labels(Invoice, "status")
    credit_note = f' <span class="badge neutral">{text(gettext("Credit note"))}</span>'
    day, money = _dates(), _money()
    rows = []
    for invoice in invoices:
        status = invoice.status
        url_name = "invoice_edit" if status == InvoiceStatus.DRAFT else "invoice_detail"
        currency = invoice.currency
        rows.append(
            _INVOICE_ROW.format(
                url=text(row_url(context, url_name, invoice.pk)),
                name=text(invoice),
                credit_note=credit_note if invoice.kind == InvoiceKind.CREDIT_NOTE else "",
                client=text(invoice.client.name),
                issued=day(invoice.issue_date),
                due=day(invoice.due_date),
                status_class=_INVOICE_STATUS_CLASSES.get(status, ""),
                status=text(statuses.get(status, status)),
                total=money(invoice.total, currency),
                balance=money(invoice.balance_due, currency),
            )
        )
    return joined(rows)


_JOURNAL_ROW = (
    "\n"
    '    <tr><td><a href="{url}">{number}</a></td>\n'
    "    <td>{date}</td><td>{memo}</td><td>{reference}</td>\n"
    "    <td>{source}</td>\n"
    "    <td>{status}</td>\n"
    '    <td class="num">{total}</td></tr>\n'
    "  "
)


@register.simple_tag(takes_context=True)
def journal_rows(context, entries, book):
    """The ``<tr>`` of each entry of a book's journal (``billing/partials/journal_rows.html``),
    with its ``total``; one row saying so when none match."""
    from billing.models import EntryStatus, JournalEntry

    entries = list(entries)
    if not entries:
        return empty_row(7, gettext("No entries match."))
    sources = choice_labels(JournalEntry, "source")
    draft = text(gettext("draft"))
    posted = f'<span class="badge success">{text(gettext("Posted"))}</span>'
    unposted = f'<span class="badge warning">{text(gettext("Draft"))}</span>'
    day = functools.cache(lambda value: text(moments.format(value, "Y-m-d")))
    number, money = localized(), _money()
    currency = book.currency
    rows = []
    for entry in entries:
        rows.append(
            _JOURNAL_ROW.format(
                url=text(row_url(context, "entry_detail", entry.pk, parent=book.pk)),
                number=f"#{number(entry.number)}" if entry.number else draft,
                date=day(entry.date),
                memo=text(entry.memo),
                reference=text(entry.reference),
                source=text(sources.get(entry.source, entry.source)),
                status=posted if entry.status == EntryStatus.POSTED else unposted,
                total=money(entry.total, currency),
            )
        )
    return joined(rows)


_ACCOUNT_ROW = (
    "\n"
    '    <tr class="depth-{depth}{heading}{archived_class}">\n'
    '      <td class="mono">{code}</td>\n'
    '      <td class="account-name">{name}\n'
    "        {role}\n"
    "        {bank}\n"
    "        {trust}\n"
    "        {archived}\n"
    "        {contrary}\n"
    "      </td>\n"
    "      <td>{type}</td>\n"
    '      <td class="num">{debit}</td>\n'
    '      <td class="num">{credit}</td>\n'
    '      <td class="actions"><a href="{journal}?account={pk}">{journal_label}</a>\n'
    '        <a href="{edit}">{edit_label}</a>\n'
    '        <form method="post" class="inline-form" action="{archive}">{csrf}\n'
    '          <input type="hidden" name="archived" value="{archived_value}">\n'
    '          <button type="submit" class="link">{archive_label}</button></form></td>\n'
    "    </tr>\n"
    "  "
)


@register.simple_tag(takes_context=True)
def account_rows(context, rows, book):
    """The ``<tr>`` of each account of a book's chart (``billing/book_detail.html``): its
    badges, its balance in the debit or credit column and its links; one row saying so when the
    book has no accounts."""
    from billing.models import Account

    rows = list(rows)
    if not rows:
        return empty_row(6, gettext("This book has no accounts yet."))
    roles = choice_labels(Account, "role")
    types = choice_labels(Account, "type")
    bank = f'<span class="badge">{text(gettext("Bank"))}</span>'
    trust = f'<span class="badge warning">{text(gettext("Trust"))}</span>'
    archived = f'<span class="badge neutral">{text(gettext("Archived"))}</span>'
    contrary = (
        '<span class="badge danger" title="'
        f'{text(gettext("Balance on the side opposite its normal balance"))}">'
        f"{text(gettext('Contrary'))}</span>"
    )
    shared = {
        "journal": text(row_url(context, "journal_list", book.pk)),
        "journal_label": text(gettext("Journal")),
        "edit_label": text(gettext("Edit")),
        "csrf": CsrfTokenNode().render(context),
    }
    restore, archive = text(gettext("Restore")), text(gettext("Archive"))
    number, money = localized(), _money()
    currency = book.currency
    lines = []
    for row in rows:
        account = row.account
        pk = account.pk
        debit, credit = row.debit, row.credit
        lines.append(
            _ACCOUNT_ROW.format(
                depth=text("%d" % row.depth),  # noqa: UP031 (as stringformat:"d")
                heading=" heading" if row.has_children else "",
                archived_class=" archived" if account.archived else "",
                code=text(account.code),
                name=text(account.name),
                role=f'<span class="badge neutral">{text(roles.get(account.role, account.role))}'
                "</span>"
                if account.role
                else "",
                bank=bank if account.is_bank else "",
                trust=trust if account.is_trust else "",
                archived=archived if account.archived else "",
                contrary=contrary if row.contrary else "",
                type=text(types.get(account.type, account.type)),
                debit=money(debit, currency) if debit else "",
                credit=money(credit, currency) if credit else "",
                pk=number(pk),
                edit=text(row_url(context, "account_edit", pk, parent=book.pk)),
                archive=text(row_url(context, "account_archive", pk, parent=book.pk)),
                archived_value="0" if account.archived else "1",
                archive_label=restore if account.archived else archive,
                **shared,
            )
        )
    return joined(lines)
