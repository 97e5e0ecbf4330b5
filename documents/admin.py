from django.contrib import admin

from documents.models import Document
from secretary.admin import TenantAdmin


@admin.register(Document)
class DocumentAdmin(TenantAdmin):
    list_display = ("title", "practice", "kind", "status", "page_count", "size", "created_at")
    list_filter = ("practice", "kind", "status")
    search_fields = ("title", "render_key", "checksum")
    readonly_fields = (
        "render_key",
        "template_version",
        "checksum",
        "size",
        "page_count",
        "attempts",
        "created_at",
        "updated_at",
        "rendering_started_at",
        "rendered_at",
    )
