"""The UI shell: staff navigation, portal layout, practice switcher, friendly error pages."""

import json
import re

from django.contrib.staticfiles import finders
from django.urls import reverse

from secretary import views
from secretary.models import Role
from tests.factories import MembershipFactory

SLUG = "harbour-desk"


def test_it_shows_staff_the_nav_items_their_role_allows(world, owner_client, secretary_client):
    owner_page = owner_client.get(reverse("dashboard", args=[SLUG])).content.decode()
    secretary_page = secretary_client.get(reverse("dashboard", args=[SLUG])).content.decode()

    for label, address in (
        ("Members", "members/"),
        ("Activity", "activity/"),
        ("API tokens", "settings/tokens/"),
    ):
        assert f'href="/app/{SLUG}/{address}"' in owner_page, label
    assert f'href="/app/{SLUG}/members/"' in secretary_page
    assert f'href="/app/{SLUG}/activity/"' not in secretary_page
    assert f'href="/app/{SLUG}/settings/tokens/"' in secretary_page


def test_it_keeps_people_logs_and_tokens_in_the_settings_menu(world, owner_client):
    # When the owner opens the dashboard
    page = owner_client.get(reverse("dashboard", args=[SLUG])).content.decode()
    # Then the day-to-day pages sit in the bar and the rest in one Settings menu
    menu = page[page.index('<li class="nav-more">') :]
    menu = menu[: menu.index("</details>")]
    for address in ("members/", "activity/", "settings/tokens/"):
        assert f'href="/app/{SLUG}/{address}"' in menu
    bar = page[page.index("<nav") : page.index('<li class="nav-more">')]
    assert f'href="/app/{SLUG}/clients/"' in bar
    assert f'href="/app/{SLUG}/members/"' not in bar


def test_it_marks_the_current_page_in_the_nav(world, owner_client):
    page = owner_client.get(reverse("members", args=[SLUG])).content.decode()

    assert f'<a href="/app/{SLUG}/members/" aria-current="page">Members</a>' in page


def test_it_gives_client_contacts_the_simpler_portal_layout(world, contact_client):
    page = contact_client.get(reverse("portal_home", args=[SLUG])).content.decode()

    assert 'class="portal"' in page
    assert "Client portal" in page
    assert "/members/" not in page and "Dashboard" not in page


def test_it_shows_the_switcher_only_with_several_practices(world, owner_client):
    single = owner_client.get(reverse("dashboard", args=[SLUG])).content.decode()
    MembershipFactory(practice=world.other_practice, user=world.owner.user, role=Role.ADMIN)
    several = owner_client.get(reverse("dashboard", args=[SLUG])).content.decode()

    assert 'id="practice-switcher"' not in single
    assert 'id="practice-switcher"' in several
    assert '<option value="/app/harbour-desk/" selected>Harbour Desk</option>' in several


def test_it_links_every_asset_of_the_layout_from_our_own_static_files(db, client):
    page = client.get(reverse("home")).content.decode()

    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert {"/static/img/favicon.svg", "/static/css/app.css"} <= set(assets)
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    links = re.findall(r'(?:href|src)="([^"]+)"', page)
    assert [link for link in links if "//" in link] == []  # nothing from another host


def test_it_shows_friendly_error_pages(world, secretary_client, client):
    forbidden = secretary_client.get(reverse("activity", args=[SLUG]))
    missing = client.get("/no-such-page/")

    assert forbidden.status_code == 403
    assert "have permission to do that" in forbidden.content.decode()
    assert "Back to Harbour Desk" in forbidden.content.decode()
    assert missing.status_code == 404
    assert "find that page" in missing.content.decode()


def test_it_answers_a_practice_that_does_not_exist_with_the_friendly_404(world, owner_client):
    response = owner_client.get("/app/no-such-practice/members/")

    assert response.status_code == 404
    assert "find that page" in response.content.decode()


def test_it_checks_ownership(world, outsider_client, contact_client, secretary_client):
    assert outsider_client.get(reverse("dashboard", args=[SLUG])).status_code == 404
    assert outsider_client.get(reverse("portal_home", args=[SLUG])).status_code == 404
    assert contact_client.get(reverse("dashboard", args=[SLUG])).status_code == 404
    assert secretary_client.get(reverse("portal_home", args=[SLUG])).status_code == 404


def test_it_shows_a_friendly_500_page_and_json_under_the_api(rf):
    page = views.server_error(rf.get("/app/harbour-desk/"))
    api = views.server_error(rf.get("/api/v1/me/"))

    assert page.status_code == 500
    assert "Something went wrong on our side" in page.content.decode()
    assert api.status_code == 500
    assert json.loads(api.content) == {"message": "Server error.", "errors": {}}


def test_it_lists_the_keyboard_shortcuts_on_staff_pages_only(world, owner_client, contact_client):
    page = owner_client.get(reverse("task_list", args=[SLUG])).content.decode()
    start = page.index('<dialog class="shortcuts"')
    dialog = page[start : page.index("</dialog>", start)]
    for keys, address in (
        ("g d", f"/app/{SLUG}/"),
        ("g t", f"/app/{SLUG}/tasks/"),
        ("n", f"/app/{SLUG}/tasks/new/"),
        ("/", f"/app/{SLUG}/search/"),
    ):
        assert f'<a href="{address}" data-shortcut="{keys}">' in dialog, keys
    assert "data-shortcuts-open" in page
    portal = contact_client.get(reverse("portal_home", args=[SLUG])).content.decode()
    assert "data-shortcut=" not in portal and "data-shortcuts-open" not in portal


def test_the_navigation_kept_from_page_to_page_follows_the_page_and_the_role(
    world, owner_client, secretary_client
):
    """The navigation is rendered once per process for what it is made of (its links, their
    state, the language): each page still marks its own section, each role sees its own
    entries."""

    def nav(client, name):
        page = client.get(reverse(name, args=[SLUG])).content.decode()
        return page[page.index("<nav") : page.index("</nav>")], page

    members, _page = nav(owner_client, "members")
    tasks, _page = nav(owner_client, "task_list")
    assert f'<a href="/app/{SLUG}/members/" aria-current="page">' in members
    assert f'<a href="/app/{SLUG}/tasks/" aria-current="page">' not in members
    assert f'<a href="/app/{SLUG}/tasks/" aria-current="page">' in tasks
    assert f'<a href="/app/{SLUG}/members/" aria-current="page">' not in tasks
    secretary_members, _page = nav(secretary_client, "members")
    assert f'href="/app/{SLUG}/activity/"' in members
    assert f'href="/app/{SLUG}/activity/"' not in secretary_members
    again, _page = nav(owner_client, "members")
    assert again == members


def test_it_draws_a_practices_own_topbar_parts_as_the_page_would(world, owner_client):
    from django.template import engines
    from django.test import RequestFactory

    from secretary.navigation import STAFF_TOPBAR

    # Given the parts of the staff top bar that show nothing but the practice's
    per_practice = [part for part in STAFF_TOPBAR if part.per_practice]
    assert per_practice
    page = owner_client.get(reverse("dashboard", args=[SLUG])).content.decode()
    request = RequestFactory().get(f"/app/{SLUG}/")
    for part in per_practice:
        # When one renders with a page's whole context, as a template of the page would
        drawn = engines["django"].get_template(part.template_name)
        markup = drawn.render({"practice": world.practice, "user": world.owner.user}, request)
        # Then the page shows exactly that (kept once per practice and language)
        assert markup.strip() and markup in page
