"""Factories for the tasks app (and the few client rows its tests need)."""

from datetime import time, timedelta
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from clients.models import Client, Contact, CoverageWindow, Engagement, ServiceCategory
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
from tests.factories import PracticeFactory, TenantFactory


class ServiceCategoryFactory(TenantFactory):
    class Meta:
        model = ServiceCategory

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")


class ClientFactory(TenantFactory):
    class Meta:
        model = Client

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Client {n}")
    time_zone = "America/Los_Angeles"
    currency = "USD"


class ContactFactory(TenantFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@client.test")
    portal_requests = True
    portal_documents = True
    portal_billing = True


class EngagementFactory(TenantFactory):
    """An active engagement: Mon-Fri 09:00-17:00 Sydney coverage, 2-hour response target."""

    class Meta:
        model = Engagement
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    status = "active"
    currency = "USD"
    monthly_fee = Decimal("1200.00")
    included_hours = Decimal("10.00")
    response_target_hours = Decimal("2.00")
    coverage_time_zone = "Australia/Sydney"

    @factory.post_generation
    def windows(self, create, extracted, **kwargs):
        if not create:
            return
        spans = extracted if extracted is not None else [(day, time(9), time(17)) for day in range(5)]
        for weekday, start, end in spans:
            CoverageWindow.objects.create(practice=self.practice, engagement=self,
                                          weekday=weekday, start=start, end=end)


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
