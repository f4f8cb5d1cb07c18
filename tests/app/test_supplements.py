"""补正 once, complete and answerable: the department lists everything at once and only its own step
pauses; the applicant answers online (or the window at the counter or through its API); the department
sees what changed and resumes, and the due date moves by the days paused. A 特别程序 pauses that step alone."""

from __future__ import annotations

import base64
import datetime as dt
import io
from zoneinfo import ZoneInfo

import time_machine
from pypdf import PdfReader
from sqlalchemy import select

import graphs
from bundler.extensions import db
from bundler.models import Application, AuditEntry, Notification, Task, TaskPause
from bundler.queues import DOCUMENTS_QUEUE, department_queue_name
from bundler.services import supplements
from bundler.services.accounts import create_token
from bundler.worker import make_worker

from factories import PASSWORD
from testapp import accept_by_api, bearer, pdf_bytes

CHINA = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 9, 14, 9, 30, tzinfo=CHINA)
USCC = "92610702MA6X0F2K1F"
PHONE = "经营者.联系电话"


def _task(application_id: int, code: str) -> Task:
    return db.session.scalar(
        select(Task).where(Task.application_id == application_id, Task.item.has(code=code))
    )


def _two_branches(app, client, window_token):
    """开饭店 accepted on Monday and its first step approved: 食品经营许可 and 税务 run side by side."""
    with time_machine.travel(MONDAY, tick=False):
        body = accept_by_api(client, window_token)
        scjg = create_token(db.session, "department", "SCJG", label="市场监管业务系统")
        db.session.commit()
        first = _task(body["id"], "SCJG-001")
        done = client.post(
            f"/api/v1/tasks/{first.id}/complete",
            json={"outcome": "approved", "results": {"经营者.统一社会信用代码": USCC}},
            headers=bearer(scjg),
        )
        assert done.status_code == 200, done.get_json()
        make_worker(app, [department_queue_name("SCJG")]).work(burst=True)
    db.session.expire_all()
    food, tax = _task(body["id"], "SCJG-003"), _task(body["id"], "SW-001")
    assert (food.status, tax.status) == ("ready", "ready")
    return body, scjg, food.id, tax.id


def test_a_supplement_round_trip_online_pauses_only_its_branch(app, client, window_token, make_user):
    body, scjg, food_id, tax_id = _two_branches(app, client, window_token)
    food = db.session.get(Task, food_id)
    materials, fields = supplements.askable(db.session, food)
    material = next(iter(materials))
    assert PHONE in fields
    food_due, tax_due = food.due_date, db.session.get(Task, tax_id).due_date
    with time_machine.travel(MONDAY, tick=False):
        asked = client.post(
            f"/api/v1/tasks/{food_id}/supplement",
            json={
                "materials": [material],
                "fields": [PHONE],
                "reason": "平面图未标明操作区，联系电话无法接通",
            },
            headers=bearer(scjg),
        )
    assert asked.status_code == 200, asked.get_json()
    assert asked.get_json()["status"] == "paused"
    outside = client.post(
        f"/api/v1/tasks/{food_id}/supplement",
        json={"fields": ["税务.不存在"], "reason": "x"},
        headers=bearer(scjg),
    )
    assert outside.status_code == 422
    notice = db.session.scalar(
        select(Notification).where(
            Notification.application_id == body["id"], Notification.event == "supplement"
        )
    )
    assert notice is not None and materials[material] in notice.body and "联系电话" in notice.body
    db.session.expire_all()
    assert db.session.get(Task, tax_id).status == "ready"  # the other branch goes on

    applicant = make_user("applicant", login="13991620077")
    db.session.get(Application, body["id"]).applicant_user_id = applicant.id
    db.session.commit()
    client.post("/login", data={"login": "13991620077", "password": PASSWORD})
    page = client.get(f"/applications/{body['id']}").get_data(as_text=True)
    assert "需要您补正" in page and "平面图未标明操作区" in page
    pause = db.session.scalar(select(TaskPause))
    wrong = client.post(
        f"/applications/{body['id']}/supplements/{pause.id}",
        data={f"f:{PHONE}": "123", f"sf:{material}": (io.BytesIO(pdf_bytes()), "平面图.pdf")},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422
    assert 'value="123"' in wrong.get_data(as_text=True)  # what was typed stays, with the problem named
    with time_machine.travel(MONDAY + dt.timedelta(days=2), tick=False):  # Wednesday
        client.post("/login", data={"login": "13991620077", "password": PASSWORD})  # a session of that day
        answered = client.post(
            f"/applications/{body['id']}/supplements/{pause.id}",
            data={f"f:{PHONE}": "13991620099", f"sf:{material}": (io.BytesIO(pdf_bytes()), "平面图.pdf")},
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        assert "补正内容已提交" in answered.get_data(as_text=True)
        db.session.expire_all()
        application = db.session.get(Application, body["id"])
        assert application.data[PHONE] == "13991620099"
        pause = db.session.get(TaskPause, pause.id)
        assert list(pause.answer["fields"]) == [PHONE] and pause.answer["files"] == {material: ["平面图.pdf"]}
        payload = client.get(f"/api/v1/tasks/{food_id}", headers=bearer(scjg)).get_json()
        assert "13991620099" in str(payload["form"])
        resumed = client.post(f"/api/v1/tasks/{food_id}/resume", headers=bearer(scjg))
    assert resumed.status_code == 200, resumed.get_json()
    db.session.expire_all()
    food = db.session.get(Task, food_id)
    assert food.status == "ready" and food.paused_days == 2
    assert food.due_date == graphs.add_working_days(food_due, 2).date  # exactly the days it stood still
    assert db.session.get(Task, tax_id).due_date == tax_due
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "supplement_answered")) is not None


def test_the_window_answers_a_supplement_at_the_counter_and_through_its_api(
    app, client, window_token, make_user
):
    body, scjg, food_id, _tax = _two_branches(app, client, window_token)
    food = db.session.get(Task, food_id)
    materials, _fields = supplements.askable(db.session, food)
    material = next(iter(materials))
    client.post(
        f"/api/v1/tasks/{food_id}/supplement",
        json={"materials": [material], "reason": "请补交清晰的材料"},
        headers=bearer(scjg),
    )
    missing = client.post(
        f"/api/v1/applications/{body['id']}/supplements", json={}, headers=bearer(window_token)
    )
    assert missing.status_code == 422 and f"files.{material}" in missing.get_json()["errors"]
    encoded = base64.b64encode(pdf_bytes()).decode()
    answered = client.post(
        f"/api/v1/applications/{body['id']}/supplements",
        json={"files": {material: [{"name": "补交.pdf", "content_base64": encoded}]}, "note": "窗口代收"},
        headers=bearer(window_token),
    )
    assert answered.status_code == 201, answered.get_json()
    assert answered.get_json()["files"] == {material: ["补交.pdf"]}
    client.post(f"/api/v1/tasks/{food_id}/resume", headers=bearer(scjg))

    # a second round, answered by a clerk at the counter on the application's page
    client.post(
        f"/api/v1/tasks/{food_id}/supplement",
        json={"materials": [material], "reason": "所补材料缺少签章，请重新提交"},
        headers=bearer(scjg),
    )
    make_user("window", login="clerk-bz")
    clerk = app.test_client()
    clerk.post("/login", data={"login": "clerk-bz", "password": PASSWORD})
    pause = db.session.scalars(select(TaskPause).order_by(TaskPause.id.desc())).first()
    page = clerk.get(f"/applications/{body['id']}").get_data(as_text=True)
    assert "所补材料缺少签章" in page
    done = clerk.post(
        f"/applications/{body['id']}/supplements/{pause.id}",
        data={f"sf:{material}": (io.BytesIO(pdf_bytes()), "签章版.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "补正内容已提交" in done.get_data(as_text=True)
    db.session.expire_all()
    pause = db.session.get(TaskPause, pause.id)
    assert pause.answered_by.startswith("综合窗口") and pause.answer["files"] == {material: ["签章版.pdf"]}
    officer = app.test_client()
    make_user("department", login="scjg-bz", department="SCJG", name="审批员")
    officer.post("/login", data={"login": "scjg-bz", "password": PASSWORD})
    seen = officer.get(f"/department/tasks/{food_id}").get_data(as_text=True)
    assert "签章版.pdf" in seen and "补正已核对，恢复计时" in seen


def test_a_special_procedure_moves_only_that_steps_due_date(app, client, window_token):
    body, scjg, food_id, tax_id = _two_branches(app, client, window_token)
    food_due, tax_due = db.session.get(Task, food_id).due_date, db.session.get(Task, tax_id).due_date
    with time_machine.travel(MONDAY, tick=False):
        bad = client.post(
            f"/api/v1/tasks/{food_id}/special", json={"procedure": "喝茶"}, headers=bearer(scjg)
        )
        assert bad.status_code == 422
        started = client.post(
            f"/api/v1/tasks/{food_id}/special",
            json={"procedure": "检验检测", "reason": "送检餐饮具消毒效果"},
            headers=bearer(scjg),
        )
        assert started.status_code == 200, started.get_json()
    with time_machine.travel(MONDAY + dt.timedelta(days=3), tick=False):  # Thursday: 3 working days
        resumed = client.post(f"/api/v1/tasks/{food_id}/resume", headers=bearer(scjg)).get_json()
    assert resumed["paused_days"] == 3
    assert resumed["due"] == graphs.add_working_days(food_due, 3).date.isoformat()
    db.session.expire_all()
    assert db.session.get(Task, tax_id).due_date == tax_due
    pause = db.session.scalar(select(TaskPause))
    assert (pause.kind, pause.procedure, pause.days) == ("special", "检验检测", 3)
    assert not db.session.scalars(
        select(Notification).where(
            Notification.application_id == body["id"], Notification.event == "supplement"
        )
    ).all()  # the applicant is asked nothing


def test_the_supplement_notice_is_printed_with_everything_asked_and_goes_once_answered(
    app, client, window_token
):
    body, scjg, food_id, _ = _two_branches(app, client, window_token)
    materials, fields = supplements.askable(db.session, db.session.get(Task, food_id))
    material = next(iter(materials))

    def links() -> set[str]:
        shown = client.get(f"/api/v1/applications/{body['id']}", headers=bearer(window_token))
        return {d["kind"] for d in shown.get_json()["documents"]}

    assert "supplement_notice" not in links()
    with time_machine.travel(MONDAY, tick=False):
        client.post(
            f"/api/v1/tasks/{food_id}/supplement",
            json={"materials": [material], "fields": [PHONE], "reason": "平面图未标明操作区"},
            headers=bearer(scjg),
        )
    assert "supplement_notice" in links()
    url = f"/api/v1/applications/{body['id']}/documents/supplement_notice"
    assert client.get(url, headers=bearer(window_token)).status_code == 202
    make_worker(app, [DOCUMENTS_QUEUE]).work(burst=True)
    pdf = client.get(url, headers=bearer(window_token))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).replace("\n", "")
    for expected in ("补正告知书", "平面图未标明操作区", materials[material], fields[PHONE], "食品经营许可"):
        assert expected in text, expected

    upload = {"name": "平面图.pdf", "content_base64": base64.b64encode(pdf_bytes()).decode()}
    answer = client.post(
        f"/api/v1/applications/{body['id']}/supplements",
        json={"fields": {PHONE: "13991620099"}, "files": {material: [upload]}},
        headers=bearer(window_token),
    )
    assert answer.status_code == 201, answer.get_json()
    assert "supplement_notice" not in links()
