"""新生儿出生 as the real 出生一件事 runs it: the parents are not asked the medical data (孕周, 体重, 身长,
健康状况, vaccinations); the hospital's step (出生医学证明) fills them when it works, checked like any result,
and the later steps receive them in their own forms."""

from __future__ import annotations

from sqlalchemy import select

from bundler.catalogue import definitions
from bundler.extensions import db
from bundler.models import Task

from testapp import accept_by_api, bearer, department_token, work_departments

MEDICAL = {  # each child's, given by the hospital's step for that child (per: 新生儿)
    "新生儿[].出生时间": "2026-11-30 08:15",
    "新生儿[].出生日期": "2026-11-30",
    "新生儿[].出生孕周": 39,
    "新生儿[].出生体重": 3350,
    "新生儿[].出生身长": "50.5",
    "新生儿[].出生地点": "陕西省汉中市汉台区",
    "新生儿[].健康状况": "良好",
    "新生儿[].接生机构": "汉中市中心医院",
}
HOSPITAL = {  # the parents' data the hospital takes from its own records
    "母亲.年龄": 29,
    "母亲.国籍": "中国",
    "母亲.住所": "陕西省汉中市汉台区北关街道 1 号",
}  # the father's age and nationality are optional (a father may be unknown): left out here


def _task(application_id: int, code: str) -> Task:
    db.session.expire_all()
    return db.session.scalar(
        select(Task).where(Task.application_id == application_id, Task.item.has(code=code))
    )


def test_the_hospital_fills_the_medical_data_and_later_steps_receive_it(client, sample, window_token):
    accepted = accept_by_api(client, window_token, bundle="XSECS")
    application_id = accepted["id"]
    hospital = _task(application_id, "WJ-001")
    schema = definitions.schema_for(db.session, hospital.application)
    asked = {f.key for f in schema.asked_fields}
    assert not asked & set(MEDICAL), "the parents are never asked the medical data"
    assert {f.key for f in schema.fields if f.filled_by} >= set(MEDICAL)

    wj = department_token("WJ")
    work_departments(app_of(client), "WJ")
    inbox = client.get(f"/api/v1/tasks/{hospital.id}", headers=bearer(wj)).get_json()
    assert inbox["form"].get("birth_weight") is None  # not known before the hospital fills it

    missing = client.post(
        f"/api/v1/tasks/{hospital.id}/complete",
        json={"outcome": "approved", "results": {"新生儿[].出生医学证明编号": "S610012345"}},
        headers=bearer(wj),
    )
    assert missing.status_code == 422 and "新生儿[].出生体重" in missing.get_json()["errors"]
    bad = client.post(
        f"/api/v1/tasks/{hospital.id}/complete",
        json={
            "outcome": "approved",
            "results": {
                "新生儿[].出生医学证明编号": "S610012345",
                **MEDICAL,
                **HOSPITAL,
                "新生儿[].出生孕周": "三十九",
            },
        },
        headers=bearer(wj),
    )
    assert bad.status_code == 422 and "新生儿[].出生孕周" in bad.get_json()["errors"]
    done = client.post(
        f"/api/v1/tasks/{hospital.id}/complete",
        json={
            "outcome": "approved",
            "results": {"新生儿[].出生医学证明编号": "S610012345", **MEDICAL, **HOSPITAL},
        },
        headers=bearer(wj),
    )
    assert done.status_code == 200, done.get_json()

    vaccination = _task(application_id, "WJ-002")
    form = client.get(f"/api/v1/tasks/{vaccination.id}", headers=bearer(wj)).get_json()["form"]
    assert form["child_weight"] == 3350  # received in its own form, under its own name


def app_of(client):
    return client.application
