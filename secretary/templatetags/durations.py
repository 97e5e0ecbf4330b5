"""Durations in templates: ``{{ minutes|duration }}``, ``{{ hours|hours_duration }}``
(see ``secretary.durations``)."""

from django import template

from secretary.durations import format_duration, format_hours

register = template.Library()


@register.filter
def duration(minutes) -> str:
    return format_duration(minutes)


@register.filter
def hours_duration(hours) -> str:
    return format_hours(hours)
