"""Serializers of the campaigns API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.mailing.campaigns import selectors
from clients.mailing.campaigns.models import Campaign, Delivery
from clients.mailing.models import Audience, Segment
from clients.serializers import PracticeRelatedField
from secretary.limits import validate_date_in_range


class NewsletterField(PracticeRelatedField):
    def __init__(self, **kwargs):
        from documents.models import Composition

        super().__init__(Composition, **kwargs)

    def get_queryset(self):
        from documents.models import DocumentKind

        return super().get_queryset().filter(kind=DocumentKind.NEWSLETTER)


class CampaignStatsSerializer(serializers.Serializer):
    recipients = serializers.IntegerField()
    queued = serializers.IntegerField()
    sent = serializers.IntegerField()
    delivered = serializers.IntegerField()
    failed = serializers.IntegerField()
    bounced = serializers.IntegerField()
    complained = serializers.IntegerField()
    unsubscribed = serializers.IntegerField()
    skipped = serializers.IntegerField()
    opened = serializers.IntegerField(
        allow_null=True, help_text=_("Null unless open tracking was on.")
    )
    clicked = serializers.IntegerField(
        allow_null=True, help_text=_("Null unless click tracking was on.")
    )


class CampaignSerializer(serializers.ModelSerializer):
    """A campaign in a list (its stored counts; no query per row)."""

    version = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "client",
            "audience",
            "segment",
            "composition",
            "version",
            "subject",
            "from_name",
            "from_email",
            "status",
            "scheduled_at",
            "approval_requested_at",
            "decided_by_name",
            "decided_at",
            "decline_reason",
            "started_at",
            "finished_at",
            "failure_reason",
            "recipient_count",
            "sent_count",
            "failed_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_version(self, campaign: Campaign) -> int | None:
        return campaign.version.number if campaign.version_id else None


class CampaignDetailSerializer(CampaignSerializer):
    """One campaign, with how many people it goes to now and its statistics."""

    recipients = serializers.SerializerMethodField()
    stats = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "recipients", "stats"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField())
    def get_recipients(self, campaign: Campaign) -> int:
        return selectors.recipient_count(campaign)

    @extend_schema_field(CampaignStatsSerializer)
    def get_stats(self, campaign: Campaign) -> dict:
        stats = selectors.campaign_stats(campaign)
        return {
            "recipients": stats.recipients,
            "queued": stats.queued,
            "sent": stats.out,
            "delivered": stats.delivered,
            "failed": stats.failed,
            "bounced": stats.bounced,
            "complained": stats.complained,
            "unsubscribed": stats.unsubscribed,
            "skipped": stats.skipped,
            "opened": stats.opened if stats.opens else None,
            "clicked": stats.clicked if stats.clicks else None,
        }


class CampaignWriteSerializer(serializers.Serializer):
    composition = NewsletterField(help_text=_("A newsletter (composed document) of the client."))
    audience = PracticeRelatedField(Audience)
    segment = PracticeRelatedField(Segment, required=False, allow_null=True)
    name = serializers.CharField(max_length=160, required=False, allow_blank=True)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
    from_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    from_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)


class ScheduleSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField(
        validators=[validate_date_in_range],
        help_text=_("When to send; a time without an offset is read in the client's time zone."),
    )


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = [
            "id",
            "subscriber",
            "email",
            "status",
            "provider_message_id",
            "error",
            "sent_at",
            "delivered_at",
            "opened_at",
            "clicked_at",
            "opens",
            "clicks",
        ]
        read_only_fields = fields


class TestSendSerializer(serializers.Serializer):
    sent_to = serializers.EmailField(read_only=True)
