"""A field that depends on another field's value, in a real browser on a phone: the 家庭经营成员 table of
个体工商户登记 appears, without a page load, once 组成形式 is 家庭经营 and goes again for 个人经营; the
server reads the same condition (json-logic on both sides), so the family members and the 家庭成员关系证明
are asked only for a family business."""

from __future__ import annotations

import re

from playwright.sync_api import expect

import forms
from bundler.extensions import db
from bundler.models import Application

from browser.flows import fill_unified_form, fresh_application, log_in, schema_and_example, start_online

MOBILE = "13991620021"
ANSWERS = {
    "餐饮门店的经营（建筑）面积是多少？": "小型（150平方米以下）",
    "是否在门店外设置户外招牌（店招）？": "否",
    "是否销售酒类（含堂食配售）？": "否",
    "是否招用员工（雇工）？": "否",
}
FAMILY = "家庭经营成员"
PROOF = "家庭成员关系证明（家庭经营的提交，如户口簿或结婚证）"


def test_a_field_appears_when_another_fields_value_meets_its_condition(
    app, sample, live_server, phone_page, make_user, shot
):
    page = phone_page
    make_user("applicant", login=MOBILE, name="张家宝")
    log_in(page, MOBILE)
    application_id = start_online(page, "KFD", ANSWERS)

    family = page.get_by_role("group", name=FAMILY)
    composition = page.locator(f'[name="{forms.field_name("经营者.组成形式")}"]')
    expect(family).to_be_hidden()
    page.evaluate("window.loads = (window.loads || 0) + 1")  # gone if the page reloads
    composition.select_option("家庭经营")
    expect(family).to_be_visible()
    expect(page.locator("#condition-news")).to_have_text(re.compile(f"需要填写：{FAMILY}"))
    shot(page, "family-business")
    composition.select_option("个人经营")
    expect(family).to_be_hidden()
    assert page.evaluate("window.loads") == 1  # shown and hidden in the page, no round trip

    # the server reads the same rule: a family business must name its members and bring the proof
    application = fresh_application(application_id)
    schema, data = schema_and_example(application)
    data["经营者.组成形式"] = "家庭经营"
    fill_unified_form(page, schema, data)
    expect(family).to_be_visible()
    page.get_by_role("button", name="保存草稿").click()
    saved = fresh_application(application_id)
    assert saved.data["经营者.组成形式"] == "家庭经营"
    assert PROOF in {m.name for m in saved.materials if m.required}
    composition = page.locator(f'[name="{forms.field_name("经营者.组成形式")}"]')
    composition.select_option("个人经营")
    page.get_by_role("button", name="保存草稿").click()
    db.session.rollback()
    alone = db.session.get(Application, application_id)
    db.session.refresh(alone)
    assert alone.data["家庭经营成员[]"] == [] and PROOF not in {m.name for m in alone.materials}
    shot(page, "sole-trader-saved")
