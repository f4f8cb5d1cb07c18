"""Applicants are told (短信告知): notices are written with their events, sent by the system queue's
worker through the installation's sender, listed for the window and administrators, and reminders of
materials owed under 容缺 come once a day."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bundler import clock
from bundler.extensions import db
from bundler.models import Application, Notification, Task
from bundler.queues import SYSTEM_QUEUE
from bundler.services import notifications, outbox
from bundler.services.accounts import create_token
from bundler.worker import make_worker

from factories import PASSWORD
from peers import peer
from testapp import accept_by_api


def _send(app) -> None:
    make_worker(app, [SYSTEM_QUEUE]).work(burst=True)
    db.session.expire_all()


def _notices(application_id: int) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.application_id == application_id)
            .order_by(Notification.id)
        )
    )


def test_acceptance_is_told_to_the_applicants_mobile_and_sent_by_the_worker(app, client, window_token):
    body = accept_by_api(client, window_token)
    application = db.session.get(Application, body["id"])
    mobile = notifications.applicant_mobile(db.session, application)
    assert mobile and mobile == application.data["经营者.联系电话"]
    [notice] = _notices(body["id"])
    assert notice.event == "accepted" and notice.status == "pending"
    assert body["tracking_no"] in notice.body and "开饭店" in notice.body

    _send(app)
    [notice] = _notices(body["id"])
    assert notice.status == "sent" and notice.sender == "development" and notice.sent_at is not None

    auth = {"Authorization": f"Bearer {window_token}"}
    listed = client.get(f"/api/v1/applications/{body['id']}/notifications", headers=auth).get_json()
    [entry] = listed["notifications"]
    assert entry["event"] == "accepted" and entry["status"] == "sent" and body["tracking_no"] in entry["text"]
    assert entry["recipient"] != mobile and entry["recipient"][-4:] == mobile[-4:]  # masked
    department = create_token(db.session, "department", "SCJG")
    db.session.commit()
    refused = client.get(
        f"/api/v1/applications/{body['id']}/notifications", headers={"Authorization": f"Bearer {department}"}
    )
    assert refused.status_code == 403


def test_administrators_read_the_development_senders_messages(app, client, window_token, make_user):
    body = accept_by_api(client, window_token)
    _send(app)
    make_user("admin", login="admin-notices")
    client.post("/login", data={"login": "admin-notices", "password": PASSWORD})
    page = client.get("/admin/notifications").get_data(as_text=True)
    assert body["tracking_no"] in page and "已发送" in page and "开发环境" in page


def test_a_supplement_and_each_result_are_told(app, client, window_token, make_user):
    body = accept_by_api(client, window_token)
    make_user("department", login="scjg-notices", department="SCJG")
    client.post("/login", data={"login": "scjg-notices", "password": PASSWORD})
    make_worker(app, ["dept:SCJG"]).work(burst=True)
    task = db.session.scalar(select(Task).where(Task.application_id == body["id"], Task.status == "ready"))
    client.post(
        f"/department/tasks/{task.id}/action", data={"action": "supplement", "note": "请补充经营场所平面图"}
    )
    events = [n.event for n in _notices(body["id"])]
    assert events == ["accepted", "supplement"]
    assert "请补充经营场所平面图" in _notices(body["id"])[-1].body


@pytest.fixture
def gateway(app, free_port):
    with peer(free_port) as system:
        app.config.update(
            SMS_SENDER="http",
            SMS_GATEWAY_URL=f"{system.url}/sms",
            SMS_GATEWAY_TOKEN="gateway-token",
            DELIVERY_RETRY_INTERVALS=[0],
        )
        yield system


def test_an_http_gateway_gets_each_notice_and_failures_are_retried_then_shown(
    app, client, window_token, gateway
):
    body = accept_by_api(client, window_token)
    _send(app)
    [request] = gateway.received
    headers, sent = request.headers, request.json
    assert headers["Authorization"] == "Bearer gateway-token"
    assert sent["mobile"] == db.session.get(Application, body["id"]).data["经营者.联系电话"]
    assert body["tracking_no"] in sent["text"]
    assert _notices(body["id"])[0].status == "sent"

    gateway.status = 503
    second = accept_by_api(client, window_token)
    _send(app)  # handed off at acceptance: the first attempt
    for _ in range(notifications.MAX_ATTEMPTS - 1):  # the dispatcher hands it out again when due
        assert outbox.hand_out().notices == 1
        _send(app)
    assert outbox.hand_out().notices == 0
    [notice] = _notices(second["id"])
    assert notice.status == "failed" and notice.attempts == notifications.MAX_ATTEMPTS
    assert "503" in notice.error


def test_reminders_of_owed_materials_come_once_a_day(app, client, window_token):
    today = clock.today()
    tomorrow = today + dt.timedelta(days=1)
    body = accept_by_api(
        client,
        window_token,
        materials={"经营场所使用证明|门店": "deferred"},
        commitment_date=tomorrow.isoformat(),
    )
    assert body["status"] == "accepted_pending"
    assert notifications.remind_deferred(db.session, today) == 1
    db.session.commit()
    assert notifications.remind_deferred(db.session, today) == 0  # not twice the same day
    reminder = _notices(body["id"])[-1]
    assert (
        reminder.event == "reminder"
        and "经营场所使用证明（房屋产权证明或租赁合同）" in reminder.body
        and tomorrow.isoformat() in reminder.body
    )
    assert (
        notifications.remind_deferred(db.session, tomorrow + dt.timedelta(days=1)) == 0
    )  # past due: not here
