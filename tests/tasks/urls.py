"""The root urlconf with this app's dashboard and portal home first.

The core ships placeholders with the same names that are removed when the apps are wired
together; until then the tests of this app resolve those names to the real pages.
"""

from django.urls import include, path

import tasks.urls
from secretary import urls as root

_first = {"dashboard", "portal_home"}
urlpatterns = [
    path(
        "app/<slug:practice_slug>/",
        include([p for p in tasks.urls.staff_patterns if p.name in _first]),
    ),
    path(
        "portal/<slug:practice_slug>/",
        include([p for p in tasks.urls.portal_patterns if p.name in _first]),
    ),
    *root.urlpatterns,
]
handler404 = root.handler404
handler500 = root.handler500
