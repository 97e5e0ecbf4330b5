"""API of the ledger: books, their accounts, journal entries, tax codes and contacts.

Who may do what:
- staff read and write every book of the practice: open books, add and edit accounts, draft,
  edit, delete, post and reverse entries (posted entries are never edited: reverse them);
- a client contact who may see billing (``portal_billing``) reads its own client's books, their
  accounts, tax codes, contacts and posted entries; anything else answers 404, and contacts
  never write.
A broken ledger rule answers 400 ``{"message", "errors"}``, with the field it concerns
(``lines.<n>.debit``, ``date``, ...), and nothing is saved.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, Q, Sum
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.access import check_book_access, staff_books
from billing.ledger.books import book_create
from billing.ledger.chart import ACCOUNT_FIELDS, account_archive, account_save
from billing.ledger.posting import (
    LineInput,
    entries_filter_text,
    entry_create,
    entry_delete_draft,
    entry_post,
    entry_reverse,
    entry_update_draft,
)
from billing.models import (
    Account,
    AccountType,
    Book,
    EntrySource,
    EntryStatus,
    JournalEntry,
    JournalLine,
    LedgerContact,
    TaxCode,
)
from billing.serializers.ledger import (
    AccountCreateSerializer,
    AccountSerializer,
    AccountUpdateSerializer,
    BookCreateSerializer,
    BookSerializer,
    EntryInputSerializer,
    EntrySerializer,
    EntryUpdateSerializer,
    LedgerContactSerializer,
    ReverseInputSerializer,
    TaxCodeSerializer,
)
from clients.access import ContactPartMixin
from clients.services import regulated_view_record
from secretary.api_base import PracticeScopedMixin
from secretary.api_filters import BooleanFilter, DateFilter, FilterSet, IdFilter
from secretary.idempotency import IdempotentCreateMixin

TAGS = ["ledger"]


# --- Scoping --------------------------------------------------------------------------------


class LedgerScopedMixin(ContactPartMixin, PracticeScopedMixin):
    """Staff see every book; a client contact with ``portal_billing`` reads its own client's
    books (404 for anything else, and for contacts without it)."""

    allow_clients = True
    portal_part = "billing"

    def books(self):
        if self.contact is not None:
            return Book.objects.for_practice(self.request.practice).filter(
                client_id=self.contact.client_id
            )
        return staff_books(self.request)

    def get_book(self) -> Book:
        cached = getattr(self, "_book", None)
        if cached is None:
            books = Book.objects.for_practice(self.request.practice)
            if self.for_contact:
                books = self.books()
            cached = books.select_related("client").filter(pk=self.kwargs["book_id"]).first()
            if cached is None:
                raise Http404
            check_book_access(self.request, cached)
            self._book = cached
            if cached.client is not None and self.request.method in ("GET", "HEAD"):
                # A regulated client's books are its records: staff reads are audited.
                regulated_view_record(request=self.request, client=cached.client)
        return cached

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "book_id" in self.kwargs:
            context["book"] = self.get_book()
        return context

    @property
    def for_contact(self) -> bool:
        return self.contact is not None


class StaffLedgerMixin(LedgerScopedMixin):
    """Routes that only write (post, reverse): client contacts get 404."""

    allow_clients = False


def _created(serializer_class, instance, context) -> Response:
    return Response(
        serializer_class(instance, context=context).data, status=status.HTTP_201_CREATED
    )


# --- Books ----------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary=_("Books the practice keeps"),
        description=_(
            "The practice's own books and its clients'. A client contact who may see billing "
            "sees its own client's books only."
        ),
    ),
    post=extend_schema(
        tags=TAGS,
        summary=_("Open books from a chart of accounts"),
        description=_(
            "Leave out `client` for the practice's own books (one set per practice and per client)."
        ),
        request=BookCreateSerializer,
        responses={201: BookSerializer},
    ),
)
class BookListView(IdempotentCreateMixin, LedgerScopedMixin, generics.ListCreateAPIView):
    serializer_class = BookSerializer
    queryset = Book.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        return self.books().order_by("name", "pk")

    def create(self, request, *args, **kwargs):
        serializer = BookCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        book = book_create(
            practice=request.practice,
            name=data["name"],
            chart=data["chart"],
            client=data.get("client"),
            currency=data.get("currency"),
            fiscal_year_start_month=data["fiscal_year_start_month"],
            user=request.user,
            request=request,
        )
        return _created(BookSerializer, book, {"request": request})


@extend_schema_view(get=extend_schema(tags=TAGS, summary=_("A book")))
class BookDetailView(LedgerScopedMixin, generics.RetrieveAPIView):
    serializer_class = BookSerializer
    queryset = Book.objects.none()

    def get_object(self):
        return self.get_book()


# --- Accounts -------------------------------------------------------------------------------


class AccountFilter(FilterSet):
    type = django_filters.ChoiceFilter(choices=AccountType.choices)
    archived = BooleanFilter()

    class Meta:
        model = Account
        fields = ["type", "archived"]


class AccountScopedMixin(LedgerScopedMixin):
    queryset = Account.objects.none()

    def get_queryset(self):
        posted = Q(lines__posted=True)
        return (
            Account.objects.for_practice(self.request.practice)
            .filter(book=self.get_book())
            .annotate(
                posted_debits=Sum("lines__debit", filter=posted),
                posted_credits=Sum("lines__credit", filter=posted),
            )
            .order_by("code", "pk")
        )


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary=_("Accounts of a book (its chart), with posted balances"),
    ),
    post=extend_schema(
        tags=TAGS,
        summary=_("Add an account"),
        description=_(
            "Codes are unique in a book; each `role` is used by at most one account. The type "
            "is fixed once the account exists."
        ),
        request=AccountCreateSerializer,
        responses={201: AccountSerializer},
    ),
)
class AccountListView(IdempotentCreateMixin, AccountScopedMixin, generics.ListCreateAPIView):
    serializer_class = AccountSerializer
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = AccountFilter

    def create(self, request, *args, **kwargs):
        book = self.get_book()
        context = self.get_serializer_context()
        serializer = AccountCreateSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        account = account_save(
            practice=request.practice,
            book=book,
            data={
                "code": data["code"],
                "name": data["name"],
                "type": data["type"],
                "parent": data.get("parent"),
                "role": data.get("role") or "",
                "description": data.get("description", ""),
                "is_bank": data["is_bank"],
                "is_trust": data["is_trust"],
                "default_tax_code": data.get("default_tax_code"),
            },
            user=request.user,
            request=request,
        )
        return _created(AccountSerializer, self.get_queryset().get(pk=account.pk), context)


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary=_("An account")),
    patch=extend_schema(
        tags=TAGS,
        summary=_("Change an account's code, name, parent, default tax code or archive it"),
        request=AccountUpdateSerializer,
        responses=AccountSerializer,
    ),
)
class AccountDetailView(AccountScopedMixin, generics.RetrieveUpdateAPIView):
    serializer_class = AccountSerializer
    lookup_url_kwarg = "account_id"
    http_method_names = ["get", "patch", "head", "options"]

    def update(self, request, *args, **kwargs):
        account = self.get_object()
        context = self.get_serializer_context()
        serializer = AccountUpdateSerializer(data=request.data, partial=True, context=context)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        archived = changes.pop("archived", None)
        if changes:
            data = {name: getattr(account, name) for name in ACCOUNT_FIELDS}
            account = account_save(
                practice=request.practice,
                book=account.book,
                account=account,
                data={**data, **changes},
                user=request.user,
                request=request,
            )
        if archived is not None and archived != account.archived:
            account_archive(
                practice=request.practice,
                account=account,
                archived=archived,
                user=request.user,
                request=request,
            )
        return Response(
            AccountSerializer(self.get_queryset().get(pk=account.pk), context=context).data
        )


# --- Tax codes and contacts -----------------------------------------------------------------


@extend_schema_view(get=extend_schema(tags=TAGS, summary=_("Tax codes of a book")))
class TaxCodeListView(LedgerScopedMixin, generics.ListAPIView):
    serializer_class = TaxCodeSerializer
    queryset = TaxCode.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        return (
            TaxCode.objects.for_practice(self.request.practice)
            .filter(book=self.get_book())
            .order_by("code", "pk")
        )


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary=_("Customers and suppliers of a book (ledger contacts)"))
)
class LedgerContactListView(LedgerScopedMixin, generics.ListAPIView):
    serializer_class = LedgerContactSerializer
    queryset = LedgerContact.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        return (
            LedgerContact.objects.for_practice(self.request.practice)
            .filter(book=self.get_book())
            .order_by("name", "pk")
        )


# --- Journal entries ------------------------------------------------------------------------


class EntryFilter(FilterSet):
    date_from = DateFilter(field_name="date", lookup_expr="gte", label=_("From (date)"))
    date_to = DateFilter(field_name="date", lookup_expr="lte", label=_("To (date)"))
    account = IdFilter(method="filter_account", label=_("Entries with a line on this account"))
    source = django_filters.ChoiceFilter(choices=EntrySource.choices)
    status = django_filters.ChoiceFilter(choices=EntryStatus.choices)
    text = django_filters.CharFilter(
        method="filter_text",
        max_length=200,
        label=_("Memo, reference or a line's description contains"),
    )

    class Meta:
        model = JournalEntry
        fields = ["date_from", "date_to", "account", "source", "status", "text"]

    def filter_account(self, queryset, name, value):
        if value is None:
            return queryset
        lines = JournalLine.objects.for_practice(self.request.practice).filter(account_id=value)
        return queryset.filter(pk__in=lines.values("entry_id"))

    def filter_text(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(entries_filter_text(value)).distinct()


def _line_inputs(lines: list[dict]) -> list[LineInput]:
    return [
        LineInput(
            account=line["account"],
            debit=line.get("debit"),
            credit=line.get("credit"),
            description=line.get("description", ""),
            contact=line.get("contact"),
            tax_code=line.get("tax_code"),
            matter=line.get("matter"),
        )
        for line in lines
    ]


def _current_lines(entry: JournalEntry) -> list[LineInput]:
    return [
        LineInput(
            account=line.account,
            debit=line.debit,
            credit=line.credit,
            description=line.description,
            contact=line.contact,
            tax_code=line.tax_code,
            matter=line.matter,
        )
        for line in entry.lines.select_related("account", "contact", "tax_code", "matter")
    ]


class EntryScopedMixin(LedgerScopedMixin):
    queryset = JournalEntry.objects.none()

    def get_queryset(self):
        practice = self.request.practice
        entries = (
            JournalEntry.objects.for_practice(practice)
            .filter(book=self.get_book())
            .select_related("reversed_by")
            .prefetch_related(
                Prefetch(
                    "lines",
                    queryset=JournalLine.objects.for_practice(practice).order_by("position", "pk"),
                )
            )
            .order_by("-date", "-pk")
        )
        if self.for_contact:
            entries = entries.filter(status=EntryStatus.POSTED)
        return entries

    def entry(self, entry_id: int) -> JournalEntry:
        return self.get_queryset().get(pk=entry_id)

    def get_object(self) -> JournalEntry:
        entry = self.get_queryset().filter(pk=self.kwargs["entry_id"]).first()
        if entry is None:
            raise Http404
        return entry


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary=_("Journal entries of a book, newest first, with their lines"),
        description=_("A client contact sees posted entries only."),
    ),
    post=extend_schema(
        tags=TAGS,
        summary=_("Draft an entry"),
        description=_(
            "Each line names an account of the book and either a `debit` or a `credit` (a "
            "decimal string, never negative, in the book's currency). A draft may be "
            "unbalanced; post it with `POST …/entries/{entry_id}/post/`."
        ),
        request=EntryInputSerializer,
        responses={201: EntrySerializer},
    ),
)
class EntryListView(IdempotentCreateMixin, EntryScopedMixin, generics.ListCreateAPIView):
    serializer_class = EntrySerializer
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = EntryFilter

    def create(self, request, *args, **kwargs):
        book = self.get_book()
        context = self.get_serializer_context()
        serializer = EntryInputSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = entry_create(
            practice=request.practice,
            book=book,
            date=data["date"],
            lines=_line_inputs(data["lines"]),
            memo=data.get("memo", ""),
            reference=data.get("reference", ""),
            user=request.user,
            request=request,
        )
        return _created(EntrySerializer, self.entry(entry.pk), context)


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary=_("A journal entry with its lines")),
    patch=extend_schema(
        tags=TAGS,
        summary=_("Change a draft's date, memo, reference or lines"),
        description=_("Posted entries are never changed: reverse them instead (400)."),
        request=EntryUpdateSerializer,
        responses=EntrySerializer,
    ),
    delete=extend_schema(
        tags=TAGS,
        summary=_("Delete a draft"),
        description=_("Posted entries are never deleted: reverse them instead (400)."),
        responses={204: None},
    ),
)
class EntryDetailView(EntryScopedMixin, generics.RetrieveUpdateDestroyAPIView):
    serializer_class = EntrySerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def update(self, request, *args, **kwargs):
        entry = self.get_object()
        context = self.get_serializer_context()
        serializer = EntryUpdateSerializer(data=request.data, partial=True, context=context)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        lines = _line_inputs(data["lines"]) if "lines" in data else _current_lines(entry)
        entry_update_draft(
            practice=request.practice,
            entry=entry,
            date=data.get("date", entry.date),
            lines=lines,
            memo=data.get("memo", entry.memo),
            reference=data.get("reference", entry.reference),
            user=request.user,
        )
        return Response(EntrySerializer(self.entry(entry.pk), context=context).data)

    def destroy(self, request, *args, **kwargs):
        entry = self.get_object()
        entry_delete_draft(practice=request.practice, entry=entry, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntryActionView(StaffLedgerMixin, EntryScopedMixin, APIView):
    """Base of the actions on an entry (POST only, staff)."""

    def get_serializer_context(self):
        return {"request": self.request, "book": self.get_book(), "view": self}


class EntryPostView(EntryActionView):
    @extend_schema(
        tags=TAGS,
        summary=_("Post a draft"),
        description=_(
            "Checks that it balances, that its date is after the book's lock date and that no "
            "trust matter goes below zero; then numbers it. A posted entry never changes."
        ),
        request=None,
        responses=EntrySerializer,
    )
    def post(self, request, *args, **kwargs):
        entry = self.get_object()
        entry_post(practice=request.practice, entry=entry, user=request.user, request=request)
        return Response(
            EntrySerializer(self.entry(entry.pk), context=self.get_serializer_context()).data
        )


class EntryReverseView(EntryActionView):
    @extend_schema(
        tags=TAGS,
        summary=_("Reverse a posted entry"),
        description=_(
            "Posts its mirror (debits become credits), dated `date` or the entry's own date; "
            "answers with the reversal. An entry is reversed at most once."
        ),
        request=ReverseInputSerializer,
        responses={201: EntrySerializer},
    )
    def post(self, request, *args, **kwargs):
        entry = self.get_object()
        serializer = ReverseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reversal = entry_reverse(
            practice=request.practice,
            entry=entry,
            date=serializer.validated_data.get("date"),
            memo=serializer.validated_data.get("memo", ""),
            user=request.user,
            request=request,
        )
        return _created(EntrySerializer, self.entry(reversal.pk), self.get_serializer_context())


_BOOK = "books/<int:book_id>/"
_ENTRY = f"{_BOOK}entries/<int:entry_id>/"

api_patterns: list = [
    path("books/", BookListView.as_view(), name="api_book_list"),
    path(_BOOK, BookDetailView.as_view(), name="api_book_detail"),
    path(f"{_BOOK}accounts/", AccountListView.as_view(), name="api_account_list"),
    path(
        f"{_BOOK}accounts/<int:account_id>/",
        AccountDetailView.as_view(),
        name="api_account_detail",
    ),
    path(f"{_BOOK}entries/", EntryListView.as_view(), name="api_entry_list"),
    path(_ENTRY, EntryDetailView.as_view(), name="api_entry_detail"),
    path(f"{_ENTRY}post/", EntryPostView.as_view(), name="api_entry_post"),
    path(f"{_ENTRY}reverse/", EntryReverseView.as_view(), name="api_entry_reverse"),
    path(f"{_BOOK}tax-codes/", TaxCodeListView.as_view(), name="api_taxcode_list"),
    path(f"{_BOOK}contacts/", LedgerContactListView.as_view(), name="api_ledgercontact_list"),
]
