"""At the width of a phone (390 px) no page scrolls sideways.

The pages are those of the isolation registry (``tests/<app>/isolation.py``): every staff and
portal page that answers HTML to a GET, opened by the reader ``READERS`` names for its prefix (a
new page is checked as soon as it is registered). A page that cannot be checked goes in
``SKIPPED`` with the reason.
"""

import pytest
from django.urls import reverse

from tests.browser.session import signed_in
from tests.conftest import client_for
from tests.isolation import collect
from tests.tasks.factories import ClientFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Who opens the pages under each prefix (a member of the world fixture).
READERS = {"/app/": "owner", "/portal/": "client_contact"}
# Route names left out of the sweep, each with why.
SKIPPED: dict[str, str] = {}
# Pages whose phone screenshot is kept in test-artifacts/screenshots/ (mobile-<name>.png).
SCREENSHOTS = {"dashboard", "task_list", "task_detail", "client_list", "timer"}
# Staff pages whose look changed, kept at desktop width too (staff-<name>.png).
DESKTOP_SCREENSHOTS = {
    "client_detail",
    "engagement_detail",
    "event_list",
    "billing_dashboard",
    "invoice_edit",
    "plan_detail",
    "task_detail",
    "timer",
}

SIDEWAYS = """() => {
  const page = document.scrollingElement;
  if (page.scrollWidth <= window.innerWidth) return null;
  // Name the widest elements that stick out, to say what to fix.
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right > window.innerWidth + 1 && el.offsetParent !== null) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")} right=${Math.round(box.right)}`);
    }
  }
  return {scrollWidth: page.scrollWidth, innerWidth: window.innerWidth, out: out.slice(0, 5)};
}"""


def _pages(world) -> list[tuple[str, str, object]]:
    """(route name, url, member) of every page the sweep opens: the registered routes whose
    reader gets an HTML page by GET (not a file, a fragment or a form's target)."""
    practice_routes, _ = collect(world)
    clients = {}
    pages = []
    for name, kwargs in sorted(practice_routes.items()):
        url = reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})
        prefix = next((p for p in READERS if url.startswith(p)), None)
        if prefix is None or name in SKIPPED:
            continue
        member = getattr(world, READERS[prefix])
        client = clients.setdefault(member.pk, client_for(member.user))
        answer = client.get(url)
        if answer.status_code == 200 and answer["Content-Type"].startswith("text/html"):
            pages.append((name, url, member))
    return pages


def test_no_page_scrolls_sideways_on_a_phone(live_server, browser, world, screenshot_dir):
    contexts, problems, opened, seen_portal = {}, [], 0, 0
    for name, url, member in _pages(world):
        if member.pk not in contexts:
            contexts[member.pk] = signed_in(browser, live_server, member.user, **PHONE)
            contexts[member.pk].set_default_timeout(15_000)
        page = contexts[member.pk].new_page()
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        opened += 1
        seen_portal += url.startswith("/portal/")
        sideways = page.evaluate(SIDEWAYS)
        if sideways:
            problems.append(f"{url}: {sideways}")
        if name in SCREENSHOTS:
            page.screenshot(path=str(screenshot_dir / f"mobile-{name}.png"), full_page=True)
        page.close()
    for context in contexts.values():
        context.close()
    assert not problems, "Pages that scroll sideways at 390 px:\n" + "\n".join(problems)
    # The sweep saw the pages, not a registry that answered nothing
    assert opened >= 60 and seen_portal >= 5, (opened, seen_portal)


def test_it_folds_the_menu_and_the_filters_and_shows_lists_as_cards_on_a_phone(
    live_server, browser, world, screenshot_dir
):
    client = ClientFactory(practice=world.practice, name="Northwind Legal")
    TaskFactory(practice=world.practice, client=client, title="Book Tokyo flights")
    slug = world.practice.slug
    phone = signed_in(browser, live_server, world.owner.user, **PHONE).new_page()
    phone.goto(live_server.url + reverse("task_list", args=[slug]) + "?client=" + str(client.pk))

    # The menu is folded behind its button, and opens with it
    menu = phone.get_by_role("button", name="Menu")
    clients_link = phone.get_by_role("navigation", name="Main").get_by_role("link", name="Clients")
    assert menu.is_visible() and not clients_link.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true" and clients_link.is_visible()
    phone.screenshot(path=str(screenshot_dir / "mobile-menu.png"))
    menu.click()
    assert not clients_link.is_visible()

    # The filters are folded behind a button that says how many are set
    filters = phone.get_by_role("button", name="Filters (1)")
    assert filters.is_visible() and not phone.locator("#id_q").is_visible()
    filters.click()
    assert phone.locator("#id_q").is_visible()

    # The list reads as cards: each value beside its column's name
    cell = phone.locator("td", has_text="Northwind Legal")
    assert cell.get_attribute("data-label") == "Client"
    assert phone.locator("table.table-cards thead").bounding_box()["height"] <= 1
    before = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert before == '"Client"'

    # On a desktop nothing is folded
    desk = signed_in(browser, live_server, world.owner.user).new_page()
    desk.goto(live_server.url + reverse("task_list", args=[slug]))
    assert not desk.get_by_role("button", name="Menu").is_visible()
    assert (
        desk.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").is_visible()
    )
    assert desk.locator("#id_q").is_visible()
    assert desk.locator("table.table thead").bounding_box()["height"] > 10


def test_the_changed_pages_fit_a_desktop_window(live_server, browser, world, screenshot_dir):
    pages = [(name, url) for name, url, _member in _pages(world) if name in DESKTOP_SCREENSHOTS]
    context = signed_in(browser, live_server, world.owner.user)
    errors: list[str] = []
    problems = []
    for name, url in pages:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        sideways = page.evaluate(SIDEWAYS)
        if sideways:
            problems.append(f"{url}: {sideways}")
        page.screenshot(path=str(screenshot_dir / f"staff-{name}.png"), full_page=True)
        page.close()
    context.close()
    assert sorted(name for name, _url in pages) == sorted(DESKTOP_SCREENSHOTS)
    assert not problems and not errors, (problems, errors)
