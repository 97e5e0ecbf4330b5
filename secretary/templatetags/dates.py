"""The ``date`` filter of every template (a builtin of the engine, ``TEMPLATES`` in the
settings): Django's own, writing moments through ``secretary.moments``, which compiles each
format once instead of parsing it on every call. Same arguments, same output
(``tests/secretary/test_moments.py`` renders both); a list of fifty rows calls it fifty times.
"""

from django import template
from django.utils import formats

from secretary import moments

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Django's ``date``: ``value`` as ``arg`` (a format, or the name of one such as
    ``SHORT_DATE_FORMAT``), "" for no value or for something that is not a date."""
    if value in (None, ""):
        return ""
    try:
        return moments.format(value, formats.get_format(arg or "DATE_FORMAT"))
    except AttributeError:
        try:
            return moments.format(value, arg)
        except AttributeError:
            return ""
