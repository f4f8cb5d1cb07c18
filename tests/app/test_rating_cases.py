"""好差评 to the end through the APIs: a counter rating of a step 非常不满意 opens a case in that
department's queue with its due date in working days; the department verifies and rectifies through its
token, the lead department calls back on its page, and the case counts in the "三个100%"."""

from __future__ import annotations

from sqlalchemy import select

import graphs
from bundler import clock
from bundler.extensions import db
from bundler.models import Rating
from bundler.services import rating_cases, work_calendar

from factories import PASSWORD
from testapp import accept_by_api, bearer, department_token, finish_by_department_api


def test_a_bad_step_rating_is_verified_rectified_revisited_and_counted(
    app, client, sample, window_token, make_user
):
    accepted = accept_by_api(client, window_token, "TX")
    early = client.post(
        f"/api/v1/applications/{accepted['id']}/ratings",
        json={"level": "满意", "step": None, "reasons": ["服务热情"]},
        headers=bearer(window_token),
    )
    assert early.status_code == 201 and early.get_json()["occasion"] == "accepted"
    assert early.get_json()["case"] is None

    application = finish_by_department_api(client, accepted["id"])
    assert application.status == "completed"
    step = next(t for t in application.tasks if t.status == "done")
    code, department = step.item.code, step.department.code
    wrong = client.post(
        f"/api/v1/applications/{application.id}/ratings",
        json={"level": "非常不满意", "step": code, "reasons": ["服务热情"]},
        headers=bearer(window_token),
    )
    assert wrong.status_code == 422 and "原因只能从以下选择" in wrong.get_json()["error"]
    rated = client.post(
        f"/api/v1/applications/{application.id}/ratings",
        json={
            "level": "非常不满意",
            "step": code,
            "reasons": ["办理时间长"],
            "comment": "等了很久没人告知进度",
        },
        headers=bearer(window_token),
    )
    assert rated.status_code == 201, rated.get_json()
    case = rated.get_json()["case"]
    expected_due = graphs.add_working_days(
        clock.today(), 5, calendar=work_calendar.current(db.session)
    ).date.isoformat()
    assert case["status"] == "open" and case["due"] == expected_due and case["item"] == code
    again = client.post(
        f"/api/v1/applications/{application.id}/ratings",
        json={"level": "满意", "step": code},
        headers=bearer(window_token),
    )
    assert again.status_code == 422 and "已经评价过了" in again.get_json()["error"]

    own = department_token(department)
    listed = client.get(f"/api/v1/departments/{department}/cases", headers=bearer(own)).get_json()["cases"]
    assert [(c["id"], c["level"], c["due"], c["overdue"]) for c in listed] == [
        (case["id"], "非常不满意", expected_due, False)
    ]
    other = next(t.department.code for t in application.tasks if t.department.code != department)
    assert (
        client.get(
            f"/api/v1/departments/{department}/cases", headers=bearer(department_token(other))
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/cases/{case['id']}",
            json={"step": "verify", "verified": True, "note": "x"},
            headers=bearer(department_token(other)),
        ).status_code
        == 404
    )

    skipped = client.post(
        f"/api/v1/cases/{case['id']}", json={"step": "rectify", "note": "提前整改"}, headers=bearer(own)
    )
    assert skipped.status_code == 422 and "不能进行这一步" in skipped.get_json()["error"]
    verified = client.post(
        f"/api/v1/cases/{case['id']}",
        json={"step": "verify", "verified": True, "note": "调阅记录：审批期间未告知进度"},
        headers=bearer(own),
    )
    assert verified.status_code == 200 and verified.get_json()["status"] == "following"
    rectified = client.post(
        f"/api/v1/cases/{case['id']}",
        json={"step": "rectify", "note": "审批节点短信告知申请人"},
        headers=bearer(own),
    )
    assert rectified.get_json()["status"] == "revisiting"
    assert (
        client.get(f"/api/v1/departments/{department}/cases", headers=bearer(own)).get_json()["cases"][0][
            "status"
        ]
        == "revisiting"
    )

    lead = app.test_client()
    make_user("lead", login="lead-tx", department=application.bundle_version.lead_department.code)
    lead.post("/login", data={"login": "lead-tx", "password": PASSWORD})
    page = lead.get("/lead/ratings").get_data(as_text=True)
    assert "审批节点短信告知申请人" in page and "回访电话" in page
    lead.post(f"/lead/ratings/{case['id']}", data={"outcome": "satisfied", "note": "电话回访，申请人认可"})
    db.session.expire_all()
    closed = db.session.get(Rating, case["id"])
    assert closed.follow_up == "closed" and closed.revisit_outcome == "satisfied"
    assert (
        client.get(f"/api/v1/departments/{department}/cases", headers=bearer(own)).get_json()["cases"] == []
    )

    [figures] = [
        h for h in rating_cases.hundreds(db.session, clock.today()) if h.department == step.department.name
    ]
    assert figures.to_json() == {
        "department": step.department.name,
        "cases": 1,
        "verified_share": 1.0,
        "rectified_share": 1.0,
        "revisited_share": 1.0,
        "overdue": 0,
    }


def test_an_upheld_appeal_leaves_the_three_hundreds(app, client, sample, window_token, make_user):
    application = finish_by_department_api(client, accept_by_api(client, window_token, "TX")["id"])
    step = next(t for t in application.tasks if t.status == "done")
    rated = client.post(
        f"/api/v1/applications/{application.id}/ratings",
        json={
            "level": "不满意",
            "step": step.item.code,
            "reasons": ["其他"],
            "comment": "（与本事项无关的投诉）",
        },
        headers=bearer(window_token),
    ).get_json()["case"]
    own = department_token(step.department.code)
    appealed = client.post(
        f"/api/v1/cases/{rated['id']}",
        json={"step": "appeal", "note": "评价内容与本事项无关"},
        headers=bearer(own),
    )
    assert appealed.get_json()["status"] == "appealed"
    reviewer = app.test_client()
    make_user("reviewer", login="reviewer-appeal")
    reviewer.post("/login", data={"login": "reviewer-appeal", "password": PASSWORD})
    assert "评价内容与本事项无关" in reviewer.get("/review/appeals").get_data(as_text=True)
    reviewer.post(f"/review/appeals/{rated['id']}", data={"upheld": "yes", "reasons": "经核查属误评"})
    db.session.expire_all()
    assert db.session.scalar(select(Rating.follow_up).where(Rating.id == rated["id"])) == "withdrawn"
    assert not [
        h for h in rating_cases.hundreds(db.session, clock.today()) if h.department == step.department.name
    ]
