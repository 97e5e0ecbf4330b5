"""Bench-only routes (served by ``bench/pages.py`` only, never by the product): the baseline
page, one query for 50 tasks in a minimal template behind the same middleware and decorators
as every staff page; then every route of the product."""

from __future__ import annotations

import inspect
import os
import time

from django.db import connections
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from secretary import urls as product_urls
from secretary.access import staff_view
from tasks.models import Status, Task
from tasks.selectors import dashboard_versions
from tasks.views.work import dashboard

# Where the worker writes a profile of each request (``BENCH_PROFILE_DIR``): off by default.
PROFILE_DIR = os.environ.get("BENCH_PROFILE_DIR")
QUERIES_HEADER = "X-Bench-Queries"
CPU_HEADER = "X-Bench-Cpu-Ms"

BASELINE = engines["django"].from_string(
    "<!doctype html><html><head><title>Baseline</title></head><body><ul>"
    "{% for task in tasks %}<li>{{ task.title }} · {{ task.get_status_display }}</li>"
    "{% endfor %}</ul></body></html>"
)


@staff_view
def baseline(request):
    # One index range scan (practice, status, due): the cheapest list a page can ask for.
    tasks = list(
        Task.objects.for_practice(request.practice)
        .filter(status=Status.TODO)
        .order_by("due_at")[:50]
    )
    return HttpResponse(BASELINE.render({"tasks": tasks}, request))


@staff_view
def dashboard_afresh(request):
    """The dashboard as its first visit after a write of the practice's tasks draws it: its
    figures and task lists read afresh, not kept (``tasks.selectors.dashboard_versions``)."""
    with dashboard_versions.afresh():
        return inspect.unwrap(dashboard)(request)


def _profiled(get_response, request):
    """``get_response(request)`` under cProfile, its statistics added to the file of the
    page's path in ``PROFILE_DIR`` (``python -m pstats`` reads them)."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    response = profile.runcall(get_response, request)
    name = request.path.strip("/").replace("/", "_") or "root"
    target = os.path.join(PROFILE_DIR, f"{name}.{os.getpid()}.prof")
    stats = pstats.Stats(profile)
    if os.path.exists(target):
        stats.add(target)
    stats.dump_stats(target)
    return response


class QueryCountMiddleware:
    """Adds the number of queries the request ran (through Django) and the CPU time its worker
    spent on it (less sensitive than latency to other work on the machine) as headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        started = time.process_time()
        with connections["default"].execute_wrapper(counted):
            if PROFILE_DIR:
                response = _profiled(self.get_response, request)
            else:
                response = self.get_response(request)
        response[QUERIES_HEADER] = str(count)
        response[CPU_HEADER] = f"{(time.process_time() - started) * 1000:.2f}"
        return response


urlpatterns = [
    path("app/<slug:practice_slug>/bench/baseline/", baseline, name="bench_baseline"),
    path(
        "app/<slug:practice_slug>/bench/dashboard-afresh/",
        dashboard_afresh,
        name="bench_dashboard_afresh",
    ),
    *product_urls.urlpatterns,
]
handler404 = product_urls.handler404
handler500 = product_urls.handler500
