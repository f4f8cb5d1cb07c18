"""The district's working-day calendar: dates that run into a year whose holidays are not published are
estimates and say so; importing the year moves them by exactly its holidays, audits the change and tells
the applicant; items counted in 自然日 are counted in calendar days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

import graphs
from bundler.extensions import db
from bundler.models import AuditEntry, CalendarYear, Notification, Task
from bundler.services import work_calendar

import factories as f
from testapp import accept_by_api

CHINA = ZoneInfo("Asia/Shanghai")
NEW_YEARS_EVE = dt.datetime(2026, 12, 31, 9, 30, tzinfo=CHINA)  # a Thursday
KFD_SMALL = {
    "venue_size": "小型（150平方米以下）",
    "has_signboard": False,
    "sells_alcohol": False,
    "has_employees": False,
}
# A test arrangement for 2027 (元旦 on Friday 1 January and the weekend after it, a 调休 Sunday in February).
YEAR_2027 = {"year": 2027, "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": ["2027-02-07"]}


def _get(client, token, application_id):
    response = client.get(
        f"/api/v1/applications/{application_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    return response.get_json()


def test_dates_into_an_unpublished_year_are_estimates_until_it_is_imported(
    client, runner, window_token, write_yaml
):
    assert db.session.get(CalendarYear, 2027) is None  # the package stops at 2026
    with time_machine.travel(NEW_YEARS_EVE, tick=False):
        body = accept_by_api(client, window_token, answers=KFD_SMALL)
        before = _get(client, window_token, body["id"])
    promised = dt.date.fromisoformat(before["promised_date"])
    assert promised.year == 2027 and before["due_is_estimate"] is True
    into_2027 = [s for s in before["steps"] if s["due"] and s["due"] >= "2027-01-01"]
    assert into_2027 and all(s["due_is_estimate"] for s in into_2027)

    with time_machine.travel(NEW_YEARS_EVE + dt.timedelta(days=1), tick=False):
        result = runner.invoke(args=["holidays", "import", str(write_yaml(YEAR_2027))])
        assert result.exit_code == 0, result.output
        assert "2027 年工作日历已发布" in result.output and "1 件申请" in result.output
        after = _get(client, window_token, body["id"])

    calendar = work_calendar.current(db.session)
    assert 2027 in calendar.published
    # Each date moved by exactly the working days 元旦 took away: the next working day after the old one.
    moved = dt.date.fromisoformat(after["promised_date"])
    assert moved == graphs.add_working_days(promised, 1, calendar=calendar).date != promised
    assert after["due_is_estimate"] is False
    old_steps = {s["item"]: s for s in before["steps"]}
    for step in after["steps"]:
        old = old_steps[step["item"]]
        if old in into_2027:
            assert (
                step["due"]
                == graphs.add_working_days(
                    dt.date.fromisoformat(old["due"]), 1, calendar=calendar
                ).date.isoformat()
            )
            assert step["due_is_estimate"] is False
        else:
            assert step["due"] == old["due"]

    audited = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "due_date_recomputed")).all()
    assert len(audited) == len(into_2027)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "calendar_published")) is not None
    notice = db.session.scalar(
        select(Notification).where(
            Notification.application_id == body["id"], Notification.event == "promise_moved"
        )
    )
    assert notice is not None
    assert promised.isoformat() in notice.body and moved.isoformat() in notice.body

    # Importing the same year again moves nothing and tells nobody again.
    again = runner.invoke(args=["holidays", "import", str(write_yaml(YEAR_2027))])
    assert "0 个办理环节、0 件申请" in again.output


def test_the_calendar_api_and_bad_files(client, runner, sample, write_yaml):
    known = client.get("/api/v1/calendar/2025").get_json()
    assert (
        known["status"] == "published"
        and "2025-10-01" in known["holidays"]
        and "2025-09-28" in known["workdays"]
    )
    unknown = client.get("/api/v1/calendar/2027").get_json()
    assert (unknown["status"], unknown["holidays"]) == ("provisional", [])
    assert client.get("/api/v1/calendar/3000").status_code == 404
    # a moment in the API carries its offset (SQLite hands the column back without one)
    assert dt.datetime.fromisoformat(known["updated_at"]).utcoffset() == dt.timedelta(hours=8)

    weekday_worked = runner.invoke(
        args=[
            "holidays",
            "import",
            str(write_yaml({"year": 2027, "holidays": [], "workdays": ["2027-01-04"]})),
        ]
    )
    assert weekday_worked.exit_code != 0 and "本来就是工作日" in weekday_worked.output
    other_year = runner.invoke(
        args=["holidays", "import", str(write_yaml({"year": 2027, "holidays": ["2026-10-01"]}))]
    )
    assert other_year.exit_code != 0 and "不在 2027 年内" in other_year.output
    assert db.session.get(CalendarYear, 2027) is None


def test_an_administrator_enters_a_year_on_the_page(app, make_user, sample):
    from testapp import CsrfClient

    make_user("admin", login="calendar-admin")
    browser = CsrfClient(app, app.response_class, use_cookies=True)
    browser.post("/login", data={"login": "calendar-admin", "password": f.PASSWORD})
    page = browser.get("/admin/calendar/").get_data(as_text=True)
    assert "2027" in page and "暂按周末估算" in page

    typed = {"holidays": "2027-01-01\n2027-13-01", "workdays": "", "source": "国办发明电〔2026〕X号"}
    refused = browser.post("/admin/calendar/2027", data=typed)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert (
        "2027-13-01" in text and "不是日期" in text and "国办发明电〔2026〕X号" in text
    )  # what was typed stays

    typed["holidays"] = "2027-01-01、2027-01-02，2027-01-03"
    done = browser.post("/admin/calendar/2027", data=typed, follow_redirects=True)
    assert done.status_code == 200 and "2027 年工作日历已发布" in done.get_data(as_text=True)
    row = db.session.get(CalendarYear, 2027)
    assert row.status == "published" and row.holidays == YEAR_2027["holidays"]
    assert browser.get("/admin/calendar/", headers={}).status_code == 200
    make_user("window", login="calendar-clerk")
    clerk = CsrfClient(app, app.response_class, use_cookies=True)
    clerk.post("/login", data={"login": "calendar-clerk", "password": f.PASSWORD})
    assert clerk.get("/admin/calendar/").status_code == 403


def test_an_item_in_natural_days_is_counted_in_calendar_days(client, runner, window_token, write_yaml):
    catalogue = {
        "departments": [f.department("RSJ")],
        "items": [f.item("RSJ-015", "RSJ", legal_days=15, promised_days=15, days_unit="自然日")],
        "bundles": [f.bundle("RSJB", "RSJ", steps=[{"item": "RSJ-015"}])],
    }
    assert runner.invoke(args=["import", str(write_yaml(catalogue))]).exit_code == 0
    wednesday = dt.datetime(2025, 9, 17, 10, tzinfo=CHINA)
    with time_machine.travel(wednesday, tick=False):
        body = accept_by_api(client, window_token, bundle="RSJB")
    task = db.session.scalar(select(Task).where(Task.application_id == body["id"]))
    # 15 days from 17 September end on 2 October, inside the National Day holiday: the first working day
    # after it, 9 October (15 working days would end on 14 October).
    assert task.due_date == dt.date(2025, 10, 9)
    assert body["promised_date"] == "2025-10-09"
    bad = f.item("RSJ-016", "RSJ", days_unit="月")
    refused = runner.invoke(
        args=["import", str(write_yaml({"departments": [f.department("RSJ")], "items": [bad]}))]
    )
    assert refused.exit_code != 0 and "时限单位" in refused.output
