"""Benchmark: composed documents from request to ready, the worker's throughput and its memory.

On PostgreSQL only, as the app's role (``DATABASE_APP_ROLE``) under row-level security.

* ``pdf``: a composed newsletter (the sample newsletter's blocks and fields, its pictures
  uploaded as the client's images) rendered through ``compose.version_render`` with the render
  task run in-process (eager, on commit) in a warm process, from the request until the
  document is ready (its ``rendered_at``), against raw WeasyPrint laying out the same HTML (the
  template filled with the document's context by ``rendering.render_html``) with the same
  stylesheet, plainly and with one font configuration kept for all rounds; interleaved rounds,
  the order alternating. Goal: ratio of medians ≤ 1.25.
* ``again``: asking again for a version already rendered returns the stored file (the same
  render key, no rendering), timed against a fresh render. Goal: at least 20 times faster.
* ``booklet``: the sample booklet with chapters added until it lays out on 12 pages, rendered
  by the renderer as the worker calls it.
* ``throughput``: ``BENCH_BATCH`` (100) distinct newsletters queued at once for a real Celery
  worker (``celery -A secretary worker -Q documents -c 1``, then ``-c 2``, started here as
  subprocesses with this environment; the broker is Redis), wall time from the commit that
  enqueues them until the last is ready. Goal: 2 processes 1.8 times one or more.
* ``memory``: one process rendering ``BENCH_RENDERS`` (500) distinct newsletters in a row
  through the render task (eager) and its preview, its resident memory (``VmRSS``) read every
  50 renders. Goal: growth from render 50 to the last < 10 %.

    DATABASE_URL=postgres://secretary:…@127.0.0.1:5432/secretary_bench \
        DATABASE_APP_ROLE=secretary_app REDIS_URL=redis://127.0.0.1:6379/8 \
        .venv/bin/python bench/documents.py

``BENCH_PARTS`` (``pdf,again,booklet,throughput,memory``) picks the parts; ``BENCH_ROUNDS`` (8),
``BENCH_BATCH`` (100), ``BENCH_RENDERS`` (500) and ``BENCH_THROUGHPUT_ROUNDS`` (1) change the
sizes; ``BENCH_MEMORY_KINDS=all`` renders every kind people compose in turn in the memory part.
Every run makes a practice of its own. Files go to ``MEDIA_ROOT`` (``var/bench-media`` unless
set), the workers' output to ``var/documents-bench-worker-<n>.log``. A script, not a test: it
prints figures.
"""

from __future__ import annotations

import base64
import copy
import logging
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretary.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECRETARY_TESTING", "0")
os.environ.setdefault("MEDIA_ROOT", str(ROOT / "var" / "bench-media"))
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("bench/documents.py measures PostgreSQL: set DATABASE_URL=postgres://…")

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "8"))
BATCH = int(os.environ.get("BENCH_BATCH", "100"))
RENDERS = int(os.environ.get("BENCH_RENDERS", "500"))
PARTS = set(os.environ.get("BENCH_PARTS", "pdf,again,booklet,throughput,memory").split(","))
BOOKLET_PAGES = 12

import django  # noqa: E402

django.setup()
logging.disable(logging.INFO)  # each task logs a line at INFO; the figures are what matters

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import reset_queries, transaction  # noqa: E402

from clients.models import Client, ClientStatus  # noqa: E402
from documents import compose, rendering  # noqa: E402
from documents.builtins import builtin_template  # noqa: E402
from documents.models import Document, DocumentKind, DocumentStatus  # noqa: E402
from documents.samples import sample_context  # noqa: E402
from documents.services import brand_from_json, document_request_render  # noqa: E402
from secretary import rls  # noqa: E402
from secretary.celery import app as celery_app  # noqa: E402
from secretary.models import Membership, Practice, Role, User  # noqa: E402
from secretary.tenancy import practice_scope  # noqa: E402


def _describe(label: str, values: list[float], unit: str = "ms") -> str:
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return (
        f"{label:<34} median {statistics.median(values):9.1f} {unit}   "
        f"quartiles {q[0]:8.1f}–{q[2]:8.1f}   min {min(values):8.1f}   n={len(values)}"
    )


# --- The practice, its client and the composed newsletter -------------------------------------


class World:
    def __init__(self) -> None:
        slug = f"documents-bench-{uuid.uuid4().hex[:8]}"
        with rls.cross_practice("bench seed"):
            self.practice = Practice.objects.create(
                name="Harbour Desk", slug=slug, time_zone="Australia/Sydney", currency="AUD"
            )
            self.user = User.objects.create_user(f"{slug}@bench.test", "bench-password-123")
            Membership.objects.unscoped().create(
                practice=self.practice, user=self.user, role=Role.OWNER
            )
        with self.scope(), transaction.atomic():
            self.client = Client.objects.create(
                practice=self.practice,
                name="Northwind Legal",
                status=ClientStatus.ACTIVE,
                time_zone="Australia/Sydney",
                currency="AUD",
                address="Level 9, 60 Martin Place\nSydney NSW 2000",
            )
        self._assets: dict[str, int] = {}

    def scope(self):
        return practice_scope(self.practice)

    def asset_for(self, data_uri: str, name: str) -> int:
        """The sample picture kept as one of the client's images (once per picture)."""
        if data_uri not in self._assets:
            header, encoded = data_uri.split(",", 1)
            upload = SimpleUploadedFile(
                name, base64.b64decode(encoded), content_type=header[5:].split(";")[0]
            )
            with self.scope(), transaction.atomic():
                asset = compose.asset_upload(
                    practice=self.practice, client=self.client, upload=upload, user=self.user
                )
            self._assets[data_uri] = asset.pk
        return self._assets[data_uri]

    def newsletter_content(self) -> dict:
        """The sample newsletter as an editor keeps it: its pictures are the client's images."""
        sample = sample_context(DocumentKind.NEWSLETTER)
        blocks = []
        for index, block in enumerate(sample["blocks"]):
            if block["type"] == "image":
                block = {
                    "type": "image",
                    "asset": self.asset_for(block["src"], f"newsletter-{index}.png"),
                    "alt": block.get("alt", ""),
                    "caption": block.get("caption", ""),
                    "width": block.get("width", "full"),
                }
            blocks.append(block)
        return {"blocks": blocks, "fields": copy.deepcopy(sample["fields"])}

    def newsletter(self, title: str = "The Northwind Brief"):
        with self.scope():
            return compose.composition_create(
                practice=self.practice,
                client=self.client,
                kind=DocumentKind.NEWSLETTER,
                title=title,
                user=self.user,
                content=self.newsletter_content(),
            )

    def latest(self, composition):
        with self.scope():
            return compose.version_latest(composition)

    def new_version(self, composition, n: int):
        """A new version of the newsletter (its issue number changes), not yet rendered."""
        content = self.newsletter_content()
        content["fields"]["issue_number"] = f"Issue {n}"
        with self.scope():
            return compose.composition_save(
                practice=self.practice, composition=composition, content=content, user=self.user
            )

    def render(self, composition, version) -> tuple[float, Document, float]:
        """Request → ready (ms, by the document's ``rendered_at``), the document, and the time
        the request itself took (ms)."""
        started = time.time()
        with self.scope(), transaction.atomic():
            document = compose.version_render(
                practice=self.practice, composition=composition, version=version, user=self.user
            )
        returned = time.time()
        # The render ran on commit, in this process (eager), then the preview as a job of its
        # own: the document was ready when the render stored it.
        with self.scope():
            document.refresh_from_db()
        assert document.status == DocumentStatus.READY, document.failure_reason
        if document.rendered_at.timestamp() < started:
            return (returned - started) * 1000, document, (returned - started) * 1000
        return (
            (document.rendered_at.timestamp() - started) * 1000,
            document,
            (returned - started) * 1000,
        )


# --- 1. Newsletter request → ready against raw WeasyPrint --------------------------------------


def _raw_html(document: Document) -> tuple[str, rendering.Brand]:
    brand = brand_from_json(document.brand)
    html = rendering.render_html(
        template_source=builtin_template(document.kind).source,
        context=document.context,
        brand=brand,
    )
    return html, brand


def _raw(document: Document, font_config=None) -> float:
    import weasyprint

    html, brand = _raw_html(document)
    started = time.perf_counter()
    if font_config is None:
        weasyprint.HTML(string=html, base_url=rendering.static_base_url()).render(
            stylesheets=[weasyprint.CSS(string=rendering.brand_stylesheet(brand))]
        ).write_pdf()
    else:
        stylesheet = weasyprint.CSS(
            string=rendering.brand_stylesheet(brand), font_config=font_config
        )
        weasyprint.HTML(string=html, base_url=rendering.static_base_url()).render(
            stylesheets=[stylesheet], font_config=font_config
        ).write_pdf()
    return (time.perf_counter() - started) * 1000


def bench_pdf(world: World) -> dict[str, list[float]]:
    from weasyprint.text.fonts import FontConfiguration

    kept_fonts = FontConfiguration()
    composition = world.newsletter()
    # Warm: fonts, templates, the first layout.
    _elapsed, document, _request = world.render(composition, world.latest(composition))
    _raw(document)
    _raw(document, kept_fonts)
    print(f"newsletter: {document.page_count} pages, {document.size:,} bytes")
    timings: dict[str, list[float]] = {"pipeline": [], "raw": [], "raw_kept": []}
    for round_ in range(ROUNDS):
        version = world.new_version(composition, round_ + 100)
        if round_ % 2 == 0:
            elapsed, document, _request = world.render(composition, version)
            timings["pipeline"].append(elapsed)
            timings["raw"].append(_raw(document))
            timings["raw_kept"].append(_raw(document, kept_fonts))
        else:
            # Raw first, on the previous round's document (the same layout but for one line).
            timings["raw_kept"].append(_raw(document, kept_fonts))
            timings["raw"].append(_raw(document))
            elapsed, document, _request = world.render(composition, version)
            timings["pipeline"].append(elapsed)
    print(f"newsletter PDF, {ROUNDS} interleaved rounds:")
    print(_describe("  raw WeasyPrint", timings["raw"]))
    print(_describe("  raw, one font config.", timings["raw_kept"]))
    print(_describe("  request → ready", timings["pipeline"]))
    ratio = statistics.median(timings["pipeline"]) / statistics.median(timings["raw"])
    print(f"  ratio of medians (request → ready / raw): {ratio:.3f}  (goal ≤ 1.25)")
    kept = statistics.median(timings["pipeline"]) / statistics.median(timings["raw_kept"])
    print(f"  ratio against raw with one font configuration: {kept:.3f}")
    return timings


# --- 2. Asking again for an unchanged version --------------------------------------------------


def bench_again(world: World) -> None:
    composition = world.newsletter("The Northwind Brief, again")
    fresh: list[float] = []
    again: list[float] = []
    world.render(composition, world.latest(composition))  # warm
    for round_ in range(ROUNDS):
        version = world.new_version(composition, round_ + 200)
        elapsed, document, _request = world.render(composition, version)
        fresh.append(elapsed)
        # The same version asked for again: the stored file comes back, nothing is rendered.
        started = time.perf_counter()
        with world.scope(), transaction.atomic():
            same = compose.version_render(
                practice=world.practice, composition=composition, version=version, user=world.user
            )
        again.append((time.perf_counter() - started) * 1000)
        assert same.pk == document.pk and same.render_key == document.render_key
        assert same.status == DocumentStatus.READY and same.file.name == document.file.name
    print(f"unchanged version asked for again, {ROUNDS} rounds:")
    print(_describe("  fresh render (request → ready)", fresh))
    print(_describe("  asked again (stored file)", again))
    factor = statistics.median(fresh) / statistics.median(again)
    print(f"  asked again is {factor:.0f} times faster (median against median; goal ≥ 20)")


# --- 3. The 12-page booklet --------------------------------------------------------------------


def _booklet_context(chapters: int) -> dict:
    context = sample_context(DocumentKind.BOOKLET)
    sample_chapters = context["fields"]["chapters"]
    while len(context["fields"]["chapters"]) < chapters:
        n = len(context["fields"]["chapters"])
        chapter = copy.deepcopy(sample_chapters[n % len(sample_chapters)])
        chapter["title"] = f"{chapter['title']} (part {n // len(sample_chapters) + 1})"
        context["fields"]["chapters"].append(chapter)
    return context


def bench_booklet(world: World) -> None:
    source = builtin_template(DocumentKind.BOOKLET).source
    media = rendering.practice_media_folder(world.practice.pk)

    def render(context):
        started = time.perf_counter()
        result = rendering.render_document(
            template_source=source, context=context, brand=rendering.Brand(), media_folder=media
        )
        return (time.perf_counter() - started) * 1000, result

    chapters = len(sample_context(DocumentKind.BOOKLET)["fields"]["chapters"])
    _elapsed, result = render(_booklet_context(chapters))
    while result.page_count < BOOKLET_PAGES:
        chapters += 1
        _elapsed, result = render(_booklet_context(chapters))
    context = _booklet_context(chapters)
    timings = []
    for _round in range(ROUNDS):
        elapsed, result = render(context)
        timings.append(elapsed)
    print(
        f"booklet ({chapters} chapters, {result.page_count} pages with the padding, "
        f"{result.size:,} bytes), {ROUNDS} rounds:"
    )
    print(_describe("  render (renderer, warm process)", timings))


# --- 4. Throughput of a real worker ------------------------------------------------------------


def _queue(world: World, count: int, label: str) -> list[int]:
    """``count`` distinct newsletters asked for in one transaction (enqueued on its commit)."""
    content = world.newsletter_content()
    composition = world.newsletter(f"Batch {label}")
    version = world.latest(composition)
    with world.scope():
        context = compose.composition_context(composition, version)
    ids = []
    with world.scope(), transaction.atomic():
        for n in range(count):
            context["fields"] = {**content["fields"], "issue_number": f"{label} {n}"}
            ids.append(
                document_request_render(
                    practice=world.practice,
                    kind=DocumentKind.NEWSLETTER,
                    title=f"Batch {label} {n}",
                    client=world.client,
                    subject_type=compose.VERSION_SUBJECT,
                    subject_id=version.pk,
                    context=context,
                    requested_by=world.user,
                ).pk
            )
    return ids


def _wait_ready(world: World, ids: list[int], timeout: float) -> float:
    """Wait until every document is ready; the latest ``rendered_at`` (epoch seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        with world.scope():
            rows = list(
                Document.objects.for_practice(world.practice)
                .filter(pk__in=ids)
                .values_list("status", "rendered_at")
            )
        failed = [status for status, _at in rows if status == DocumentStatus.FAILED]
        if failed:
            raise RuntimeError(f"{len(failed)} document(s) failed on the worker")
        if all(status == DocumentStatus.READY for status, _at in rows):
            return max(at for _status, at in rows).timestamp()
        if time.monotonic() > deadline:
            done = sum(status == DocumentStatus.READY for status, _at in rows)
            raise RuntimeError(f"only {done} of {len(ids)} documents ready after {timeout:.0f} s")
        time.sleep(0.2)


def _worker(processes: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "secretary",
        "worker",
        "-Q",
        "documents",
        "-c",
        str(processes),
        "-n",
        f"documents-bench-{processes}-{os.getpid()}@%h",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
    ]
    log = Path(os.environ["MEDIA_ROOT"]).parent / f"documents-bench-worker-{processes}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as output:  # the worker's banner and warnings, out of the figures
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=dict(os.environ),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)  # warm shutdown: the pool's children end with it
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _throughput(world: World, processes: int, label: str) -> float:
    celery_app.control.purge()
    worker = _worker(processes)
    try:
        # Warm every process of the pool (fonts, templates, first layout) before timing.
        _wait_ready(world, _queue(world, 2 * processes, f"warm {label}"), timeout=300)
        ids = _queue(world, BATCH, label)
        enqueued = time.time()  # the transaction above has committed: the jobs are sent
        last = _wait_ready(world, ids, timeout=max(600, BATCH * 10))
    finally:
        _stop(worker)
    return last - enqueued


def bench_throughput(world: World) -> None:
    if not str(celery_app.conf.broker_url).startswith("redis"):
        print("throughput: skipped (set REDIS_URL: the worker's broker is Redis)")
        return
    celery_app.conf.task_always_eager = False
    try:
        seconds = {1: [], 2: []}
        runs = max(1, int(os.environ.get("BENCH_THROUGHPUT_ROUNDS", "1")))
        for round_ in range(runs):
            order = (1, 2) if round_ % 2 == 0 else (2, 1)
            for processes in order:
                seconds[processes].append(_throughput(world, processes, f"c{processes} r{round_}"))
    finally:
        celery_app.conf.task_always_eager = True
    print(f"throughput, {BATCH} queued newsletters (each followed by its preview job):")
    for processes in (1, 2):
        wall = statistics.median(seconds[processes])
        print(
            f"  -c {processes}: {wall:7.1f} s enqueue → all ready   "
            f"({BATCH / wall:5.2f} documents/s; runs: "
            + ", ".join(f"{s:.1f} s" for s in seconds[processes])
            + ")"
        )
    ratio = statistics.median(seconds[1]) / statistics.median(seconds[2])
    print(f"  2 processes / 1: {ratio:.2f} times the throughput  (goal ≥ 1.8)")


# --- 5. Memory of one process rendering in a row -----------------------------------------------


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def _memory_kinds() -> list[str]:
    """``BENCH_MEMORY_KINDS``: ``newsletter`` (the default), or ``all``: every kind people compose,
    in turn, with its sample content (its pictures as ``data:`` URIs)."""
    wanted = os.environ.get("BENCH_MEMORY_KINDS", "newsletter")
    if wanted == "all":
        return [str(kind) for kind in compose.COMPOSABLE_KINDS]
    return wanted.split(",")


def bench_memory(world: World) -> None:
    kinds = _memory_kinds()
    content = world.newsletter_content()
    composition = world.newsletter("Memory")
    version = world.latest(composition)
    with world.scope():
        newsletter = compose.composition_context(composition, version)
    contexts = {
        kind: newsletter if kind == DocumentKind.NEWSLETTER else sample_context(kind)
        for kind in kinds
    }
    samples: list[tuple[int, int]] = [(0, _rss_kib())]
    started = time.perf_counter()
    for n in range(1, RENDERS + 1):
        kind = kinds[n % len(kinds)]
        context = contexts[kind]
        if kind == DocumentKind.NEWSLETTER:
            context["fields"] = {**content["fields"], "issue_number": f"Memory {n}"}
        with world.scope(), transaction.atomic():
            document_request_render(
                practice=world.practice,
                kind=kind,
                title=f"Memory {n}",  # a distinct document each time
                client=world.client,
                subject_type=compose.VERSION_SUBJECT,
                subject_id=version.pk,
                context=context,
                requested_by=world.user,
            )
        reset_queries()  # only kept with DEBUG on; a worker runs without it
        if n % 50 == 0:
            samples.append((n, _rss_kib()))
    seconds = time.perf_counter() - started
    with world.scope():
        ready = (
            Document.objects.for_practice(world.practice)
            .filter(title__startswith="Memory ", status=DocumentStatus.READY)
            .exclude(preview="")
            .count()
        )
    print(
        f"memory, {RENDERS} documents ({', '.join(kinds)}) rendered in a row in one process "
        f"(render task and preview, eager), {seconds:.0f} s, {ready} ready with their preview:"
    )
    print("  renders  " + "  ".join(f"{n:>7}" for n, _kib in samples))
    print("  RSS MiB  " + "  ".join(f"{kib / 1024:7.1f}" for _n, kib in samples))
    at_50 = next(kib for n, kib in samples if n == 50) if RENDERS >= 50 else samples[0][1]
    last_n, last = samples[-1]
    growth = (last - at_50) / at_50 * 100
    print(f"  growth from render 50 to {last_n}: {growth:+.1f} %  (goal < 10 %)")


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    celery_app.conf.task_always_eager = True
    world = World()
    if "pdf" in PARTS:
        bench_pdf(world)
    if "again" in PARTS:
        bench_again(world)
    if "booklet" in PARTS:
        bench_booklet(world)
    if "throughput" in PARTS:
        bench_throughput(world)
    if "memory" in PARTS:
        bench_memory(world)
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
