"""补正 across the roles in real browsers: a department officer asks for everything at once on the task
page, the applicant answers on a phone (a new scan and a corrected phone number) with the printable
补正告知书 at hand, and the officer sees what changed and resumes the clock."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from bundler.extensions import db
from bundler.models import Application, Task
from bundler.queues import department_queue_name
from bundler.worker import make_worker

from browser.flows import log_in
from testapp import accept_by_api, png_bytes

APPLICANT = "13991620066"
PHONE_KEY = "经营者.联系电话"


def _first_step(application_id: int) -> Task:
    db.session.rollback()
    return db.session.scalar(
        select(Task).where(Task.application_id == application_id, Task.item.has(code="SCJG-001"))
    )


def test_a_supplement_asked_on_a_desk_answered_on_a_phone_and_resumed(
    app, client, window_token, live_server, desktop_page, phone_page, make_user, shot
):
    body = accept_by_api(client, window_token)
    applicant = make_user("applicant", login=APPLICANT, name="王建国")
    db.session.get(Application, body["id"]).applicant_user_id = applicant.id
    db.session.commit()
    make_worker(app, [department_queue_name("SCJG")]).work(burst=True)
    task = _first_step(body["id"])
    make_user("department", login="scjg-officer", department="SCJG", name="审批员")

    # the officer asks: one material, one field, what is wrong with each
    officer = desktop_page
    log_in(officer, "scjg-officer")
    officer.goto("/department/")
    officer.get_by_role("link", name=body["tracking_no"]).first.click()
    expect(officer.get_by_role("heading", name="要求补正（一次性告知全部内容）")).to_be_visible()
    supplement = officer.locator("section", has=officer.get_by_role("heading", name=re.compile("^要求补正")))
    material = supplement.get_by_role("group", name="需重新提交的材料").get_by_role("checkbox").first
    material_name = material.locator("xpath=..").inner_text().strip()
    material.check()
    supplement.get_by_role("checkbox", name="移动电话（申请表中为“联系电话”）").check()
    supplement.get_by_label("补正说明（写明每一项的问题和要求）").fill("登记申请书未签字；联系电话无法接通")
    shot(officer, "officer-asks")
    supplement.get_by_role("button", name="要求补正并告知申请人").click()
    expect(officer.get_by_role("status")).to_be_visible()
    expect(officer.get_by_text("等待申请人补正")).to_be_visible()
    shot(officer, "officer-waits")
    assert _first_step(body["id"]).status == "paused"

    # the applicant answers on a phone
    phone = phone_page
    log_in(phone, APPLICANT)
    phone.goto(f"/applications/{body['id']}")
    asked = phone.locator("section", has=phone.get_by_role("heading", name="需要您补正"))
    expect(asked).to_contain_text("登记申请书未签字")
    notice = phone.get_by_role("link", name="补正告知书")
    expect(notice).to_have_attribute("href", f"/applications/{body['id']}/documents/supplement_notice")
    asked.get_by_label(f"补交：{material_name}").set_input_files(
        files=[{"name": "申请书签字页.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    asked.get_by_label(re.compile("^更正：移动电话（申请表中为“联系电话”）")).fill("13991620099")
    shot(phone, "applicant-answers")
    asked.get_by_role("button", name="提交补正").click()
    expect(phone.get_by_role("status")).to_contain_text("补正内容已提交")
    expect(phone.get_by_role("heading", name="需要您补正")).to_have_count(0)
    shot(phone, "applicant-answered")

    # the officer sees what changed, by name, and resumes
    officer.reload()
    answered = officer.locator(".panel.warn", has_text="申请人已于")
    expect(answered).to_contain_text("移动电话")
    expect(answered).to_contain_text("13991620099")
    expect(answered).to_contain_text("申请书签字页.png")
    shot(officer, "officer-sees-the-answer")
    officer.get_by_role("button", name="补正已核对，恢复计时").click()
    expect(officer.get_by_role("status")).to_be_visible()
    resumed = _first_step(body["id"])
    assert resumed.status in ("ready", "in_progress") and resumed.id == task.id
    db.session.expire_all()
    assert db.session.get(Application, body["id"]).data[PHONE_KEY] == "13991620099"
