"""Site-administrator views of the clients app (every practice, explicitly unscoped)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import (
    BrandKit,
    Client,
    ClientStatus,
    ConfidentialityAgreement,
    Contact,
    CoverageWindow,
    Engagement,
    Questionnaire,
    ServiceCategory,
    ServicePlan,
    UsageAlert,
)
from secretary.admin import TenantAdmin as CoreTenantAdmin
from secretary.tenancy import TenantModel


class TenantAdmin(CoreTenantAdmin):
    """Links to other practice rows are shown, not edited, here: the app's services keep them
    inside one practice (the site administrator fixes data, not relationships)."""

    def get_readonly_fields(self, request, obj=None):
        linked = [
            field.name
            for field in self.model._meta.concrete_fields
            if field.is_relation
            and field.name != "practice"
            and isinstance(field.related_model, type)
            and issubclass(field.related_model, TenantModel)
        ]
        return [*super().get_readonly_fields(request, obj), *linked]

    def has_add_permission(self, request):
        return False


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(TenantAdmin):
    list_display = ("name", "practice", "slug", "is_specialty", "archived")
    search_fields = ("name", "slug")


@admin.register(ServicePlan)
class ServicePlanAdmin(TenantAdmin):
    list_display = ("name", "practice", "billing_model", "monthly_fee", "currency", "archived")
    search_fields = ("name",)
    exclude = ("categories",)


@admin.register(Client)
class ClientAdmin(TenantAdmin):
    list_display = ("name", "practice", "status", "specialty", "is_regulated", "currency")
    list_filter = ("practice", "status", "specialty", "is_regulated")
    search_fields = ("name", "billing_email")
    exclude = ("team",)
    actions = ["archive"]

    def get_deleted_objects(self, objs, request):
        # A client with history is protected (tasks, time, documents... ``on_delete=PROTECT``):
        # Django lists what protects it and refuses; say what to do instead.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            messages.warning(
                request,
                _(
                    "Clients with work, time or documents on record are archived, not deleted: "
                    "use the “Archive” action (status “Ended”)."
                ),
            )
        return deleted, counts, perms_needed, protected

    @admin.action(description=gettext_lazy("Archive (status “Ended”)"))
    def archive(self, request, queryset):
        count = queryset.exclude(status=ClientStatus.ENDED).update(status=ClientStatus.ENDED)
        self.message_user(
            request, _("%(count)d client(s) archived.") % {"count": count}, messages.SUCCESS
        )


@admin.register(Contact)
class ContactAdmin(TenantAdmin):
    list_display = ("name", "client", "practice", "email", "is_primary")
    search_fields = ("name", "email")


@admin.register(Engagement)
class EngagementAdmin(TenantAdmin):
    list_display = (
        "client",
        "version",
        "status",
        "practice",
        "monthly_fee",
        "currency",
        "accepted_at",
    )
    list_filter = ("practice", "status")
    exclude = ("categories",)


@admin.register(CoverageWindow)
class CoverageWindowAdmin(TenantAdmin):
    list_display = ("engagement", "plan", "weekday", "start", "end", "practice")


@admin.register(Questionnaire)
class QuestionnaireAdmin(TenantAdmin):
    list_display = ("client", "practice", "status", "sent_at", "submitted_at")
    exclude = ("services",)


@admin.register(ConfidentialityAgreement)
class ConfidentialityAgreementAdmin(TenantAdmin):
    list_display = ("client", "membership", "kind", "signed_on", "practice")


@admin.register(BrandKit)
class BrandKitAdmin(TenantAdmin):
    list_display = ("__str__", "practice", "font", "updated_at")


@admin.register(UsageAlert)
class UsageAlertAdmin(TenantAdmin):
    list_display = ("engagement", "period_start", "percent", "sent_at", "practice")
