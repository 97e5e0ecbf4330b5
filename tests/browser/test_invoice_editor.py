"""The invoice editor in a real browser: the demo owner opens a draft the invoice run made,
adds a line, changes its quantity and price, sees the totals (net, tax, total) follow without
the page being loaded again, and issues the invoice, which gets its number."""

import re
from decimal import Decimal

import pytest

from billing.models import Invoice, InvoiceKind, InvoiceStatus
from secretary.demo import DEMO_PASSWORD, OWNER, seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIENT = "Northwind Legal"


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def totals(page) -> dict[str, str]:
    """The editor's totals as shown: {"Subtotal": "USD 1,234.00", "Tax": ..., "Total": ...}."""
    box = page.locator("#invoice-totals")
    names = [text.strip() for text in box.locator("dt").all_inner_texts()]
    values = [text.strip() for text in box.locator("dd").all_inner_texts()]
    return dict(zip(names, values, strict=True))


DUPLICATE_IDS = """() => {
  const seen = new Map();
  document.querySelectorAll("[id]").forEach((el) => seen.set(el.id, (seen.get(el.id) || 0) + 1));
  return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
}"""


def money(value: Decimal, currency: str) -> str:
    from secretary.money import format_money

    return format_money(value, currency)


def test_it_edits_a_draft_with_live_totals_and_issues_it(
    live_server, browser, screenshot_dir, background
):
    from playwright.sync_api import expect

    # Given the demo, whose invoice run left a draft for Northwind Legal's last month
    demo = seed_demo()
    draft = (
        Invoice.objects.for_practice(demo.practice)
        .filter(client__name=CLIENT, kind=InvoiceKind.INVOICE, status=InvoiceStatus.DRAFT)
        .get()
    )
    before = (draft.subtotal, draft.tax_total, draft.total)
    cur = draft.currency
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server.url, OWNER[0])

    # When the owner opens it from the drafts ready to send
    page.goto(f"{live_server.url}/app/{demo.practice.slug}/billing/invoices/ready/")
    page.get_by_role("link", name=CLIENT).click()
    expect(
        page.get_by_role("heading", name=re.compile(f"Draft invoice · {CLIENT}"))
    ).to_be_visible()
    assert totals(page)["Total"] == money(before[2], cur)
    # (laid out by the billing styles: the header beside the lines, each total beside its name)
    lines_box = page.locator("#invoice-lines").bounding_box()
    header_box = page.locator("form:has(h2:text-is('Header'))").bounding_box()
    assert header_box["x"] >= lines_box["x"] + lines_box["width"]
    name_box = page.locator("#invoice-totals dt").last.bounding_box()
    value_box = page.locator("#invoice-totals dd").last.bounding_box()
    assert abs(name_box["y"] - value_box["y"]) < 4 and value_box["x"] > name_box["x"]
    # (a mark on the window survives only as long as the page is not loaded again)
    page.evaluate("window.editorMark = 'still here'")

    # And fills in a courier line of 2 x 15.00 with GST, whose service ends before it starts
    adding = page.locator("form:has(button:text-is('Add line'))")
    adding.get_by_label("Description").fill("Courier to the court registry")
    adding.get_by_label("Quantity").fill("2")
    adding.get_by_label("Unit price").fill("15.00")
    adding.get_by_label("Tax rate").select_option(label="GST 10%")
    adding.get_by_label("Service from").fill("2026-11-10")
    adding.get_by_label("Service to").fill("2026-11-01")
    adding.get_by_role("button", name="Add line").click()

    # Then the form says so in place, keeping what was typed, with the keyboard on the field
    expect(page.get_by_text("The service ends before it starts.")).to_be_visible()
    adding = page.locator("form:has(button:text-is('Add line'))")
    expect(adding.get_by_label("Service to")).to_be_focused()
    expect(adding.get_by_label("Description")).to_have_value("Courier to the court registry")
    assert totals(page)["Total"] == money(before[2], cur)

    # When the dates are cleared and the line added
    adding.get_by_label("Service from").fill("")
    adding.get_by_label("Service to").fill("")
    adding.get_by_role("button", name="Add line").click()

    # Then the line is there and the totals follow: 30.00 more net, 3.00 more tax
    row = page.locator("#invoice-lines tr", has_text="Courier to the court registry")
    expect(row).to_contain_text(money(Decimal("30.00"), cur))
    expect(page.locator("#invoice-totals")).to_contain_text(
        money(before[2] + Decimal("33.00"), cur)
    )
    assert totals(page)["Subtotal"] == money(before[0] + Decimal("30.00"), cur)
    assert totals(page)["Tax"] == money(before[1] + Decimal("3.00"), cur)
    # And the form is empty again for the next line
    expect(
        page.locator("form:has(button:text-is('Add line'))").get_by_label("Description")
    ).to_have_value("")

    # When they change its quantity to 3 and its price to 20.00
    row.get_by_role("link", name="Edit").click()
    editing = page.locator("form:has(button:text-is('Save line'))")
    expect(editing).to_be_visible()
    # (with both forms on the page, each label still names its own field)
    assert page.evaluate(DUPLICATE_IDS) == []
    expect(editing.get_by_label("Quantity")).to_have_value("2.00")
    editing.get_by_label("Quantity").fill("3")
    editing.get_by_label("Unit price").fill("20.00")
    editing.get_by_role("button", name="Save line").click()

    # Then the line and the totals show 60.00 net and 6.00 tax more than before
    expect(page.locator("form:has(button:text-is('Save line'))")).to_have_count(0)
    row = page.locator("#invoice-lines tr", has_text="Courier to the court registry")
    expect(row).to_contain_text(money(Decimal("60.00"), cur))
    expect(page.locator("#invoice-totals")).to_contain_text(
        money(before[2] + Decimal("66.00"), cur)
    )
    assert totals(page) == {
        **totals(page),
        "Subtotal": money(before[0] + Decimal("60.00"), cur),
        "Tax": money(before[1] + Decimal("6.00"), cur),
        "Total": money(before[2] + Decimal("66.00"), cur),
    }
    # And all of it happened in the same page, without an error
    assert page.evaluate("window.editorMark") == "still here"
    assert errors == []
    page.screenshot(path=str(screenshot_dir / "invoice-editor.png"), full_page=True)

    # When they issue it, saying yes to the question it asks first (issuing cannot be undone)
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Issue", exact=True).click()
    assert questions and "can no longer be edited" in questions[0]

    # Then the invoice page shows its number and total
    draft.refresh_from_db()
    assert draft.status == InvoiceStatus.ISSUED and draft.number
    expect(page.get_by_text(f"Invoice {draft.number} issued.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(re.escape(draft.number)))).to_be_visible()
    assert draft.total == before[2] + Decimal("66.00")
    expect(page.locator("#invoice-totals")).to_contain_text(money(draft.total, cur))
