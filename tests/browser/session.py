"""Signing people in for browser tests without the login form: a session made by Django's test
client, handed to the browser as its cookie (the login form has tests of its own, and its rate
limits would slow a test that signs in many times)."""

from django.conf import settings
from django.test import Client


def signed_in(browser, live_server, user, *, width: int = 1280, height: int = 900):
    """A new browser context whose requests carry ``user``'s session."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context
