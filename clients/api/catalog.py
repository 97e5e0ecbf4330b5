"""API of the service catalog: categories and plans (staff read; owners and admins write)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics

from clients import selectors, services
from clients.api.common import LIST_BACKENDS, created_response, ok_response, windows_prefetch
from clients.models import (
    ServiceCategory,
    ServicePlan,
)
from clients.serializers import (
    CategorySerializer,
    PlanInputSerializer,
    PlanSerializer,
)
from secretary.api_base import PracticeScopedMixin
from secretary.api_filters import FilterSet
from secretary.idempotency import IdempotentCreateMixin
from secretary.models import Role

# --- Catalog ------------------------------------------------------------------------------


class CategoryFilter(FilterSet):
    class Meta:
        model = ServiceCategory
        fields = ["archived", "is_specialty"]


@extend_schema_view(
    get=extend_schema(tags=["catalog"], summary=_("Service categories")),
    post=extend_schema(tags=["catalog"], summary=_("Add a service category (owners and admins)")),
)
class CategoryListView(IdempotentCreateMixin, PracticeScopedMixin, generics.ListCreateAPIView):
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
        return created_response(CategorySerializer, category, request)


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
        return ok_response(CategorySerializer, category, request)


class PlanFilter(FilterSet):
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
class PlanListView(IdempotentCreateMixin, PracticeScopedMixin, generics.ListCreateAPIView):
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
            .prefetch_related(windows_prefetch(practice), "categories")
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
        return created_response(PlanSerializer, plan, request)


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
            windows_prefetch(practice), "categories"
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
        return ok_response(
            PlanSerializer, selectors.plan_get(practice=request.practice, plan_id=plan.pk), request
        )
