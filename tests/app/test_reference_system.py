"""The reference business system that ``bundler serve`` starts for the sample's placeholder departments:
it takes the tax office's push only with a fresh, valid signature, answers at once, works a repeated
delivery once, and finishes the step through the API with the results the push asks for."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from werkzeug.serving import make_server

from bundler.channels.webhook import sign
from bundler.extensions import db
from bundler.models import AuditEntry, Department, Task
from bundler.reference_system import Credentials, create_receiver
from bundler.services import reference_departments

from processes import free_port
from testapp import first_step_approved, work_departments


@contextmanager
def serving(wsgi_app, port: int) -> Iterator[str]:
    server = make_server("127.0.0.1", port, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_the_reference_system_finishes_the_tax_step_it_is_pushed(app, client, sample, window_token):
    tax = db.session.scalar(select(Department).where(Department.code == "SW"))
    assert reference_departments.is_placeholder(tax.webhook_url)  # the sample's address answers nobody
    assert [d.code for d in reference_departments.placeholder_departments(db.session)] == ["GD", "SW"]
    found = reference_departments.credentials(db.session, ["SW"])
    db.session.commit()
    receiver = create_receiver({"SW": Credentials(*found["SW"])}, decide_after=0.1)
    with serving(app, free_port()) as service, serving(receiver, free_port()) as reference:
        app.config["PUBLIC_URL"] = service  # the push names where to report
        reference_departments.point_at([tax], reference)
        db.session.commit()
        assert reference_departments.is_placeholder(tax.webhook_url)  # and a restart finds it again
        body = first_step_approved(client, window_token)  # 开饭店: the tax step is ready now
        work_departments(app, "SW")  # the remote worker pushes it, signed
        step = db.session.scalar(
            select(Task).where(Task.application_id == body["id"], Task.item.has(code="SW-001"))
        )
        assert _wait_for(lambda: db.session.get(Task, step.id).status == "done"), db.session.get(
            Task, step.id
        ).status
        decided_by = db.session.scalars(select(AuditEntry.actor).where(AuditEntry.task_id == step.id)).all()
        assert any("参考业务系统" in actor for actor in decided_by), decided_by  # through its own token

        secret = found["SW"][0]
        payload = json.dumps(
            {"delivery_id": "x-1", "results_asked": [], "complete_url": f"{service}/nowhere"}
        ).encode()
        stamp = str(int(time.time()))
        with receiver.test_client() as direct:
            forged = direct.post(
                "/reference/SW",
                data=payload,
                headers={"X-Bundler-Timestamp": stamp, "X-Bundler-Signature": "sha256=00"},
            )
            stale = str(int(time.time()) - 3600)
            old = direct.post(
                "/reference/SW",
                data=payload,
                headers={"X-Bundler-Timestamp": stale, "X-Bundler-Signature": sign(secret, stale, payload)},
            )
            signed = {
                "X-Bundler-Timestamp": stamp,
                "X-Bundler-Signature": sign(secret, stamp, payload),
                "Content-Type": "application/json",
            }
            first, again = (direct.post("/reference/SW", data=payload, headers=signed) for _ in range(2))
            unknown = direct.post("/reference/XX", data=payload, headers=signed)
        assert (forged.status_code, old.status_code, unknown.status_code) == (401, 401, 404)
        assert first.get_json() == {"received": True, "repeated": False}
        assert again.get_json() == {"received": True, "repeated": True}  # worked once


def test_a_push_says_which_results_to_give_with_examples_the_api_takes(client, sample, window_token):
    from testapp import accept_by_api, bearer, department_token

    body = accept_by_api(client, window_token)
    first = db.session.scalar(
        select(Task).where(Task.application_id == body["id"], Task.item.has(code="SCJG-001"))
    )
    token = department_token("SCJG")
    task = client.get(f"/api/v1/tasks/{first.id}", headers=bearer(token)).get_json()
    asked = {r["key"]: r for r in task["results_asked"]}
    assert (
        asked["经营者.统一社会信用代码"]["required"] is True and asked["经营者.统一社会信用代码"]["example"]
    )
    assert task["complete_url"].endswith(f"/api/v1/tasks/{first.id}/complete")
    done = client.post(
        f"/api/v1/tasks/{first.id}/complete",
        json={"outcome": "approved", "results": {k: r["example"] for k, r in asked.items()}},
        headers=bearer(token),
    )
    assert done.status_code == 200, done.get_json()
