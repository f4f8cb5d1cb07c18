"""告知承诺制: a signed commitment replaces a material the item lists; the department approves on it and
verifies it by its own due date; a commitment found false revokes the result, and the applicant and the
departments downstream are told."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

import forms
import graphs
from bundler.catalogue import definitions
from bundler.extensions import db
from bundler.models import Application, ApplicationMaterial, AuditEntry, Notification, Task
from bundler.queues import department_queue_name
from bundler.services import commitments, document_contexts
from bundler.worker import make_worker

from factories import PASSWORD
from testapp import (
    accept_by_api,
    bearer,
    confirm_as_parties,
    department_token,
    pdf_bytes,
    post_application,
    scenario_form,
)

CHINA = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 9, 14, 9, 30, tzinfo=CHINA)
HOUSEHOLD = "户口簿|买方"  # 契税: the buyer's household and marriage papers, replaceable by a commitment
NOT_REPLACEABLE = "不动产买卖合同|房屋"


def _task(application_id: int, code: str) -> Task:
    return db.session.scalar(
        select(Task).where(Task.application_id == application_id, Task.item.has(code=code))
    )


def _approved_on_commitment(app, client, window_token):
    with time_machine.travel(MONDAY, tick=False):
        body = accept_by_api(client, window_token, bundle="ESFGH", commitments=[HOUSEHOLD])
        material = db.session.scalar(select(ApplicationMaterial).where(ApplicationMaterial.key == HOUSEHOLD))
        assert material.status == "committed" and body["status"] == "accepted"
        assert "pledge" in [
            d["kind"] for d in body["documents"]
        ]  # the 告知承诺书 is printed with the receipt
        tax = _task(body["id"], "SW-003")
        sw = department_token(tax.department.code)
        done = client.post(
            f"/api/v1/tasks/{tax.id}/complete", json={"outcome": "approved"}, headers=bearer(sw)
        )
        assert done.status_code == 200, done.get_json()
    db.session.expire_all()
    tax = _task(body["id"], "SW-003")
    assert tax.status == "done"
    assert tax.verify_due == graphs.add_working_days(MONDAY.date(), 20).date
    payload = client.get(f"/api/v1/tasks/{tax.id}", headers=bearer(sw)).get_json()
    assert payload["verify_due"] == tax.verify_due.isoformat()
    return body, tax, sw


def test_a_false_commitment_revokes_the_result_and_downstream_is_told(app, client, window_token):
    body, tax, sw = _approved_on_commitment(app, client, window_token)
    transfer = _task(body["id"], "BDC-001")
    make_worker(app, [department_queue_name(transfer.department.code)]).work(burst=True)
    db.session.expire_all()
    assert _task(body["id"], "BDC-001").delivered_at is not None

    no_note = client.post(f"/api/v1/tasks/{tax.id}/verify", json={"outcome": "false"}, headers=bearer(sw))
    assert no_note.status_code == 422 and "note" in no_note.get_json()["errors"]
    found = client.post(
        f"/api/v1/tasks/{tax.id}/verify",
        json={"outcome": "false", "note": "经不动产登记信息查询，承受方家庭名下另有住房一套"},
        headers=bearer(sw),
    )
    assert found.status_code == 200, found.get_json()
    assert found.get_json() == {"task": tax.id, "status": "revoked", "told": ["BDC-001"]}
    db.session.expire_all()
    tax = _task(body["id"], "SW-003")
    assert tax.status == "revoked" and tax.verification == "false" and "另有住房" in tax.reason
    told = db.session.scalar(
        select(Notification).where(Notification.application_id == body["id"], Notification.event == "revoked")
    )
    assert told is not None and "已撤销" in told.body
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "upstream_revoked")) is not None
    transfer = _task(body["id"], "BDC-001")
    bdc = department_token(transfer.department.code)
    downstream = client.get(f"/api/v1/tasks/{transfer.id}", headers=bearer(bdc)).get_json()
    assert [r["item"] for r in downstream["revoked"]] == ["SW-003"] and "SW-003" not in downstream["upstream"]
    again = client.post(f"/api/v1/tasks/{tax.id}/verify", json={"outcome": "confirmed"}, headers=bearer(sw))
    assert again.status_code == 422 and "没有待核查" in again.get_json()["error"]


def test_a_true_commitment_is_recorded_and_the_result_stands(app, client, window_token):
    body, tax, sw = _approved_on_commitment(app, client, window_token)
    confirmed = client.post(
        f"/api/v1/tasks/{tax.id}/verify", json={"outcome": "confirmed"}, headers=bearer(sw)
    )
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "done"
    db.session.expire_all()
    tax = _task(body["id"], "SW-003")
    assert tax.verification == "confirmed" and tax.verified_at is not None


def test_a_material_the_item_does_not_list_cannot_be_replaced_by_a_commitment(client, window_token):
    response = post_application(client, window_token, "ESFGH", commitments=[NOT_REPLACEABLE])
    assert response.status_code == 422
    assert (
        "不适用告知承诺制" in response.get_json()["error"]
        and "存量房买卖合同" in response.get_json()["error"]
    )


def test_an_applicant_chooses_a_commitment_online_and_the_pledge_follows_the_receipt(
    client, sample, make_user
):
    make_user("applicant", login="13991620055", name="王建国")
    client.post("/login", data={"login": "13991620055", "password": PASSWORD})
    started = client.post("/bundles/ESFGH/apply", data=scenario_form("ESFGH"))
    assert started.status_code == 302, started.get_data(as_text=True)
    application_id = int(re.search(r"/applications/(\d+)/form", started.headers["Location"]).group(1))
    application = db.session.get(Application, application_id)
    schema = definitions.schema_for(db.session, application)
    data = forms.example_data(schema)
    pairs = [(k, v.isoformat() if isinstance(v, dt.date) else v) for k, v in forms.formdata_for(schema, data)]
    filled = client.post(f"/applications/{application_id}/form", data=MultiDict([*pairs, ("action", "next")]))
    assert filled.status_code == 302, filled.get_data(as_text=True)
    db.session.expire_all()
    materials = {m.key: m for m in db.session.get(Application, application_id).materials}
    household, contract = materials[HOUSEHOLD], materials[NOT_REPLACEABLE]
    url = f"/applications/{application_id}/materials"
    page = client.get(url).get_data(as_text=True)
    assert "可告知承诺" in page and f"本人承诺符合“{household.name}”所证明的事项和条件" in page

    unticked = client.post(url, data={"material": household.id, "action": "commit"}, follow_redirects=True)
    assert "请先阅读并勾选承诺内容" in unticked.get_data(as_text=True)
    refused = client.post(
        url, data={"material": contract.id, "action": "commit", "pledge": "y"}, follow_redirects=True
    )
    assert f"材料“{contract.name}”不适用告知承诺制" in refused.get_data(as_text=True)
    chosen = client.post(
        url, data={"material": household.id, "action": "commit", "pledge": "y"}, follow_redirects=True
    )
    assert "已选择以告知承诺代替" in chosen.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ApplicationMaterial, household.id).status == "committed"
    client.post(url, data={"material": household.id, "action": "withdraw_commitment"})
    db.session.expire_all()
    assert db.session.get(ApplicationMaterial, household.id).status == "pending"
    client.post(url, data={"material": household.id, "action": "commit", "pledge": "y"})

    for material in db.session.get(Application, application_id).materials:
        if material.required and material.status == "pending":
            client.post(
                url,
                data={
                    "material": material.id,
                    "action": "upload",
                    "file": (io.BytesIO(pdf_bytes()), "scan.pdf"),
                },
                content_type="multipart/form-data",
            )
    waiting = client.post(f"/applications/{application_id}/review", follow_redirects=True)
    assert "尚未确认" in waiting.get_data(as_text=True)  # 各方确认: the buyer and the seller
    confirm_as_parties(client.application, application_id)
    submitted = client.get(f"/applications/{application_id}", follow_redirects=True)
    assert "已受理" in submitted.get_data(as_text=True), submitted.get_data(as_text=True)
    assert f"/applications/{application_id}/documents/pledge" in submitted.get_data(as_text=True)
    db.session.expire_all()
    application = db.session.get(Application, application_id)
    assert application.status == "accepted"
    tax = _task(application_id, "SW-003")
    assert [m.key for m in commitments.committed_for(db.session, tax)] == [HOUSEHOLD]
    received = document_contexts.receipt(db.session, application)["materials_received"]
    assert {"name": household.name, "e_licence": False, "committed": True} in received
    (entry,) = document_contexts.pledge(db.session, application)["entries"]
    assert (entry["name"], entry["verify_unit"]) == (household.name, "工作日")
