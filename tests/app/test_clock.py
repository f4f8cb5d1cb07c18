"""Every date the service reads comes from one clock: moved with time-machine, acceptance counts its
limits from that day, stored moments follow it, and the department's flags turn as the days pass."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

import graphs
from bundler import clock
from bundler.extensions import db
from bundler.models import Application, Task

from factories import PASSWORD
from testapp import accept_by_api

CHINA = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 9, 14, 9, 30, tzinfo=CHINA)  # a working Monday, well inside the calendar


def test_acceptance_counts_from_the_clocks_day(client, window_token):
    with time_machine.travel(MONDAY, tick=False):
        body = accept_by_api(client, window_token)
        assert clock.today() == dt.date(2026, 9, 14)
    application = db.session.get(Application, body["id"])
    assert body["tracking_no"].startswith("YJS20260914")
    assert clock.local(application.accepted_at) == MONDAY
    first = db.session.scalar(select(Task).where(Task.application_id == body["id"], Task.status == "ready"))
    promised = first.item_version.promised_days
    assert first.due_date == graphs.add_working_days(dt.date(2026, 9, 14), promised).date
    assert application.promised_date >= first.due_date > dt.date(2026, 9, 14)


def test_the_department_flags_turn_as_the_days_pass(client, window_token, make_user):
    with time_machine.travel(MONDAY, tick=False):
        accept_by_api(client, window_token)
    task = db.session.scalar(select(Task).where(Task.status == "ready"))
    task.delivered_at = clock.utcnow()  # as the delivery job would have
    db.session.commit()
    make_user("department", login="scjg-clock", department="SCJG")

    def flag_on(day: dt.date) -> str:
        with time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=CHINA), tick=False):
            client.post("/login", data={"login": "scjg-clock", "password": PASSWORD})  # a session of that day
            response = client.get("/department/")
            page = response.get_data(as_text=True)
        assert response.status_code == 200, (response.status_code, response.headers.get("Location"))
        return next(flag for flag in ("red", "yellow", "green") if f"urgency-{flag}" in page)

    due = task.due_date
    assert flag_on(dt.date(2026, 9, 1)) == "green"  # weeks before the limit
    assert flag_on(due) == "yellow"  # the last working day
    assert flag_on(graphs.add_working_days(due, 1).date) == "red"
