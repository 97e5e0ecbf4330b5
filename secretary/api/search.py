"""``GET /api/v1/practices/<slug>/search/?q=``: the search page's results for API clients.

Staff only (a client contact's token gets 404, as on every staff route); the same providers,
rules and limits as the page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from secretary import search as core
from secretary.api_base import PracticeScopedMixin
from secretary.models import Role

# Text with something left to search once blanks and control characters are dropped
# (``clean_query``): one character that is neither (Python's ``str.isspace`` and ``_CONTROL``).
SOMETHING_TO_SEARCH = (
    r"[^\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    r"\x00-\x08\x0e-\x1b\x7f]"
)


@extend_schema_field(
    {
        "type": "string",
        "minLength": 1,
        "maxLength": core.MAX_QUERY_LENGTH,
        "pattern": SOMETHING_TO_SEARCH,
    }
)
class SearchTextField(serializers.CharField):
    """The text of a search, as its schema states what the search refuses."""


class SearchQuerySerializer(serializers.Serializer):
    q = SearchTextField(
        max_length=core.MAX_QUERY_LENGTH,
        help_text=_('Words, a name or a "quoted phrase"; at most 200 characters.'),
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=core.MAX_LIMIT,
        default=core.DEFAULT_LIMIT,
        help_text=_("Hits per kind, 1 to 20 (5 by default)."),
    )

    def validate_q(self, value: str) -> str:
        text = core.clean_query(value)
        if not text:
            raise serializers.ValidationError(_("Type something to search for."))
        return text


# Answers only: every field is read-only.


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.CharField(
        read_only=True, help_text=_("The page of the thing found (a path).")
    )
    snippet = serializers.CharField(
        read_only=True, help_text=_("Plain text, at most about 200 characters.")
    )
    when = serializers.DateTimeField(read_only=True, allow_null=True)
    rank = serializers.FloatField(
        read_only=True,
        help_text=_(
            "How well the words match, higher is better. Tasks, comments, documents and calls "
            "come newest first; clients, contacts and playbooks best match first."
        ),
    )


class SearchGroupSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    count = serializers.IntegerField(read_only=True, help_text=_("Hits returned for this kind."))
    more = serializers.BooleanField(read_only=True, help_text=_("Whether more than these match."))
    hits = SearchHitSerializer(many=True, read_only=True)


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField(read_only=True, help_text=_("The text searched, as cleaned."))
    groups = SearchGroupSerializer(many=True, read_only=True)


@extend_schema(
    tags=["search"],
    summary=_("Search the practice"),
    parameters=[SearchQuerySerializer],
    responses={
        200: SearchResultSerializer,
        403: OpenApiResponse(description=_("Staff only")),
    },
)
class SearchView(PracticeScopedMixin, APIView):
    """Clients, contacts, tasks, comments and documents matching the text, grouped by kind
    (kinds without a hit are left out). Full-text search on PostgreSQL (whole words, "quoted
    phrases", ``or``, ``-word``); a regulated client's records only for staff who signed its
    agreement."""

    min_role = Role.SECRETARY
    http_method_names = ["get", "head", "options"]

    def get(self, request, practice_slug):
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        text, limit = query.validated_data["q"], query.validated_data["limit"]
        groups = core.search(
            practice=request.practice,
            membership=request.membership,
            text=text,
            limit=limit + 1,
        )
        body = {
            "query": text,
            "groups": [
                {
                    "key": group.key,
                    "label": str(group.label),
                    "count": min(group.count, limit),
                    "more": group.count > limit,
                    "hits": [
                        {
                            "kind": hit.kind,
                            "title": hit.title,
                            "url": hit.url,
                            "snippet": hit.snippet,
                            "when": hit.when,
                            "rank": hit.rank,
                        }
                        for hit in group.hits[:limit]
                    ],
                }
                for group in groups
            ],
        }
        return Response(SearchResultSerializer(body).data)
