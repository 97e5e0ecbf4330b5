"""Factories for the clients app (rows are created directly; reads go through the practice)."""

from datetime import date, time
from decimal import Decimal

import factory

from clients.models import (
    BrandKit,
    Client,
    ConfidentialityAgreement,
    Contact,
    CoverageWindow,
    Engagement,
    EngagementStatus,
    Questionnaire,
    ServiceCategory,
    ServicePlan,
)
from tests.factories import PracticeFactory, TenantFactory


class ServiceCategoryFactory(TenantFactory):
    class Meta:
        model = ServiceCategory

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")


class ServicePlanFactory(TenantFactory):
    class Meta:
        model = ServicePlan

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Plan {n}")
    currency = factory.SelfAttribute("practice.currency")
    monthly_fee = Decimal("1200.00")
    included_hours = Decimal("20.00")
    hourly_rate = Decimal("60.00")
    overage_rate = Decimal("70.00")
    coverage_time_zone = "Australia/Sydney"


class ClientFactory(TenantFactory):
    class Meta:
        model = Client

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Client {n}")
    time_zone = "America/Los_Angeles"
    currency = factory.SelfAttribute("practice.currency")


class ContactFactory(TenantFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@client.test")


class EngagementFactory(TenantFactory):
    class Meta:
        model = Engagement
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    currency = factory.SelfAttribute("client.currency")
    version = factory.Sequence(lambda n: n + 1)
    status = EngagementStatus.DRAFT
    monthly_fee = Decimal("1500.00")
    included_hours = Decimal("20.00")
    hourly_rate = Decimal("60.00")
    overage_rate = Decimal("75.00")
    coverage_time_zone = "Australia/Sydney"
    start_date = date(2025, 1, 1)

    @factory.post_generation
    def weekdays(self, create, extracted, **kwargs):
        """``weekdays=range(5)`` adds 09:00-17:00 windows on those days."""
        if create and extracted:
            for weekday in extracted:
                CoverageWindow.objects.create(
                    practice=self.practice,
                    engagement=self,
                    weekday=weekday,
                    start=time(9),
                    end=time(17),
                )


class QuestionnaireFactory(TenantFactory):
    class Meta:
        model = Questionnaire

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")


class AgreementFactory(TenantFactory):
    class Meta:
        model = ConfidentialityAgreement

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    kind = "baa"
    signed_on = date(2025, 1, 2)
    file = factory.django.FileField(filename="baa.pdf", data=b"%PDF-1.4 signed")


class BrandKitFactory(TenantFactory):
    class Meta:
        model = BrandKit

    practice = factory.SubFactory(PracticeFactory)
