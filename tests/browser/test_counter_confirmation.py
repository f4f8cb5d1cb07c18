"""各方确认 at the counter, in a real browser: a clerk takes 二手房 for a buyer and a seller; acceptance is
refused until the clerk has checked each party's ID card and ticked that they confirmed in person, and
the page names who is still to confirm."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from bundler.extensions import db
from bundler.models import Confirmation
from bundler.states import ApplicationState

from browser.flows import fill_unified_form, fresh_application, log_in, schema_and_example

BUYER_ID = "610702198503150010"
ANSWERS = {"买方是否以所购房屋办理贷款抵押？": "否", "同步办理哪些水电气过户？": "暂不办理水电气过户"}


def test_the_clerk_checks_every_partys_id_before_accepting(
    app, sample, live_server, desktop_page, make_user, shot
):
    make_user("window", login="clerk-esf", name="不动产窗口")
    page = desktop_page
    log_in(page, "clerk-esf")
    page.goto("/window/")
    page.get_by_label("申请人证件号码（身份证号或统一社会信用代码）").fill(BUYER_ID)
    page.keyboard.press("Enter")
    page.get_by_label("一件事").select_option(label="二手房转移登记及水电气网联动过户")
    page.get_by_role("button", name="开始受理（带入已有信息）").click()
    expect(page).to_have_url(re.compile(r"/window/applications/\d+/scenario$"))
    application_id = int(re.search(r"/applications/(\d+)/scenario", page.url).group(1))
    for question, answer in ANSWERS.items():
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="下一步：填写申请表").click()

    schema, data = schema_and_example(fresh_application(application_id), keep_saved=True)
    data["卖方[]"] = [{"姓名": "李卖", "公民身份号码": "610702198003231535", "联系电话": "13991620124"}]
    fill_unified_form(page, schema, data)
    page.get_by_role("button", name="下一步：核对材料").click()
    expect(page).to_have_url(re.compile(rf"/window/applications/{application_id}/checklist$"))

    parties = page.get_by_role("group", name=re.compile("^各方确认"))
    expect(parties).to_be_visible()
    buyer = parties.get_by_role("checkbox", name=re.compile("^买方（第 1 位）"))
    seller = parties.get_by_role("checkbox", name=re.compile("^卖方（第 1 位）"))
    expect(seller).to_have_accessible_name(re.compile("李\\*"))  # the name, masked
    shot(page, "parties-to-confirm")

    for material in fresh_application(application_id).materials:  # every paper original brought
        if material.status != "produced":
            page.get_by_label(f"{material.name}：已收取", exact=True).check()
    buyer.check()  # the seller has not come to the counter yet
    page.get_by_role("button", name="受理（含容缺受理）").click()
    expect(page.get_by_role("status")).to_contain_text("卖方（第 1 位） 李* 尚未确认")
    assert fresh_application(application_id).status == ApplicationState.DRAFT
    expect(
        parties.get_by_role("checkbox", name=re.compile("^买方（第 1 位）"))
    ).to_be_checked()  # kept as ticked

    parties.get_by_role("checkbox", name=re.compile("^卖方（第 1 位）")).check()
    shot(page, "parties-ticked")
    page.get_by_role("button", name="受理（含容缺受理）").click()
    expect(page).to_have_url(re.compile(rf"/window/applications/{application_id}/done$"))
    assert fresh_application(application_id).status == ApplicationState.ACCEPTED
    rows = db.session.scalars(select(Confirmation).where(Confirmation.application_id == application_id)).all()
    assert sorted((c.party, c.channel) for c in rows) == [("买方#1", "counter"), ("卖方#1", "counter")]
