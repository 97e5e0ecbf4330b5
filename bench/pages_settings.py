"""Settings of the app as ``bench/pages.py`` serves it: the product's own, plus the bench-only
URLconf (the one-query baseline page) and a middleware that reports each response's queries."""

import warnings

from secretary.settings import *  # noqa: F403
from secretary.settings import MIDDLEWARE, STORAGES

ROOT_URLCONF = "bench.pages_urls"
# Outermost: counts every query of the request (session, user, practice, the page's own).
MIDDLEWARE = ["bench.pages_urls.QueryCountMiddleware", *MIDDLEWARE]
# Static URLs without a manifest (no collectstatic for a bench run).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Whitenoise warns about a static root that no collectstatic made; the pages do not serve it.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
