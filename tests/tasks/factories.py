"""Factories for the tasks app (and the few client rows its tests need)."""

from datetime import time, timedelta
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from clients.models import CoverageWindow, EngagementStatus
from tasks.models import (
    Attachment,
    CalendarEvent,
    ChecklistItem,
    Comment,
    RecurringTask,
    Task,
    TaskTemplate,
    TimeEntry,
)
from tests.clients import factories as clients_factories
from tests.clients.factories import (  # noqa: F401  (re-exported for the tasks tests)
    ClientFactory,
    ContactFactory,
    ServiceCategoryFactory,
)
from tests.factories import PracticeFactory, TenantFactory


class EngagementFactory(clients_factories.EngagementFactory):
    """An active engagement: Mon-Fri 09:00-17:00 Sydney coverage, 2-hour response target,
    10 included hours (``windows=[...]`` for other spans)."""

    status = EngagementStatus.ACTIVE
    included_hours = Decimal("10.00")
    response_target_hours = Decimal("2.00")

    @factory.post_generation
    def windows(self, create, extracted, **kwargs):
        if not create:
            return
        spans = (
            extracted if extracted is not None else [(day, time(9), time(17)) for day in range(5)]
        )
        for weekday, start, end in spans:
            CoverageWindow.objects.create(
                practice=self.practice, engagement=self, weekday=weekday, start=start, end=end
            )


class TaskFactory(TenantFactory):
    class Meta:
        model = Task

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    title = factory.Sequence(lambda n: f"Task {n}")
    status = "todo"


class ChecklistItemFactory(TenantFactory):
    class Meta:
        model = ChecklistItem

    task = factory.SubFactory(TaskFactory)
    practice = factory.SelfAttribute("task.practice")
    text = "Flights"


class CommentFactory(TenantFactory):
    class Meta:
        model = Comment

    task = factory.SubFactory(TaskFactory)
    practice = factory.SelfAttribute("task.practice")
    body = "Hello"


class AttachmentFactory(TenantFactory):
    class Meta:
        model = Attachment

    task = factory.SubFactory(TaskFactory)
    practice = factory.SelfAttribute("task.practice")
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 test", name="brief.pdf"))
    original_name = "brief.pdf"
    content_type = "application/pdf"
    size = 13


class TimeEntryFactory(TenantFactory):
    class Meta:
        model = TimeEntry

    task = factory.SubFactory(TaskFactory)
    practice = factory.SelfAttribute("task.practice")
    client = factory.SelfAttribute("task.client")
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ended_at = factory.LazyFunction(timezone.now)
    minutes = 60
    manual = True


class TaskTemplateFactory(TenantFactory):
    class Meta:
        model = TaskTemplate

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Template {n}")
    title = "Do the thing"
    checklist = factory.LazyFunction(lambda: ["One", "Two"])


class RecurringTaskFactory(TenantFactory):
    class Meta:
        model = RecurringTask

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    title = "Weekly newsletter"
    frequency = "weekly"
    weekday = 0
    start_date = factory.LazyFunction(lambda: timezone.now().date())


class CalendarEventFactory(TenantFactory):
    class Meta:
        model = CalendarEvent

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    title = "Board call"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=2))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=3))
    time_zone = "Australia/Sydney"
