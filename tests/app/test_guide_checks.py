"""办事指南抽检 (issue #17, part 6): a reviewer draws N published guides at random and records findings;
the item's department corrects within the working days of the ``guide_correction`` rule (holidays
skipped); late corrections are flagged, the figures reach `bundler catalogue report --json`, and an
administrator changes the rule's days on the rules page (owed corrections follow)."""

from __future__ import annotations

import datetime as dt
import json
import re

import time_machine
from sqlalchemy import select, text

from bundler.catalogue.queries import latest_item_version_ids
from bundler.extensions import db
from bundler.models import GuideCheckEntry, Item

from factories import PASSWORD

HOLIDAY_EVE = dt.datetime(2026, 9, 29, 10, 0, tzinfo=dt.UTC)  # Tue, before the National Day week


def _login(client, login):
    client.post("/logout")
    assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302


def _entries() -> list[GuideCheckEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(GuideCheckEntry).order_by(GuideCheckEntry.id)))


def _code(entry: GuideCheckEntry) -> str:
    return db.session.get(Item, entry.item_id).code


def _draw_until_scjg(client) -> GuideCheckEntry:
    """Draw until an SCJG item is among the guides (the draw is random; SCJG has 8 of 39 items)."""
    for _ in range(40):
        assert client.post("/guide-checks/draw", data={"size": "5"}).status_code == 302
        found = [e for e in _entries() if _code(e).startswith("SCJG-")]
        if found:
            return found[0]
    raise AssertionError("40 draws of 5 never reached an SCJG item")


def test_a_reviewer_draws_at_random_and_refuses_impossible_sizes(client, sample, make_user):
    make_user("reviewer", login="sgb-reviewer")
    _login(client, "sgb-reviewer")
    published = latest_item_version_ids(db.session)
    assert client.post("/guide-checks/draw", data={"size": "6"}).status_code == 302
    drawn = _entries()
    assert len(drawn) == 6 and len({e.item_id for e in drawn}) == 6
    by_code = {_code(e): e for e in drawn}
    assert set(by_code) <= set(published)
    assert all(e.status == "drawn" and e.version >= 1 for e in drawn)
    other_draws = set()
    for _ in range(5):
        client.post("/guide-checks/draw", data={"size": "6"})
        other_draws.add(frozenset(_code(e) for e in _entries()[-6:]))
    assert len(other_draws | {frozenset(by_code)}) > 1, "six draws of 6 of 39 items all the same"

    for typed, said in (
        ("0", "抽检数量应为 1 至"),
        (str(len(published) + 1), "抽检数量应为 1 至"),
        ("五", "抽检数量应为 1 至"),
    ):
        refused = client.post("/guide-checks/draw", data={"size": typed})
        assert refused.status_code == 422 and said in refused.get_data(as_text=True)
        assert f'value="{typed}"' in refused.get_data(as_text=True)

    page = client.get("/guide-checks/").get_data(as_text=True)
    assert "待检查" in page and "抽检情况" in page


def test_findings_are_corrected_by_the_department_within_working_days(client, runner, sample, make_user):
    make_user("reviewer", login="sgb-reviewer")
    make_user("department", login="scjg-officer", department="SCJG")
    make_user("department", login="swj-officer", department="SWJ")
    make_user("admin", login="sgb-admin")
    with time_machine.travel(HOLIDAY_EVE, tick=False):
        _login(client, "sgb-reviewer")
        entry = _draw_until_scjg(client)
        missing = client.post(
            f"/guide-checks/entries/{entry.id}/verdict", data={"accurate": "no", "findings": " "}
        )
        assert missing.status_code == 422 and "请写明发现的问题" in missing.get_data(as_text=True)
        said = "咨询电话已停用；办理时间未写冬令时"
        assert (
            client.post(
                f"/guide-checks/entries/{entry.id}/verdict", data={"accurate": "no", "findings": said}
            ).status_code
            == 302
        )
        others = [e for e in _entries() if e.id != entry.id]
        client.post(f"/guide-checks/entries/{others[0].id}/verdict", data={"accurate": "yes"})
        (found,) = [e for e in _entries() if e.id == entry.id]
        assert found.status == "found" and found.findings == said
        # 5 working days after Tue 09-29: 09-30, 10-08, 10-09, 10-10 (a Saturday worked), 10-12
        assert found.due_date == dt.date(2026, 10, 12)
        stored = db.session.execute(
            text("SELECT findings FROM guide_check_entries WHERE id = :id"), {"id": entry.id}
        ).scalar_one()
        assert said not in stored  # the note is encrypted at rest

        # the department sees its own guide with the finding, and nobody else's
        _login(client, "swj-officer")
        assert said not in client.get("/guide-checks/").get_data(as_text=True)
        refused = client.post(f"/guide-checks/entries/{entry.id}/correction", data={"correction": "已改"})
        assert refused.status_code == 422 and "只能整改本部门事项的办事指南" in refused.get_data(as_text=True)
        _login(client, "scjg-officer")
        assert "在抽检中发现问题" in client.get("/studio").get_data(as_text=True)
        page = client.get("/guide-checks/").get_data(as_text=True)
        assert said in page and "2026-10-12" in page
        empty = client.post(f"/guide-checks/entries/{entry.id}/correction", data={"correction": ""})
        assert empty.status_code == 422 and "请写明整改情况" in empty.get_data(as_text=True)

    with time_machine.travel(dt.datetime(2026, 10, 13, 10, 0, tzinfo=dt.UTC), tick=False):
        figures = json.loads(runner.invoke(args=["catalogue", "report", "--json"]).output)
        scjg = next(d for d in figures["departments"] if d["code"] == "SCJG")["guide_checks"]
        assert scjg["found"] == 1 and scjg["overdue"] == 1 and scjg["corrected"] == 0
        done = "已更正咨询电话为 0916-2213152，补充冬令时，变更已发布"
        _login(client, "scjg-officer")
        assert (
            client.post(f"/guide-checks/entries/{entry.id}/correction", data={"correction": done}).status_code
            == 302
        )
        (corrected,) = [e for e in _entries() if e.id == entry.id]
        assert corrected.status == "corrected" and corrected.correction == done
        assert corrected.corrected_version == corrected.version  # no new version was published
        page = client.get("/guide-checks/").get_data(as_text=True)
        assert "未发布新版本" in page and "逾期" in page  # corrected a day late

        figures = json.loads(runner.invoke(args=["catalogue", "report", "--json"]).output)
        district = figures["district"]["guide_checks"]
        drawn = len(_entries())
        assert district == {
            "drawn": drawn,
            "checked": 2,
            "accurate": 1,
            "found": 1,
            "corrected": 1,
            "overdue": 1,
            "accuracy": 0.5,
        }
        printed = runner.invoke(args=["catalogue", "report"]).output
        assert f"办事指南抽检 {drawn} 个：已核对 2，准确率 50%；有问题 1，已整改 1，逾期 1" in printed


def test_an_administrator_changes_the_correction_rule_and_owed_corrections_follow(client, sample, make_user):
    make_user("reviewer", login="sgb-reviewer")
    make_user("admin", login="sgb-admin")
    with time_machine.travel(HOLIDAY_EVE, tick=False):
        _login(client, "sgb-reviewer")
        client.post("/guide-checks/draw", data={"size": "1"})
        (entry,) = _entries()
        client.post(
            f"/guide-checks/entries/{entry.id}/verdict", data={"accurate": "no", "findings": "收费依据缺失"}
        )
        assert _entries()[0].due_date == dt.date(2026, 10, 12)
        assert client.get("/admin/rules").status_code == 403

        _login(client, "sgb-admin")
        page = client.get("/admin/rules").get_data(as_text=True)
        assert "办事指南抽检问题整改" in page and "调整事由发生后着手调整" in page
        bad = client.post("/admin/rules", data={"key": "guide_correction", "working_days": "十"})
        assert bad.status_code == 422 and "时限应填写工作日数" in bad.get_data(as_text=True)
        assert re.search(r'id="days-guide_correction"[^>]*value="十"', bad.get_data(as_text=True))
        too_long = client.post("/admin/rules", data={"key": "guide_correction", "working_days": "61"})
        assert too_long.status_code == 422 and "时限应为 0 至 60 个工作日" in too_long.get_data(as_text=True)
        assert (
            client.post("/admin/rules", data={"key": "guide_correction", "working_days": "2"}).status_code
            == 302
        )
        assert _entries()[0].due_date == dt.date(2026, 10, 8)  # 09-30, then after the holiday week
