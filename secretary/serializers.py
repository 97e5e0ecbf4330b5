"""Serializers of the core API: users, practices, members, invitations, activity, tokens.

Output serializers are read-only views of rows; inputs are small serializers of their own whose
validated data goes to a service in ``secretary.services``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from secretary.audit import verb_label
from secretary.models import ActivityEvent, ApiToken, Invitation, Membership, Role, User


class UserSerializer(serializers.ModelSerializer):
    """The signed-in user. Email changes go through the web app (verification, reauth)."""

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "time_zone"]
        read_only_fields = ["id", "email"]

    def update(self, instance: User, validated_data: dict) -> User:
        changed = [
            name for name, value in validated_data.items() if getattr(instance, name) != value
        ]
        for name in changed:
            setattr(instance, name, validated_data[name])
        if changed:
            instance.save(update_fields=changed)
        return instance


class UserSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]
        read_only_fields = fields


class PracticeSerializer(serializers.ModelSerializer):
    """A practice as one of its members sees it (built from the membership)."""

    slug = serializers.SlugField(source="practice.slug", read_only=True)
    name = serializers.CharField(source="practice.name", read_only=True)
    time_zone = serializers.CharField(source="practice.time_zone", read_only=True)
    currency = serializers.CharField(source="practice.currency", read_only=True)

    class Meta:
        model = Membership
        fields = ["slug", "name", "time_zone", "currency", "role"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    user = UserSummarySerializer(read_only=True)
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "joined_at"]
        read_only_fields = fields


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    """A pending invitation. Its token is never shown: it travels only in the email."""

    invited_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "invited_by", "created_at", "expires_at", "sent_at"]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)


class ActivityEventSerializer(serializers.ModelSerializer):
    actor = UserSummarySerializer(read_only=True, allow_null=True)
    verb_label = serializers.SerializerMethodField(help_text=_("The verb in words."))

    class Meta:
        model = ActivityEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "verb",
            "verb_label",
            "target_type",
            "target_id",
            "target_repr",
            "data",
            "ip_address",
        ]
        read_only_fields = fields

    def get_verb_label(self, event: ActivityEvent) -> str:
        return verb_label(event.verb)


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as listed: its name and first characters (``hint``), never its secret."""

    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "hint", "created_at", "last_used_at", "revoked_at", "is_active"]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    """The answer to creating a token: the only time its secret is shown."""

    token = serializers.CharField(
        read_only=True,
        help_text=_("The secret, shown only now: send it as “Authorization: Bearer <token>”."),
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields
