from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from secretary import rls
from secretary.models import (
    ActivityEvent,
    ApiToken,
    Invitation,
    Membership,
    Outbox,
    Practice,
    User,
)

# The site administrator works across practices (and deleting a user or a practice cascades
# through every practice's rows): each admin page runs under the explicit bypass.
_site_admin_view = admin.site.admin_view


def _cross_practice_admin_view(view, cacheable=False):
    return _site_admin_view(rls.cross_practice_view("admin site")(view), cacheable)


admin.site.admin_view = _cross_practice_admin_view


class TenantAdmin(admin.ModelAdmin):
    """Admin of a tenant model: the site administrator sees every practice (explicitly)."""

    list_filter = ("practice",)

    def get_queryset(self, request):
        return self.model.objects.unscoped().select_related("practice")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff", "date_joined")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "time_zone")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "time_zone", "currency", "created_at")
    search_fields = ("name", "slug")


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ("user", "practice", "role", "created_at")


@admin.register(Invitation)
class InvitationAdmin(TenantAdmin):
    list_display = ("email", "practice", "role", "created_at", "expires_at", "accepted_at")
    exclude = ("token_hash",)


@admin.register(ApiToken)
class ApiTokenAdmin(TenantAdmin):
    list_display = ("name", "hint", "practice", "membership", "created_at", "revoked_at")


@admin.register(ActivityEvent)
class ActivityEventAdmin(TenantAdmin):
    list_display = ("created_at", "practice", "actor", "verb", "target_repr", "ip_address")


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    """Background jobs, for operators: what waits, what failed to publish, what was abandoned.
    Read-only, and without arguments (they may hold a secret until the job is done)."""

    list_display = (
        "task_name",
        "practice",
        "created_at",
        "sent_at",
        "deliveries",
        "failures",
        "done_at",
        "last_error",
    )
    list_filter = ("task_name",)
    exclude = ("args", "kwargs")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
