"""各方确认 online, on a father's phone: the mother submitted 新生儿出生 from her account; the father signs in
with his own, records his ID number, finds the application under 待我确认, reads it and confirms, and
his confirmation submits it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from bundler.extensions import db
from bundler.models import Application

from browser.flows import log_in
from testapp import online_draft

FATHER_MOBILE = "13991620041"


def test_the_father_confirms_on_his_phone_and_the_application_is_submitted(
    app, client, sample, live_server, phone_page, make_user, shot
):
    application_id = online_draft(client, "XSECS", "13991620040", "李秀英")
    data = db.session.get(Application, application_id).data
    client.post("/my/id-number", data={"id_number": data["母亲.公民身份号码"]})  # the mother applies
    client.post(f"/applications/{application_id}/review")
    db.session.expire_all()
    assert db.session.get(Application, application_id).submit_requested_at is not None

    page = phone_page
    make_user("applicant", login=FATHER_MOBILE, name=data["父亲.姓名"])
    log_in(page, FATHER_MOBILE)
    page.goto("/my/applications")
    expect(page.get_by_role("heading", name="待我确认")).to_have_count(0)  # his ID number is not known yet
    page.get_by_label(re.compile("填写本人身份证号码")).fill(data["父亲.公民身份号码"])
    page.get_by_role("button", name="查找我的窗口申请").click()
    expect(page.get_by_role("heading", name="待我确认")).to_be_visible()
    shot(page, "to-confirm")
    page.get_by_role("link", name="查看并确认").click()
    expect(page.get_by_text("您是本申请的父亲")).to_be_visible()
    expect(page.get_by_text(data["新生儿[]"][0]["姓名"]).first).to_be_visible()  # he reads what he confirms
    shot(page, "confirm-page")
    page.get_by_role("button", name="我已核对，确认申请内容").click()
    expect(page.get_by_role("status")).to_contain_text("各方均已确认，申请已提交受理")
    shot(page, "confirmed")
    db.session.expire_all()
    application = db.session.get(Application, application_id)
    assert application.status == "accepted" and application.tracking_no
