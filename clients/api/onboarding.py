"""API of onboarding questionnaires (the intake answers)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, generics

from clients import services
from clients.api.common import ContactScopedMixin, created_response, ok_response
from clients.models import (
    Questionnaire,
    QuestionnaireStatus,
)
from clients.serializers import (
    AnswersSerializer,
    QuestionnaireSendSerializer,
    QuestionnaireSerializer,
)
from secretary.api_filters import FilterSet, IdFilter
from secretary.idempotency import IdempotentCreateMixin

# --- Onboarding ---------------------------------------------------------------------------


class QuestionnaireFilter(FilterSet):
    client = IdFilter(field_name="client_id")
    status = django_filters.ChoiceFilter(choices=QuestionnaireStatus.choices)

    class Meta:
        model = Questionnaire
        fields = ["client", "status"]


@extend_schema_view(
    get=extend_schema(tags=["onboarding"], summary=_("Intake questionnaires and their answers")),
    post=extend_schema(
        tags=["onboarding"],
        summary=_("Start onboarding: send the questionnaire to a contact"),
        request=QuestionnaireSendSerializer,
        responses={201: QuestionnaireSerializer},
    ),
)
class QuestionnaireListView(IdempotentCreateMixin, ContactScopedMixin, generics.ListCreateAPIView):
    serializer_class = QuestionnaireSerializer
    audit_client_of = "client_id"
    queryset = Questionnaire.objects.none()
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = QuestionnaireFilter
    ordering_fields = ["sent_at", "submitted_at"]

    def get_queryset(self):
        return self.client_scope(
            Questionnaire.objects.for_practice(self.request.practice)
            .prefetch_related("services")
            .order_by("-sent_at", "-pk")
        )

    def create(self, request, *args, **kwargs):
        serializer = QuestionnaireSendSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        questionnaire = services.questionnaire_send(
            practice=request.practice,
            actor=request.membership,
            request=request,
            client=serializer.validated_data["client"],
            contact=serializer.validated_data.get("contact"),
        )
        return created_response(QuestionnaireSerializer, questionnaire, request)


def _answers(serializer) -> tuple[dict, list | None]:
    data = dict(serializer.validated_data)
    return data, data.pop("services", None)


@extend_schema_view(
    get=extend_schema(tags=["onboarding"], summary=_("A questionnaire and its answers")),
    patch=extend_schema(
        tags=["onboarding"],
        summary=_("Save answers (continue later)"),
        request=AnswersSerializer,
        responses=QuestionnaireSerializer,
    ),
)
class QuestionnaireDetailView(ContactScopedMixin, generics.RetrieveUpdateAPIView):
    serializer_class = QuestionnaireSerializer
    audit_client_of = "client_id"
    queryset = Questionnaire.objects.none()
    lookup_url_kwarg = "questionnaire_id"
    http_method_names = ["get", "patch", "head", "options"]

    def clients_may_write(self, request) -> bool:
        return True  # their own client's questionnaire (get_queryset narrows it)

    def get_queryset(self):
        return self.client_scope(Questionnaire.objects.for_practice(self.request.practice))

    def update(self, request, *args, **kwargs):
        questionnaire = self.get_object()
        serializer = AnswersSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data, answered = _answers(serializer)
        questionnaire = services.questionnaire_save(
            practice=request.practice,
            questionnaire=questionnaire,
            data=data,
            services=answered,
            user=request.user,
            by_staff=not request.membership.is_client,
            request=request,
        )
        return ok_response(QuestionnaireSerializer, questionnaire, request)


class QuestionnaireSubmitView(ContactScopedMixin, generics.GenericAPIView):
    """Submit the answers (with any last changes). A questionnaire is submitted once: a second
    submission is refused with a 400."""

    serializer_class = AnswersSerializer
    queryset = Questionnaire.objects.none()
    lookup_url_kwarg = "questionnaire_id"

    def clients_may_write(self, request) -> bool:
        return True

    def get_queryset(self):
        return self.client_scope(Questionnaire.objects.for_practice(self.request.practice))

    @extend_schema(
        tags=["onboarding"], summary=_("Submit the answers"), responses=QuestionnaireSerializer
    )
    def post(self, request, *args, **kwargs):
        questionnaire = self.get_object()
        serializer = AnswersSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data, answered = _answers(serializer)
        questionnaire = services.questionnaire_submit(
            practice=request.practice,
            questionnaire=questionnaire,
            data=data,
            services=answered,
            user=request.user,
            by_staff=not request.membership.is_client,
            request=request,
        )
        return ok_response(QuestionnaireSerializer, questionnaire, request)
