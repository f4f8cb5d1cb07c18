"""At the turn of the year: an applicant's promised date that runs into 2027 is marked 估算 on the phone;
an administrator enters 2027's holidays on the calendar page; the date moves by exactly 元旦 and the
mark and the notice to the applicant follow."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import time_machine
from playwright.sync_api import expect

from bundler.extensions import db
from bundler.models import Application

from browser.flows import fresh_application, log_in
from testapp import accept_by_api

CHINA = ZoneInfo("Asia/Shanghai")
CHRISTMAS_EVE = dt.datetime(2026, 12, 24, 9, 30, tzinfo=CHINA)  # a Thursday
APPLICANT = "13991620088"
KFD_SMALL = {
    "venue_size": "小型（150平方米以下）",
    "has_signboard": False,
    "sells_alcohol": False,
    "has_employees": False,
}


def test_an_administrator_publishes_2027_and_the_applicants_date_moves(
    client, window_token, live_server, desktop_page, phone_page, make_user, shot
):
    with time_machine.travel(CHRISTMAS_EVE, tick=True):
        body = accept_by_api(client, window_token, answers=KFD_SMALL)
        applicant = make_user("applicant", login=APPLICANT, name="王建国")
        db.session.get(Application, body["id"]).applicant_user_id = applicant.id
        db.session.commit()
        before = dt.date.fromisoformat(body["promised_date"])
        assert before.year == 2027

        phone = phone_page
        log_in(phone, APPLICANT)
        phone.goto(f"/applications/{body['id']}")
        promised = phone.locator(".figures div").filter(has_text="承诺办结日期").locator("dd")
        expect(promised).to_have_text(f"{before.isoformat()} （估算）")
        expect(phone.locator("ul.notices")).to_contain_text(f"承诺{before.isoformat()}（估算")
        shot(phone, "applicant-estimate")

        make_user("admin", login="calendar-admin", name="系统管理员")
        admin = desktop_page
        log_in(admin, "calendar-admin")
        admin.goto("/admin/calendar/")
        row = admin.get_by_role("row", name=re.compile("^2027"))
        expect(row).to_contain_text("暂按周末估算")
        shot(admin, "calendar-years")
        row.get_by_role("link", name=re.compile("录入")).click()
        admin.get_by_label(re.compile("^法定节假日")).fill("2027-01-01\n2027-01-02\n2027-01-03")
        admin.get_by_label(re.compile("^调休上班日")).fill("2027-02-07")
        admin.get_by_label(re.compile("^依据")).fill("国务院办公厅关于2027年部分节假日安排的通知")
        shot(admin, "calendar-2027-typed")
        admin.get_by_role("button", name="发布 2027 年安排并重新计算期限").click()
        expect(admin.get_by_role("status")).to_contain_text("2027 年工作日历已发布")
        expect(admin.get_by_role("row", name=re.compile("^2027"))).to_contain_text("已发布")
        shot(admin, "calendar-published")

        after = fresh_application(body["id"]).promised_date
        # counted with weekends only it fell on 元旦 (Friday 1 January); with 元旦 and its weekend
        # off it is the Monday after
        assert (before, after) == (dt.date(2027, 1, 1), dt.date(2027, 1, 4))
        phone.reload()
        expect(promised).to_have_text(after.isoformat())
        expect(phone.locator("ul.notices")).to_contain_text(after.isoformat())
        shot(phone, "applicant-moved")
