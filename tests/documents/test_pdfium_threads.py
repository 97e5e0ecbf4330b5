"""PDFium is used by one thread at a time: proof pages, previews and the fonts check rasterise
and read PDFs in web requests, which a threaded server answers at once."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

# Six threads rasterise and inspect the same PDF at once; any error in a thread is printed.
RACE = """
import threading
import django
django.setup()
import weasyprint
from documents import pdfium, rendering

pdf = weasyprint.HTML(string="<h1>Page</h1><p>Text</p>" * 40).write_pdf()
errors = []

def work():
    try:
        for _ in range(20):
            pdfium.pages_png(pdf, pages=3, width=200)
            rendering.fonts_not_embedded(pdf)
    except Exception as error:
        errors.append(repr(error))

threads = [threading.Thread(target=work) for _ in range(6)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("errors:", errors)
"""


def test_threads_rasterising_at_once_neither_crash_nor_fail():
    # In its own process: without the lock PDFium corrupts its state ("Failed to load page")
    # or kills the process with a trap signal.
    done = subprocess.run(
        [sys.executable, "-c", RACE],
        cwd=settings.BASE_DIR,
        env={**_environment(), "DJANGO_SETTINGS_MODULE": "secretary.settings", "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("errors: []"), done.stdout[-2000:]


def test_only_the_locked_module_opens_pdfs():
    """Every PDFium document is opened through ``documents.pdfium.opened``."""
    base = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(base))
        for app in ("secretary", "clients", "tasks", "billing", "documents")
        for path in (base / app).rglob("*.py")
        if path.name != "pdfium.py" and "PdfDocument(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def _environment() -> dict[str, str]:
    # The child must not reach the test database: it uses the embedded default.
    return {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DATABASE_APP_ROLE"}
    }
