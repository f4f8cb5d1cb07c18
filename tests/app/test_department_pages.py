"""Department officers work their own queue in the browser: urgency flags, the item's own form,
approve with results (releasing the next steps), 补正 that pauses only this branch, no access to
other departments."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import forms
import graphs
from bundler.catalogue.queries import bundle_definition
from bundler.extensions import db
from bundler.models import Application, Task
from bundler.queues import department_queue_name
from bundler.services.accounts import create_token
from bundler.worker import make_worker

from factories import PASSWORD
from testapp import answered

USCC = "92610702MA6X0F2K1F"


@pytest.fixture
def accepted(app, client, window_token):
    definition = bundle_definition(db.session, "KFD")
    answers = answered("KFD", {"has_employees": "true"})
    parsed = graphs.parse_answers(definition.bundle["questions"], answers)
    data = forms.example_data(forms.merge(definition.bundle, definition.items, parsed), jsonable=True)
    body = client.post(
        "/api/v1/applications",
        json={"bundle": "KFD", "answers": answers, "data": data},
        headers={"Authorization": f"Bearer {window_token}"},
    ).get_json()
    make_worker(app, [department_queue_name("SCJG")]).work(burst=True)
    db.session.expire_all()
    return body


def _officer(client, make_user, department="SCJG", login="scjg01"):
    make_user("department", login=login, department=department, name="审批员")
    assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302


def _task(code):
    return db.session.scalar(select(Task).where(Task.item.has(code=code)))


def test_officer_sees_own_queue_and_approves_with_results(client, make_user, accepted):
    _officer(client, make_user)
    queue = client.get("/department/").get_data(as_text=True)
    assert accepted["tracking_no"] in queue and "个体工商户设立登记" in queue
    task = _task("SCJG-001")
    page = client.get(f"/department/tasks/{task.id}").get_data(as_text=True)
    assert "经营者姓名" in page  # the item's own labels
    assert "统一社会信用代码（本事项产生）" in page
    missing = client.post(
        f"/department/tasks/{task.id}/action", data={"action": "approved"}, follow_redirects=True
    )
    assert "请填写本事项产生的结果" in missing.get_data(as_text=True)
    done = client.post(
        f"/department/tasks/{task.id}/action",
        data={"action": "approved", "r:经营者.统一社会信用代码": USCC},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已办结，后续事项已推送" in done and "食品经营许可" in done
    db.session.expire_all()
    assert _task("SCJG-003").status == "ready" and _task("SW-002").status == "waiting"


def test_supplement_pauses_only_this_branch_and_the_applicant_is_told(client, make_user, accepted, app):
    first = _task("SCJG-001")
    from bundler.services import tasks as tasks_service

    tasks_service.complete(
        db.session, first, "approved", actor="测试", results={"经营者.统一社会信用代码": USCC}
    )
    db.session.commit()
    make_worker(app, [department_queue_name("SCJG")]).work(burst=True)
    _officer(client, make_user)
    food = _task("SCJG-003")
    due_before = food.due_date
    page = client.post(
        f"/department/tasks/{food.id}/action",
        data={"action": "supplement", "note": "请补交从业人员健康证明原件，并提供经营场所平面图"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "计时暂停" in page
    db.session.expire_all()
    assert _task("SCJG-003").status == "paused" and _task("SW-001").status == "ready"  # other branches go on
    status = client.get(f"/applications/{accepted['id']}")  # the officer is not the applicant
    assert status.status_code == 403
    window = app.test_client()
    make_user("window", login="clerk-s")
    window.post("/login", data={"login": "clerk-s", "password": PASSWORD})
    owed = window.get(f"/applications/{accepted['id']}").get_data(as_text=True)
    assert "需要您补正" in owed and "健康证明原件" in owed
    resumed_page = client.post(
        f"/department/tasks/{food.id}/action", data={"action": "resume"}, follow_redirects=True
    )
    assert "恢复计时" in resumed_page.get_data(as_text=True), resumed_page.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    resumed = _task("SCJG-003")
    assert resumed.status == "ready" and resumed.due_date >= due_before


def test_overdue_tasks_are_flagged_red(client, make_user, accepted):
    task = _task("SCJG-001")
    task.due_date = dt.date.today() - dt.timedelta(days=10)
    db.session.commit()
    _officer(client, make_user)
    assert "urgency-red" in client.get("/department/").get_data(as_text=True)


def test_officers_see_nothing_of_other_departments(client, make_user, accepted):
    _officer(client, make_user, department="SW", login="sw01")
    task = _task("SCJG-001")
    assert accepted["tracking_no"] not in client.get("/department/").get_data(as_text=True)
    assert client.get(f"/department/tasks/{task.id}").status_code == 404
    assert client.get(f"/department/tasks/{task.id}/form.pdf").status_code == 404
    attempt = client.post(
        f"/department/tasks/{task.id}/action", data={"action": "approved", "r:经营者.统一社会信用代码": USCC}
    )
    assert attempt.status_code == 404
    db.session.expire_all()
    assert _task("SCJG-001").status == "ready"
    assert client.get("/window/").status_code == 403


def test_department_form_pdf_is_rendered_for_the_officer(client, make_user, accepted, app):
    _officer(client, make_user)
    task = _task("SCJG-001")
    first = client.get(f"/department/tasks/{task.id}/form.pdf")
    assert first.status_code == 202
    make_worker(app, ["documents"]).work(burst=True)
    pdf = client.get(f"/department/tasks/{task.id}/form.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    from io import BytesIO

    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf.data)).pages)
    assert "个体工商户设立登记" in text and accepted["tracking_no"] in text
    assert db.session.get(Application, accepted["id"]).tracking_no == accepted["tracking_no"]


def test_department_api_token_lists_tasks_in_order(client, accepted):
    token = create_token(db.session, "department", "SCJG")
    db.session.commit()
    body = client.get(
        "/api/v1/departments/SCJG/tasks", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    assert [t["item"] for t in body["tasks"]][0] == "SCJG-001"
