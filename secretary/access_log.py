"""gunicorn's access log without the secrets that URLs carry (``logger_class`` in
``gunicorn.conf.py``).

Calendar apps poll their private feed URL every few minutes, and invitation, password-reset and
email-confirmation links hold a credential too: one line per request would otherwise put these
secrets in log storage, in the request line and in the ``Referer`` of the next page.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from secretary.log_filters import redact_url_secrets


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            name: redact_url_secrets(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }
