"""API of campaigns, under ``/api/v1/practices/<practice_slug>/``: staff list, create, read
and change campaigns, send themselves a test, ask the client's approval, schedule or send an
approved campaign, cancel; read a campaign's deliveries (a page at a time). Client contacts
approve in the portal."""

from __future__ import annotations

import zoneinfo

from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.mailing.campaigns import selectors, services
from clients.mailing.campaigns.models import Campaign, Delivery
from clients.mailing.campaigns.serializers import (
    CampaignDetailSerializer,
    CampaignSerializer,
    CampaignWriteSerializer,
    DeliverySerializer,
    ScheduleSerializer,
    TestSendSerializer,
)
from secretary.api_base import PracticeScopedMixin
from secretary.api_filters import FilterSet, IdFilter
from secretary.idempotency import IdempotentCreateMixin

TAG = ["campaigns"]


class CampaignFilter(FilterSet):
    client = IdFilter(field_name="client_id")
    audience = IdFilter(field_name="audience_id")

    class Meta:
        model = Campaign
        fields = ["client", "audience", "status"]


class CampaignScopedMixin(PracticeScopedMixin):
    queryset = Campaign.objects.none()

    def get_queryset(self):
        return selectors.campaigns_of(practice=self.request.practice).select_related("version")

    def campaign(self) -> Campaign:
        found = self.get_queryset().filter(pk=self.kwargs["campaign_id"]).first()
        if found is None:
            raise Http404
        return found


def _detail(request, campaign_id: int) -> Response:
    campaign = (
        selectors.campaigns_of(practice=request.practice)
        .select_related("version")
        .get(pk=campaign_id)
    )
    return Response(CampaignDetailSerializer(campaign, context={"request": request}).data)


@extend_schema_view(
    get=extend_schema(tags=TAG, summary=_("Campaigns, newest first")),
    post=extend_schema(
        tags=TAG,
        summary=_("Start a campaign of a newsletter to a mailing list (or a segment)"),
        description=_("Refused (400) when nobody subscribed is on the list or in the segment."),
        request=CampaignWriteSerializer,
        responses={201: CampaignDetailSerializer},
    ),
)
class CampaignListView(IdempotentCreateMixin, CampaignScopedMixin, generics.ListCreateAPIView):
    serializer_class = CampaignSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CampaignFilter

    def create(self, request, *args, **kwargs):
        serializer = CampaignWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        composition = data.pop("composition")
        campaign = services.campaign_create(
            practice=request.practice,
            client=composition.client,
            composition=composition,
            user=request.user,
            request=request,
            **data,
        )
        response = _detail(request, campaign.pk)
        response.status_code = 201
        return response


@extend_schema_view(
    get=extend_schema(tags=TAG, summary=_("A campaign, with its statistics")),
    patch=extend_schema(
        tags=TAG,
        summary=_("Change a campaign before it is scheduled"),
        description=_(
            "A change to its list, newsletter or sender after approval was asked for takes it "
            "back to draft."
        ),
        request=CampaignWriteSerializer,
        responses=CampaignDetailSerializer,
    ),
)
class CampaignDetailView(CampaignScopedMixin, generics.RetrieveUpdateAPIView):
    serializer_class = CampaignDetailSerializer
    lookup_url_kwarg = "campaign_id"
    http_method_names = ["get", "patch", "head", "options"]

    def update(self, request, *args, **kwargs):
        campaign = self.get_object()
        serializer = CampaignWriteSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        services.campaign_update(
            practice=request.practice,
            campaign=campaign,
            user=request.user,
            request=request,
            **serializer.validated_data,
        )
        return _detail(request, campaign.pk)


class CampaignActionView(CampaignScopedMixin, APIView):
    """Base of the actions on a campaign (POST only)."""

    def post(self, request, *args, **kwargs):
        campaign = self.campaign()
        self.act(request, campaign)
        return _detail(request, campaign.pk)


def _action(summary, *, request=None, description="", responses=CampaignDetailSerializer):
    return extend_schema(
        tags=TAG, summary=summary, description=description, request=request, responses=responses
    )


class CampaignTestSendView(CampaignScopedMixin, APIView):
    @_action(
        _("Send yourself a test of the campaign's email"),
        description=_("One test a minute; a second one within the minute answers 400."),
        responses=TestSendSerializer,
    )
    def post(self, request, *args, **kwargs):
        campaign = self.campaign()
        services.campaign_test_send(
            practice=request.practice, campaign=campaign, user=request.user, request=request
        )
        return Response({"sent_to": request.user.email})


class CampaignRequestApprovalView(CampaignActionView):
    @_action(_("Ask the client's contacts to approve the campaign"))
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, campaign):
        services.campaign_request_approval(
            practice=request.practice, campaign=campaign, user=request.user, request=request
        )


class CampaignScheduleView(CampaignActionView):
    @_action(
        _("Schedule an approved campaign"),
        description=_("Refused (400) before the client has approved it."),
        request=ScheduleSerializer,
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, campaign):
        try:
            zone = zoneinfo.ZoneInfo(campaign.client.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = timezone.get_current_timezone()
        # A time without an offset is the client's local time.
        with timezone.override(zone):
            serializer = ScheduleSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
        services.campaign_schedule(
            practice=request.practice,
            campaign=campaign,
            when=serializer.validated_data["scheduled_at"],
            user=request.user,
            request=request,
        )


class CampaignSendView(CampaignActionView):
    @_action(
        _("Send an approved campaign now"),
        description=_("Refused (400) before the client has approved it."),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, campaign):
        services.campaign_send_now(
            practice=request.practice, campaign=campaign, user=request.user, request=request
        )


class CampaignCancelView(CampaignActionView):
    @_action(_("Cancel a campaign that has not started sending"))
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, campaign):
        services.campaign_cancel(
            practice=request.practice, campaign=campaign, user=request.user, request=request
        )


@extend_schema_view(get=extend_schema(tags=TAG, summary=_("A campaign's deliveries")))
class DeliveryListView(CampaignScopedMixin, generics.ListAPIView):
    serializer_class = DeliverySerializer
    queryset = Delivery.objects.none()

    def get_queryset(self):
        campaign = self.campaign()
        return selectors.deliveries_of(campaign).order_by("pk")

    def campaign(self) -> Campaign:
        found = (
            selectors.campaigns_of(practice=self.request.practice)
            .filter(pk=self.kwargs["campaign_id"])
            .first()
        )
        if found is None:
            raise Http404
        return found


BASE = "mailing/campaigns/"
api_patterns: list = [
    path(BASE, CampaignListView.as_view(), name="api_campaign_list"),
    path(f"{BASE}<int:campaign_id>/", CampaignDetailView.as_view(), name="api_campaign"),
    path(
        f"{BASE}<int:campaign_id>/test-send/",
        CampaignTestSendView.as_view(),
        name="api_campaign_test_send",
    ),
    path(
        f"{BASE}<int:campaign_id>/request-approval/",
        CampaignRequestApprovalView.as_view(),
        name="api_campaign_request_approval",
    ),
    path(
        f"{BASE}<int:campaign_id>/schedule/",
        CampaignScheduleView.as_view(),
        name="api_campaign_schedule",
    ),
    path(f"{BASE}<int:campaign_id>/send/", CampaignSendView.as_view(), name="api_campaign_send"),
    path(
        f"{BASE}<int:campaign_id>/cancel/",
        CampaignCancelView.as_view(),
        name="api_campaign_cancel",
    ),
    path(
        f"{BASE}<int:campaign_id>/deliveries/",
        DeliveryListView.as_view(),
        name="api_campaign_deliveries",
    ),
]
