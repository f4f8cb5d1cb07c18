"""One submission, every department: deliveries through real Redis queues and real workers, serial
release, webhooks signed and retried, nothing lost when Redis is down, each department on its own."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

import forms
from bundler.catalogue.queries import bundle_definition
from bundler.extensions import db
from bundler.models import AuditEntry, Delivery, Department, Task
from bundler.models.routing import AuditLogIsAppendOnly
from bundler.redis_conn import EXTENSION_KEY, connect
from bundler.services.outbox import dispatch, retry_failed

from peers import peer
from testapp import (
    USCC,
    accept_by_api,
    answered,
    bearer,
    department_token,
    tax_step_released,
    work_departments,
)

ANSWERS = {"has_employees": "true"}  # 开饭店: SCJG-001 → (SCJG-003, SW-001, RS-002) → SW-002


@pytest.fixture
def fast_retries(app):
    app.config["DELIVERY_RETRY_INTERVALS"] = [0]


def _accept(client, token, answers=ANSWERS):
    definition = bundle_definition(db.session, "KFD")
    import graphs

    answers = answered("KFD", answers)
    parsed = graphs.parse_answers(definition.bundle["questions"], answers)
    data = forms.example_data(forms.merge(definition.bundle, definition.items, parsed), jsonable=True)
    response = client.post(
        "/api/v1/applications",
        json={"bundle": "KFD", "answers": answers, "data": data},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _steps(client, token, application_id):
    return {
        s["item"]: s["status"]
        for s in client.get(f"/api/v1/applications/{application_id}", headers=bearer(token)).get_json()[
            "steps"
        ]
    }


@pytest.fixture
def department_system(free_port):
    with peer(free_port) as system:
        yield system, f"{system.url}/inbox"


def test_serial_steps_are_released_only_when_their_predecessor_is_done(app, client, window_token):
    application = _accept(client, window_token)
    steps = _steps(client, window_token, application["id"])
    assert steps["SCJG-001"] == "ready"
    assert steps["SCJG-003"] == steps["SW-001"] == steps["RS-002"] == steps["SW-002"] == "waiting"

    delivery = db.session.scalars(select(Delivery)).one()  # written with the acceptance; only the ready step
    assert delivery.status == "queued" and delivery.queue == "dept:SCJG"
    work_departments(app, "SCJG")
    delivery = db.session.get(Delivery, delivery.id)
    assert delivery.status == "delivered" and delivery.attempts == 1

    scjg = department_token("SCJG")
    ready = client.get("/api/v1/departments/SCJG/tasks?status=ready", headers=bearer(scjg)).get_json()[
        "tasks"
    ]
    assert [t["item"] for t in ready] == ["SCJG-001"] and ready[0]["application"] == application["id"]
    task_id = ready[0]["id"]
    form = client.get(f"/api/v1/tasks/{task_id}", headers=bearer(scjg)).get_json()["form"]
    assert "operator_name" in form  # the department gets its own form's field names

    missing = client.post(
        f"/api/v1/tasks/{task_id}/complete", json={"outcome": "approved"}, headers=bearer(scjg)
    )
    assert missing.status_code == 422 and "统一社会信用代码" in missing.get_json()["error"]
    done = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"outcome": "approved", "results": {"经营者.统一社会信用代码": USCC}},
        headers=bearer(scjg),
    )
    assert done.status_code == 200, done.get_json()
    assert set(done.get_json()["released"]) == {"SCJG-003", "SW-001", "RS-002"}  # 并联, together
    steps = _steps(client, window_token, application["id"])
    assert steps["SCJG-003"] == steps["SW-001"] == steps["RS-002"] == "ready" and steps["SW-002"] == "waiting"

    # the food licence office receives the credit code the registration produced
    work_departments(app, "SCJG")
    food = db.session.scalar(
        select(Task).join(Task.item).where(Task.status == "ready", Task.department.has(code="SCJG"))
    )
    payload = client.get(f"/api/v1/tasks/{food.id}", headers=bearer(scjg)).get_json()
    assert USCC in json.dumps(payload, ensure_ascii=False)
    assert payload["upstream"]["SCJG-001"] == {"经营者.统一社会信用代码": USCC}


def test_a_rejection_blocks_only_what_depends_on_it(app, client, window_token):
    application = _accept(client, window_token)
    scjg, sw = department_token("SCJG"), department_token("SW")
    first = db.session.scalar(select(Task).join(Task.item).where(Task.item.has(code="SCJG-001")))
    client.post(
        f"/api/v1/tasks/{first.id}/complete",
        json={"outcome": "approved", "results": {"经营者.统一社会信用代码": USCC}},
        headers=bearer(scjg),
    )
    tax = db.session.scalar(select(Task).where(Task.item.has(code="SW-001")))
    refused = client.post(
        f"/api/v1/tasks/{tax.id}/complete", json={"outcome": "rejected"}, headers=bearer(sw)
    )
    assert refused.status_code == 422 and "理由" in refused.get_json()["error"]
    client.post(
        f"/api/v1/tasks/{tax.id}/complete",
        json={"outcome": "rejected", "reason": "经营场所地址与登记不符"},
        headers=bearer(sw),
    )
    steps = _steps(client, window_token, application["id"])
    assert steps["SW-001"] == "rejected" and steps["SW-002"] == "blocked"  # below the rejection
    assert steps["SCJG-003"] == "ready" and steps["RS-002"] == "ready"  # the rest goes on


def test_a_department_cannot_see_or_act_on_another_departments_tasks(app, client, window_token):
    _accept(client, window_token)
    task = db.session.scalar(select(Task).where(Task.status == "ready"))
    other = department_token("SW")
    assert client.get("/api/v1/departments/SCJG/tasks", headers=bearer(other)).status_code == 403
    assert client.get(f"/api/v1/tasks/{task.id}", headers=bearer(other)).status_code == 404
    attempt = client.post(
        f"/api/v1/tasks/{task.id}/complete",
        json={"outcome": "approved", "results": {}},
        headers=bearer(other),
    )
    assert attempt.status_code == 404
    assert db.session.get(Task, task.id).status == "ready"
    assert client.get("/api/v1/departments/SCJG/tasks", headers=bearer(window_token)).status_code == 403


def test_acceptance_while_redis_is_down_is_routed_once_redis_is_back(app, client, window_token, free_port):
    working = app.extensions[EXTENSION_KEY]
    app.extensions[EXTENSION_KEY] = connect(f"redis://127.0.0.1:{free_port}/0")  # Redis is down
    try:
        application = _accept(client, window_token)
    finally:
        app.extensions[EXTENSION_KEY] = working
    assert _steps(client, window_token, application["id"])["SCJG-001"] == "ready"  # accepted all the same
    delivery = db.session.scalars(select(Delivery)).one()
    assert delivery.status == "pending" and delivery.enqueued_at is None
    assert dispatch() == 1  # the dispatcher, once Redis is back
    assert dispatch() == 0  # nothing twice
    work_departments(app, "SCJG")
    work_departments(app, "SCJG")  # a second worker pass finds nothing more to deliver
    delivery = db.session.get(Delivery, delivery.id)
    assert delivery.status == "delivered" and delivery.attempts == 1
    assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "delivered")).all()) == 1


def test_webhook_deliveries_are_signed(app, client, window_token, department_system, fast_retries):
    receiver, url = department_system
    secret = db.session.scalar(select(Department).where(Department.code == "SW")).webhook_secret
    assert secret  # created when the webhook department was imported
    tax_step_released(client, window_token, url)
    work_departments(app, "SW")
    assert len(receiver.received) == 1
    request = receiver.received[0]
    headers, payload, body = request.headers, request.json, request.body
    expected = (
        "sha256="
        + hmac.new(
            secret.encode(), headers["X-Bundler-Timestamp"].encode() + b"." + body, hashlib.sha256
        ).hexdigest()
    )
    assert headers["X-Bundler-Signature"] == expected
    assert payload["item"] == "SW-001" and payload["department"] == "SW"
    assert USCC in json.dumps(payload["form"], ensure_ascii=False)


def test_a_failing_webhook_is_retried_then_shown_failed_and_can_be_retried(
    app, client, window_token, department_system, fast_retries
):
    receiver, url = department_system
    receiver.status = 500
    tax_step_released(client, window_token, url)
    work_departments(app, "SW")
    for _ in range(4):  # the dispatcher hands it out again when each next attempt is due
        assert dispatch() == 1
        work_departments(app, "SW")
    assert dispatch() == 0
    delivery = db.session.scalar(select(Delivery).where(Delivery.queue == "remote:SW"))
    assert delivery.status == "failed" and delivery.attempts == 5 and "500" in delivery.last_error
    assert len(receiver.received) == 5
    receiver.status = 200
    retry_failed(db.session, delivery, "用户 1")
    db.session.commit()
    dispatch([delivery.id])
    work_departments(app, "SW")
    delivery = db.session.get(Delivery, delivery.id)
    assert delivery.status == "delivered" and len(receiver.received) == 6


def test_the_audit_log_cannot_be_edited(app, client, window_token):
    _accept(client, window_token)
    work_departments(app, "SCJG")
    entry = db.session.scalars(select(AuditEntry)).first()
    entry.actor = "someone else"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(DBAPIError):  # the database refuses too, whoever asks
        db.session.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    db.session.rollback()


def test_a_department_that_changes_its_channel_takes_its_undelivered_work_along(
    client, sample, window_token, runner, write_yaml
):
    accepted = accept_by_api(client, window_token)
    delivery = db.session.scalar(
        select(Delivery)
        .join(Task)
        .where(Task.application_id == accepted["id"], Delivery.status != "delivered")
    )
    assert delivery.queue == "dept:SCJG"

    def scjg_receives_by(channel: str, **more: str) -> None:
        entry = {"code": "SCJG", "name": "汉台区市场监督管理局", "channel": channel, **more}
        result = runner.invoke(args=["import", str(write_yaml({"departments": [entry]}))])
        assert result.exit_code == 0, result.output
        db.session.expire_all()

    scjg_receives_by("webhook", webhook_url="https://example.gov.cn/hantai/scjg/notify")
    assert db.session.get(Delivery, delivery.id).queue == "remote:SCJG"  # the push worker takes it
    scjg_receives_by("inbox")
    assert db.session.get(Delivery, delivery.id).queue == "dept:SCJG"
