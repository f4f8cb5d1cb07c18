"""容缺受理 as the law means it: only a material marked deferrable may follow after acceptance; the step
that needs it can be worked but not approved until it is supplied and a department confirms it; a
commitment date that passes turns red for the window and the department, who may end the step as 撤销."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from bundler.extensions import db
from bundler.models import Application, ApplicationMaterial, AuditEntry, Notification, Task
from bundler.queues import department_queue_name
from bundler.worker import make_worker

from factories import PASSWORD
from testapp import accept_by_api, answered, bearer, pdf_bytes, post_application

CHINA = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 9, 14, 9, 30, tzinfo=CHINA)
VENUE = "经营场所使用证明|门店"  # deferrable for 个体工商户设立登记 (SCJG-001)
LICENCE_FORM = "个体工商户登记申请书|经营者"
USCC = "92610702MA6X0F2K1F"


def _accept_deferring(client, token, deferred: str, commitment: str = "2026-09-18"):
    return accept_by_api(
        client,
        token,
        answers=answered("KFD"),
        materials={deferred: "deferred"},
        commitment_date=commitment,
    )


def _task(application_id: int, code: str) -> Task:
    return db.session.scalar(
        select(Task).where(Task.application_id == application_id, Task.item.has(code=code))
    )


def _officer(client, make_user, login="scjg-rq"):
    make_user("department", login=login, department="SCJG", name="审批员")
    assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302


def test_a_deferred_material_stops_approval_until_supplied_and_confirmed(
    app, client, window_token, make_user
):
    with time_machine.travel(MONDAY, tick=False):
        body = _accept_deferring(client, window_token, VENUE)
    assert body["status"] == "accepted_pending"
    venue = next(m for m in body["materials"] if m["key"] == VENUE)
    assert (venue["status"], venue["due"]) == ("deferred", "2026-09-18")
    make_worker(app, [department_queue_name("SCJG")]).work(burst=True)

    _officer(client, make_user)
    task = _task(body["id"], "SCJG-001")
    page = client.get(f"/department/tasks/{task.id}").get_data(as_text=True)
    assert "容缺材料（确认补交前不能准予）" in page and "经营场所使用证明" in page
    assert client.post(f"/department/tasks/{task.id}/action", data={"action": "start"}).status_code == 302
    refused = client.post(
        f"/department/tasks/{task.id}/action", data={"action": "approved", "r:经营者.统一社会信用代码": USCC}
    )
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "尚未补交并经确认，暂不能准予" in text and USCC in text  # what the officer typed stays
    db.session.expire_all()
    assert _task(body["id"], "SCJG-001").status == "in_progress"

    # The applicant's window system sends the file: supplied, waiting for the department.
    added = client.post(
        f"/api/v1/applications/{body['id']}/materials/{VENUE.replace('|', '%7C')}/files",
        data={"file": (io.BytesIO(pdf_bytes()), "租赁合同.pdf")},
        content_type="multipart/form-data",
        headers=bearer(window_token),
    )
    assert added.status_code == 201, added.get_json()
    material = db.session.scalar(select(ApplicationMaterial).where(ApplicationMaterial.key == VENUE))
    assert material.status == "supplied" and material.supplied_at is not None
    still = client.post(
        f"/department/tasks/{task.id}/action", data={"action": "approved", "r:经营者.统一社会信用代码": USCC}
    )
    assert still.status_code == 422 and "已补交，待部门确认" in still.get_data(as_text=True)

    confirmed = client.post(
        f"/department/tasks/{task.id}/action",
        data={"action": "confirm_material", "material": VENUE},
        follow_redirects=True,
    )
    assert "已确认补交的材料" in confirmed.get_data(as_text=True)
    db.session.expire_all()
    material = db.session.get(ApplicationMaterial, material.id)
    assert material.status == "uploaded" and material.confirmed_by and "审批员" not in material.confirmed_by
    assert db.session.get(Application, body["id"]).status == "accepted"  # nothing owed any more
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "material_confirmed")) is not None
    approved = client.post(
        f"/department/tasks/{task.id}/action",
        data={"action": "approved", "r:经营者.统一社会信用代码": USCC},
        follow_redirects=True,
    )
    assert "已办结" in approved.get_data(as_text=True)
    db.session.expire_all()
    assert _task(body["id"], "SCJG-001").status == "done"


def test_only_a_deferrable_material_may_be_deferred(client, window_token):
    response = post_application(
        client, window_token, materials={LICENCE_FORM: "deferred"}, commitment_date="2026-09-18"
    )
    body = response.get_json()
    assert response.status_code == 422
    assert "个体工商户登记（备案）申请书" in body["error"] and "不能容缺后补" in body["error"]
    assert db.session.scalar(select(Application)) is None


def test_an_overdue_commitment_turns_red_and_the_step_may_be_revoked(app, client, window_token, make_user):
    with time_machine.travel(MONDAY, tick=False):
        body = _accept_deferring(client, window_token, VENUE, commitment="2026-09-16")
    make_worker(app, [department_queue_name("SCJG")]).work(burst=True)
    task = _task(body["id"], "SCJG-001")
    make_user("window", login="clerk-rq")
    clerk = app.test_client()
    with time_machine.travel(dt.datetime(2026, 9, 16, 10, tzinfo=CHINA), tick=False):  # the date itself
        _officer(client, make_user)
        assert "容缺材料逾期未补" not in client.get("/department/").get_data(as_text=True)
        clerk.post("/login", data={"login": "clerk-rq", "password": PASSWORD})
        owing = clerk.get("/window/").get_data(as_text=True)
        assert "容缺受理待补交材料" in owing and body["tracking_no"] in owing and "已逾期" not in owing
    after = dt.datetime(2026, 9, 17, 10, tzinfo=CHINA)
    with time_machine.travel(after, tick=False):
        client.post("/login", data={"login": "scjg-rq", "password": PASSWORD})
        queue = client.get("/department/").get_data(as_text=True)
        assert "容缺材料逾期未补：经营场所使用证明" in queue
        page = client.get(f"/department/tasks/{task.id}").get_data(as_text=True)
        assert "已逾期" in page and "撤销本事项的办理" in page
        clerk.post("/login", data={"login": "clerk-rq", "password": PASSWORD})
        assert "已逾期" in clerk.get("/window/").get_data(as_text=True)
        desk = clerk.get(f"/window/applications/{body['id']}/done").get_data(as_text=True)
        assert "逾期未补交" in desk and "panel overdue" in desk
        no_reason = client.post(f"/department/tasks/{task.id}/action", data={"action": "revoke"})
        assert no_reason.status_code == 422
        revoked = client.post(
            f"/department/tasks/{task.id}/action",
            data={"action": "revoke", "revoke_reason": "经电话催告仍未补交"},
            follow_redirects=True,
        )
        assert "已撤销本事项的办理" in revoked.get_data(as_text=True)
    db.session.expire_all()
    task = _task(body["id"], "SCJG-001")
    assert task.status == "revoked" and "逾期未补交" in task.reason
    below = _task(body["id"], "SCJG-003")
    assert below.status == "blocked" and "已撤销" in below.reason
    told = db.session.scalars(select(Notification).where(Notification.application_id == body["id"])).all()
    assert any("撤销" in n.body for n in told)


def test_an_owed_material_brought_to_the_counter_waits_for_the_department(
    app, client, window_token, make_user
):
    with time_machine.travel(MONDAY, tick=False):
        body = _accept_deferring(client, window_token, VENUE)
    make_user("window", login="clerk-paper")
    clerk = app.test_client()
    clerk.post("/login", data={"login": "clerk-paper", "password": PASSWORD})
    material = db.session.scalar(select(ApplicationMaterial).where(ApplicationMaterial.key == VENUE))
    page = clerk.get(f"/window/applications/{body['id']}/done").get_data(as_text=True)
    assert "已收取并核对原件" in page
    from testapp import CsrfClient

    counter = CsrfClient(app, app.response_class, use_cookies=True)
    counter.post("/login", data={"login": "clerk-paper", "password": PASSWORD})
    done = counter.post(
        f"/window/applications/{body['id']}/materials/{material.id}/supplied", follow_redirects=True
    )
    assert "待办理部门确认" in done.get_data(as_text=True)
    db.session.expire_all()
    material = db.session.get(ApplicationMaterial, material.id)
    assert material.status == "supplied" and material.collected_by and material.collected_at
