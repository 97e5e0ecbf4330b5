"""API of bank statements under ``books/<book_id>/bank/``: upload a statement, follow its
import, list statement lines, match a line to ledger lines. Staff only."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.access import check_book_access
from billing.bank import selectors, services
from billing.ledger.selectors import book_get
from billing.models import StatementImport, StatementLine
from billing.serializers.bank import (
    MatchSerializer,
    StatementImportSerializer,
    StatementLineSerializer,
    StatementUploadSerializer,
)
from secretary.api_base import PracticeScopedMixin
from secretary.api_filters import BooleanFilter, DateFilter, FilterSet, IdFilter
from secretary.idempotency import IdempotentCreateMixin


class BookScopedMixin(PracticeScopedMixin):
    def book(self):
        if not hasattr(self, "_book"):
            self._book = check_book_access(
                self.request,
                book_get(practice=self.request.practice, book_id=self.kwargs["book_id"]),
            )
        return self._book


class StatementLineFilter(FilterSet):
    account = IdFilter(field_name="account_id")
    reconciled = BooleanFilter(field_name="reconciled")
    date_from = DateFilter(field_name="date", lookup_expr="gte")
    date_to = DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = StatementLine
        fields = ["account", "reconciled", "date_from", "date_to"]


class StatementImportFilter(FilterSet):
    account = IdFilter(field_name="account_id")

    class Meta:
        model = StatementImport
        fields = ["account"]


@extend_schema_view(
    get=extend_schema(tags=["bank"], summary=_("Statement imports of a book")),
)
class StatementImportListView(IdempotentCreateMixin, BookScopedMixin, generics.ListCreateAPIView):
    """Statement files of a book and their import status; POST uploads one (multipart) and
    queues its import: follow it at the import's own address."""

    serializer_class = StatementImportSerializer
    parser_classes = [MultiPartParser, FormParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = StatementImportFilter
    queryset = StatementImport.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StatementImport.objects.none()
        return selectors.imports_for(practice=self.request.practice, book=self.book())

    @extend_schema(
        tags=["bank"],
        summary=_("Upload a statement and queue its import"),
        request={"multipart/form-data": StatementUploadSerializer},
        responses={201: StatementImportSerializer},
    )
    def post(self, request, *args, **kwargs):
        book = self.book()
        upload = StatementUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        account = (
            selectors.bank_accounts(practice=request.practice, book=book)
            .filter(pk=upload.validated_data["account"])
            .first()
        )
        if account is None:
            raise serializers.ValidationError(
                {"account": [_("Choose a bank account of this book.")]}
            )
        made = services.statement_upload(
            practice=request.practice,
            book=book,
            account=account,
            file=upload.validated_data["file"],
            user=request.user,
            request=request,
        )
        return Response(
            StatementImportSerializer(made, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["bank"], summary=_("A statement import and its progress"))
class StatementImportDetailView(BookScopedMixin, generics.RetrieveAPIView):
    serializer_class = StatementImportSerializer
    queryset = StatementImport.objects.none()

    def get_object(self):
        return selectors.import_get(
            practice=self.request.practice, book=self.book(), import_id=self.kwargs["import_id"]
        )


@extend_schema(tags=["bank"], summary=_("Statement lines of a book"))
class StatementLineListView(BookScopedMixin, generics.ListAPIView):
    """Filter by bank account, reconciled or not, and dates (inclusive)."""

    serializer_class = StatementLineSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = StatementLineFilter
    queryset = StatementLine.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StatementLine.objects.none()
        return selectors.statement_lines(
            practice=self.request.practice, book=self.book()
        ).select_related("book")


@extend_schema(
    tags=["bank"],
    summary=_("Match a statement line to posted ledger lines"),
    request=MatchSerializer,
    responses={200: StatementLineSerializer},
)
class StatementLineMatchView(BookScopedMixin, APIView):
    """The ledger lines must be posted lines of the same bank account that no other statement
    line explains, and total (debits minus credits) the statement line's amount."""

    def post(self, request, *args, **kwargs):
        line = selectors.statement_line_get(
            practice=request.practice, book=self.book(), line_id=kwargs["line_id"]
        )
        body = MatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        line = services.statement_line_match(
            practice=request.practice,
            line=line,
            journal_line_ids=body.validated_data["journal_lines"],
            user=request.user,
            request=request,
        )
        return Response(StatementLineSerializer(line, context={"request": request}).data)


_BOOK = "books/<int:book_id>/bank/"

api_patterns: list = [
    path(_BOOK + "imports/", StatementImportListView.as_view(), name="api_bank_imports"),
    path(
        _BOOK + "imports/<int:import_id>/",
        StatementImportDetailView.as_view(),
        name="api_bank_import",
    ),
    path(_BOOK + "lines/", StatementLineListView.as_view(), name="api_bank_lines"),
    path(
        _BOOK + "lines/<int:line_id>/match/",
        StatementLineMatchView.as_view(),
        name="api_bank_line_match",
    ),
]
