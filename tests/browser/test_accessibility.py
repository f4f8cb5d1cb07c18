"""WCAG 2.1 AA as axe-core measures it in a real browser: no serious or critical violation on the pages
an applicant, a window clerk, a department officer and anyone reading a guide use."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from bundler.queues import department_queue_name
from bundler.worker import make_worker

from browser.flows import log_in, start_online
from testapp import accept_by_api

AXE = "/static/node_modules/axe-core/axe.min.js"  # served like the page's own scripts (the CSP allows 'self')
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as shown, one line each."""
    page.add_script_tag(url=AXE)
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations",
        WCAG_AA,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(
    "path", ["/", "/guide/", "/guide/bundles/KFD", "/bundles/KFD", "/track", "/login", "/register", "/report"]
)
def test_public_pages_have_no_serious_violation(sample, live_server, phone_page, path):
    phone_page.goto(path)
    assert serious_violations(phone_page) == [], path


def test_staff_pages_have_no_serious_violation(
    app, client, sample, window_token, live_server, page, make_user
):
    body = accept_by_api(client, window_token)
    make_worker(app, [department_queue_name("SCJG")]).work(burst=True)
    make_user("window", login="axe-clerk")
    make_user("department", login="axe-officer", department="SCJG")
    log_in(page, "axe-clerk")
    found = {}
    for path in (
        "/window/",
        f"/window/applications/{body['id']}/done",
        f"/window/applications/{body['id']}/rate",
    ):
        page.goto(path)
        found[path] = serious_violations(page)
    page.get_by_role("button", name="退出（综合窗口）").click()
    log_in(page, "axe-officer")
    page.goto("/department/")
    found["/department/"] = serious_violations(page)
    page.get_by_role("link", name=body["tracking_no"]).first.click()
    found["task"] = serious_violations(page)
    assert {path: v for path, v in found.items() if v} == {}


KFD_ANSWERS = {
    "餐饮门店的经营（建筑）面积是多少？": "小型（150平方米以下）",
    "是否在门店外设置户外招牌（店招）？": "否",
    "是否销售酒类（含堂食配售）？": "否",
    "是否招用员工（雇工）？": "否",
}


def test_applicant_pages_have_no_serious_violation(sample, live_server, phone_page, make_user):
    make_user("applicant", login="13991620300")
    log_in(phone_page, "13991620300")
    application_id = start_online(phone_page, "KFD", KFD_ANSWERS)
    found = {"form": serious_violations(phone_page)}
    for path in (
        "/my/applications",
        f"/applications/{application_id}/materials",
        f"/applications/{application_id}/review",
        f"/applications/{application_id}",
    ):
        phone_page.goto(path)
        found[path] = serious_violations(phone_page)
    assert {path: v for path, v in found.items() if v} == {}
