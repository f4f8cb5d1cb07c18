"""The count tables (issue #18, part 2): ``task_counts`` and ``application_counts`` stay equal to the
rows themselves through a day of work — acceptance, delivery, pauses, decisions that release later
steps, a refusal — and through acceptances made at the same time; the pages and the API read their
totals from them; the migration fills them from the rows an installation already has."""

from __future__ import annotations

import threading

from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import IntegrityError

from bundler.extensions import db
from bundler.models import Application, Department, Rating, Task, counts
from bundler.services import monitoring, rating_cases, work_queue

from testapp import (
    USCC,
    accept_by_api,
    application_body,
    bearer,
    department_token,
    migrated_app,
    work_departments,
)


def _stored_equal_recounted() -> list[dict]:
    """The count rows as the product kept them, checked against a count of the rows (rolled back)."""
    db.session.rollback()
    stored = counts.stored_counts(db.session)
    counts.recount(db.session)
    recounted = counts.stored_counts(db.session)
    db.session.rollback()
    assert stored == recounted
    return stored


def _task(application_id: int, item: str) -> Task:
    return db.session.scalar(
        select(Task).where(Task.application_id == application_id, Task.item.has(code=item))
    )


def test_the_counts_follow_a_day_of_work(app, client, window_token):
    scjg = department_token("SCJG")
    accepted = [accept_by_api(client, window_token)["id"] for _ in range(4)]
    tasks, _, applications, _ = _stored_equal_recounted()
    assert sum(applications.values()) == 4 and sum(tasks.values()) == db.session.scalar(
        select(text("count(*)")).select_from(Task)
    )
    work_departments(app, "SCJG")
    first, second, third, fourth = (_task(a, "SCJG-001").id for a in accepted)
    approved = {"outcome": "approved", "results": {"经营者.统一社会信用代码": USCC}}
    steps = [
        client.post(f"/api/v1/tasks/{first}/complete", json=approved, headers=bearer(scjg)),
        client.post(
            f"/api/v1/tasks/{second}/complete",
            json={"outcome": "rejected", "reason": "经营场所不符合要求"},
            headers=bearer(scjg),
        ),
        client.post(
            f"/api/v1/tasks/{third}/special",
            json={"procedure": "专家评审", "reason": "场所需评审"},
            headers=bearer(scjg),
        ),
        client.post(
            f"/api/v1/tasks/{fourth}/supplement", json={"reason": "请补正经营场所证明"}, headers=bearer(scjg)
        ),
    ]
    assert [s.status_code for s in steps] == [200] * 4, [s.get_json() for s in steps]
    work_departments(app, "SCJG", "SW", "XF", "WJ", "CG", "SWJ")  # the released steps reach their inboxes
    tasks, running, applications, _ = _stored_equal_recounted()
    assert running and {status for (_, _, status, _) in tasks} >= {
        "done",
        "rejected",
        "paused",
        "ready",
        "waiting",
    }
    resumed = client.post(f"/api/v1/tasks/{third}/resume", headers=bearer(scjg))
    assert resumed.status_code == 200, resumed.get_json()
    lead = db.session.scalar(select(Department.id).where(Department.code == "SCJG"))
    bad = [Rating(application_id=a, lead_department_id=lead, score=1, follow_up="open") for a in accepted[:2]]
    db.session.add_all(bad)
    db.session.commit()
    rating_cases.verify(db.session, bad[0], true=False, evidence="调取录像，窗口按规定告知", actor="测试")
    rating_cases.revisit(db.session, bad[0], outcome="satisfied", note="已回访，申请人认可", actor="测试")
    db.session.commit()
    *_, rated = _stored_equal_recounted()
    assert rated == {(lead, "open"): 1, (lead, "closed"): 1}

    # what the pages and the API show is read from the counts
    department = db.session.scalar(select(Department.id).where(Department.code == "SCJG"))
    rows = db.session.scalars(select(Task).where(Task.department_id == department)).all()
    listing = client.get("/api/v1/departments/SCJG/tasks?limit=1", headers=bearer(scjg)).get_json()
    assert listing["total"] == sum(t.status != "skipped" for t in rows) > 4
    queue = work_queue.department_queue(db.session, department, "paused")
    assert queue.total == sum(t.status == "paused" and t.delivered_at is not None for t in rows) == 1
    overview = monitoring.overview(db.session)
    in_flight = db.session.scalars(
        select(Application.id).where(Application.status.in_(["accepted", "accepted_pending"]))
    ).all()
    assert overview.in_flight == len(in_flight) > 0
    open_rows = db.session.scalars(
        select(Task).where(
            Task.status.in_(["ready", "in_progress", "paused"]), Task.delivered_at.is_not(None)
        )
    ).all()
    assert sum(r.open_tasks for r in overview.times) == len(open_rows) > 0


def test_acceptances_at_the_same_time_are_all_counted(app, client, window_token):
    body = application_body()
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def accept_three() -> None:
        try:
            own = app.test_client()
            start.wait(timeout=10)
            for _ in range(3):
                answer = own.post("/api/v1/applications", json=body, headers=bearer(window_token))
                assert answer.status_code == 201, answer.get_json()
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    threads = [threading.Thread(target=accept_three) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    tasks, _, applications, _ = _stored_equal_recounted()
    lead = db.session.scalar(select(Department.id).where(Department.code == "SCJG"))  # leads 开饭店
    assert applications == {(lead, "accepted"): 9}
    assert sum(tasks.values()) == db.session.scalar(select(text("count(*)")).select_from(Task))


def test_the_migration_counts_the_rows_already_there(tmp_path, app_config):
    with migrated_app(tmp_path / "own.db", app_config) as (client, window):
        for _ in range(2):
            accept_by_api(client, window)
        kept = counts.stored_counts(db.session)
        assert sum(kept[2].values()) == 2
        db.session.remove()
        downgrade(revision="b1c2d3e40025")  # an installation from before the counts
        upgrade()
        assert counts.stored_counts(db.session) == kept
        with create_engine(f"sqlite:///{tmp_path / 'own.db'}").connect() as conn:
            assert (
                conn.execute(text("SELECT sum(tasks) FROM task_counts")).scalar()
                == conn.execute(text("SELECT count(*) FROM tasks")).scalar()
            )


def test_a_savepoint_rolled_back_keeps_what_the_transaction_counted(client, window_token):
    """begin_nested flushes (and counts) the transaction's changes first; a savepoint that fails (a
    document created by two requests at once) must not drop them."""
    accept_by_api(client, window_token)
    task = db.session.scalar(select(Task).where(Task.status == "ready").order_by(Task.id))
    task.status = "in_progress"
    try:
        with db.session.begin_nested():
            db.session.add(Rating(application_id=task.application_id, score=9))  # refused: 1–5 stars
    except IntegrityError:
        pass
    db.session.commit()
    tasks, *_ = _stored_equal_recounted()
    assert any(status == "in_progress" for (_, _, status, _) in tasks)
