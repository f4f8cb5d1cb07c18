"""The overview's figures from the database (issue #18, part 2): per department, the decided tasks'
working days against their promises come from ``department_months``, kept up to date as each task is
decided and equal to what the test counts from its own actions; in flight and overdue are counts; the
list of applications is paged. The migration counts the tasks decided before it the same way."""

from __future__ import annotations

import datetime as dt

import time_machine
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, select, text

from bundler.extensions import db
from bundler.models import Application, Department, DepartmentMonth, Task
from bundler.services import monitoring
from bundler.services.accounts import create_token

from factories import PASSWORD
from testapp import USCC, accept_by_api, bearer, department_token, migrated_app, work_departments

MONDAY = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in China


def _approve(client, token, application_id) -> None:
    task = db.session.scalar(
        select(Task).where(Task.application_id == application_id, Task.item.has(code="SCJG-001"))
    )
    done = client.post(
        f"/api/v1/tasks/{task.id}/complete",
        json={"outcome": "approved", "results": {"经营者.统一社会信用代码": USCC}},
        headers=bearer(token),
    )
    assert done.status_code == 200, done.get_json()


def test_department_times_equal_the_decisions_counted_by_hand(
    app, client, window_token, make_user, monkeypatch
):
    scjg = department_token("SCJG")
    with time_machine.travel(MONDAY, tick=False):
        accepted = [accept_by_api(client, window_token)["id"] for _ in range(3)]
    # decided on Mon (0 working days), Wed (2) and the next Tue (6); the promise is 1: one on time
    for application_id, day in zip(accepted, (0, 2, 8), strict=True):
        with time_machine.travel(MONDAY + dt.timedelta(days=day), tick=False):
            _approve(client, scjg, application_id)
    db.session.rollback()
    used = sorted(db.session.scalars(select(Task.days_used).where(Task.days_used.is_not(None))))
    assert used == [0, 2, 6]
    (month,) = db.session.scalars(select(DepartmentMonth)).all()
    assert (month.month, month.finished, month.days_used, month.on_time) == (dt.date(2026, 11, 1), 3, 8, 1)

    with time_machine.travel(MONDAY + dt.timedelta(days=9), tick=False):
        work_departments(app, "SCJG", "SW", "XF", "WJ", "CG", "SWJ")  # released steps reach their inboxes
        every = db.session.scalars(select(Task)).all()
        today = dt.date(2026, 11, 11)
        late = sorted(
            (t for t in every if t.status in ("ready", "in_progress") and t.due_date and t.due_date < today),
            key=lambda t: (t.due_date, t.id),
        )
        assert late, "the released steps are past their one-day promises by now"
        found = monitoring.overview(db.session)
        scjg_row = next(r for r in found.times if r.department == "汉台区市场监督管理局")
        assert (scjg_row.finished, scjg_row.average_days, scjg_row.on_time) == (
            3,
            round(8 / 3, 1),
            round(1 / 3, 2),
        )
        assert scjg_row.average_promised == 1.0
        assert found.in_flight == 3 and found.overdue == len(late)
        assert [t.id for t in found.late] == [t.id for t in late]
        running = db.session.scalars(
            select(Task).where(
                Task.status.in_(["ready", "in_progress", "paused"]), Task.delivered_at.is_not(None)
            )
        ).all()
        assert sum(row.open_tasks for row in found.times) == len(running) > 0
        for row in found.times:
            assert row.open_tasks == sum(t.department.name == row.department for t in running), row
            assert row.overdue == sum(t.department.name == row.department for t in late), row

        # a lead department sees its own bundles' work only (开饭店 is led by SCJG)
        lead_of = {
            code: db.session.scalar(select(Department.id).where(Department.code == code))
            for code in ("SCJG", "XSP")
        }
        own, other = (monitoring.overview(db.session, lead_of[code]) for code in ("SCJG", "XSP"))
        assert (own.in_flight, own.overdue, [t.id for t in own.late]) == (3, len(late), [t.id for t in late])
        assert (other.in_flight, other.overdue, other.applications) == (0, 0, [])
        assert sum(r.open_tasks for r in own.times) == len(running) and not any(
            r.open_tasks for r in other.times
        )

        monkeypatch.setattr(monitoring, "PAGE_SIZE", 2)
        make_user("window", login="clerk-o")
        client.post("/login", data={"login": "clerk-o", "password": PASSWORD})
        first = client.get("/overview").get_data(as_text=True).split("<h2>在办申请</h2>")[1]
        second = client.get("/overview?page=2").get_data(as_text=True).split("<h2>在办申请</h2>")[1]
        numbers = [db.session.get(Application, a).tracking_no for a in accepted]
        assert "第 1 / 2 页（共 3 件）" in first and "第 2 / 2 页（共 3 件）" in second
        assert sum(n in first for n in numbers) == 2 and sum(n in second for n in numbers) == 1
        whole = client.get("/overview").get_data(as_text=True)
        assert "各部门用时" in whole and "最近一次" in whole and "超期事项" in whole


def test_the_migration_counts_tasks_decided_before_it(tmp_path, app_config):
    with migrated_app(tmp_path / "own.db", app_config) as (client, window):
        scjg = create_token(db.session, "department", "SCJG", "SCJG")
        db.session.commit()
        with time_machine.travel(MONDAY, tick=False):
            accepted = [accept_by_api(client, window)["id"] for _ in range(2)]
        for application_id, day in zip(accepted, (1, 3), strict=True):
            with time_machine.travel(MONDAY + dt.timedelta(days=day), tick=False):
                _approve(client, scjg, application_id)
        engine = create_engine(f"sqlite:///{tmp_path / 'own.db'}")
        query = (
            "SELECT department_id, month, finished, days_used, days_promised, on_time FROM department_months"
        )
        with engine.connect() as conn:
            counted = conn.execute(text(query)).all()
            used = conn.execute(text("SELECT id, days_used FROM tasks WHERE days_used IS NOT NULL")).all()
        assert counted and sorted(u for _, u in used) == [1, 3]
        db.session.remove()
        downgrade(revision="b1c2d3e40022")  # as an installation that decided them before the summary
        upgrade()
        with engine.connect() as conn:
            assert conn.execute(text(query)).all() == counted
            assert (
                conn.execute(text("SELECT id, days_used FROM tasks WHERE days_used IS NOT NULL")).all()
                == used
            )
