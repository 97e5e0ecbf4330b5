from celery.schedules import crontab
from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The beat jobs of the core, merged into CELERY_BEAT_SCHEDULE when the app loads.
BEAT_SCHEDULE = {
    "secretary-purge-idempotency-keys": {
        "task": "secretary.tasks.purge_idempotency_keys",
        "schedule": crontab(minute=17),
    },
}


class SecretaryConfig(AppConfig):
    name = "secretary"
    verbose_name = _("Secretary core")

    def ready(self) -> None:
        from django.db import models
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate
        from rest_framework.serializers import ModelSerializer

        from secretary import (
            api_types,
            checks,  # noqa: F401  (system checks)
            rls,
            signals,  # noqa: F401  (login/logout security logging)
        )
        from secretary.api_fields import ApiDateTimeField
        from secretary.models import Role
        from secretary.navigation import register_staff_nav

        connection_created.connect(rls.set_app_role, dispatch_uid="secretary.rls.app_role")
        post_migrate.connect(
            rls.apply_policies_after_migrate, dispatch_uid="secretary.rls.policies"
        )
        settings.CELERY_BEAT_SCHEDULE.update(BEAT_SCHEDULE)
        # No API list fails on a stored date the viewer's time zone cannot show.
        ModelSerializer.serializer_field_mapping[models.DateTimeField] = ApiDateTimeField
        # JSON values of the types the schema documents, and no other.
        api_types.install()
        # After the feature apps' items (they use the default order, 50).
        register_staff_nav(
            "practice_settings", _("Practice"), min_role=Role.ADMIN, order=78, group="settings"
        )
        register_staff_nav(
            "members", _("Members"), min_role=Role.SECRETARY, order=80, group="settings"
        )
        register_staff_nav(
            "activity", _("Activity"), min_role=Role.ADMIN, order=85, group="settings"
        )
        register_staff_nav(
            "api_tokens", _("API tokens"), min_role=Role.SECRETARY, order=90, group="settings"
        )
