"""Reports API: one report of a book as JSON (money as decimal strings).

Staff read every book of the practice; a client contact allowed billing reads the reports the
portal offers of their own client's books (anything else answers 404).
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from billing import reporting
from billing.access import check_book_access
from billing.ledger import reports
from billing.ledger.selectors import book_get
from billing.models import Account
from billing.serializers.reports import ReportQuerySerializer, ReportSerializer, report_data
from clients.access import ContactPartMixin
from clients.services import regulated_view_record
from secretary.api_base import PracticeScopedMixin
from secretary.errors import ApplicationError
from secretary.limits import MAX_ID


@extend_schema(
    tags=["books"],
    parameters=[
        ReportQuerySerializer,
        OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(reporting.REPORT_KINDS)),
        OpenApiParameter(
            "book_id",
            {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            OpenApiParameter.PATH,
        ),
    ],
    responses=ReportSerializer,
)
class BookReport(ContactPartMixin, PracticeScopedMixin, APIView):
    """One report of a book: ``trial_balance``, ``profit_and_loss``, ``balance_sheet``,
    ``general_ledger`` (needs ``account``; 50 lines a page), ``aged_receivables`` or
    ``aged_payables``. Reports over a period take ``start`` and ``end`` (this month by
    default), balances take ``as_of`` (the end of the period by default). With
    ``compare=true`` (the default) the previous period, or the same date a year earlier,
    stands beside. Client contacts allowed billing read the profit and loss, balance sheet and
    general ledger of their own client's books."""

    allow_clients = True
    portal_part = "billing"
    http_method_names = ["get", "head", "options"]

    def get(self, request, practice_slug, book_id, kind):
        client = None
        kinds = reporting.REPORT_KINDS
        if self.contact is not None:
            client, kinds = self.contact.client, reporting.PORTAL_KINDS
        if kind not in kinds:
            raise Http404
        book = book_get(practice=request.practice, book_id=book_id, client=client)
        if client is None:
            check_book_access(request, book)
        if client is None and book.client is not None:
            regulated_view_record(request=request, client=book.client)
        query = ReportQuerySerializer(
            data={key: value for key, value in request.query_params.items() if value != ""}
        )
        query.is_valid(raise_exception=True)
        report = _report_request(request, book, kind, query.validated_data)
        table = reporting.build_table(practice=request.practice, book=book, request=report)
        return Response(ReportSerializer(report_data(book=book, table=table)).data)


def _report_request(request, book, kind: str, data: dict) -> reporting.ReportRequest:
    today = timezone.localdate()
    start, end = data.get("start"), data.get("end")
    if start is None and end is None:
        start, end = reports.month_bounds(today)
    elif start is None:
        start = end.replace(day=1)
    elif end is None:
        end = reports.month_bounds(start)[1]
    if start > end:
        message = _("The end of the period comes before its start.")
        raise ApplicationError(message, errors={"end": message})
    account = None
    if kind == reporting.GENERAL_LEDGER:
        if "account" not in data:
            message = _("Choose the account of the general ledger.")
            raise ApplicationError(message, errors={"account": message})
        account = (
            Account.objects.for_practice(request.practice)
            .filter(book=book, pk=data["account"])
            .first()
        )
        if account is None:
            message = _("No such account in these books.")
            raise ApplicationError(message, errors={"account": message})
    return reporting.ReportRequest(
        kind=kind,
        start=start,
        end=end,
        as_of=data.get("as_of") or end,
        compare=data.get("compare", True),
        account=account,
        page=data.get("page", 1),
    )


api_patterns: list = [
    path(
        "books/<int:book_id>/reports/<str:kind>/",
        BookReport.as_view(),
        name="api_book_report",
    ),
]
