"""Benchmark: the monthly invoice run, and the invoice PDF against raw WeasyPrint.

On PostgreSQL only.

* The run: a practice with ``BENCH_ENGAGEMENTS`` (500) active retainer engagements and
  ``BENCH_ENTRIES`` (20,000) time entries in October 2026 (bulk inserts), and a small one
  (50 engagements, 10 entries each); ``invoices_run_for`` just after October ends in Sydney
  builds every draft. Rounds alternate the two practices (the drafts are deleted between
  rounds); it prints invoices per second (median, quartiles) and the queries per invoice of each
  size (they must be equal or nearly).
* The PDF: an issued invoice's PDF from request to ready — ``invoice_request_pdf`` and the
  documents render task run in-process (eager) in a warm process — against raw WeasyPrint laying
  out the same HTML with the same stylesheet, in interleaved rounds (the order alternating);
  it prints medians, quartiles, minima and the ratio of the medians (goal ≤ 1.25).

    DATABASE_URL=postgres://secretary:…@127.0.0.1:5432/secretary_bench \
        DATABASE_APP_ROLE=secretary_app .venv/bin/python bench/billing.py

The seed runs once per database. ``BENCH_ENGAGEMENTS``, ``BENCH_ENTRIES``, ``BENCH_ROUNDS`` change
the sizes; ``BENCH_PARTS=pdf`` (or ``run``) measures one part only. A script, not a test: it
prints figures.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretary.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECRETARY_TESTING", "0")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("bench/billing.py measures PostgreSQL: set DATABASE_URL=postgres://…")

ENGAGEMENTS = int(os.environ.get("BENCH_ENGAGEMENTS", "500"))
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "20000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "12"))
PARTS = set(os.environ.get("BENCH_PARTS", "run,pdf").split(","))
RUN_ROUNDS = max(2, ROUNDS // 4)
SYDNEY = ZoneInfo("Australia/Sydney")
PERIOD = (date(2026, 10, 1), date(2026, 10, 31))
RUN_AT = datetime(2026, 11, 1, 0, 5, tzinfo=SYDNEY)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from billing.invoicing import services  # noqa: E402
from billing.invoicing.documents import invoice_request_pdf  # noqa: E402
from billing.invoicing.runs import invoices_run_for  # noqa: E402
from billing.invoicing.selectors import taxes_seed  # noqa: E402
from billing.models import Invoice, InvoiceStatus, TaxRate  # noqa: E402
from clients.models import Client, ClientStatus, Engagement, EngagementStatus  # noqa: E402
from documents.models import DocumentStatus  # noqa: E402
from secretary import rls  # noqa: E402
from secretary.celery import app as celery_app  # noqa: E402
from secretary.models import Membership, Practice, Role, User  # noqa: E402
from secretary.tenancy import practice_scope  # noqa: E402
from tasks.models import Task, TimeEntry  # noqa: E402


def _practice(slug: str, name: str) -> tuple[Practice, User]:
    with rls.cross_practice("bench seed"):
        practice = Practice.objects.filter(slug=slug).first()
        if practice is None:
            practice = Practice.objects.create(
                name=name, slug=slug, time_zone="Australia/Sydney", currency="AUD"
            )
        email = f"{slug}@bench.test"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, "bench-password-123")
        Membership.objects.unscoped().get_or_create(
            practice=practice, user=user, defaults={"role": Role.OWNER}
        )
    return practice, user


def _seed(slug: str, engagements: int, entries: int) -> tuple[Practice, User]:
    """Retainer clients (AUD 1,000 a month, 5 hours, AUD 90 beyond, rounding to 15 minutes)
    with their October time, in bulk inserts; once per database."""
    practice, user = _practice(slug, f"Billing bench {engagements}")
    with practice_scope(practice), transaction.atomic():
        taxes_seed(practice=practice)
        if Client.objects.for_practice(practice).exists():
            return practice, user
        clients = Client.objects.bulk_create(
            [
                Client(
                    practice=practice,
                    name=f"Bench client {n:04d}",
                    status=ClientStatus.ACTIVE,
                    time_zone="Australia/Sydney",
                    currency="AUD",
                )
                for n in range(engagements)
            ]
        )
        Engagement.objects.bulk_create(
            [
                Engagement(
                    practice=practice,
                    client=client,
                    status=EngagementStatus.ACTIVE,
                    currency="AUD",
                    coverage_time_zone="Australia/Sydney",
                    monthly_fee=Decimal("1000.00"),
                    included_hours=Decimal("5"),
                    hourly_rate=Decimal("80.00"),
                    overage_rate=Decimal("90.00"),
                    rounding_minutes=15,
                    start_date=date(2026, 1, 1),
                )
                for client in clients
            ]
        )
        tasks = Task.objects.bulk_create(
            [Task(practice=practice, client=client, title="Monthly work") for client in clients]
        )
        per = entries // engagements
        rows = []
        for index, (client, task) in enumerate(zip(clients, tasks, strict=True)):
            for k in range(per):
                started = datetime(2026, 10, 1 + k % 31, 9 + k % 8, 7 * (index % 8), tzinfo=SYDNEY)
                minutes = 10 + (index + 7 * k) % 50
                rows.append(
                    TimeEntry(
                        practice=practice,
                        task=task,
                        client=client,
                        started_at=started,
                        ended_at=started + timedelta(minutes=minutes),
                        minutes=minutes,
                        billable=True,
                        manual=True,
                    )
                )
        TimeEntry.objects.bulk_create(rows, batch_size=5000)
    with rls.owner_role(), connection.cursor() as cursor:
        for table in ("tasks_timeentry", "clients_engagement", "clients_client"):
            cursor.execute(f"ANALYZE {table}")
    return practice, user


def _describe(label: str, values: list[float], unit: str) -> str:
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return (
        f"{label:<28} median {statistics.median(values):9.1f} {unit}   "
        f"quartiles {q[0]:8.1f}–{q[2]:8.1f}   min {min(values):8.1f}   n={len(values)}"
    )


def _clear_drafts(practice: Practice) -> None:
    with practice_scope(practice), transaction.atomic():
        Invoice.objects.for_practice(practice).filter(status=InvoiceStatus.DRAFT).delete()


def _run_once(practice: Practice) -> tuple[int, float, int]:
    statements = 0

    def count(execute, sql, *args):
        nonlocal statements
        statements += 1
        return execute(sql, *args)

    _clear_drafts(practice)
    with practice_scope(practice), connection.execute_wrapper(count):
        started = time.perf_counter()
        built = invoices_run_for(practice=practice, now=RUN_AT)
        seconds = time.perf_counter() - started
    return len(built), seconds, statements


def bench_run() -> None:
    small, _ = _seed("billing-bench-small", 50, 500)
    big, _ = _seed(f"billing-bench-{ENGAGEMENTS}-{ENTRIES}", ENGAGEMENTS, ENTRIES)
    results: dict[str, dict[str, list[float]]] = {
        "small": {"rate": [], "per": []},
        "big": {"rate": [], "per": []},
    }
    _run_once(small)  # warm
    for round_ in range(RUN_ROUNDS):
        order = (("small", small), ("big", big))
        for name, practice in order if round_ % 2 == 0 else reversed(order):
            built, seconds, statements = _run_once(practice)
            results[name]["rate"].append(built / seconds)
            results[name]["per"].append(statements / built)
    print(f"monthly run, {RUN_ROUNDS} rounds (drafts deleted between rounds):")
    for name, label in (
        ("small", "50 eng., 500 entries"),
        ("big", f"{ENGAGEMENTS} eng., {ENTRIES:,} entries"),
    ):
        print(_describe(f"  {label}: invoices/s", results[name]["rate"], "/s"))
    small_q = statistics.median(results["small"]["per"])
    big_q = statistics.median(results["big"]["per"])
    print(
        f"  queries per invoice: {small_q:.2f} (50 eng., 10 entries each) vs {big_q:.2f} "
        f"({ENGAGEMENTS} eng., {ENTRIES // ENGAGEMENTS} entries each)"
    )


def _issued_invoice(practice: Practice, user: User, gst: TaxRate, n: int) -> Invoice:
    client = Client.objects.for_practice(practice).order_by("pk")[n % 50]
    invoice = services.invoice_create(practice=practice, client=client, user=user)
    for description, quantity, price in (
        (f"Monthly retainer, round {n}", "1", "1000.00"),
        ("Hours beyond the plan", f"{1 + n % 7}.25", "90.00"),
        ("Travel bookings", "1", "45.00"),
    ):
        services.invoice_line_add(
            practice=practice,
            invoice=invoice,
            description=description,
            quantity=Decimal(quantity),
            unit_price=Decimal(price),
            tax_rate=gst,
        )
    return services.invoice_issue(
        practice=practice, invoice=invoice, issue_date=date(2026, 11, 2), user=user
    )


def bench_pdf() -> None:
    import weasyprint

    from documents.builtins import builtin_template
    from documents.rendering import brand_stylesheet, render_html, static_base_url
    from documents.services import brand_from_json

    practice, user = _seed("billing-bench-small", 50, 500)
    celery_app.conf.task_always_eager = True
    with practice_scope(practice):
        gst = TaxRate.objects.for_practice(practice).order_by("-rate").first()

    def pipeline(invoice: Invoice) -> tuple[float, str]:
        started = time.time()
        with practice_scope(practice), transaction.atomic():
            document = invoice_request_pdf(practice=practice, invoice=invoice, user=user)
        # The render ran on commit, in this process, then the preview (a job of its own, run
        # eagerly here too): the document was ready when the render stored it (``rendered_at``).
        with practice_scope(practice):
            document.refresh_from_db()
        assert document.status == DocumentStatus.READY, document.failure_reason
        assert document.preview, "the preview follows the document"
        return (document.rendered_at.timestamp() - started) * 1000, document

    def raw(document) -> float:
        brand = brand_from_json(document.brand)
        html = render_html(
            template_source=builtin_template(document.kind).source,
            context=document.context,
            brand=brand,
        )
        started = time.perf_counter()
        weasyprint.HTML(string=html, base_url=static_base_url()).render(
            stylesheets=[weasyprint.CSS(string=brand_stylesheet(brand))]
        ).write_pdf()
        return (time.perf_counter() - started) * 1000

    from weasyprint.text.fonts import FontConfiguration

    kept_fonts = FontConfiguration()

    def raw_kept_fonts(document) -> float:
        # Raw WeasyPrint given one font configuration for all rounds, as the renderer keeps one.
        brand = brand_from_json(document.brand)
        html = render_html(
            template_source=builtin_template(document.kind).source,
            context=document.context,
            brand=brand,
        )
        started = time.perf_counter()
        stylesheet = weasyprint.CSS(string=brand_stylesheet(brand), font_config=kept_fonts)
        weasyprint.HTML(string=html, base_url=static_base_url()).render(
            stylesheets=[stylesheet], font_config=kept_fonts
        ).write_pdf()
        return (time.perf_counter() - started) * 1000

    def fresh(n: int) -> Invoice:
        with practice_scope(practice), transaction.atomic():
            return _issued_invoice(practice, user, gst, n)

    # Warm: fonts, templates, the first layout.
    _elapsed, document = pipeline(fresh(0))
    raw(document)
    raw_kept_fonts(document)
    timings: dict[str, list[float]] = {"pipeline": [], "raw": [], "raw_kept": []}
    for round_ in range(ROUNDS):
        invoice = fresh(round_ + 1)
        if round_ % 2 == 0:
            elapsed, document = pipeline(invoice)
            timings["pipeline"].append(elapsed)
            timings["raw"].append(raw(document))
            timings["raw_kept"].append(raw_kept_fonts(document))
        else:
            # Raw first, on the HTML of the previous round's document (same layout and size).
            timings["raw_kept"].append(raw_kept_fonts(document))
            timings["raw"].append(raw(document))
            elapsed, document = pipeline(invoice)
            timings["pipeline"].append(elapsed)
    print(f"invoice PDF, {ROUNDS} interleaved rounds:")
    print(_describe("  raw WeasyPrint", timings["raw"], "ms"))
    print(_describe("  raw, one font config.", timings["raw_kept"], "ms"))
    print(_describe("  request → ready", timings["pipeline"], "ms"))
    ratio = statistics.median(timings["pipeline"]) / statistics.median(timings["raw"])
    print(f"  ratio of medians (request → ready / raw): {ratio:.3f}  (goal ≤ 1.25)")
    kept = statistics.median(timings["pipeline"]) / statistics.median(timings["raw_kept"])
    print(f"  ratio against raw with one font configuration: {kept:.3f}")


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    load = os.getloadavg()[0]
    print(f"load average {load:.1f}")
    if "run" in PARTS:
        bench_run()
    if "pdf" in PARTS:
        bench_pdf()


if __name__ == "__main__":
    main()
