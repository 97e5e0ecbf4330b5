"""Forms of the tasks app. Every id-taking field uses a queryset of the current practice."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, ServiceCategory
from clients.selectors import client_names
from secretary import limits
from secretary.date_inputs import DateInput, DateTimeInput, TimeInput
from secretary.durations import format_duration, parse_duration
from secretary.form_renderer import name_empty_choices
from secretary.idempotency import IdempotentFormMixin
from secretary.limits import DateFilter
from secretary.models import time_zone_choices
from secretary.named_choices import NamedChoiceFilter, NamedSelect
from secretary.prepared import prepared
from tasks import services
from tasks.models import (
    OPEN_STATUSES,
    CalendarEvent,
    EventKind,
    NotificationPreference,
    Priority,
    RecurringTask,
    Status,
    Task,
    TaskTemplate,
)
from tasks.recurrence import WEEKDAY_NAMES, Frequency
from tasks.selectors import staff_members


class MultipleFileInput(forms.FileInput):
    """Several new files in one input (there is never one to clear, so not Django's clearable
    input, whose template the form renderer would have to go through)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the limits are checked by the service and named up front."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", services.attachment_limits_text())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _categories(practice):
    return ServiceCategory.objects.for_practice(practice).filter(archived=False).order_by("name")


@prepared()
def _service_choices(*, practice: int):
    return _categories(practice)


def _template_preview_attrs(practice, *, converting: bool = False) -> dict:
    """HTMX attributes that show the checklist the chosen template (or service) brings."""
    attrs = {
        "hx-get": reverse("task_template_preview", args=[practice.slug]),
        "hx-target": "#template-preview",
        "hx-trigger": "change",
        "hx-include": "closest form",
    }
    if converting:
        attrs["hx-vals"] = '{"converting": "1"}'
    return attrs


class OwnIdsMixin:
    """Forms that share a page with others (the task page, the task list) prefix their element
    ids, so that a label never points at another form's field: "Internal" on the attachments
    card once ticked the conversation's box, and an internal file reached the client. Field
    names stay as they are: each form posts to its own route."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj.user)


class RequestForm(IdempotentFormMixin, forms.Form):
    """A client contact's request in the portal."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    details = forms.CharField(
        label=_("Details"), widget=forms.Textarea, required=False, max_length=limits.TEXT_LONG
    )
    category = forms.ModelChoiceField(
        label=_("Kind of work"), queryset=ServiceCategory.objects.none(), required=False
    )
    wanted_by = limits.DateField(label=_("Wanted by"), required=False, widget=DateInput)
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, practice, engagement=None, **kwargs):
        super().__init__(*args, **kwargs)
        categories = _categories(practice)
        if engagement is not None and engagement.categories.exists():
            categories = categories.filter(pk__in=engagement.categories.values("pk"))
        self.fields["category"].queryset = categories
        name_empty_choices(self, category=_("Not sure"))


class ReplyForm(IdempotentFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=limits.TEXT_LONG
    )
    attachments = MultipleFileField(label=_("Attachments"))


class CommentForm(OwnIdsMixin, ReplyForm):
    id_prefix = "comment"
    internal = forms.BooleanField(
        label=_("Internal note (the client does not see it)"), required=False
    )


class TaskForm(IdempotentFormMixin, forms.ModelForm):
    checklist = forms.CharField(
        label=_("Checklist"),
        required=False,
        max_length=limits.TEXT_NOTES,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line. Choosing a template fills it in."),
    )

    class Meta:
        model = Task
        fields = [
            "client",
            "title",
            "description",
            "category",
            "template",
            "priority",
            "assignee",
            "due_at",
            "client_visible",
        ]
        widgets = {"due_at": DateTimeInput()}
        field_classes = {"assignee": MemberChoiceField}

    def __init__(self, *args, practice, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.for_practice(practice).order_by("name")
        self.fields["category"].queryset = _categories(practice)
        self.fields["template"].queryset = TaskTemplate.objects.for_practice(practice).filter(
            archived=False
        )
        self.fields["template"].required = False
        self.fields["assignee"].queryset = staff_members(practice=practice)
        self.fields["due_at"].help_text = _("In your time zone (%(zone)s).") % {
            "zone": timezone.get_current_timezone_name()
        }
        name_empty_choices(
            self,
            client=_("Choose a client"),
            category=_("No service"),
            template=_("No template"),
            assignee=_("Unassigned"),
        )
        if not creating:
            del self.fields["template"]
            del self.fields["checklist"]
        else:
            preview = _template_preview_attrs(practice)
            self.fields["template"].widget.attrs.update(preview)
            self.fields["category"].widget.attrs.update(preview)
            self.fields["category"].help_text = _("A service with a template brings its checklist.")


class ConvertForm(OwnIdsMixin, forms.Form):
    """Triage of a portal request into a task of the practice."""

    id_prefix = "convert"

    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("Service"),
        queryset=ServiceCategory.objects.none(),
        required=False,
        help_text=_("A service with a template brings its checklist."),
    )
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=TaskTemplate.objects.none(),
        required=False,
        help_text=_("Leave empty to use the service's template."),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    assignee = MemberChoiceField(label=_("Assignee"), queryset=None, required=False)
    due_at = limits.DateTimeField(label=_("Due"), required=False, widget=DateTimeInput())
    status = forms.ChoiceField(
        label=_("Start as"),
        choices=[(Status.TODO, Status.TODO.label), (Status.IN_PROGRESS, Status.IN_PROGRESS.label)],
    )

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories(practice)
        self.fields["template"].queryset = TaskTemplate.objects.for_practice(practice).filter(
            archived=False
        )
        self.fields["assignee"].queryset = staff_members(practice=practice)
        name_empty_choices(
            self,
            category=_("No service"),
            template=_("The service's template"),
            assignee=_("Unassigned"),
        )
        preview = _template_preview_attrs(practice, converting=True)
        self.fields["template"].widget.attrs.update(preview)
        self.fields["category"].widget.attrs.update(preview)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class ChecklistItemForm(OwnIdsMixin, IdempotentFormMixin, forms.Form):
    id_prefix = "checklist"
    text = forms.CharField(
        label=_("New item"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"aria-label": _("New checklist item"), "placeholder": _("New item")}
        ),
    )


class AttachmentForm(OwnIdsMixin, IdempotentFormMixin, forms.Form):
    id_prefix = "attach"
    attachments = MultipleFileField(label=_("Attach files"), required=True)
    internal = forms.BooleanField(
        label=_("Internal (the client does not see them)"), required=False
    )


class DurationField(forms.CharField):
    """A duration typed the way people write one ("1 h 30 min", "1:30", "90" minutes), as
    whole minutes; shown back the one way durations read ("1 h 30 min")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_duration(value) if isinstance(value, int) else value

    def clean(self, value):
        value = super().clean(value)  # the text, its length checked
        if value in self.empty_values:
            return None
        minutes = parse_duration(value)
        if minutes is None:
            raise forms.ValidationError(
                _("Write a duration such as 1 h 30 min, 1:30 or 90 (minutes)."), code="invalid"
            )
        return minutes


class TimeEntryForm(OwnIdsMixin, IdempotentFormMixin, forms.Form):
    id_prefix = "time"
    day = limits.DateField(label=_("Date"), widget=DateInput)
    minutes = DurationField(
        label=_("Duration"),
        help_text=_("Such as 1 h 30 min, 1:30 or 90 (minutes); at most 24 h."),
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    billable = forms.BooleanField(label=_("Billable"), required=False, initial=True)


class TimerStopForm(OwnIdsMixin, forms.Form):
    """Stopping a timer asks what was done: it becomes the time entry's description."""

    id_prefix = "timer"
    description = forms.CharField(
        label=_("What did you do?"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    billable = forms.BooleanField(label=_("Billable"), required=False, initial=True)


class TimerStartForm(OwnIdsMixin, forms.Form):
    """Starting a timer from any page: on one of the person's open tasks (or the page's)."""

    id_prefix = "timer_start"
    task = forms.ModelChoiceField(label=_("Task"), queryset=Task.objects.none())

    SHOWN = 50

    def __init__(self, *args, practice, membership, current: Task | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        open_tasks = (
            Task.objects.for_practice(practice)
            .filter(status__in=OPEN_STATUSES)
            .select_related("client")
        )
        field = self.fields["task"]
        field.queryset = open_tasks  # any open task may be posted
        mine = list(
            open_tasks.filter(assignee=membership).order_by(
                F("due_at").asc(nulls_last=True), "-pk"
            )[: self.SHOWN]
        )
        if current is not None and current.is_open and current not in mine:
            mine.insert(0, current)
        # Only the person's own tasks are offered: a practice may have thousands open.
        field.widget.choices = [("", _("Choose a task")), *[(t.pk, _task_label(t)) for t in mine]]
        self.offered = mine
        if current is not None and current.is_open:
            self.initial.setdefault("task", current.pk)


def _task_label(task: Task) -> str:
    return f"{task.title} · {task.client.name}"


class TaskTemplateForm(IdempotentFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    title = forms.CharField(label=_("Task title"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("Service"), queryset=ServiceCategory.objects.none(), required=False
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, required=False, max_length=limits.TEXT_LONG
    )
    checklist = forms.CharField(
        label=_("Checklist"),
        widget=forms.Textarea,
        required=False,
        max_length=limits.TEXT_NOTES,
        help_text=_("One item per line."),
    )
    archived = forms.BooleanField(label=_("Archived"), required=False)

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(self, category=_("No service"))
        self.fields["category"].queryset = _categories(practice)


class RecurringTaskForm(IdempotentFormMixin, forms.ModelForm):
    weekday = forms.TypedChoiceField(
        label=_("On (weekly)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Not weekly")), *[(i, name) for i, name in enumerate(WEEKDAY_NAMES)]],
    )

    class Meta:
        model = RecurringTask
        fields = [
            "client",
            "title",
            "description",
            "category",
            "template",
            "assignee",
            "frequency",
            "interval",
            "weekday",
            "month_day",
            "start_date",
            "due_time",
            "lead_days",
            "active",
        ]
        widgets = {"start_date": DateInput(), "due_time": TimeInput()}
        field_classes = {"assignee": MemberChoiceField}
        help_texts = {"month_day": _("Monthly rules: a day the month lacks falls on its last day.")}

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.for_practice(practice).order_by("name")
        self.fields["category"].queryset = _categories(practice)
        self.fields["template"].queryset = TaskTemplate.objects.for_practice(practice)
        self.fields["assignee"].queryset = staff_members(practice=practice)
        self.fields["frequency"].choices = Frequency.choices
        name_empty_choices(
            self,
            client=_("Choose a client"),
            category=_("No service"),
            template=_("No template"),
            assignee=_("Unassigned"),
        )


class WallClockField(limits.DateTimeField):
    """A date and time as a wall clock shows it, kept naive: the form reads it in the zone
    the user names, not in the viewer's zone (where it might not even exist)."""

    def to_python(self, value):
        with timezone.override(UTC):
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result is not None else None


def _skipped(value: datetime, zone: ZoneInfo) -> bool:
    """True for a wall-clock time a daylight-saving change skips in ``zone``."""
    moment = value.replace(tzinfo=zone)
    return moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value


class EventForm(IdempotentFormMixin, forms.ModelForm):
    starts_at = WallClockField(
        label=_("Starts"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    ends_at = WallClockField(
        label=_("Ends"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Start and end are read in this zone."),
    )
    video_link = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https", max_length=200
    )
    attendees_text = forms.CharField(
        label=_("Attendees"),
        required=False,
        max_length=limits.TEXT_NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: Name <email@example.com>"),
    )

    class Meta:
        model = CalendarEvent
        fields = [
            "client",
            "task",
            "secretary",
            "kind",
            "title",
            "location",
            "video_link",
            "dial_in",
            "notes",
            "cancelled",
        ]
        field_classes = {"secretary": MemberChoiceField}

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.for_practice(practice).order_by("name")
        self.fields["task"].queryset = (
            Task.objects.for_practice(practice)
            .filter(status__in=("requested", "todo", "in_progress", "waiting"))
            .select_related("client")
        )
        self.fields["secretary"].queryset = staff_members(practice=practice)
        self.fields["kind"].choices = EventKind.choices
        name_empty_choices(
            self, client=_("Choose a client"), task=_("No task"), secretary=_("Nobody")
        )
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            zone = ZoneInfo(instance.time_zone)
            self.initial.update(
                {
                    "time_zone": instance.time_zone,
                    "starts_at": limits.in_zone(instance.starts_at, zone).replace(tzinfo=None),
                    "ends_at": limits.in_zone(instance.ends_at, zone).replace(tzinfo=None),
                    "attendees_text": "\n".join(
                        f"{a['name']} <{a['email']}>" if a.get("name") else a["email"]
                        for a in instance.attendees
                    ),
                }
            )

    def clean(self):
        data = super().clean()
        zone_name = data.get("time_zone")
        for name in ("starts_at", "ends_at"):
            value = data.get(name)
            if value is not None and zone_name and _skipped(value, ZoneInfo(zone_name)):
                self.add_error(
                    name,
                    _(
                        "%(time)s does not exist on %(day)s in %(zone)s: the clocks skip it "
                        "for daylight saving."
                    )
                    % {"time": f"{value:%H:%M}", "day": f"{value:%Y-%m-%d}", "zone": zone_name},
                )
        return data

    def _in_zone(self, value: datetime | None) -> datetime | None:
        zone_name = self.cleaned_data.get("time_zone")
        if value is None or not zone_name:
            return value
        return value.replace(tzinfo=None).replace(tzinfo=ZoneInfo(zone_name))

    def event_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "client": data["client"],
            "task": data.get("task"),
            "secretary": data.get("secretary"),
            "kind": data["kind"],
            "title": data["title"],
            "location": data.get("location", ""),
            "video_link": data.get("video_link", ""),
            "dial_in": data.get("dial_in", ""),
            "notes": data.get("notes", ""),
            "cancelled": data.get("cancelled", False),
            "time_zone": data["time_zone"],
            "starts_at": self._in_zone(data["starts_at"]),
            "ends_at": self._in_zone(data["ends_at"]),
            "attendees": data.get("attendees_text", ""),
        }


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["on_assignment", "on_client_reply", "on_sla_breach"]


SORTS = {
    "due": ("urgency", _("Due (soonest first)")),
    "sla": ("sla_due_at", _("Response due")),
    "-priority": ("-priority", _("Priority")),
    "-created": ("-created_at", _("Newest")),
    "created": ("created_at", _("Oldest")),
    "client": ("client__name", _("Client")),
    "title": ("title", _("Title")),
}


class _MemberChoices(django_filters.fields.ModelChoiceIterator):
    """The members the page read already (``field.members``), else its queryset's."""

    def __iter__(self):
        if self.field.members is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for member in self.field.members:
            yield self.choice(member)


class _MemberFilterField(django_filters.fields.ModelChoiceField):
    iterator = _MemberChoices
    widget = NamedSelect

    def __init__(self, *args, members=None, **kwargs):
        self.members = members
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return str(obj.user)


class MemberFilter(django_filters.ModelChoiceFilter):
    field_class = _MemberFilterField


class TaskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, client, words")}),
    )
    client = NamedChoiceFilter(
        label=_("Client"), queryset=Client.objects.none(), empty_label=_("Any client")
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        # Chips to tick, not a list that needs Ctrl-click to choose two.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "chips"}),
    )
    assignee = MemberFilter(
        label=_("Assignee"), queryset=None, null_label=_("Unassigned"), empty_label=_("Anyone")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Service"),
        queryset=ServiceCategory.objects.none(),
        empty_label=_("Any service"),
        widget=NamedSelect,
    )
    due_after = DateFilter(
        label=_("Due from"), field_name="due_at", lookup_expr="date__gte", widget=DateInput
    )
    due_before = DateFilter(
        label=_("Due until"), field_name="due_at", lookup_expr="date__lte", widget=DateInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        method="sort_by",
        empty_label=None,
        choices=[(k, v[1]) for k, v in SORTS.items()],
        widget=NamedSelect,
    )

    class Meta:
        model = Task
        fields = ["q", "client", "status", "assignee", "category", "due_after", "due_before"]

    def __init__(self, data=None, *args, practice, members=None, **kwargs):
        """``members``: the practice's staff when the page has read them already."""
        super().__init__(data, *args, **kwargs)
        # A select of names (and the flag the list's regulated-records log needs).
        self.filters["client"].queryset = client_names.queryset(practice=practice.pk)
        self.filters["assignee"].queryset = staff_members(practice=practice)
        self.filters["assignee"].extra["members"] = members
        self.filters["category"].queryset = _service_choices.queryset(practice=practice.pk)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(client__name__icontains=value)
        )

    def sort_by(self, queryset, name, value):
        return queryset  # applied by the view after filtering, with a stable tie-breaker


class BulkForm(OwnIdsMixin, forms.Form):
    id_prefix = "bulk"
    tasks = forms.ModelMultipleChoiceField(
        queryset=Task.objects.none(), widget=forms.MultipleHiddenInput
    )
    status = forms.ChoiceField(
        label=_("Set status"),
        required=False,
        choices=[("", _("Keep each task's status")), *Status.choices],
        widget=NamedSelect,
    )
    assignee = forms.ChoiceField(label=_("Assign to"), required=False, widget=NamedSelect)

    def __init__(self, *args, practice, members=None, **kwargs):
        """``members``: the practice's staff when the page has read them already."""
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = Task.objects.for_practice(practice)
        if members is None:
            members = list(staff_members(practice=practice))
        self.fields["assignee"].choices = [
            ("", _("Keep each task's assignee")),
            ("none", _("Nobody")),
            *[(str(m.pk), str(m.user)) for m in members],
        ]
        self.members = {str(m.pk): m for m in members}

    def clean(self):
        data = super().clean()
        if not data.get("status") and not data.get("assignee"):
            raise forms.ValidationError(_("Choose a status or an assignee to apply."))
        return data
