"""API of the clients app, mounted under /api/v1/practices/<practice_slug>/.

Who may do what:
- categories and plans: staff read; owners and admins write.
- clients, contacts, engagements: staff read and write; a client contact reads its own client,
  its contacts and the engagements proposed to it (never drafts), and accepts or asks for
  changes when allowed to approve documents.
- questionnaires (onboarding answers): staff send, read and fill them; a contact reads and
  answers its own client's, and submits once.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, filters, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clients import selectors, services
from clients.models import (
    Client,
    ClientStatus,
    ClientTeamMember,
    Contact,
    CoverageWindow,
    Engagement,
    EngagementStatus,
    Questionnaire,
    QuestionnaireStatus,
    ServiceCategory,
    ServicePlan,
    Specialty,
)
from clients.serializers import (
    AnswersSerializer,
    CategorySerializer,
    ChangeRequestSerializer,
    ClientInputSerializer,
    ClientPortalSerializer,
    ClientSerializer,
    ContactInputSerializer,
    ContactSerializer,
    EndSerializer,
    EngagementCreateSerializer,
    EngagementSerializer,
    EngagementTermsSerializer,
    PlanInputSerializer,
    PlanSerializer,
    QuestionnaireSendSerializer,
    QuestionnaireSerializer,
)
from secretary.api_base import PracticeScopedMixin
from secretary.models import Role

LIST_BACKENDS = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]


def _windows(practice) -> Prefetch:
    return Prefetch("windows", queryset=CoverageWindow.objects.for_practice(practice))


class ContactScopedMixin(PracticeScopedMixin):
    """Client contacts come in, limited to their own client (404 when not linked)."""

    allow_clients = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        request.contact = None
        if request.membership.is_client:
            request.contact = selectors.contact_for_membership(membership=request.membership)
            if request.contact is None:
                raise Http404

    def client_scope(self, queryset, field: str = "client"):
        contact = getattr(self.request, "contact", None)
        if contact is not None:
            return queryset.filter(**{field: contact.client_id})
        return queryset

    # The attribute naming the client of a row ("client_id", or "pk" for clients): staff reads
    # of a regulated client's rows are written to the audit log, as its pages are. None: the
    # view shows no client records (e.g. the list of clients itself).
    audit_client_of: str | None = None

    def audit_reads(self, rows) -> None:
        request = self.request
        if self.audit_client_of is None or request.method not in ("GET", "HEAD"):
            return
        if request.membership.is_client or not rows:
            return
        ids = {getattr(row, self.audit_client_of) for row in rows}
        for client in Client.objects.for_practice(request.practice).filter(
            pk__in=ids, is_regulated=True
        ):
            services.regulated_view_record(request=request, client=client)

    def get_object(self):
        row = super().get_object()
        self.audit_reads([row])
        return row

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.audit_reads(page if page is not None else list(queryset))
        return page


def _created(serializer_class, instance, request) -> Response:
    return Response(
        serializer_class(instance, context={"request": request}).data,
        status=status.HTTP_201_CREATED,
    )


def _ok(serializer_class, instance, request) -> Response:
    return Response(serializer_class(instance, context={"request": request}).data)


# --- Catalog ------------------------------------------------------------------------------


class CategoryFilter(django_filters.FilterSet):
    class Meta:
        model = ServiceCategory
        fields = ["archived", "is_specialty"]


@extend_schema_view(
    get=extend_schema(tags=["catalog"], summary=_("Service categories")),
    post=extend_schema(tags=["catalog"], summary=_("Add a service category (owners and admins)")),
)
class CategoryListView(PracticeScopedMixin, generics.ListCreateAPIView):
    write_role = Role.ADMIN
    serializer_class = CategorySerializer
    queryset = ServiceCategory.objects.none()
    filter_backends = LIST_BACKENDS
    filterset_class = CategoryFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "position"]

    def get_queryset(self):
        return ServiceCategory.objects.for_practice(self.request.practice).order_by(
            "position", "name", "pk"
        )

    def create(self, request, *args, **kwargs):
        serializer = CategorySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = services.category_create(
            practice=request.practice,
            actor=request.membership,
            data=serializer.validated_data,
            request=request,
        )
        return _created(CategorySerializer, category, request)


@extend_schema_view(
    get=extend_schema(tags=["catalog"], summary=_("A service category")),
    patch=extend_schema(tags=["catalog"], summary=_("Change a category (owners and admins)")),
)
class CategoryDetailView(PracticeScopedMixin, generics.RetrieveUpdateAPIView):
    write_role = Role.ADMIN
    serializer_class = CategorySerializer
    queryset = ServiceCategory.objects.none()
    lookup_url_kwarg = "category_id"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return ServiceCategory.objects.for_practice(self.request.practice)

    def update(self, request, *args, **kwargs):
        category = self.get_object()
        serializer = CategorySerializer(category, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        category = services.category_update(
            practice=request.practice,
            actor=request.membership,
            category=category,
            data=serializer.validated_data,
            request=request,
        )
        return _ok(CategorySerializer, category, request)


class PlanFilter(django_filters.FilterSet):
    class Meta:
        model = ServicePlan
        fields = ["archived", "billing_model", "currency"]


def _plan_kwargs(data: dict) -> dict:
    data = dict(data)
    return {
        "windows": data.pop("windows", None),
        "categories": data.pop("categories", None),
        "data": data,
    }


@extend_schema_view(
    get=extend_schema(tags=["catalog"], summary=_("Service plans of the catalog")),
    post=extend_schema(
        tags=["catalog"],
        summary=_("Add a plan (owners and admins)"),
        request=PlanInputSerializer,
        responses={201: PlanSerializer},
    ),
)
class PlanListView(PracticeScopedMixin, generics.ListCreateAPIView):
    write_role = Role.ADMIN
    serializer_class = PlanSerializer
    queryset = ServicePlan.objects.none()
    filter_backends = LIST_BACKENDS
    filterset_class = PlanFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "monthly_fee", "created_at"]

    def get_queryset(self):
        practice = self.request.practice
        return (
            ServicePlan.objects.for_practice(practice)
            .prefetch_related(_windows(practice), "categories")
            .order_by("name", "pk")
        )

    def create(self, request, *args, **kwargs):
        serializer = PlanInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        plan = services.plan_create(
            practice=request.practice,
            actor=request.membership,
            request=request,
            **_plan_kwargs(serializer.validated_data),
        )
        return _created(PlanSerializer, plan, request)


@extend_schema_view(
    get=extend_schema(tags=["catalog"], summary=_("A service plan")),
    patch=extend_schema(
        tags=["catalog"],
        summary=_("Change or archive a plan (owners and admins)"),
        request=PlanInputSerializer,
        responses=PlanSerializer,
    ),
)
class PlanDetailView(PracticeScopedMixin, generics.RetrieveUpdateAPIView):
    write_role = Role.ADMIN
    serializer_class = PlanSerializer
    queryset = ServicePlan.objects.none()
    lookup_url_kwarg = "plan_id"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        practice = self.request.practice
        return ServicePlan.objects.for_practice(practice).prefetch_related(
            _windows(practice), "categories"
        )

    def update(self, request, *args, **kwargs):
        plan = self.get_object()
        serializer = PlanInputSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        plan = services.plan_update(
            practice=request.practice,
            actor=request.membership,
            plan=plan,
            request=request,
            **_plan_kwargs(serializer.validated_data),
        )
        return _ok(
            PlanSerializer, selectors.plan_get(practice=request.practice, plan_id=plan.pk), request
        )


# --- Clients and contacts -----------------------------------------------------------------


class ClientFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ClientStatus.choices)
    specialty = django_filters.ChoiceFilter(choices=Specialty.choices)
    secretary = django_filters.NumberFilter(
        method="filter_secretary", label=_("Membership id of a secretary serving it")
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Only clients you serve"))

    class Meta:
        model = Client
        fields = ["status", "specialty", "is_regulated"]

    def _served_by(self, queryset, membership_id):
        team = (
            ClientTeamMember.objects.for_practice(self.request.practice)
            .filter(membership_id=membership_id)
            .values("client_id")
        )
        return queryset.filter(pk__in=team) | queryset.filter(primary_secretary_id=membership_id)

    def filter_secretary(self, queryset, name, value):
        return self._served_by(queryset, value) if value is not None else queryset

    def filter_mine(self, queryset, name, value):
        return self._served_by(queryset, self.request.membership.pk) if value else queryset


@extend_schema_view(
    get=extend_schema(
        tags=["clients"],
        summary=_("Clients of the practice"),
        description=_("A client contact sees only its own client."),
    ),
    post=extend_schema(
        tags=["clients"],
        summary=_("Add a client"),
        request=ClientInputSerializer,
        responses={201: ClientSerializer},
    ),
)
class ClientListView(ContactScopedMixin, generics.ListCreateAPIView):
    serializer_class = ClientSerializer
    queryset = Client.objects.none()
    filter_backends = LIST_BACKENDS
    filterset_class = ClientFilter
    search_fields = ["name", "billing_email"]
    ordering_fields = ["name", "status", "created_at"]

    def get_queryset(self):
        practice = self.request.practice
        qs = (
            Client.objects.for_practice(practice)
            .prefetch_related(
                Prefetch("team_links", queryset=ClientTeamMember.objects.for_practice(practice))
            )
            .order_by("name", "pk")
        )
        return self.client_scope(qs, "pk")

    def list(self, request, *args, **kwargs):
        if request.contact is not None:
            return _contact_clients(self, request)
        return super().list(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = ClientInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("team", None)
        client = services.client_create(
            practice=request.practice, actor=request.membership, data=data, request=request
        )
        return _created(ClientSerializer, client, request)


def _contact_clients(view, request) -> Response:
    page = view.paginate_queryset(view.filter_queryset(view.get_queryset()))
    return view.get_paginated_response(ClientPortalSerializer(page, many=True).data)


@extend_schema_view(
    get=extend_schema(
        tags=["clients"],
        summary=_("A client"),
        description=_("Staff views of a regulated client are audited."),
    ),
    patch=extend_schema(
        tags=["clients"],
        summary=_("Change a client, its primary secretary or team"),
        request=ClientInputSerializer,
        responses=ClientSerializer,
    ),
)
class ClientDetailView(ContactScopedMixin, generics.RetrieveUpdateAPIView):
    serializer_class = ClientSerializer
    audit_client_of = "pk"
    queryset = Client.objects.none()
    lookup_url_kwarg = "client_id"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return self.client_scope(Client.objects.for_practice(self.request.practice), "pk")

    def retrieve(self, request, *args, **kwargs):
        client = self.get_object()
        if request.contact is not None:
            return _ok(ClientPortalSerializer, client, request)
        return _ok(ClientSerializer, client, request)

    def update(self, request, *args, **kwargs):
        client = self.get_object()
        serializer = ClientInputSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        client = services.client_update(
            practice=request.practice,
            actor=request.membership,
            client=client,
            data=dict(serializer.validated_data),
            request=request,
        )
        return _ok(ClientSerializer, client, request)


class ContactFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")

    class Meta:
        model = Contact
        fields = ["client", "is_primary"]


@extend_schema_view(
    get=extend_schema(
        tags=["clients"],
        summary=_("Contacts of the practice's clients"),
        description=_("A client contact sees its own client's contacts."),
    ),
    post=extend_schema(
        tags=["clients"],
        summary=_("Add a contact to a client"),
        request=ContactInputSerializer,
        responses={201: ContactSerializer},
    ),
)
class ContactListView(ContactScopedMixin, generics.ListCreateAPIView):
    serializer_class = ContactSerializer
    audit_client_of = "client_id"
    queryset = Contact.objects.none()
    filter_backends = LIST_BACKENDS
    filterset_class = ContactFilter
    search_fields = ["name", "email"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return self.client_scope(
            Contact.objects.for_practice(self.request.practice).order_by(
                "client_id", "-is_primary", "name", "pk"
            )
        )

    def create(self, request, *args, **kwargs):
        serializer = ContactInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        client = data.pop("client", None)
        if client is None:
            raise exceptions.ValidationError({"client": [_("This field is required.")]})
        contact = services.contact_create(
            practice=request.practice,
            actor=request.membership,
            client=client,
            data=data,
            request=request,
        )
        return _created(ContactSerializer, contact, request)


@extend_schema_view(
    get=extend_schema(tags=["clients"], summary=_("A contact")),
    patch=extend_schema(
        tags=["clients"],
        summary=_("Change a contact"),
        request=ContactInputSerializer,
        responses=ContactSerializer,
    ),
)
class ContactDetailView(ContactScopedMixin, generics.RetrieveUpdateAPIView):
    serializer_class = ContactSerializer
    audit_client_of = "client_id"
    queryset = Contact.objects.none()
    lookup_url_kwarg = "contact_id"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return self.client_scope(Contact.objects.for_practice(self.request.practice))

    def update(self, request, *args, **kwargs):
        contact = self.get_object()
        serializer = ContactInputSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.pop("client", contact.client) != contact.client:
            raise exceptions.ValidationError({"client": [_("A contact cannot change client.")]})
        contact = services.contact_update(
            practice=request.practice,
            actor=request.membership,
            contact=contact,
            data=data,
            request=request,
        )
        return _ok(ContactSerializer, contact, request)


# --- Onboarding ---------------------------------------------------------------------------


class QuestionnaireFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
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
class QuestionnaireListView(ContactScopedMixin, generics.ListCreateAPIView):
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
        return _created(QuestionnaireSerializer, questionnaire, request)


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
        return _ok(QuestionnaireSerializer, questionnaire, request)


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
        return _ok(QuestionnaireSerializer, questionnaire, request)


# --- Engagements --------------------------------------------------------------------------


class EngagementFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    status = django_filters.ChoiceFilter(choices=EngagementStatus.choices)

    class Meta:
        model = Engagement
        fields = ["client", "status"]


CLIENT_VISIBLE = [
    EngagementStatus.PROPOSED,
    EngagementStatus.CHANGES_REQUESTED,
    EngagementStatus.ACTIVE,
    EngagementStatus.SUPERSEDED,
    EngagementStatus.ENDED,
]


class EngagementScopedMixin(ContactScopedMixin):
    queryset = Engagement.objects.none()
    audit_client_of = "client_id"

    def get_queryset(self):
        practice = self.request.practice
        qs = (
            Engagement.objects.for_practice(practice)
            .select_related("accepted_by")
            .prefetch_related(_windows(practice), "categories")
            .order_by("client_id", "-version", "-pk")
        )
        if getattr(self.request, "contact", None) is not None:
            qs = qs.filter(status__in=CLIENT_VISIBLE)
        return self.client_scope(qs)


def _terms(validated: dict) -> dict:
    data = dict(validated)
    return {
        "windows": data.pop("windows", None),
        "categories": data.pop("categories", None),
        "data": data,
    }


@extend_schema_view(
    get=extend_schema(
        tags=["engagements"],
        summary=_("Engagements (customized plans)"),
        description=_("A client contact sees its own, never drafts."),
    ),
    post=extend_schema(
        tags=["engagements"],
        summary=_("Draft an engagement from a catalog plan or from scratch"),
        request=EngagementCreateSerializer,
        responses={201: EngagementSerializer},
    ),
)
class EngagementListView(EngagementScopedMixin, generics.ListCreateAPIView):
    serializer_class = EngagementSerializer
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = EngagementFilter
    ordering_fields = ["version", "created_at", "accepted_at"]

    def create(self, request, *args, **kwargs):
        serializer = EngagementCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        client, plan = data.pop("client"), data.pop("plan", None)
        engagement = services.engagement_create(
            practice=request.practice,
            actor=request.membership,
            client=client,
            plan=plan,
            request=request,
            **_terms(data),
        )
        return _created(
            EngagementSerializer,
            selectors.engagement_get(practice=request.practice, engagement_id=engagement.pk),
            request,
        )


@extend_schema_view(
    get=extend_schema(tags=["engagements"], summary=_("An engagement")),
    patch=extend_schema(
        tags=["engagements"],
        summary=_("Change the terms of a draft (or one sent back for changes)"),
        request=EngagementTermsSerializer,
        responses=EngagementSerializer,
    ),
)
class EngagementDetailView(EngagementScopedMixin, generics.RetrieveUpdateAPIView):
    serializer_class = EngagementSerializer
    lookup_url_kwarg = "engagement_id"
    http_method_names = ["get", "patch", "head", "options"]

    def update(self, request, *args, **kwargs):
        engagement = self.get_object()
        serializer = EngagementTermsSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        services.engagement_update(
            practice=request.practice,
            actor=request.membership,
            engagement=engagement,
            request=request,
            **_terms(serializer.validated_data),
        )
        return _ok(
            EngagementSerializer,
            selectors.engagement_get(practice=request.practice, engagement_id=engagement.pk),
            request,
        )


class EngagementActionView(EngagementScopedMixin, APIView):
    """Base of the state changes of an engagement (POST only)."""

    input_serializer = None
    for_contacts = False

    def clients_may_write(self, request) -> bool:
        return self.for_contacts

    def get_object(self) -> Engagement:
        engagement = self.get_queryset().filter(pk=self.kwargs["engagement_id"]).first()
        if engagement is None:
            raise Http404
        return engagement

    def post(self, request, *args, **kwargs):
        engagement = self.get_object()
        if self.for_contacts and not request.membership.is_client:
            raise exceptions.PermissionDenied(_("Only the client's contacts answer a proposal."))
        data = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        result = self.act(request, engagement, data)
        return _ok(
            EngagementSerializer,
            selectors.engagement_get(practice=request.practice, engagement_id=result.pk),
            request,
        )


def _action(summary, *, request=None, description=""):
    return extend_schema(
        tags=["engagements"],
        summary=summary,
        description=description,
        request=request,
        responses=EngagementSerializer,
    )


class EngagementProposeView(EngagementActionView):
    @_action(_("Propose to the client (renders the service agreement)"))
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, engagement, data):
        return services.engagement_propose(
            practice=request.practice,
            actor=request.membership,
            engagement=engagement,
            request=request,
        )


class EngagementWithdrawView(EngagementActionView):
    @_action(_("Withdraw a proposal back to draft"))
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, engagement, data):
        return services.engagement_withdraw(
            practice=request.practice,
            actor=request.membership,
            engagement=engagement,
            request=request,
        )


class EngagementReviseView(EngagementActionView):
    @_action(
        _("Change an active engagement: draft its next version"),
        description=_(
            "Answers with the new draft; the active one stays in force until "
            "the client accepts the new version."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, engagement, data):
        return services.engagement_revise(
            practice=request.practice,
            actor=request.membership,
            engagement=engagement,
            request=request,
        )


class EngagementEndView(EngagementActionView):
    input_serializer = EndSerializer

    @_action(_("End the active engagement"), request=EndSerializer)
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, engagement, data):
        return services.engagement_end(
            practice=request.practice,
            actor=request.membership,
            engagement=engagement,
            end_date=data.get("end_date"),
            request=request,
        )


class EngagementAcceptView(EngagementActionView):
    for_contacts = True

    @_action(
        _("Accept a proposal (client contacts who may approve documents)"),
        description=_(
            "Records who accepted and when. A client has at most one active "
            "engagement: accepting a new version supersedes the one it "
            "replaces."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, engagement, data):
        if not request.contact.portal_documents:
            raise exceptions.PermissionDenied(_("You are not allowed to approve documents."))
        return services.engagement_accept(
            practice=request.practice,
            engagement=engagement,
            membership=request.membership,
            request=request,
        )


class EngagementRequestChangesView(EngagementActionView):
    for_contacts = True
    input_serializer = ChangeRequestSerializer

    @_action(
        _("Ask for changes to a proposal, with a comment (client contacts)"),
        request=ChangeRequestSerializer,
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, engagement, data):
        if not request.contact.portal_documents:
            raise exceptions.PermissionDenied(_("You are not allowed to approve documents."))
        return services.engagement_request_changes(
            practice=request.practice,
            engagement=engagement,
            membership=request.membership,
            comment=data["comment"],
            request=request,
        )


api_patterns: list = [
    path("categories/", CategoryListView.as_view(), name="api_category_list"),
    path("categories/<int:category_id>/", CategoryDetailView.as_view(), name="api_category_detail"),
    path("plans/", PlanListView.as_view(), name="api_plan_list"),
    path("plans/<int:plan_id>/", PlanDetailView.as_view(), name="api_plan_detail"),
    path("clients/", ClientListView.as_view(), name="api_client_list"),
    path("clients/<int:client_id>/", ClientDetailView.as_view(), name="api_client_detail"),
    path("contacts/", ContactListView.as_view(), name="api_contact_list"),
    path("contacts/<int:contact_id>/", ContactDetailView.as_view(), name="api_contact_detail"),
    path("questionnaires/", QuestionnaireListView.as_view(), name="api_questionnaire_list"),
    path(
        "questionnaires/<int:questionnaire_id>/",
        QuestionnaireDetailView.as_view(),
        name="api_questionnaire_detail",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/submit/",
        QuestionnaireSubmitView.as_view(),
        name="api_questionnaire_submit",
    ),
    path("engagements/", EngagementListView.as_view(), name="api_engagement_list"),
    path(
        "engagements/<int:engagement_id>/",
        EngagementDetailView.as_view(),
        name="api_engagement_detail",
    ),
    path(
        "engagements/<int:engagement_id>/propose/",
        EngagementProposeView.as_view(),
        name="api_engagement_propose",
    ),
    path(
        "engagements/<int:engagement_id>/withdraw/",
        EngagementWithdrawView.as_view(),
        name="api_engagement_withdraw",
    ),
    path(
        "engagements/<int:engagement_id>/revise/",
        EngagementReviseView.as_view(),
        name="api_engagement_revise",
    ),
    path(
        "engagements/<int:engagement_id>/end/",
        EngagementEndView.as_view(),
        name="api_engagement_end",
    ),
    path(
        "engagements/<int:engagement_id>/accept/",
        EngagementAcceptView.as_view(),
        name="api_engagement_accept",
    ),
    path(
        "engagements/<int:engagement_id>/request-changes/",
        EngagementRequestChangesView.as_view(),
        name="api_engagement_request_changes",
    ),
]
