"""The lists that grow with a year of applications read an index, not the table (issue #18): the
department queue page, the department tasks API and the dispatcher's sweep, asked of the database's
own planner (PostgreSQL ``EXPLAIN`` with sequential scans priced out, so that a usable index is chosen
even on a small table; SQLite ``EXPLAIN QUERY PLAN``). Two dispatchers sweeping at once never claim
the same delivery."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from bundler.extensions import db
from bundler.models import Delivery, Department, Task
from bundler.services import outbox, work_queue
from bundler.states import DeliveryState

from testapp import accept_by_api


def _statements(run: Callable[[], Any], table: str) -> list[tuple[str, Any]]:
    """The SELECT or UPDATE statements on ``table`` that ``run`` sends to the database."""
    seen: list[tuple[str, Any]] = []

    def listen(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if f" {table}" in statement and statement.lstrip().upper().startswith(("SELECT", "UPDATE")):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert seen, f"no statement on {table}"
    return seen


def _plan(statement: str, parameters: Any) -> str:
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")
            rows = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
        else:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        conn.rollback()
    return "\n".join(str(row[-1]) for row in rows)


def _full_scan(plan: str, table: str) -> bool:
    return f"Seq Scan on {table}" in plan or f"SCAN {table}" in plan.replace(f"SCAN {table} USING", "")


def _some_work(client, window_token) -> int:
    for _ in range(3):
        accept_by_api(client, window_token)
    db.session.rollback()
    return db.session.scalar(select(Department.id).where(Department.code == "SCJG"))


def test_the_queue_page_and_the_tasks_api_read_the_department_indexes(client, window_token):
    department_id = _some_work(client, window_token)

    page = _statements(lambda: work_queue.department_queue(db.session, department_id), "tasks")
    listing = [s for s in page if "LIMIT" in s[0].upper()]
    assert listing, page
    for statement, parameters in page:
        plan = _plan(statement, parameters)
        assert not _full_scan(plan, "tasks"), plan
        assert "ix_tasks_department" in plan, plan

    api = _statements(lambda: work_queue.task_listing(db.session, "SCJG", None, 50, None), "tasks")
    for statement, parameters in api:
        plan = _plan(statement, parameters)
        assert not _full_scan(plan, "tasks"), plan
        assert "ix_tasks_department" in plan, plan


def test_the_dispatcher_sweep_reads_only_the_deliveries_still_to_hand_over(client, window_token, app):
    _some_work(client, window_token)
    sweep = _statements(lambda: outbox.dispatch(), "deliveries")
    for statement, parameters in sweep:
        plan = _plan(statement, parameters)
        assert not _full_scan(plan, "deliveries"), plan
        if db.engine.dialect.name == "postgresql":
            assert "ix_deliveries_due" in plan, plan


def test_two_dispatchers_sweeping_at_once_never_claim_the_same_delivery(
    client, window_token, app, monkeypatch
):
    _some_work(client, window_token)
    tasks = db.session.scalars(select(Task.id)).all()
    db.session.execute(
        insert(Delivery),
        [{"task_id": tasks[i % len(tasks)], "queue": "dept:SCJG"} for i in range(1000)],
    )
    db.session.execute(update(Delivery).values(status=DeliveryState.PENDING, enqueued_at=None))
    db.session.commit()
    pending = set(db.session.scalars(select(Delivery.id)))
    monkeypatch.setattr(outbox, "CLAIM_BATCH", 40)  # many small claims, so that the two interleave
    start = threading.Barrier(2)
    claimed: list[list[int]] = [[], []]
    errors: list[BaseException] = []

    def sweep(index: int) -> None:
        try:
            with app.app_context(), Session(db.engine) as session:
                start.wait(timeout=10)
                while rows := outbox._claim(session, None, None):
                    session.commit()  # as the dispatcher does before it pushes the jobs
                    claimed[index].extend(row.id for row in rows)
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    threads = [threading.Thread(target=sweep, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    first, second = (set(c) for c in claimed)
    assert len(first) == len(claimed[0]) and len(second) == len(claimed[1])  # no row twice in one sweep
    assert not first & second, "a delivery claimed by both dispatchers"
    assert first | second == pending
    if db.engine.dialect.name == "postgresql":  # row locks let both sweep at once (SQLite takes turns)
        assert first and second, "one dispatcher claimed everything: the sweeps did not run together"
