"""Every step finished → the application completes, results are collected at one point, the applicant
rates the service (好差评), bad ratings reach the lead department, and the overview shows the time
each department takes."""

from __future__ import annotations

from sqlalchemy import select

from bundler.catalogue import definitions
from bundler.extensions import db
from bundler.models import Application, Rating, Task
from bundler.services import tasks as tasks_service

from factories import PASSWORD
from testapp import example_results, online_draft, png_bytes

PNG = png_bytes()


def _applicant_accepts_tx(client):
    """An applicant applies for 退休 online; returns the application id."""
    application_id = online_draft(client, "TX", "13991620031", "刘志强")
    no_address = client.post(f"/applications/{application_id}/review", data={"delivery_method": "邮寄送达"})
    page = no_address.get_data(as_text=True)
    assert "选择邮寄送达时请填写收件地址" in page and 'value="邮寄送达" checked' in page
    db.session.expire_all()
    assert db.session.get(Application, application_id).status == "draft"  # nothing submitted
    client.post(
        f"/applications/{application_id}/review",
        data={
            "delivery_method": "邮寄送达",
            "delivery_address": "汉中市汉台区北关街道天汉大道 88 号 刘志强 13991620031",
        },
    )
    db.session.expire_all()
    assert db.session.get(Application, application_id).status == "accepted"
    return application_id


def _finish_every_step(application_id):
    while True:
        db.session.expire_all()
        application = db.session.get(Application, application_id)
        ready = [t for t in application.tasks if t.status == "ready"]
        if not ready:
            return application
        for task in ready:
            schema = definitions.schema_for(db.session, application)
            results = example_results(schema, task.item.code, 7)
            tasks_service.complete(db.session, task, "approved", actor="测试", results=results)
        db.session.commit()


def test_completion_results_at_one_point_and_ratings(client, sample, app, make_user):
    application_id = _applicant_accepts_tx(client)
    application = _finish_every_step(application_id)
    assert application.status == "completed" and application.completed_at is not None
    status = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "办理结果（一端出件）" in status and "邮寄送达" in status and "好差评" in status

    done = [t for t in application.tasks if t.status == "done"]
    form = {
        "level_all": "5",
        "reasons_all": ["一次办成"],
        f"level_{done[0].id}": "1",
        f"reasons_{done[0].id}": ["多次跑动", "办事指南不清楚"],
        f"comment_{done[0].id}": "窗口说法和部门不一致，跑了两趟",
    }
    thanks = client.post(f"/applications/{application_id}/rate", data=form, follow_redirects=True).get_data(
        as_text=True
    )
    assert "感谢您的评价" in thanks
    again = client.post(f"/applications/{application_id}/rate", data=form, follow_redirects=True).get_data(
        as_text=True
    )
    assert "已经评价过了" in again
    ratings = db.session.scalars(select(Rating).where(Rating.application_id == application_id)).all()
    assert sorted(r.score for r in ratings) == [1, 5]
    assert all(r.channel == "online" and r.occasion == "finished" for r in ratings)
    bad = next(r for r in ratings if r.score == 1)
    assert bad.follow_up == "open" and bad.reasons == ["多次跑动", "办事指南不清楚"]
    assert bad.department_id == done[0].department_id and bad.due_date is not None

    lead_department = application.bundle_version.lead_department.code
    lead = app.test_client()
    make_user("lead", login="lead01", department=lead_department, name="牵头科长")
    lead.post("/login", data={"login": "lead01", "password": PASSWORD})
    page = lead.get("/lead/ratings").get_data(as_text=True)
    assert "跑了两趟" in page and "待核实" in page and "非常不满意" in page
    early = lead.post(
        f"/lead/ratings/{bad.id}", data={"outcome": "satisfied", "note": "已回访"}, follow_redirects=True
    )
    assert "不能进行这一步" in early.get_data(as_text=True)  # the department verifies first

    desk = app.test_client()
    make_user("department", login="dept-case", department=done[0].department.code, name="科员")
    desk.post("/login", data={"login": "dept-case", "password": PASSWORD})
    assert "跑了两趟" in desk.get("/cases").get_data(as_text=True)
    kept = desk.post(
        f"/cases/{bad.id}", data={"step": "verify", "note": "窗口口径有误"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "请选择差评反映的情况是否属实" in kept and "窗口口径有误" in kept  # what was typed stays
    desk.post(f"/cases/{bad.id}", data={"step": "verify", "verified": "yes", "note": "窗口口径有误"})
    desk.post(f"/cases/{bad.id}", data={"step": "rectify", "note": "统一窗口和部门的一次性告知口径"})
    page = lead.get("/lead/ratings").get_data(as_text=True)
    assert "待回访" in page and "统一窗口和部门的一次性告知口径" in page and "回访电话" in page
    lead.post(f"/lead/ratings/{bad.id}", data={"outcome": "satisfied", "note": "电话回访，申请人满意"})
    db.session.expire_all()
    closed = db.session.get(Rating, bad.id)
    assert closed.follow_up == "closed" and closed.revisit_outcome == "satisfied"

    other_lead = app.test_client()
    make_user("lead", login="lead02", department="SCJG", name="另一牵头部门")
    other_lead.post("/login", data={"login": "lead02", "password": PASSWORD})
    assert "跑了两趟" not in other_lead.get("/lead/ratings").get_data(as_text=True)
    assert (
        other_lead.post(f"/lead/ratings/{bad.id}", data={"outcome": "satisfied", "note": "x"}).status_code
        == 404
    )


def test_overview_shows_in_flight_overdue_and_time_per_department(client, sample, app, make_user):
    import datetime as dt

    application_id = _applicant_accepts_tx(client)
    task = db.session.scalar(
        select(Task).where(Task.application_id == application_id, Task.status == "ready")
    )
    task.due_date = dt.date.today() - dt.timedelta(days=3)
    db.session.commit()
    window = app.test_client()
    make_user("window", login="clerk-o")
    window.post("/login", data={"login": "clerk-o", "password": PASSWORD})
    page = window.get("/overview").get_data(as_text=True)
    tracking = db.session.get(Application, application_id).tracking_no
    assert tracking in page and "超期事项" in page and task.department.name in page
    assert "各部门用时" in page
    assert client.get("/overview").status_code == 403  # the applicant
