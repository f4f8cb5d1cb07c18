"""A lead department's day at scale (issue #18) in a real browser: the overview's figures come from the
count tables (in flight, overdue, per department), the applications in flight page by promised date,
the overdue step is named; the 差评 list shows open ones first, and closing one moves it behind."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect
from sqlalchemy import select

from bundler.extensions import db
from bundler.models import Application, Department, Rating, Task
from bundler.services import monitoring, ratings

from browser.flows import log_in
from testapp import accept_by_api


def test_the_lead_department_reads_its_overview_and_closes_a_bad_rating(
    app, sample, client, window_token, make_user, desktop_page, shot, monkeypatch
):
    accepted = [accept_by_api(client, window_token)["id"] for _ in range(3)]
    late = db.session.scalar(
        select(Task).where(Task.application_id == accepted[0], Task.status == "ready").order_by(Task.id)
    )
    late.due_date = dt.date(2026, 3, 2)  # long past: overdue
    scjg = db.session.scalar(select(Department.id).where(Department.code == "SCJG"))
    db.session.add_all(
        [
            Rating(
                application_id=accepted[1],
                lead_department_id=scjg,
                score=1,
                follow_up="open",
                comment="跑了两趟",
                reasons=["多次跑动"],
            ),
            Rating(
                application_id=accepted[2],
                lead_department_id=scjg,
                score=2,
                follow_up="revisiting",
                verified=True,
                verify_note="审批超出承诺时限",
                verified_at=dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC),
                rectify_note="增加审批人员",
                rectified_at=dt.datetime(2026, 3, 4, 9, tzinfo=dt.UTC),
                comment="等太久",
            ),
        ]
    )
    db.session.commit()
    numbers = {a: db.session.get(Application, a).tracking_no for a in accepted}
    monkeypatch.setattr(monitoring, "PAGE_SIZE", 2)

    page = desktop_page
    make_user("lead", login="scjg-lead", department="SCJG")
    log_in(page, "scjg-lead")
    page.goto("/overview")
    figures = page.locator("dl.figures")
    expect(figures.get_by_text("在办申请")).to_be_visible()
    expect(figures.locator("dd").first).to_have_text(re.compile(r"3\s*件"))
    expect(figures.locator("dd").nth(1)).to_have_text(re.compile(r"1\s*项"))
    overdue = page.get_by_role("heading", name=re.compile("^超期事项")).locator("..")
    expect(overdue).to_contain_text(numbers[accepted[0]])
    expect(overdue).to_contain_text("期限 2026-03-02")
    times = page.get_by_role("heading", name=re.compile("各部门用时")).locator("..").locator("tbody tr")
    expect(times.filter(has_text="市场监督管理局")).to_contain_text("1")  # its overdue step
    in_flight = page.get_by_role("heading", name="在办申请").locator("..")
    expect(in_flight.locator("tbody tr")).to_have_count(2)
    expect(in_flight.get_by_text("第 1 / 2 页（共 3 件）")).to_be_visible()
    expect(in_flight.locator("tbody tr").first.locator(".tag").first).to_contain_text("：")
    shot(page, "overview")
    in_flight.get_by_role("link", name="下一页").click()
    expect(page.get_by_text("第 2 / 2 页（共 3 件）")).to_be_visible()
    expect(page.locator("tbody tr").filter(has_text=re.compile("YJS"))).to_have_count(1)
    shot(page, "overview-page-2")

    page.goto("/lead/ratings")
    expect(page.get_by_text("共 2 条，未办结的在前。")).to_be_visible()
    panels = page.locator("section.case")
    expect(panels.first).to_contain_text("等太久")  # the newest open one first
    first = panels.first
    expect(first).to_contain_text("增加审批人员")  # what the department did, before the call
    expect(first).to_contain_text("回访电话")
    first.get_by_label("满意", exact=True).check()
    first.get_by_label("回访情况").fill("电话回访，申请人对整改满意")
    first.get_by_role("button", name="记录回访并办结").click()
    expect(page.get_by_text("已记录回访，差评办结")).to_be_visible()
    expect(page.locator("section.case").first).to_contain_text("跑了两趟")  # still open: now first
    expect(page.locator("section.case").nth(1)).to_contain_text("等太久")
    expect(page.locator("section.case").nth(1)).to_contain_text("已回访办结")
    shot(page, "ratings-closed-one")
    db.session.rollback()
    assert ratings.bad_ratings_for_lead(db.session, scjg).total == 2
