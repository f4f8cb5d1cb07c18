"""The same rules on the pages: a department officer's bad result is refused in Chinese with what was
typed kept, result documents go up with the approval, a result is corrected on the page and the next
departments see it in their inbox; the applicant sees each step's result as soon as it is decided, and
the window records the handover once."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from bundler.catalogue import definitions
from bundler.extensions import db
from bundler.models import Application, Delivery, Handover, Task
from bundler.queues import department_queue_name
from bundler.services import tasks as tasks_service
from bundler.worker import make_worker

from factories import PASSWORD
from testapp import accept_by_api, example_results, pdf_bytes

USCC = "92610702MA6X0F2K1F"
CORRECTED = "92610702MA6X0F3L3C"
PDF = pdf_bytes()
KEY = "经营者.统一社会信用代码"


def _login(client, make_user, role, login, department=None):
    make_user(role, login=login, department=department, name="工作人员")
    assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302


def _task(application_id, code):
    return db.session.scalar(
        select(Task).where(Task.application_id == application_id, Task.item.has(code=code))
    )


def _work(app, *codes):
    make_worker(app, [department_queue_name(code) for code in codes]).work(burst=True)
    db.session.expire_all()


@pytest.fixture
def accepted(app, client, window_token):
    body = accept_by_api(client, window_token, answers={"has_employees": "false"})
    _work(app, "SCJG")
    return body


def test_officer_results_are_checked_documents_uploaded_and_corrected(app, client, make_user, accepted):
    _login(client, make_user, "department", "scjg01", "SCJG")
    task = _task(accepted["id"], "SCJG-001")
    page = client.get(f"/department/tasks/{task.id}").get_data(as_text=True)
    assert 'name="documents"' in page and 'enctype="multipart/form-data"' in page

    refused = client.post(
        f"/department/tasks/{task.id}/action",
        data={"action": "approved", f"r:{KEY}": "12345", "reason": ""},
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "统一社会信用代码" in text and 'value="12345"' in text and 'aria-invalid="true"' in text
    db.session.expire_all()
    assert _task(accepted["id"], "SCJG-001").status == "ready"

    done = client.post(
        f"/department/tasks/{task.id}/action",
        data={
            "action": "approved",
            f"r:{KEY}": USCC,
            "documents": [(io.BytesIO(PDF), "营业执照.pdf")],
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已办结" in done and "本事项办理结果" in done and "营业执照.pdf" in done and "更正结果" in done
    link = re.search(r'href="(/department/tasks/\d+/results/\d+)"', done).group(1)
    assert client.get(link).data == PDF

    _work(app, "SCJG")
    bad = client.post(
        f"/department/tasks/{task.id}/action",
        data={"action": "correct", f"c:{KEY}": "R-1", "correction_reason": "录入错误"},
    )
    assert bad.status_code == 422 and 'value="R-1"' in bad.get_data(as_text=True)
    fixed = client.post(
        f"/department/tasks/{task.id}/action",
        data={"action": "correct", f"c:{KEY}": CORRECTED, "correction_reason": "登记时录入错误"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "结果已更正" in fixed and "已重新推送" in fixed and CORRECTED in fixed
    _work(app, "SCJG")
    food = _task(accepted["id"], "SCJG-003")
    assert len(db.session.scalars(select(Delivery).where(Delivery.task_id == food.id)).all()) == 2
    queue = client.get("/department/").get_data(as_text=True)
    assert "前序事项结果已更正（已重新推送）" in queue and f"/department/tasks/{food.id}" in queue
    inbox = client.get(f"/department/tasks/{food.id}").get_data(as_text=True)
    assert "前序事项结果已更正" in inbox and CORRECTED in inbox and "登记时录入错误" in inbox


def test_each_step_result_is_shown_at_once_and_the_window_hands_over_once(app, client, make_user, accepted):
    window = app.test_client()
    _login(window, make_user, "window", "clerk01")
    first = _task(accepted["id"], "SCJG-001")
    tasks_service.complete(db.session, first, "approved", actor="测试", results={KEY: USCC})
    db.session.commit()
    status = window.get(f"/applications/{accepted['id']}").get_data(as_text=True)
    assert "办理结果（一端出件）" in status and USCC in status and "登记出件" not in status  # not yet over

    tax = _task(accepted["id"], "SW-001")
    tasks_service.complete(db.session, tax, "rejected", actor="测试", reason="经营场所地址与登记不符")
    db.session.commit()
    application = db.session.get(Application, accepted["id"])
    for task in application.tasks:
        if task.status == "ready":
            schema = definitions.schema_for(db.session, application)
            results = example_results(schema, task.item.code, 5)
            tasks_service.complete(db.session, task, "approved", actor="测试", results=results)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Application, accepted["id"]).status == "partly_done"
    status = window.get(f"/applications/{accepted['id']}").get_data(as_text=True)
    assert "部分办结" in status and "受阻（上游不予许可）" in status and "经营场所地址与登记不符" in status
    assert "登记出件" in status
    desk = window.get("/window/").get_data(as_text=True)
    assert "办结待出件" in desk and accepted["tracking_no"] in desk

    unchecked = window.post(
        f"/applications/{accepted['id']}/handover", data={"method": "window", "collector": "陈丽娟"}
    )
    text = unchecked.get_data(as_text=True)
    assert unchecked.status_code == 422 and "须核验领取人身份证件" in text and 'value="陈丽娟"' in text
    window.post(
        f"/applications/{accepted['id']}/handover",
        data={"method": "window", "collector": "陈丽娟", "id_checked": "y"},
    )
    handover = db.session.scalars(select(Handover)).one()
    assert handover.method == "window" and handover.id_checked and handover.clerk.login == "clerk01"
    again = window.post(
        f"/applications/{accepted['id']}/handover",
        data={"method": "download"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已经出件" in again and "已出件：窗口领取" in again
    assert len(db.session.scalars(select(Handover)).all()) == 1
    assert accepted["tracking_no"] not in window.get("/window/").get_data(as_text=True)
