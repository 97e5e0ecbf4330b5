"""The playbook in the API: the content's sections as documented objects, versions and
proposals. ``clients.playbook.content.content_clean`` checks what comes in, as for the forms."""

from __future__ import annotations

from rest_framework import serializers

from clients.playbook import content as limits_of
from clients.playbook.models import Playbook, PlaybookProposal, PlaybookVersion
from secretary import limits


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=160)
    role = serializers.CharField(max_length=160, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    availability = serializers.CharField(max_length=300, required=False, allow_blank=True)
    put_through = serializers.ChoiceField(choices=["yes", "no"], required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class InquirySerializer(serializers.Serializer):
    question = serializers.CharField(max_length=limits_of.MAX_QUESTION)
    answer = serializers.CharField(max_length=limits_of.MAX_ANSWER)


class SnippetSerializer(serializers.Serializer):
    service = serializers.CharField(max_length=160)
    text = serializers.CharField(max_length=limits_of.MAX_ANSWER, required=False, allow_blank=True)
    price = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text='A decimal string such as "120.00"; empty when the service has no set price.',
    )
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)


class SpellingSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=160)
    say = serializers.CharField(max_length=300)


class PlaybookContentSerializer(serializers.Serializer):
    greeting = serializers.CharField(
        max_length=limits_of.MAX_GREETING, required=False, allow_blank=True
    )
    hours = serializers.CharField(
        max_length=limits_of.MAX_SECTION_TEXT, required=False, allow_blank=True
    )
    people = PersonSerializer(many=True, required=False, max_length=limits_of.MAX_PEOPLE)
    inquiries = InquirySerializer(many=True, required=False, max_length=limits_of.MAX_INQUIRIES)
    snippets = SnippetSerializer(many=True, required=False, max_length=limits_of.MAX_SNIPPETS)
    escalation = serializers.CharField(
        max_length=limits_of.MAX_SECTION_TEXT, required=False, allow_blank=True
    )
    never_say = serializers.ListField(
        child=serializers.CharField(max_length=300),
        required=False,
        max_length=limits_of.MAX_NEVER_SAY,
    )
    spellings = SpellingSerializer(many=True, required=False, max_length=limits_of.MAX_SPELLINGS)


class PlaybookSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True)
    content = PlaybookContentSerializer(read_only=True)

    class Meta:
        model = Playbook
        fields = ["client", "version", "content", "updated_at"]
        read_only_fields = fields


class PlaybookUpdateSerializer(serializers.Serializer):
    content = PlaybookContentSerializer()
    base_version = serializers.IntegerField(
        min_value=0,
        max_value=limits.MAX_ID,
        required=False,
        help_text="The version the change was made from: a newer one refuses the save (400).",
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class PlaybookVersionSerializer(serializers.ModelSerializer):
    content = PlaybookContentSerializer(read_only=True)

    class Meta:
        model = PlaybookVersion
        fields = ["number", "changed", "note", "author_name", "created_at", "content"]
        read_only_fields = fields


class PlaybookVersionListSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlaybookVersion
        fields = ["number", "changed", "note", "author_name", "created_at"]
        read_only_fields = fields


class PlaybookProposalSerializer(serializers.ModelSerializer):
    content = PlaybookContentSerializer(read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True, allow_null=True)

    class Meta:
        model = PlaybookProposal
        fields = [
            "id",
            "status",
            "base_number",
            "changed",
            "message",
            "author_name",
            "reason",
            "created_at",
            "decided_at",
            "version",
            "content",
        ]
        read_only_fields = fields


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2_000)
