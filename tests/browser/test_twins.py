"""Twins in real browsers: on a phone the parent adds a second child to the 新生儿出生 form (one block per
child, each with the child's own fields); once accepted, each child has its own 出生医学证明 and 出生登记
task, and the hospital's officer sees on a desk which child each task is for, with that child's data."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

import forms
from bundler.extensions import db
from bundler.models import Task
from bundler.queues import department_queue_name
from bundler.worker import make_worker

from browser.flows import (
    fill_input,
    fill_unified_form,
    fresh_application,
    log_in,
    schema_and_example,
    start_online,
)
from testapp import bearer

MOBILE = "13991620031"
ANSWERS = {
    "新生儿参加基本医疗保险的方式？": "已在其他地区参保或暂不参保",
    "是否同时为新生儿申领社会保障卡？": "否",
    "母亲是否参加职工医保（生育保险）并申领生育津贴？": "否",
}
SECOND = {"姓名": "李小二", "性别": "女", "民族": "汉族", "户籍地址": "陕西省汉中市汉台区北关街道 8 号"}


def test_a_parent_adds_a_second_child_and_each_child_gets_its_own_tasks(
    app, client, window_token, live_server, phone_page, desktop_page, make_user, shot
):
    page = phone_page
    make_user("applicant", login=MOBILE, name="李建国")
    log_in(page, MOBILE)
    application_id = start_online(page, "XSECS", ANSWERS)
    expect(page.get_by_role("group", name="新生儿（第 1 位）")).to_be_visible()
    expect(page.get_by_role("group", name="新生儿（第 2 位）")).to_have_count(0)

    schema, data = schema_and_example(fresh_application(application_id))
    fill_unified_form(page, schema, data)
    page.get_by_role("button", name="＋ 再添加一位新生儿").click()
    second = page.get_by_role("group", name="新生儿（第 2 位）")
    expect(second).to_be_visible()
    children = forms.field_name("新生儿[]")
    for fld in schema.asked_fields:
        if fld.group == "新生儿":
            value = SECOND.get(fld.column or "", data["新生儿[]"][0][fld.column])
            fill_input(page, f"{children}-1-{forms.field_name(fld.column)}", fld, value)
    shot(page, "twins-form")
    page.get_by_role("button", name="＋ 再添加一位新生儿").click()  # one too many, taken back
    expect(page.get_by_role("group", name="新生儿（第 3 位）")).to_be_visible()
    page.get_by_role("button", name="删除第 3 位新生儿").click()
    expect(page.get_by_role("group", name="新生儿（第 3 位）")).to_have_count(0)
    expect(second.get_by_label("新生儿姓名")).to_have_value("李小二")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("group", name="新生儿（第 2 位）")).to_be_visible()
    saved = fresh_application(application_id)
    assert [child["姓名"] for child in saved.data["新生儿[]"]] == [data["新生儿[]"][0]["姓名"], "李小二"]

    # the counter's system accepts the same data: every child gets its own tasks
    accepted = client.post(
        "/api/v1/applications",
        json={
            "bundle": "XSECS",
            "answers": saved.answers,
            "data": saved.data,
            "confirmed_parties": ["母亲", "父亲"],
        },
        headers=bearer(window_token),
    )
    assert accepted.status_code == 201, accepted.get_json()
    body = accepted.get_json()
    tasks = db.session.scalars(select(Task).where(Task.application_id == body["id"]).order_by(Task.id)).all()
    by_item: dict[str, list[int]] = {}
    for task in tasks:
        by_item.setdefault(task.item.code, []).append(task.person)
    assert by_item["WJ-001"] == [0, 1] and by_item["GA-001"] == [0, 1] and by_item["WJ-002"] == [0, 1]

    make_worker(app, [department_queue_name("WJ")]).work(burst=True)
    make_user("department", login="wj-officer", department="WJ", name="签发员")
    officer = desktop_page
    log_in(officer, "wj-officer")
    officer.goto("/department/")
    rows = officer.get_by_role("row", name=re.compile(body["tracking_no"]))
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="新生儿（第 1 位）")).to_have_count(1)
    second_row = rows.filter(has_text="新生儿（第 2 位）")
    shot(officer, "hospital-queue")
    second_row.get_by_role("link", name=body["tracking_no"]).click()
    expect(officer.get_by_role("heading", name=re.compile("新生儿（第 2 位）"))).to_be_visible()
    expect(officer.get_by_text("李小二", exact=True)).to_be_visible()  # this child's own form
    shot(officer, "hospital-task-second-child")
