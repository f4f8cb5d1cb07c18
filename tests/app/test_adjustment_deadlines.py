"""Adjustments on deadlines (issue #17, part 3): a catalogue change records when its cause arose and
whether it touches basic or individual elements; its dates follow the rules table in working days on
the holiday calendar (National Day week included), and a change past them is flagged on the oversight
page and by ``GET /api/v1/catalogue/changes?overdue=true``."""

from __future__ import annotations

import datetime as dt

import time_machine

from bundler.extensions import db
from bundler.models.changes import ACTION_CHANGE, KIND_ITEM
from bundler.services import adjustments, changes
from bundler.services.accounts import create_token

from factories import PASSWORD
from testapp import bearer

CAUSE = dt.date(2026, 9, 28)  # a Monday; 10-01 … 10-07 is the National Day holiday, Saturday 10-10 a workday


def _submitted(officer, scope: str, cause_date: dt.date = CAUSE):
    change = changes.start_change(db.session, officer, KIND_ITEM, "SCJG-001", ACTION_CHANGE)
    changes.save_content(db.session, change, officer, {**change.content, "hours": "工作日 9:00-17:00"})
    changes.submit(
        db.session,
        change,
        officer,
        reason="办公时间调整",
        legal_basis="区政府决定",
        cause="区政府调整作息时间",
        cause_date=cause_date,
        scope=scope,
    )
    db.session.commit()
    return change


@time_machine.travel(dt.datetime(2026, 9, 29, 10, 0, tzinfo=dt.UTC), tick=False)
def test_the_due_dates_follow_the_rules_in_working_days(sample, make_user):
    officer = make_user("department", login="scjg-officer", department="SCJG")
    change = _submitted(officer, "individual")
    # 3 working days after Mon 09-28: 09-29, 09-30, then the holiday week: 10-08
    assert change.start_due == dt.date(2026, 10, 8)
    # 5 working days: 09-29, 09-30, 10-08, 10-09, 10-10 (a Saturday worked in exchange)
    assert change.due_date == dt.date(2026, 10, 10)
    adjustments.set_rule(db.session, "individual", 2)  # the province shortens it: open changes follow
    assert change.due_date == dt.date(2026, 9, 30)


def test_an_overdue_change_is_flagged_on_the_dashboard_and_by_the_api(app, client, sample, make_user):
    officer = make_user("department", login="scjg-officer", department="SCJG")
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        late = _submitted(officer, "basic", cause_date=dt.date(2026, 10, 12))
        assert late.due_date == dt.date(2026, 10, 26)  # 10 working days
        (flagged,) = adjustments.overdue(db.session)
        assert flagged.change.id == late.id
        assert any("已超过基本要素调整期限 2026-10-26" in r for r in flagged.reasons)
        assert any("前未着手调整" in r for r in flagged.reasons)  # drafted 11-02, due to start by 10-15

        token = create_token(db.session, "admin", None, "审改办")
        db.session.commit()
        listed = client.get("/api/v1/catalogue/changes?overdue=true", headers=bearer(token)).get_json()
        (row,) = listed["changes"]
        assert row["code"] == "SCJG-001" and row["due_date"] == "2026-10-26" and row["overdue"]
        window = create_token(db.session, "window", None, "窗口")
        db.session.commit()
        assert client.get("/api/v1/catalogue/changes", headers=bearer(window)).status_code == 403

        make_user("admin", login="sgb-admin")
        client.post("/login", data={"login": "sgb-admin", "password": PASSWORD})
        page = client.get("/overview").get_data(as_text=True)
        assert "逾期的事项调整" in page and "已超过基本要素调整期限 2026-10-26" in page


def test_a_cause_in_the_future_or_without_its_scope_is_refused(sample, make_user):
    officer = make_user("department", login="scjg-officer", department="SCJG")
    change = changes.start_change(db.session, officer, KIND_ITEM, "SCJG-001", ACTION_CHANGE)
    changes.save_content(db.session, change, officer, {**change.content, "hours": "工作日 9:00-17:00"})
    for kwargs, said in (
        ({"cause_date": dt.date(2999, 1, 1), "scope": "basic"}, "不能晚于今天"),
        ({"cause_date": dt.date(2026, 1, 5), "scope": None}, "请选择涉及基本要素还是个性要素"),
    ):
        try:
            changes.submit(db.session, change, officer, reason="r", legal_basis="b", **kwargs)
        except changes.ChangeError as exc:
            assert said in str(exc)
        else:
            raise AssertionError(said)


def test_an_administrator_edits_the_rules_from_the_command_line(sample, runner):
    listed = runner.invoke(args=["catalogue", "rules"])
    assert "individual\t5 个工作日\t个性要素调整完成" in listed.output
    changed = runner.invoke(args=["catalogue", "rules", "--set", "individual=4"])
    assert changed.exit_code == 0 and "individual\t4 个工作日" in changed.output
    refused = runner.invoke(args=["catalogue", "rules", "--set", "unknown=3"])
    assert refused.exit_code != 0 and "没有“unknown”这条时限规则" in refused.output
