"""The contract other apps use: contact_view, the selectors and can_work_on."""

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from clients.access import contact_view
from clients.selectors import (
    brand_for,
    can_work_on,
    client_get,
    contact_for_membership,
    engagement_active,
)
from tests.clients.factories import AgreementFactory, BrandKitFactory, ClientFactory
from tests.factories import MembershipFactory


def call(view, user, practice):
    request = RequestFactory().get("/portal/x/")
    request.user = user
    return view(request, practice_slug=practice.slug)


@contact_view()
def any_part(request):
    return HttpResponse(f"{request.contact.name}|{request.client.name}")


@contact_view("billing")
def billing(request):
    return HttpResponse("invoices")


def test_it_sets_the_contact_and_client(world, northwind):
    response = call(any_part, world.client_contact.user, world.practice)
    assert response.content.decode() == "Nora North|Northwind Legal"


def test_it_hides_parts_the_contact_may_not_use(world, northwind):
    contact = northwind.contacts.get()
    contact.portal_billing = False
    contact.save()
    with pytest.raises(Http404):
        call(billing, world.client_contact.user, world.practice)


def test_it_hides_portal_pages_from_staff_and_unlinked_contacts(world, northwind):
    with pytest.raises(Http404):
        call(any_part, world.secretary.user, world.practice)
    unlinked = MembershipFactory(practice=world.practice, role="client")
    with pytest.raises(Http404):
        call(any_part, unlinked.user, world.practice)
    with pytest.raises(Http404):
        call(any_part, world.outsider.user, world.practice)


def test_it_refuses_an_unknown_part():
    with pytest.raises(ValueError):
        contact_view("gossip")


def test_client_get_takes_the_practice(world, northwind):
    assert client_get(practice=world.practice, client_id=northwind.pk) == northwind
    with pytest.raises(Http404):
        client_get(practice=world.other_practice, client_id=northwind.pk)
    with pytest.raises(Http404):
        client_get(practice=world.practice, client_id="abc")


def test_contact_for_membership(world, northwind):
    assert contact_for_membership(membership=world.client_contact).client == northwind
    assert contact_for_membership(membership=world.secretary) is None


def test_engagement_active(world, northwind, active, proposed):
    assert engagement_active(practice=world.practice, client=northwind) == active
    assert engagement_active(practice=world.other_practice, client=northwind) is None


def test_can_work_on_needs_the_right_agreement_for_regulated_clients(world):
    medical = ClientFactory(practice=world.practice, specialty="medical", is_regulated=True)
    ordinary = ClientFactory(practice=world.practice)
    assert can_work_on(client=ordinary, membership=world.secretary)
    assert not can_work_on(client=ordinary, membership=world.client_contact)
    assert not can_work_on(client=ordinary, membership=world.outsider)
    assert not can_work_on(client=medical, membership=world.secretary)
    AgreementFactory(client=medical, membership=world.secretary, kind="nda")
    assert not can_work_on(client=medical, membership=world.secretary)  # medical needs a BAA
    AgreementFactory(client=medical, membership=world.secretary, kind="baa")
    assert can_work_on(client=medical, membership=world.secretary)


def test_brand_for_falls_back_to_the_practice_kit(world, northwind):
    assert brand_for(practice=world.practice, client=northwind) is None
    practice_kit = BrandKitFactory(practice=world.practice)
    assert brand_for(practice=world.practice, client=northwind) == practice_kit
    assert brand_for(practice=world.practice) == practice_kit
    own = BrandKitFactory(practice=world.practice, client=northwind)
    assert brand_for(practice=world.practice, client=northwind) == own
    assert brand_for(practice=world.other_practice) is None
