"""An officer types the credit code the step issues and presses Enter out of habit: no decision is
taken (the task is neither started nor paused), the page says so and the code is still in its field."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from bundler.extensions import db
from bundler.models import Task
from bundler.queues import department_queue_name
from bundler.worker import make_worker

from browser.flows import log_in
from testapp import USCC, accept_by_api


def test_enter_in_a_result_field_keeps_what_was_typed(
    app, client, window_token, live_server, page, make_user, shot
):
    body = accept_by_api(client, window_token)
    make_worker(app, [department_queue_name("SCJG")]).work(burst=True)
    make_user("department", login="scjg-enter", department="SCJG", name="审批员")
    log_in(page, "scjg-enter")
    page.goto("/department/")
    page.get_by_role("link", name=body["tracking_no"]).first.click()
    field = page.get_by_label("统一社会信用代码（本事项产生）")
    field.fill(USCC)
    field.press("Enter")
    expect(page.get_by_text("按回车键不会提交办理决定")).to_be_visible()
    expect(page.get_by_label("统一社会信用代码（本事项产生）")).to_have_value(USCC)
    shot(page, "after-enter")
    db.session.rollback()
    task = db.session.scalar(
        select(Task).where(Task.application_id == body["id"], Task.item.has(code="SCJG-001"))
    )
    assert task.status == "ready" and task.started_at is None  # not 开始办理
    page.get_by_role("button", name="准予办结").click()
    expect(page.get_by_text("已办结").first).to_be_visible()
