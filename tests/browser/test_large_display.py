"""适老化 on a phone: the link at the top switches to large, high-contrast text, kept on the next page."""

from __future__ import annotations

from playwright.sync_api import expect


def test_an_older_person_switches_to_large_text_on_a_phone(sample, live_server, phone_page, shot):
    page = phone_page
    page.goto("/")
    standard = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("link", name="大字号、高对比（适老化）").click()
    expect(page.locator("html")).to_have_class("large-display")
    page.goto("/guide/")
    expect(page.locator("html")).to_have_class("large-display")  # kept in this browser
    large = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= standard * 1.2, (standard, large)
    shot(page, "guide-large")
    page.get_by_role("link", name="标准字号").click()
    expect(page.locator("html")).not_to_have_class("large-display")
