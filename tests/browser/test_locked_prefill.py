"""At the counter, in a real browser: what the person's e-licence says is filled in read-only; a value
forced into the page (the read-only mark removed) is refused by the server, which keeps the licence's
value and says why; the clerk unlocks it with a reason and may then correct it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

import forms
from bundler.extensions import db

from browser.flows import fresh_application, log_in

NUMBER = "610702198805120028"  # 陈丽娟, who has e-licences in the sample store
ANSWERS = {
    "餐饮门店的经营（建筑）面积是多少？": "小型（150平方米以下）",
    "是否在门店外设置户外招牌（店招）？": "否",
    "是否销售酒类（含堂食配售）？": "否",
    "是否招用员工（雇工）？": "否",
}


def test_a_locked_prefilled_value_the_server_refuses_to_change(
    app, sample, live_server, desktop_page, make_user, shot
):
    page = desktop_page
    make_user("window", login="clerk-locked", name="窗口人员乙")
    log_in(page, "clerk-locked")
    page.goto("/window/")
    page.get_by_label("申请人证件号码（身份证号或统一社会信用代码）").fill(NUMBER)
    page.get_by_role("button", name="查询").click()
    page.get_by_label("一件事").select_option(label="开饭店（餐饮店开办）")
    page.get_by_role("button", name="开始受理（带入已有信息）").click()
    for question, answer in ANSWERS.items():
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="下一步：填写申请表").click()
    expect(page).to_have_url(re.compile(r"/window/applications/\d+/form$"))
    application_id = int(re.search(r"/applications/(\d+)/form", page.url).group(1))

    application = fresh_application(application_id)
    key = next(iter(application.locked))
    licensed = application.data[key]
    control = page.locator(f'[name="{forms.field_name(key)}"]')
    expect(control).to_have_value(licensed)
    expect(control).to_have_attribute("readonly", "")
    shot(page, "locked")

    control.evaluate("input => input.removeAttribute('readonly')")  # as a tampering browser would
    control.fill("张冒名")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("来自电子证照的内容未修改")).to_be_visible()
    expect(page.locator(f'[name="{forms.field_name(key)}"]')).to_have_value(licensed)
    db.session.rollback()
    assert fresh_application(application_id).data[key] == licensed
    shot(page, "refused")

    unlock = page.get_by_role("region", name="来自电子证照的内容")
    unlock.get_by_label(re.compile("解锁理由")).first.fill("申请人已改名，以新户口簿为准")
    unlock.get_by_role("button", name="解锁").first.click()
    expect(page.get_by_text("已解锁，可以修改该项。")).to_be_visible()
    page.locator(f'[name="{forms.field_name(key)}"]').fill("陈丽华")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    expect(page.get_by_text("来自电子证照的内容未修改")).to_have_count(
        0
    )  # the other locked values went back as they were
    assert fresh_application(application_id).data[key] == "陈丽华"
    shot(page, "unlocked-and-corrected")
