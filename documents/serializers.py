"""Serializers of the documents API: composed documents, their versions, decisions and comments,
and a rendered document's status."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.models import Client
from clients.serializers import PracticeRelatedField
from documents.compose import COMPOSABLE_KINDS
from documents.models import (
    ApprovalDecision,
    Composition,
    CompositionStatus,
    CompositionVersion,
    Document,
    DocumentKind,
    DocumentTemplate,
    PaperSize,
    ProofComment,
)
from secretary import limits
from tasks.models import Task

CONTENT_HELP = _(
    'The content: {"blocks": [...], "fields": {...}}. Blocks are checked one by one and their '
    "problems reported by number under `blocks`."
)


@extend_schema_field(OpenApiTypes.OBJECT)
class ContentField(serializers.JSONField):
    """A JSON object (blocks and the kind's fields)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Send an object with blocks and fields."))
        return value


# Named in ENUM_NAME_OVERRIDES (several models name other choices "kind" or "status").
COMPOSABLE_KIND_CHOICES = [(kind.value, kind.label) for kind in COMPOSABLE_KINDS]


class DocumentStatusSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices, read_only=True)

    class Meta:
        model = Document
        fields = ["id", "kind", "title", "status", "page_count", "size", "checksum", "created_at"]
        read_only_fields = fields


class CompositionVersionSerializer(serializers.ModelSerializer):
    document = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = CompositionVersion
        fields = ["id", "number", "content_hash", "document", "sent_for_approval_at", "created_at"]
        read_only_fields = fields


class CompositionSerializer(serializers.ModelSerializer):
    client = serializers.PrimaryKeyRelatedField(read_only=True)
    task = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    approved_version = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    kind = serializers.ChoiceField(choices=COMPOSABLE_KIND_CHOICES, read_only=True)
    status = serializers.ChoiceField(choices=CompositionStatus.choices, read_only=True)

    class Meta:
        model = Composition
        fields = [
            "id",
            "client",
            "task",
            "kind",
            "title",
            "paper",
            "status",
            "approved_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CompositionDetailSerializer(CompositionSerializer):
    version = serializers.SerializerMethodField(
        help_text=_("The latest version (for client contacts: the latest sent to them).")
    )
    content = serializers.SerializerMethodField(help_text=CONTENT_HELP)

    class Meta(CompositionSerializer.Meta):
        fields = [*CompositionSerializer.Meta.fields, "version", "content"]
        read_only_fields = fields

    @extend_schema_field(CompositionVersionSerializer(allow_null=True))
    def get_version(self, composition):
        version = self.context.get("version")
        return CompositionVersionSerializer(version).data if version is not None else None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_content(self, composition):
        version = self.context.get("version")
        return version.content if version is not None else {"blocks": [], "fields": {}}


class CompositionCreateSerializer(serializers.Serializer):
    client = PracticeRelatedField(Client)
    kind = serializers.ChoiceField(choices=COMPOSABLE_KIND_CHOICES)
    title = serializers.CharField(max_length=200)
    task = PracticeRelatedField(Task, required=False, allow_null=True)
    content = ContentField(required=False, help_text=CONTENT_HELP)
    paper = serializers.ChoiceField(
        choices=PaperSize.choices,
        required=False,
        help_text=_("Letter in the US and Canada, A4 elsewhere, from the client's time zone."),
    )
    template = PracticeRelatedField(
        DocumentTemplate,
        required=False,
        allow_null=True,
        help_text=_("One of the practice's templates of this kind; empty for the built-in one."),
    )


class CompositionUpdateSerializer(serializers.Serializer):
    # Optional as PATCH is: without content nothing changes.
    content = ContentField(help_text=CONTENT_HELP, required=False)


class RenderResultSerializer(serializers.Serializer):
    document = serializers.IntegerField(help_text=_("The document's id (GET documents/<id>/)."))
    status = serializers.CharField(max_length=20, help_text=_("The document's status."))
    version = serializers.IntegerField(help_text=_("The version's number."))


class InlineImageSerializer(serializers.Serializer):
    """A picture inside a newsletter's email (a response only: nothing is read)."""

    content_id = serializers.CharField(
        read_only=True,
        help_text=_("The part's Content-ID, as the HTML names it (`cid:<content_id>`)."),
    )
    content_type = serializers.CharField(
        read_only=True, help_text=_("image/png, image/jpeg or image/gif.")
    )
    size = serializers.IntegerField(read_only=True, help_text=_("Bytes."))
    width = serializers.IntegerField(read_only=True, help_text=_("Pixels."))
    height = serializers.IntegerField(read_only=True, help_text=_("Pixels."))


class NewsletterEmailSerializer(serializers.Serializer):
    """A newsletter's email (a response only: nothing is read)."""

    version = serializers.IntegerField(
        read_only=True, help_text=_("The number of the version shown.")
    )
    subject = serializers.CharField(read_only=True)
    preheader = serializers.CharField(
        read_only=True, help_text=_("The line inboxes show after the subject.")
    )
    html = serializers.CharField(
        read_only=True,
        help_text=_(
            "The HTML part: inline styles, 600 px wide; pictures as `cid:` references to the "
            "parts listed in `images`, sent inside the message (multipart/related)."
        ),
    )
    text = serializers.CharField(read_only=True, help_text=_("The plain-text part."))
    images = InlineImageSerializer(many=True, read_only=True)
    warnings = serializers.ListField(
        child=serializers.CharField(read_only=True),
        read_only=True,
        help_text=_(
            "What may go wrong in inboxes (Gmail clipping a long message, a lost picture)."
        ),
    )


class CompositionDecisionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The id of the version sent for approval.")
    )
    decision = serializers.ChoiceField(choices=ApprovalDecision.choices)
    name = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text=_("The approver's full name as typed (required to approve)."),
    )
    read_confirmed = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("The approver has read this version (required to approve)."),
    )
    comment = serializers.CharField(
        max_length=limits.TEXT_SHORT,
        required=False,
        allow_blank=True,
        help_text=_("What should change (required to request changes)."),
    )
    page = serializers.IntegerField(min_value=1, max_value=2000, required=False)

    def validate(self, data):
        errors = {}
        if data["decision"] == ApprovalDecision.APPROVED:
            if not data.get("read_confirmed"):
                errors["read_confirmed"] = [_("Confirm that you have read this version.")]
            name = " ".join((data.get("name") or "").split())
            if not name:
                errors["name"] = [_("Type your full name to approve.")]
            data["name"] = name
        elif not (data.get("comment") or "").strip():
            errors["comment"] = [_("Say what should change.")]
        if errors:
            raise serializers.ValidationError(errors)
        return data


class CompositionDecisionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=ApprovalDecision.choices)
    name = serializers.CharField(max_length=150)
    content_hash = serializers.CharField(max_length=64)
    decided_at = serializers.DateTimeField()
    composition_status = serializers.ChoiceField(choices=CompositionStatus.choices)


class ProofCommentSerializer(serializers.ModelSerializer):
    version = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ProofComment
        fields = [
            "id",
            "version",
            "page",
            "x",
            "y",
            "body",
            "author_name",
            "from_client",
            "created_at",
        ]
        read_only_fields = fields


class ProofCommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=limits.TEXT_SHORT)
    page = serializers.IntegerField(min_value=1, max_value=2000)
    x = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        help_text=_("Where on the page, in % of its width."),
    )
    y = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        help_text=_("Where on the page, in % of its height."),
    )

    def validate(self, data):
        if (data.get("x") is None) != (data.get("y") is None):
            raise serializers.ValidationError({"y": [_("A spot on the page needs both x and y.")]})
        return data
