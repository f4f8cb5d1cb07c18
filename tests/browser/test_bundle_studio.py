"""A lead department builds a new bundle from catalogue items entirely in the browser, resolves its
merge conflict, submits it; a reviewer publishes it; an applicant on a phone finds it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from bundler.catalogue.queries import bundle_definition, latest_item_versions
from bundler.extensions import db

from browser.flows import log_in


def _log_out(page) -> None:
    page.get_by_role("button", name=re.compile("^退出")).click()


def _submit_for_review(page, reason: str, basis: str) -> None:
    """As the drafting department: give the reason and the basis, submit, log out."""
    page.get_by_label("变更理由").fill(reason)
    page.get_by_label("变更依据").fill(basis)
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("[data-change-status]")).to_have_attribute("data-change-status", "submitted")
    _log_out(page)


def _open_first_for_review(page) -> None:
    """As the reviewer: log in and open the oldest change waiting for review."""
    log_in(page, "reviewer")
    page.get_by_role("link", name="变更审核").click()
    page.get_by_role("link", name=re.compile(r"^#\d+$")).first.click()


def test_a_lead_department_builds_and_publishes_a_bundle_in_the_browser(
    app, sample, live_server, desktop_page, phone_page, make_user, shot
):
    make_user("lead", login="wj-lead", department="WJ", name="卫健牵头科")
    make_user("reviewer", login="reviewer", name="服务中心审核")
    page = desktop_page
    log_in(page, "wj-lead")
    page.get_by_role("link", name="事项配置").click()
    page.get_by_label("编码", exact=True).fill("CSRH")
    page.get_by_label("名称", exact=True).fill("出生入户")
    page.get_by_role("button", name="开始组建").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("新增一件事：CSRH 出生入户")

    for code in ("WJ-001", "GA-001"):
        page.get_by_label("从事项目录添加步骤").select_option(code)
        page.get_by_role("button", name="添加", exact=True).click()
        expect(page.locator(f'tr[data-step="{code}"]')).to_be_visible()
    checker = page.locator("#checker")
    expect(checker).to_contain_text("字段冲突未解决：新生儿.性别")
    expect(checker).to_contain_text("字段无人填写")
    shot(page, "two-steps-with-problems")

    days = {
        code: v.promised_days for code, v in latest_item_versions(db.session, ["WJ-001", "GA-001"]).items()
    }
    expect(page.locator("[data-promised]")).to_have_text(str(max(days.values())))  # in parallel
    form = page.locator("#dependencies-form")
    form.locator('input[name="deps_GA-001"][value="WJ-001"]').check()
    expect(form).to_have_attribute("data-previewed", "1")  # the graph was redrawn before saving
    expect(page.locator("[data-promised]")).to_have_text(str(sum(days.values())))  # now in series
    shot(page, "live-graph-serial")
    page.get_by_role("button", name="保存前后关系").click()
    expect(page.locator("#checker")).not_to_contain_text("字段无人填写")

    conflict = page.locator('[data-conflict="新生儿.性别"]')
    conflict.get_by_label("新生儿.性别 统一选项").fill("男，女")
    conflict.get_by_label("新生儿.性别 说明").fill("户口登记只接受男、女；“不明”到窗口单独办理")
    conflict.get_by_role("button", name="记录解决办法").click()
    expect(page.locator("[data-checker=clean]")).to_be_visible()
    expect(page.locator("#merge")).to_contain_text("户口登记只接受男、女")
    page.locator("#preview").scroll_into_view_if_needed()
    shot(page, "conflict-resolved-preview")

    _submit_for_review(
        page,
        "出生医学证明与入户一次办",
        "《国务院办公厅关于加快推进“一件事一次办”打造政务服务升级版的指导意见》（国办发〔2024〕3号）",
    )
    _open_first_for_review(page)
    expect(page.locator("#diff")).to_contain_text("+name: 出生入户")
    shot(page, "review")
    page.get_by_role("button", name="审核通过并发布").click()
    expect(page.locator(".flash-success")).to_contain_text("已发布第 1 版")
    _log_out(page)

    db.session.rollback()
    definition = bundle_definition(db.session, "CSRH")
    assert [s["depends_on"] for s in definition.bundle["steps"]] == [[], ["WJ-001"]]

    phone = phone_page
    phone.goto("/")
    phone.get_by_role("link", name=re.compile("出生入户")).first.click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("出生入户")
    shot(phone, "applicant-sees-the-bundle")
    phone.get_by_role("link", name="改革成效").click()
    visits = phone.locator('tr[data-measure="跑动次数"] td')
    expect(visits.nth(1)).to_have_text("2 次")  # one visit per item when applied for separately
    expect(visits.nth(2)).to_have_text("1 次")
    shot(phone, "reform-report")


def test_a_department_changes_its_item_and_an_earlier_version_is_restored(
    app, sample, live_server, desktop_page, make_user, shot
):
    make_user("department", login="wj-officer", department="WJ", name="卫健经办")
    make_user("reviewer", login="reviewer", name="服务中心审核")
    original = latest_item_versions(db.session, ["WJ-002"])["WJ-002"]
    page = desktop_page
    log_in(page, "wj-officer")
    page.get_by_role("link", name="事项配置").click()
    page.locator("tr", has_text="WJ-002").get_by_role("button", name="变更").click()
    editor = page.locator("#item-editor")
    editor.get_by_label("办理地点").fill("汉台区政务服务中心二楼卫健窗口")
    editor.get_by_label("标签（字段第 1 行）").fill("儿童姓名（与出生医学证明一致）")
    shot(page, "item-editor")
    editor.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_contain_text("已保存")
    expect(page.locator("#diff")).to_contain_text("+place: 汉台区政务服务中心二楼卫健窗口")
    _submit_for_review(page, "即来即办", "《汉台区政务服务事项实施清单（2026年版）》")
    _open_first_for_review(page)
    shot(page, "review-diff")
    page.get_by_role("button", name="审核通过并发布").click()
    expect(page.locator(".flash-success")).to_contain_text(f"已发布第 {original.version + 1} 版")
    _log_out(page)

    log_in(page, "wj-officer")
    page.goto("/catalogue/item/WJ-002/history")
    latest = page.locator(f'[data-version="{original.version + 1}"]')
    expect(latest).to_contain_text("即来即办")
    expect(latest.locator("pre.diff")).to_contain_text("+  label: 儿童姓名（与出生医学证明一致）")
    shot(page, "history")
    page.locator(f'[data-version="{original.version}"]').get_by_role(
        "button", name="以此版本内容发起恢复"
    ).click()
    expect(page.get_by_label("变更理由")).to_have_value(f"恢复第 {original.version} 版")  # prefilled
    _submit_for_review(page, f"恢复第 {original.version} 版", "恢复原实施清单")
    _open_first_for_review(page)
    page.get_by_role("button", name="审核通过并发布").click()
    expect(page.locator(".flash-success")).to_contain_text(f"已发布第 {original.version + 2} 版")

    db.session.rollback()
    restored = latest_item_versions(db.session, ["WJ-002"])["WJ-002"]
    assert restored.version == original.version + 2 and restored.content_hash == original.content_hash
