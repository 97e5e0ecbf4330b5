"""Serializers of the mailing lists' API. Input serializers check shapes and types only; the
services check the rules (addresses, field types, consent) and answer 400 with field errors."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.mailing.models import Audience, ImportJob, Segment, Subscriber, SubscriberStatus
from clients.mailing.services import (
    MAX_BULK_ROWS,
    MAX_FIELDS,
    MAX_TAG_LENGTH,
    MAX_TAGS,
)
from secretary import limits


class FieldDefinitionSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=40)
    label = serializers.CharField(max_length=80)
    # Checked by the service (a plain string here: another API names its "type" enum).
    type = serializers.CharField(max_length=10, help_text="text, number, date or choice")
    choices = serializers.ListField(
        child=serializers.CharField(max_length=80), required=False, max_length=100
    )


class AudienceSerializer(serializers.ModelSerializer):
    fields = FieldDefinitionSerializer(many=True, read_only=True)
    subscribed_count = serializers.IntegerField(read_only=True)
    people_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Audience
        fields = [
            "id",
            "client",
            "name",
            "description",
            "fields",
            "from_name",
            "from_email",
            "reply_to",
            "subscribed_count",
            "people_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AudienceInputSerializer(serializers.Serializer):
    client = serializers.IntegerField(min_value=1, max_value=limits.MAX_ID)
    name = serializers.CharField(max_length=160)
    description = serializers.CharField(
        max_length=limits.TEXT_SHORT, required=False, allow_blank=True
    )
    fields = FieldDefinitionSerializer(many=True, required=False, max_length=MAX_FIELDS)
    from_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    from_email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    reply_to = serializers.CharField(max_length=254, required=False, allow_blank=True)


class AudienceUpdateSerializer(AudienceInputSerializer):
    client = None
    name = serializers.CharField(max_length=160, required=False)


@extend_schema_field(
    {
        "type": "object",
        "description": "Values of the audience's custom fields by key: text, a number, a date "
        "(YYYY-MM-DD) or one of a choice field's choices.",
        "maxProperties": 30,
        "additionalProperties": {
            "nullable": True,
            "anyOf": [{"type": "string", "maxLength": 500}, {"type": "number"}],
        },
    }
)
class CustomValuesField(serializers.DictField):
    child = serializers.JSONField()

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_a_dict", input_type=type(data).__name__)
        for value in data.values():
            if not (value is None or isinstance(value, str | int | float)) or isinstance(
                value, bool
            ):
                raise serializers.ValidationError("Values are text, numbers or null.")
            if isinstance(value, str) and len(value) > 500:
                raise serializers.ValidationError("Values have at most 500 characters.")
        if len(data) > MAX_FIELDS:
            raise serializers.ValidationError("Too many values.")
        return dict(data)


class SubscriberSerializer(serializers.ModelSerializer):
    custom = CustomValuesField(read_only=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Subscriber
        fields = [
            "id",
            "audience",
            "email",
            "name",
            "company",
            "tags",
            "custom",
            "status",
            "status_reason",
            "status_changed_at",
            "consent_source",
            "consent_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SubscriberInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    name = serializers.CharField(max_length=160, required=False, allow_blank=True)
    company = serializers.CharField(max_length=160, required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=MAX_TAG_LENGTH, allow_blank=True),
        required=False,
        max_length=MAX_TAGS,
    )
    custom = CustomValuesField(required=False)
    consent_source = serializers.CharField(max_length=200, required=False, allow_blank=True)
    consent_at = serializers.DateTimeField(
        required=False, validators=[limits.validate_date_in_range]
    )


class SubscriberUpdateSerializer(serializers.Serializer):
    """Details, and a status change (subscribing again needs new consent)."""

    email = serializers.CharField(max_length=254, required=False)
    name = serializers.CharField(max_length=160, required=False, allow_blank=True)
    company = serializers.CharField(max_length=160, required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=MAX_TAG_LENGTH, allow_blank=True),
        required=False,
        max_length=MAX_TAGS,
    )
    custom = CustomValuesField(required=False)
    status = serializers.ChoiceField(choices=SubscriberStatus.choices, required=False)
    status_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    consent_source = serializers.CharField(max_length=200, required=False, allow_blank=True)
    consent_at = serializers.DateTimeField(
        required=False, validators=[limits.validate_date_in_range]
    )


class BulkInputSerializer(serializers.Serializer):
    consent_source = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Where everyone in the call agreed, unless a row says otherwise.",
    )
    consent_at = serializers.DateTimeField(
        required=False,
        validators=[limits.validate_date_in_range],
        help_text="When everyone in the call agreed, unless a row says otherwise.",
    )
    subscribers = SubscriberInputSerializer(many=True, min_length=1, max_length=MAX_BULK_ROWS)


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    merged = serializers.IntegerField()


class FieldRuleSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=40)
    op = serializers.ChoiceField(choices=["eq", "ne", "contains", "gt", "lt", "empty", "not_empty"])
    value = serializers.JSONField(required=False)


class RulesSerializer(serializers.Serializer):
    tags_any = serializers.ListField(
        child=serializers.CharField(max_length=MAX_TAG_LENGTH), required=False, max_length=MAX_TAGS
    )
    tags_all = serializers.ListField(
        child=serializers.CharField(max_length=MAX_TAG_LENGTH), required=False, max_length=MAX_TAGS
    )
    fields = FieldRuleSerializer(many=True, required=False, max_length=MAX_FIELDS)


class SegmentSerializer(serializers.ModelSerializer):
    rules = RulesSerializer(read_only=True)
    count = serializers.SerializerMethodField()

    class Meta:
        model = Segment
        fields = ["id", "audience", "name", "rules", "count", "created_at", "updated_at"]
        read_only_fields = fields

    def get_count(self, obj) -> int:
        """Subscribed people the segment selects now."""
        counts = self.context.get("counts") or {}
        if obj.pk in counts:
            return counts[obj.pk]
        from clients.mailing.selectors import segment_count

        return segment_count(obj)


class SegmentInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=160)
    rules = RulesSerializer(required=False)


class SegmentUpdateSerializer(SegmentInputSerializer):
    name = serializers.CharField(max_length=160, required=False)


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    reason = serializers.CharField()


class ImportMergedSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    email = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    errors = ImportErrorSerializer(many=True, read_only=True)
    merged = ImportMergedSerializer(many=True, read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "audience",
            "file_name",
            "kind",
            "status",
            "total_rows",
            "processed_rows",
            "percent",
            "created_count",
            "updated_count",
            "unchanged_count",
            "merged_count",
            "error_total",
            "errors",
            "merged",
            "failure",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
