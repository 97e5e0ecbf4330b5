"""Production settings with the manifest storage but without compression: collectstatic resolves
every reference between static files as the image build does, in seconds instead of minutes."""

from secretary.settings import *  # noqa: F403
from secretary.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
