"""Showing instants in a named time zone, and the badges of task rows.

``zoned`` (the core's) formats in the zone it is given, or the viewer's.

``when`` and ``sla_badge`` render what ``partials/when.html`` and ``partials/sla_badge.html``
did, as one tag each: lists call them for every row, where an include costs a template render.

``task_rows``, ``task_lines``, ``call_rows``, ``event_rows`` and ``transcription_rows`` write the
rows of the task list, the dashboard's lines, the lists of calls, the calendar's list and the
transcription jobs themselves: a ``{% for %}`` of them cost the template
language about 0.4 ms a row, most of the page's time. Their markup is the loops' that they
replaced, byte for byte (``tests/tasks/test_rows.py`` keeps those loops and compares).
"""

import functools

from django import template
from django.template.defaultfilters import filesizeformat, floatformat, linebreaksbr
from django.template.defaulttags import CsrfTokenNode
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from secretary import moments
from secretary.durations import format_duration
from secretary.rows import choice_labels, empty_row, joined, localized, text, truncated
from secretary.templatetags.secretary_tags import row_url, zoned

register = template.Library()

_NOTHING = mark_safe('<span class="muted">—</span>')

# sla_state → (badge class, label)
_SLA_BADGES = {
    "breached": ("badge danger", _("Response late")),
    "paused": ("badge neutral", _("Clock paused")),
    "met": ("badge success", _("Answered in time")),
    "late": ("badge warning", _("Answered late")),
    "running": ("badge", _("Response due")),
}


# ``zoned`` is the core's (the viewer's zone when none is given), loadable from here too.
register.simple_tag(zoned)


@register.simple_tag
def when(value, other_zone=""):
    """A moment in the viewer's time zone (a ``<time>``), and in ``other_zone`` (the
    client's) after it when that zone is another; a dash for none or one the viewer's zone
    cannot show (see ``viewable``)."""
    zone, name = timezone.get_current_timezone(), timezone.get_current_timezone_name()
    return mark_safe(_when(value, other_zone, zone, name))  # noqa: S308 (escaped by _when)


def _when(value, other_zone, zone, zone_name: str) -> str:
    # ``when`` with the viewer's zone and its name given (a list reads them once).
    if value is None:
        return _NOTHING
    try:
        local = timezone.localtime(value, zone)
    except (OverflowError, ValueError):
        return _NOTHING
    # An ISO moment is digits and "-:+.T": nothing to escape.
    shown = f'<time datetime="{local.isoformat()}">{text(moments.short(local))}</time>'
    if other_zone and other_zone != zone_name:
        return shown + _in_other_zone(value, other_zone)
    return shown


def _in_other_zone(value, zone_name: str) -> str:
    """The moment on another clock, after the viewer's: ``12 Mar, 09:00 · Europe/Paris``."""
    return f'<span class="other-zone">{text(zoned(value, zone_name))} · {text(zone_name)}</span>'


_STATUS_BADGE_CLASSES = {
    "done": "success",
    "cancelled": "neutral",
    "waiting": "warning",
    "requested": "info",  # informational: red is for problems only
}


@register.simple_tag
def status_badge(status, label):
    """A task status as a badge (``partials/status_badge.html``)."""
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        _STATUS_BADGE_CLASSES.get(status, ""),
        status,
        label,
    )


@register.simple_tag(takes_context=True)
def task_url(context, task):
    """``{% url 'task_detail' practice.slug task.pk %}`` for a list's rows (``row_url``)."""
    return row_url(context, "task_detail", task.pk)


@register.simple_tag
def sla_badge(task):
    """The badge of a task's response clock (nothing when it has none)."""
    return _sla_badge(task.sla_state)


def _sla_badge(state: str) -> str:
    badge = _SLA_BADGES.get(state)
    if badge is None:
        return ""
    return format_html('<span class="{}">{}</span>', badge[0], badge[1])


class _TaskRows:
    """What the rows of a list of tasks share, read once for the list: the viewer's zone and
    the badges in the active language (each written once)."""

    def __init__(self, context):
        self.context = context
        self.zone = timezone.get_current_timezone()
        self.zone_name = timezone.get_current_timezone_name()
        self.sla = functools.cache(_sla_badge)
        self.overdue = format_html(' <span class="badge danger">{}</span>', gettext("Overdue"))

    def url(self, task) -> str:
        return text(row_url(self.context, "task_detail", task.pk))

    def when(self, value, other_zone) -> str:
        return _when(value, other_zone, self.zone, self.zone_name)


_TASK_ROW = (
    "<tr>\n"
    '    <td><input type="checkbox" name="tasks" value="{pk}" aria-label="{select}"></td>\n'
    '    <td><a href="{url}">{title}</a>{category} {priority}</td>\n'
    "    <td>{client}</td>\n"
    "    <td>{status}</td>\n"
    "    <td>{assignee}</td>\n"
    "    <td>{due}{overdue}</td>\n"
    "    <td>{response_due} {sla}</td>\n"
    "  </tr>"
)


@register.simple_tag(takes_context=True)
def task_rows(context, tasks):
    """The ``<tr>`` of each task of the task list (``partials/task_table.html``)."""
    from tasks.models import Task

    shared = _TaskRows(context)
    statuses = choice_labels(Task, "status")
    priorities = choice_labels(Task, "priority")
    status = functools.cache(lambda value: status_badge(value, statuses.get(value, value)))
    priority = functools.cache(
        lambda value: format_html(
            '<span class="badge warning">{}</span>', priorities.get(value, value)
        )
    )
    select = gettext("Select %(title)s")
    unassigned = format_html('<span class="muted">{}</span>', gettext("Unassigned"))
    rows = []
    for task in tasks:
        client = task.client
        category = task.category
        assignee = task.assignee
        title = text(task.title)
        rows.append(
            _TASK_ROW.format(
                pk=task.pk,
                # As {% blocktranslate %} did: the title escaped, the translation as it is.
                select=select % {"title": title},
                url=shared.url(task),
                title=title,
                category=f' <span class="muted small">· {text(category.name)}</span>'
                if category
                else "",
                priority=priority(task.priority) if task.priority >= 3 else "",
                client=text(client.name),
                status=status(task.status),
                assignee=text(assignee.user) if assignee else unassigned,
                due=shared.when(task.due_at, client.time_zone),
                overdue=shared.overdue if task.is_overdue else "",
                response_due=shared.when(task.sla_due_at, client.time_zone),
                sla=shared.sla(task.sla_state),
            )
        )
    return joined(rows)


_TASK_LINE = (
    '\n<li class="task-line">\n'
    '  <span><a href="{url}">{title}</a> <span class="muted small">· {client}</span>\n'
    "    {sla}{overdue}</span>\n"
    '  <span class="when">{when}</span>\n'
    "</li>"
)


@register.simple_tag(takes_context=True)
def task_lines(context, tasks):
    """The ``<li>`` of each task of a list of the dashboard: its response time while one is
    owed, else its due time."""
    shared = _TaskRows(context)
    response, due = text(gettext("Response")), text(gettext("Due"))
    lines = []
    for task in tasks:
        zone = task.client.time_zone
        if task.sla_due_at and not task.responded_at:
            when = f"{response} {shared.when(task.sla_due_at, zone)}"
        elif task.due_at:
            when = f"{due} {shared.when(task.due_at, zone)}"
        else:
            when = ""
        lines.append(
            _TASK_LINE.format(
                url=shared.url(task),
                title=text(task.title),
                client=text(task.client.name),
                sla=shared.sla(task.sla_state),
                overdue=shared.overdue if task.is_overdue else "",
                when=when,
            )
        )
    return joined(lines)


_DAY_EVENT_LINE = (
    '<li><strong>{starts}–{ends}</strong> <a href="{url}">{title}</a> '
    '<span class="muted small">· {client}{secretary}</span>\n        {other_zone}</li>'
)


@register.simple_tag(takes_context=True)
def day_event_lines(context, events):
    """The ``<li>`` of each of the day's events on the dashboard: its hours on the viewer's
    clock, and its start on the event's own when that is another; who covers it, when the
    dashboard shows the whole practice."""
    zone, zone_name = timezone.get_current_timezone(), timezone.get_current_timezone_name()
    practice_wide = context.get("practice_wide")
    lines = []
    for event in events:
        secretary = ""
        if practice_wide and event.secretary:
            user = event.secretary.user
            secretary = f" · {text(user.full_name or user.email)}"
        other_zone = ""
        if event.time_zone != zone_name:
            start = text(zoned(event.starts_at, event.time_zone, "H:i T"))
            other_zone = f'<span class="other-zone">{start} · {text(event.time_zone)}</span>'
        lines.append(
            _DAY_EVENT_LINE.format(
                starts=timezone.localtime(event.starts_at, zone).strftime("%H:%M"),
                ends=timezone.localtime(event.ends_at, zone).strftime("%H:%M"),
                url=text(row_url(context, "event_edit", event.pk)),
                title=text(event.title),
                client=text(event.client.name),
                secretary=secretary,
                other_zone=other_zone,
            )
        )
    return joined(lines)


_CALL_ROW = (
    '<tr><td><a href="{url}">{received}</a></td>{client}<td>{caller}{company}{urgent}</td>'
    "<td>{reason}</td><td>{message}</td><td>{follow_up}</td></tr>"
)


@register.simple_tag(takes_context=True)
def call_rows(context, calls, hide_client=False):
    """The ``<tr>`` of each call of a list (``calls/partials/rows.html``), without the client's
    column on the client's own page."""
    from tasks.calls.models import Call, Urgency
    from tasks.models import Task

    statuses = choice_labels(Task, "status")
    urgent = (
        f' <span class="badge danger">{text(choice_labels(Call, "urgency")[Urgency.URGENT])}</span>'
    )
    rows = []
    for call in calls:
        message = ""
        if call.message:
            recipient = call.message_recipient
            message = f"{text(recipient)}: " if recipient else ""
            message += text(truncated(call.message, 60))
        task = call.task
        rows.append(
            _CALL_ROW.format(
                url=text(row_url(context, "call_detail", call.pk)),
                received=text(zoned(call.received_at)),
                client="" if hide_client else f"<td>{text(call.client.name)}</td>",
                caller=text(call.caller_name),
                company=f' <span class="muted small">· {text(call.caller_company)}</span>'
                if call.caller_company
                else "",
                urgent=urgent if call.urgency == Urgency.URGENT else "",
                reason=text(truncated(call.reason, 80)),
                message=message,
                follow_up=f'<a href="{text(row_url(context, "task_detail", call.task_id))}">'
                f"{text(statuses.get(task.status, task.status))}</a>"
                if task
                else "",
            )
        )
    return joined(rows)


_EVENT_ROW = (
    "<tr><td>{when}</td>\n"
    '<td><a href="{url}">{title}</a> <span class="badge neutral">{kind}</span>{cancelled}</td>\n'
    '<td>{client}</td><td class="small">{location}{video}{dial_in}</td></tr>\n'
)


@register.simple_tag(takes_context=True)
def event_rows(context, events):
    """The ``<tr>`` of each event of the calendar's list (``tasks/partials/calendar_view.html``):
    when in the viewer's zone and the event's, and in the client's when that is another; one
    row saying so when there is none."""
    from tasks.models import CalendarEvent

    events = list(events)
    if not events:
        return empty_row(4, gettext("No upcoming events."))
    zone, zone_name = timezone.get_current_timezone(), timezone.get_current_timezone_name()
    kinds = choice_labels(CalendarEvent, "kind")
    cancelled = f' <span class="badge neutral">{text(gettext("cancelled"))}</span>'
    video = f' rel="noopener noreferrer">{text(gettext("video link"))}</a>'
    rows = []
    for event in events:
        client = event.client
        when = _when(event.starts_at, event.time_zone, zone, zone_name)
        if client.time_zone != event.time_zone:
            when += _in_other_zone(event.starts_at, client.time_zone)
        rows.append(
            _EVENT_ROW.format(
                when=when,
                url=text(row_url(context, "event_edit", event.pk)),
                title=text(event.title),
                kind=text(kinds.get(event.kind, event.kind)),
                cancelled=cancelled if event.cancelled else "",
                client=text(client.name),
                location=text(event.location),
                video=f' <a href="{text(event.video_link)}"{video}' if event.video_link else "",
                dial_in=f" · {text(event.dial_in)}" if event.dial_in else "",
            )
        )
    return joined(rows)


_TRANSCRIPTION_ROW = (
    '<tr><td><a href="{url}">{name}</a></td><td>{client}</td><td>{length} s</td>'
    '<td>{due}</td><td><progress max="100" value="{progress}"></progress> {progress} %</td>'
    "<td>{status}</td><td>{assignee}</td></tr>\n"
)


@register.simple_tag(takes_context=True)
def transcription_rows(context, jobs):
    """The ``<tr>`` of each transcription job of their list (``tasks/transcription/list.html``);
    one row saying so when there is none."""
    from tasks.models import Task

    jobs = list(jobs)
    if not jobs:
        return empty_row(7, gettext("No transcription jobs yet."))
    statuses = choice_labels(Task, "status")
    status = functools.cache(lambda value: status_badge(value, statuses.get(value, value)))
    length = functools.cache(lambda value: text(floatformat(value, 0)))
    number = localized()
    rows = []
    for job in jobs:
        task = job.task
        assignee = task.assignee
        rows.append(
            _TRANSCRIPTION_ROW.format(
                url=text(row_url(context, "transcription_workspace", job.pk)),
                name=text(job.audio_name),
                client=text(job.client.name),
                length=length(job.duration_seconds),
                due=text(zoned(task.due_at)),
                progress=number(job.progress_percent),
                status=status(task.status),
                assignee=text(assignee.user) if assignee else "—",
            )
        )
    return joined(rows)


@register.filter
def viewable(value):
    """``value`` when the viewer's time zone can show it, else None: a moment stored outside
    the years dates may take (before that rule) shows as absent instead of failing the page."""
    if value is None:
        return None
    try:
        timezone.localtime(value)
    except (OverflowError, ValueError):
        return None
    return value


@register.filter
def status_label(value):
    """The readable name of a task status value (as stored in the history)."""
    from tasks.models import Status

    try:
        return Status(value).label
    except ValueError:
        return value


# What a task's history says of each kind of entry (the verb's data adds a detail to some).
_HISTORY_VERBS = {
    "task.status_changed": _("changed the status"),
    "task.reassigned": _("reassigned the task"),
    "task.due_moved": _("moved the due date"),
    "task.requested": _("sent the request"),
    "task.created": _("created the task"),
    "task.replied": _("replied to the client"),
    "task.client_replied": _("replied (client)"),
    "task.noted": _("added an internal note"),
    "task.sla_breached": _("response time missed"),
    "time.logged": _("logged time"),
    "time.changed": _("changed a time entry"),
    "time.deleted": _("deleted a time entry"),
    "task.attached": _("attached files"),
    "task.updated": _("edited the task"),
}


def _history_detail(verb: str, data: dict) -> str:
    from secretary.templatetags.activity_tags import readable_moment

    if verb == "task.status_changed":
        moved = (text(status_label(data.get("from", ""))), text(status_label(data.get("to", ""))))
        return ": {} → {}".format(*moved)
    if verb == "task.reassigned" and data.get("to_name"):
        return f" → {text(data['to_name'])}"
    if verb == "task.due_moved" and data.get("to"):
        return f" → {text(readable_moment(data['to']))}"
    if verb == "time.logged" and data.get("minutes"):
        return f": {text(format_duration(data['minutes']))}"
    return ""


@register.simple_tag
def task_history_lines(history):
    """The task page's history: an ``<li>`` per entry, newest first (what the page's loop
    wrote; ``tests/tasks/test_rows.py`` keeps it and compares)."""

    if not history:
        return format_html('<li class="muted">{}</li>', gettext("No history yet."))
    system = text(gettext("System"))
    zone = timezone.get_current_timezone()
    lines = []
    for event in history:
        said = _HISTORY_VERBS.get(event.verb)
        data = event.data if isinstance(event.data, dict) else {}
        what = text(said) + _history_detail(event.verb, data) if said else text(event.verb)
        when = text(moments.format(timezone.localtime(event.created_at, zone), "D j M, H:i"))
        who = text(event.actor) if event.actor else system
        lines.append(f"<li>{when} · {who} {what}</li>")
    return joined(lines)


@register.simple_tag(takes_context=True)
def task_comment_lines(context, comments):
    """The task page's conversation: an ``<li>`` per message with its files (what the page's
    loop wrote; ``tests/tasks/test_rows.py`` keeps it and compares)."""
    if not comments:
        return format_html('<li class="muted">{}</li>', gettext("No messages yet."))
    someone = text(gettext("Someone"))
    internal = f" · <strong>{text(gettext('Internal note'))}</strong>"
    from_client = f" · {text(gettext('from the client'))}"
    reply = f" · {text(gettext('reply to the client'))}"
    size = functools.cache(lambda value: text(filesizeformat(value)))
    lines = []
    for comment in comments:
        if comment.internal:
            kind, said = "internal", internal
        elif comment.from_client:
            kind, said = "from-client", from_client
        else:
            kind, said = "", reply
        files = ""
        if comment.files:
            links = "".join(
                f'<li><a href="{text(row_url(context, "attachment_download", a.pk))}">'
                f'{text(a.original_name)}</a> <span class="muted small">{size(a.size)}</span></li>'
                for a in comment.files
            )
            files = f'<ul class="attachment-list">{links}</ul>'
        author = text(comment.author) if comment.author else someone
        lines.append(
            f'\n      <li class="{kind}">\n'
            f'        <div class="meta">{author} · {text(moments.shown(comment.created_at, "D j M, H:i"))}{said}</div>\n'
            f"        <div>{linebreaksbr(comment.body, autoescape=True)}</div>\n"
            f"        {files}\n"
            "      </li>"
        )
    return joined(lines)


@register.simple_tag(takes_context=True)
def time_entry_lines(context, entries):
    """The task page's time entries, an ``<li>`` each (what the page's loop wrote;
    ``tests/tasks/test_rows.py`` keeps it and compares)."""
    running = text(gettext("running"))
    unbilled = f" · {text(gettext('non-billable'))}"
    edit = text(gettext("edit"))
    lines = []
    for entry in entries:
        day = text(moments.shown(entry.started_at, "j M"))
        spent = running if entry.is_running else text(format_duration(entry.minutes))
        about = f" — {text(entry.description)}" if entry.description else ""
        link = (
            ""
            if entry.is_running
            else f'<a class="small" href="{text(row_url(context, "time_edit", entry.pk))}">'
            f"{edit}</a>"
        )
        lines.append(
            f"<li>{day} · {spent} · {text(entry.member_label)}"
            f"{'' if entry.billable else unbilled}{about}\n      {link}</li>"
        )
    return joined(lines)


@register.simple_tag(takes_context=True)
def checklist_lines(context, checklist):
    """The task page's checklist, each item as ``tasks/partials/checklist_item.html`` (which
    a toggled item still renders) writes it; ``tests/tasks/test_rows.py`` compares."""
    csrf = CsrfTokenNode().render(context)
    lines = []
    for item in checklist:
        done = item.done_at is not None
        url = text(row_url(context, "checklist_toggle", item.pk))
        lines.append(
            f'<li class="{"done" if done else ""}" id="checklist-item-{item.pk}">\n'
            f'  <form method="post" action="{url}" class="inline-form" hx-post="{url}" '
            f'hx-target="#checklist-item-{item.pk}" hx-swap="outerHTML">{csrf}\n'
            f'    <button type="submit" class="link" aria-pressed="{"true" if done else "false"}">'
            f"{'☑' if done else '☐'}</button> <span>{text(item.text)}</span>\n"
            "  </form>\n</li>\n"
        )
    return joined(lines)
