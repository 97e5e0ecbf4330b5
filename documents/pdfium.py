"""PDFium (through pypdfium2) behind one lock per process.

PDFium is not thread-safe: two calls at once, even on different documents, crash the whole
process (a trap signal, no Python traceback). A web process that answers on threads (the
development server, the test live server, a threaded gunicorn worker) rasterises proof pages
and previews for several requests at once, so every use of PDFium goes through ``opened``,
which holds the lock until the document and everything taken from it are closed.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.RLock()


@contextmanager
def opened(pdf: bytes) -> Iterator:
    """The ``pypdfium2.PdfDocument`` of ``pdf``, used by one thread of the process at a time."""
    import pypdfium2

    with _lock:
        document = pypdfium2.PdfDocument(pdf)
        try:
            yield document
        finally:
            document.close()


def page_png(document, index: int, width: int) -> bytes:
    """PNG bytes of page ``index`` (from 0) of an ``opened`` document, ``width`` pixels wide.

    The bitmap is encoded and freed here, under the lock: left to the garbage collector, it
    would be freed by whichever thread collects it, maybe while another one is in PDFium.
    """
    page = document[index]
    try:
        bitmap = page.render(scale=width / page.get_width())
        try:
            buffer = io.BytesIO()
            # No optimize pass: it cost more than the layout of a page for a file 3 % smaller.
            bitmap.to_pil().save(buffer, format="PNG")
        finally:
            bitmap.close()
    finally:
        page.close()
    return buffer.getvalue()


def pages_png(pdf: bytes, *, pages: int, width: int) -> list[bytes]:
    """PNGs of the first ``pages`` pages of ``pdf``, ``width`` pixels wide."""
    with opened(pdf) as document:
        return [page_png(document, index, width) for index in range(min(pages, len(document)))]
