"""Writing the rows of long lists in Python (``tasks_tags.task_rows`` and the like): a loop in
the template language costs about 0.4 ms a row, most of a 50-row page's time. A row tag keeps
what autoescape did (every value escaped unless safe), fills the markup with ``str.format`` and
marks the joined rows safe once.
"""

from __future__ import annotations

import functools
import html
import unicodedata

from django.conf import settings
from django.utils import formats
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import Truncator


def text(value) -> str:
    """``conditional_escape(value)`` without its handling of lazy arguments, which costs more
    than the escaping on every cell of a list (a lazy string is escaped as its ``str``)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def choice_labels(model, field_name: str) -> dict:
    """What ``get_<field>_display()`` shows for each value, translated once for a list (that
    method builds the mapping again for every row). A value not among the choices shows as
    itself: ``labels.get(value, value)``."""
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


def truncated(value, length: int) -> str:
    """``value|truncatechars:length``. A value that fits (most) skips ``Truncator``, which walks
    every character and translates its ellipsis twice for each value."""
    whole = unicodedata.normalize("NFC", str(value))
    cut = whole if len(whole) <= length else Truncator(value).chars(length)
    return mark_safe(cut) if isinstance(value, SafeData) else cut  # noqa: S308 (as the filter)


def localized():
    """``{{ number }}`` for a list, localized as the template did (``formats.localize``): a
    function that writes each value once (the ids and counts of a list repeat). A whole number
    without thousands separators is its digits, which ``localize`` finds only after reading
    three formats of the language."""
    grouped = settings.USE_THOUSAND_SEPARATOR

    # Typed: 1234.5 and Decimal("1234.50") are equal keys that are written differently.
    @functools.lru_cache(maxsize=None, typed=True)
    def written(value) -> str:
        if value.__class__ is int and not grouped:
            return str(value)
        return text(formats.localize(value))

    return written


def joined(rows) -> SafeString:
    """The rows as one safe string: each was written with its values through ``text``."""
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped by text())


def empty_row(columns: int, message: str) -> SafeString:
    """A table's one row saying it has none (a loop's ``{% empty %}``)."""
    return joined([f'<tr><td colspan="{columns}" class="empty">{text(message)}</td></tr>'])
