"""Results are data and reach the applicant at one point (一端出件), through the API with real workers:
a bad credit code refused with 422 naming it, result documents stored and served, the licence filed in
its holder's record, a correction handed again to the departments that had the old value, a refusal
blocking exactly what depends on it, the application partly done, the handover recorded once, and
every notice of the application sent by the development SMS sender."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import select, text

from bundler.catalogue import definitions
from bundler.extensions import db
from bundler.models import Application, AuditEntry, Delivery, Department, Notification, ResultDocument, Task
from bundler.queues import SYSTEM_QUEUE, department_queue_name, remote_queue_name
from bundler.services import work_queue
from bundler.services.elicences import LocalELicenceStore
from bundler.states import TaskState
from bundler.worker import make_worker

from peers import peer
from testapp import accept_by_api, bearer, department_token, example_results, pdf_bytes, png_bytes

ANSWERS = {"has_employees": "true"}  # 开饭店: SCJG-001 → (SCJG-003, SW-001, RS-002) → SW-002
USCC = "92610702MA6X0F2K1F"
CORRECTED = "92610702MA6X0F3L3C"
PDF = pdf_bytes()
PNG = png_bytes()
KEY = "经营者.统一社会信用代码"
NEWBORN = "610702202611010014"
TWIN = "610702202611010022"


def _work(app, *queues):
    make_worker(app, list(queues)).work(burst=True)
    db.session.expire_all()


def _task(application_id, code):
    return db.session.scalar(
        select(Task).where(Task.application_id == application_id, Task.item.has(code=code))
    )


def _tasks(application_id, code):
    db.session.expire_all()
    return db.session.scalars(
        select(Task)
        .where(Task.application_id == application_id, Task.item.has(code=code))
        .order_by(Task.person)
    ).all()


def _approve(client, token, task, results):
    """The department approves the task through the API: example results, with ``results`` over them."""
    return client.post(
        f"/api/v1/tasks/{task.id}/complete",
        json={"outcome": "approved", "results": {**_example_results(task), **results}},
        headers=bearer(token),
    )


def _example_results(task):
    return example_results(definitions.schema_for(db.session, task.application), task.item.code)


@pytest.fixture
def tax_office(free_port):
    """The tax bureau's own system (webhook channel): records every payload it receives."""
    with peer(free_port) as system:
        sw = db.session.scalar(select(Department).where(Department.code == "SW"))
        sw.webhook_url = f"{system.url}/inbox"
        db.session.commit()
        yield system


def test_results_checked_corrected_refusal_blocks_partly_done_handover_and_notices(
    app, client, window_token, tax_office
):
    app.config["DELIVERY_RETRY_INTERVALS"] = [0]
    accepted = accept_by_api(client, window_token, answers=ANSWERS)
    application_id = accepted["id"]
    scjg, sw, rs = department_token("SCJG"), department_token("SW"), department_token("RS")
    _work(app, department_queue_name("SCJG"))
    first = _task(application_id, "SCJG-001")

    # a bad credit code is refused, naming the field; nothing is stored
    bad = client.post(
        f"/api/v1/tasks/{first.id}/complete",
        json={"outcome": "approved", "results": {KEY: "12345"}},
        headers=bearer(scjg),
    )
    assert bad.status_code == 422
    assert KEY in bad.get_json()["errors"] and "统一社会信用代码" in bad.get_json()["error"]
    wrong_check = client.post(
        f"/api/v1/tasks/{first.id}/complete",
        json={"outcome": "approved", "results": {KEY: USCC[:-1] + "0"}},
        headers=bearer(scjg),
    )
    assert wrong_check.status_code == 422 and KEY in wrong_check.get_json()["errors"]
    unknown = client.post(
        f"/api/v1/tasks/{first.id}/complete",
        json={"outcome": "approved", "results": {KEY: USCC, "申请人.公民身份号码": "R-1"}},
        headers=bearer(scjg),
    )
    assert unknown.status_code == 422 and "申请人.公民身份号码" in unknown.get_json()["errors"]
    not_a_pdf = client.post(
        f"/api/v1/tasks/{first.id}/complete",
        json={
            "outcome": "approved",
            "results": {KEY: USCC},
            "documents": [{"name": "执照.png", "content_base64": base64.b64encode(PNG).decode()}],
        },
        headers=bearer(scjg),
    )
    assert not_a_pdf.status_code == 422 and "documents.0" in not_a_pdf.get_json()["errors"]
    db.session.expire_all()
    assert _task(application_id, "SCJG-001").status == "ready"
    assert db.session.scalars(select(ResultDocument)).all() == []

    done = client.post(
        f"/api/v1/tasks/{first.id}/complete",
        json={
            "outcome": "approved",
            "results": {KEY: USCC.lower()},  # normalised as the data dictionary reads it
            "documents": [{"name": "营业执照.pdf", "content_base64": base64.b64encode(PDF).decode()}],
        },
        headers=bearer(scjg),
    )
    assert done.status_code == 200, done.get_json()

    # 一端出件: the step's result and document are shown at once, before the rest is finished
    status = client.get(f"/api/v1/applications/{application_id}", headers=bearer(window_token)).get_json()
    step = next(s for s in status["steps"] if s["item"] == "SCJG-001")
    assert status["status"] == "accepted" and step["results"] == {KEY: USCC}
    assert [d["name"] for d in step["documents"]] == ["营业执照.pdf"]
    served = client.get(step["documents"][0]["url"], headers=bearer(window_token))
    assert served.status_code == 200 and served.data == PDF and served.mimetype == "application/pdf"
    assert client.get(step["documents"][0]["url"], headers=bearer(scjg)).status_code == 403
    stored = db.session.scalars(select(ResultDocument)).one()
    assert stored.content == PDF
    raw = bytes(db.session.execute(text("SELECT content FROM result_documents")).scalar_one())
    assert PDF not in raw  # encrypted at rest

    # the business licence is in the new business's record (一企一档): the next bundle exempts it
    licences = LocalELicenceStore(db.session).licences_for(USCC)
    assert [(lic.kind, lic.number) for lic in licences] == [("营业执照", USCC)]

    # the three parallel steps are delivered with the credit code
    _work(app, department_queue_name("SCJG"), remote_queue_name("SW"), department_queue_name("RS"))
    assert len(tax_office.payloads) == 1 and tax_office.payloads[0]["upstream"]["SCJG-001"] == {KEY: USCC}

    # a correction: checked the same way, only by the task's department, audited, handed again
    assert (
        client.post(
            f"/api/v1/tasks/{first.id}/correct",
            json={"results": {KEY: CORRECTED}, "reason": "登记时录入错误"},
            headers=bearer(sw),
        ).status_code
        == 404
    )
    refused = client.post(
        f"/api/v1/tasks/{first.id}/correct",
        json={"results": {KEY: "R-1"}, "reason": "登记时录入错误"},
        headers=bearer(scjg),
    )
    assert refused.status_code == 422 and KEY in refused.get_json()["errors"]
    no_reason = client.post(
        f"/api/v1/tasks/{first.id}/correct", json={"results": {KEY: CORRECTED}}, headers=bearer(scjg)
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    corrected = client.post(
        f"/api/v1/tasks/{first.id}/correct",
        json={"results": {KEY: CORRECTED}, "reason": "登记时录入错误"},
        headers=bearer(scjg),
    )
    assert corrected.status_code == 200, corrected.get_json()
    assert sorted(corrected.get_json()["redelivered"]) == ["RS-002", "SCJG-003", "SW-001"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "correct"))
    assert entry.before["results"] == {KEY: USCC} and entry.after["results"] == {KEY: CORRECTED}
    assert entry.after["reason"] == "登记时录入错误"
    _work(app, department_queue_name("SCJG"), remote_queue_name("SW"), department_queue_name("RS"))
    assert len(tax_office.payloads) == 2
    again = tax_office.payloads[1]
    assert again["upstream"]["SCJG-001"] == {KEY: CORRECTED} and USCC not in json.dumps(again["form"])
    assert again["corrections"] == [
        {
            "item": "SCJG-001",
            "before": {KEY: USCC},
            "after": {KEY: CORRECTED},
            "reason": "登记时录入错误",
            "at": again["corrections"][0]["at"],
        }
    ]
    for code in ("SCJG-003", "RS-002", "SW-001"):
        deliveries = db.session.scalars(
            select(Delivery).where(Delivery.task_id == _task(application_id, code).id)
        ).all()
        assert [d.status for d in deliveries] == ["delivered", "delivered"], code
    food = _task(application_id, "SCJG-003")
    assert food.redelivered_at is not None and food.redelivered_at > food.delivered_at
    assert food in work_queue.handed_again(db.session, food.department_id)  # the queue's “重新推送” list
    inbox = client.get(f"/api/v1/tasks/{food.id}", headers=bearer(scjg)).get_json()
    assert inbox["corrections"][0]["after"] == {KEY: CORRECTED}
    assert [(lic.kind, lic.number) for lic in LocalELicenceStore(db.session).licences_for(CORRECTED)] == [
        ("营业执照", CORRECTED)
    ]
    assert LocalELicenceStore(db.session).licences_for(USCC) == []  # the wrong record is withdrawn

    # a refusal blocks exactly what depends on it; the rest finishes; the application is partly done
    tax = _task(application_id, "SW-001")
    client.post(
        f"/api/v1/tasks/{tax.id}/complete",
        json={"outcome": "rejected", "reason": "经营场所地址与登记不符"},
        headers=bearer(sw),
    )
    status = client.get(f"/api/v1/applications/{application_id}", headers=bearer(window_token)).get_json()
    steps = {s["item"]: s for s in status["steps"]}
    assert steps["SW-002"]["status"] == "blocked" and "经营场所地址与登记不符" in steps["SW-002"]["reason"]
    assert steps["SCJG-003"]["status"] == steps["RS-002"]["status"] == "ready"
    assert steps["SW-001"]["reason"] == "经营场所地址与登记不符" and steps["SW-001"]["results"] == {}
    early = client.post(
        f"/api/v1/applications/{application_id}/handover",
        json={"method": "download"},
        headers=bearer(window_token),
    )
    assert early.status_code == 422  # nothing to hand over before the end
    for code, token in (("SCJG-003", scjg), ("RS-002", rs)):
        task = _task(application_id, code)
        answer = client.post(
            f"/api/v1/tasks/{task.id}/complete",
            json={"outcome": "approved", "results": _example_results(task)},
            headers=bearer(token),
        )
        assert answer.status_code == 200, answer.get_json()
    status = client.get(f"/api/v1/applications/{application_id}", headers=bearer(window_token)).get_json()
    assert status["status"] == "partly_done" and status["handover"] is None
    assert {s["item"]: s["status"] for s in status["steps"] if s["status"] != "skipped"} == {
        "SCJG-001": "done",
        "SCJG-003": "done",
        "SW-001": "rejected",
        "RS-002": "done",
        "SW-002": "blocked",
    }

    # the handover, once; mailing needs an address and the carrier's number
    no_number = client.post(
        f"/api/v1/applications/{application_id}/handover",
        json={"method": "mail", "address": "汉中市汉台区天汉大道 88 号"},
        headers=bearer(window_token),
    )
    assert no_number.status_code == 422 and "tracking_number" in no_number.get_json()["errors"]
    no_address = client.post(
        f"/api/v1/applications/{application_id}/handover",
        json={"method": "mail", "tracking_number": "EMS1234567890"},
        headers=bearer(window_token),
    )
    assert no_address.status_code == 422 and "address" in no_address.get_json()["errors"]
    handed = client.post(
        f"/api/v1/applications/{application_id}/handover",
        json={
            "method": "mail",
            "address": "汉中市汉台区天汉大道 88 号",
            "carrier": "中国邮政 EMS",
            "tracking_number": "EMS1234567890",
        },
        headers=bearer(window_token),
    )
    assert handed.status_code == 201, handed.get_json()
    assert handed.get_json()["method"] == "mail" and handed.get_json()["tracking_number"] == "EMS1234567890"
    twice = client.post(
        f"/api/v1/applications/{application_id}/handover",
        json={"method": "download"},
        headers=bearer(window_token),
    )
    assert twice.status_code == 422 and "已经出件" in twice.get_json()["error"]
    status = client.get(f"/api/v1/applications/{application_id}", headers=bearer(window_token)).get_json()
    assert status["handover"]["method"] == "mail"

    # the development SMS sender holds the notices of the whole application, all sent
    _work(app, SYSTEM_QUEUE)
    notices = db.session.scalars(
        select(Notification).where(Notification.application_id == application_id).order_by(Notification.id)
    ).all()
    assert [n.event for n in notices] == [
        "accepted",
        "result",
        "corrected",
        "result",
        "result",
        "result",
        "partly_done",
        "handover",
    ]
    assert {n.status for n in notices} == {"sent"} and {n.sender for n in notices} == {"development"}
    assert "不予许可" in notices[3].body and "EMS1234567890" in notices[-1].body
    assert "部分事项不予许可" in notices[6].body
    application = db.session.get(Application, application_id)
    assert application.completed_at is not None


def test_a_newborns_birth_certificate_is_filed_once_the_id_number_is_issued(app, client, window_token):
    """一人一档: the birth certificate (WJ-001) has no holder number until the household registration
    (GA-001) issues the newborn's ID number; then both licences are in the newborn's record. Twins: each
    child has its own certificate and registration, filed under its own number."""
    answers = {
        "need_ssc": "true",
        "medical_insurance": "已在其他地区参保或暂不参保",
        "maternity_allowance": "false",
    }
    accepted = accept_by_api(client, window_token, bundle="XSECS", answers=answers)
    application_id = accepted["id"]
    children = db.session.get(Application, application_id).data["新生儿[]"]
    assert len(children) == 2  # the example data names twins
    wj, ga = department_token("WJ"), department_token("GA")
    births = _tasks(application_id, "WJ-001")
    assert [t.person for t in births] == [0, 1]
    certificates = ["S610012345", "S610012346"]
    for birth, certificate in zip(births, certificates, strict=True):
        answer = _approve(client, wj, birth, {"新生儿[].出生医学证明编号": certificate})
        assert answer.status_code == 200, answer.get_json()
    assert LocalELicenceStore(db.session).licences_for(NEWBORN) == []
    households = _tasks(application_id, "GA-001")
    assert [t.status for t in households] == [TaskState.READY, TaskState.READY]
    bad = _approve(client, ga, households[0], {"新生儿[].公民身份号码": "R-1"})
    assert bad.status_code == 422 and "新生儿[].公民身份号码" in bad.get_json()["errors"], bad.get_json()
    numbers = [NEWBORN, TWIN]
    for household, number in zip(households, numbers, strict=True):
        mine = client.get(f"/api/v1/tasks/{household.id}", headers=bearer(ga)).get_json()
        child = children[household.person]
        assert mine["person"] == {"role": "新生儿", "number": household.person + 1}
        assert mine["form"]["baby_name"] == child["姓名"]  # its own child, as a plain field
        assert mine["form"]["birth_cert_no"] == certificates[household.person]
        answer = _approve(client, ga, household, {"新生儿[].公民身份号码": number})
        assert answer.status_code == 200, answer.get_json()
    for number, certificate in zip(numbers, certificates, strict=True):
        filed = {lic.kind: lic for lic in LocalELicenceStore(db.session).licences_for(number)}
        assert set(filed) == {"出生医学证明", "户口簿"}
        assert filed["出生医学证明"].number == certificate
