from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecretaryConfig(AppConfig):
    name = "secretary"
    verbose_name = _("Secretary core")

    def ready(self) -> None:
        from secretary import signals  # noqa: F401  (login/logout security logging)
