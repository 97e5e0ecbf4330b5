"""Routes of the clients app for the isolation harness (objects of practice A)."""

from django.core.files.base import ContentFile

from clients.models import EngagementStatus
from tests.clients.bulk_helpers import routes as bulk_routes
from tests.clients.factories import (
    AgreementFactory,
    BrandKitFactory,
    ClientFactory,
    ContactFactory,
    EngagementFactory,
    QuestionnaireFactory,
    ServiceCategoryFactory,
    ServicePlanFactory,
)
from tests.clients.mailing.isolation import routes as mailing_routes
from tests.clients.playbook.routes import playbook_routes

TINY_GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


def routes(world) -> dict[str, dict]:
    practice = world.practice
    client = ClientFactory(practice=practice, name="Isolated Client")
    contact = ContactFactory(client=client)
    agreement = AgreementFactory(client=client, membership=world.secretary)
    engagement = EngagementFactory(
        client=client, status=EngagementStatus.PROPOSED, weekdays=range(5)
    )
    plan = ServicePlanFactory(practice=practice)
    category = ServiceCategoryFactory(practice=practice)
    kit = BrandKitFactory(practice=practice, client=client)
    kit.logo.save("logo.gif", ContentFile(TINY_GIF))
    practice_kit = BrandKitFactory(practice=practice, client=None)
    practice_kit.logo.save("practice-logo.gif", ContentFile(TINY_GIF))
    questionnaire = QuestionnaireFactory(client=client, contact=contact)
    c = {"client_id": client.pk}
    e = {"engagement_id": engagement.pk}
    return {
        # Staff pages
        "client_list": {},
        "client_create": {},
        "client_detail": c,
        "client_edit": c,
        "client_archive": c,
        "contact_create": c,
        "contact_edit": {**c, "contact_id": contact.pk},
        "contact_delete": {**c, "contact_id": contact.pk},
        "contact_invite": {**c, "contact_id": contact.pk},
        "agreement_create": c,
        "client_team_remove": {**c, "membership_id": world.secretary.pk},
        "agreement_file": {**c, "agreement_id": agreement.pk},
        "client_onboarding": c,
        "onboarding_send": c,
        "client_brand": c,
        "engagement_create": c,
        "engagement_detail": e,
        "engagement_edit": e,
        "engagement_propose": e,
        "engagement_withdraw": e,
        "engagement_revise": e,
        "engagement_end": e,
        "engagement_discard": e,
        "plan_list": {},
        "plan_create": {},
        "plan_detail": {"plan_id": plan.pk},
        "plan_edit": {"plan_id": plan.pk},
        "plan_archive": {"plan_id": plan.pk},
        "category_list": {},
        "category_create": {},
        "category_edit": {"category_id": category.pk},
        "practice_brand": {},
        "brand_logo": {"kit_id": kit.pk},
        # Portal pages
        "portal_onboarding": {},
        "portal_plan": {},
        "portal_profile": {},
        "portal_brand_logo": {},
        "portal_engagement": e,
        "portal_engagement_accept": e,
        "portal_engagement_changes": e,
        # API
        "api_category_list": {},
        "api_category_detail": {"category_id": category.pk},
        "api_plan_list": {},
        "api_plan_detail": {"plan_id": plan.pk},
        "api_client_list": {},
        "api_client_detail": c,
        "api_contact_list": {},
        "api_contact_detail": {"contact_id": contact.pk},
        "api_questionnaire_list": {},
        "api_questionnaire_detail": {"questionnaire_id": questionnaire.pk},
        "api_questionnaire_submit": {"questionnaire_id": questionnaire.pk},
        "api_engagement_list": {},
        "api_engagement_detail": e,
        "api_engagement_propose": e,
        "api_engagement_withdraw": e,
        "api_engagement_revise": e,
        "api_engagement_end": e,
        "api_engagement_accept": e,
        "api_engagement_request_changes": e,
        # Mailing lists
        **mailing_routes(world, client),
        **bulk_routes(world),
        **playbook_routes(world),
    }
