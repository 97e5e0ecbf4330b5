"""Colour and safety: an action that destroys or cannot be undone asks first, and red is kept
for problems (a new request is news, not an error)."""

import re
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Routes whose post loses something or cannot be taken back.
DESTRUCTIVE_ROUTES = {
    "api_token_revoke",
    "bank_rule_delete",
    "client_archive",
    "engagement_discard",
    "engagement_end",
    "entry_delete",
    "event_delete",
    "expense_delete",
    "invitation_revoke",
    "invoice_delete",
    "invoice_issue",
    "invoice_line_delete",
    "member_remove",
    "time_delete",
    "timer_discard",
}
FORM_TAG = re.compile(r"<form\b[^>]*>", re.S)
ROUTE = re.compile(r"\{% url '([a-z_]+)'")
REVOKE_BUTTON = re.compile(r"<button\b[^>]*value=\"revoke\"[^>]*>", re.S)


def _templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        yield path.relative_to(TEMPLATES), path.read_text()


def test_it_asks_before_every_destructive_post():
    unasked, seen = [], set()
    for name, text in _templates():
        for tag in FORM_TAG.findall(text):
            routes = set(ROUTE.findall(tag)) & DESTRUCTIVE_ROUTES
            seen |= routes
            if routes and "data-confirm=" not in tag and "hx-confirm=" not in tag:
                unasked.append(f"{name}: {', '.join(sorted(routes))}")
        for button in REVOKE_BUTTON.findall(text):
            seen.add("revoke button")
            if "data-confirm=" not in button:
                unasked.append(f"{name}: a revoke button")
    assert not unasked, "Destructive actions that do not ask first: " + "; ".join(unasked)
    assert seen >= DESTRUCTIVE_ROUTES, DESTRUCTIVE_ROUTES - seen


def test_it_shows_a_new_request_in_blue_and_a_late_answer_in_red():
    def badge(status):
        return render_to_string(
            "tasks/partials/status_badge.html", {"status": status, "label": status}
        )

    assert 'class="badge info"' in badge("requested")
    assert "danger" not in badge("requested")
    assert "danger" not in "".join(badge(s) for s in ("todo", "in_progress", "waiting", "done"))
