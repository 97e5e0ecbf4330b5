"""The helpers of the rows written in Python write what the template language did."""

from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from secretary.rows import localized

NUMBERS = [0, 7, 1234567, -42, True, Decimal("1234.50"), 1234.5, Decimal("-0.001")]


@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_localized_numbers_are_the_templates(settings, grouped, language):
    # Given thousands separators on or off, in languages with other marks
    settings.USE_THOUSAND_SEPARATOR = grouped
    template = engines["django"].from_string("{{ value }}")
    with translation.override(language):
        number = localized()
        for value in NUMBERS:
            # Then each number is written as ``{{ value }}`` writes it
            assert number(value) == template.render({"value": value}), value
