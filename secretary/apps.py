from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecretaryConfig(AppConfig):
    name = "secretary"
    verbose_name = _("Secretary core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from secretary import (
            rls,
            signals,  # noqa: F401  (login/logout security logging)
        )
        from secretary.models import Role
        from secretary.navigation import register_staff_nav

        connection_created.connect(rls.set_app_role, dispatch_uid="secretary.rls.app_role")
        post_migrate.connect(
            rls.apply_policies_after_migrate, dispatch_uid="secretary.rls.policies"
        )

        # After the feature apps' items (they use the default order, 50).
        register_staff_nav(
            "members", _("Members"), min_role=Role.SECRETARY, order=80, group="settings"
        )
        register_staff_nav(
            "activity", _("Activity"), min_role=Role.ADMIN, order=85, group="settings"
        )
        register_staff_nav(
            "api_tokens", _("API tokens"), min_role=Role.SECRETARY, order=90, group="settings"
        )
