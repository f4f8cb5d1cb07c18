"""The reform measured from real applications (issue #19): five 退休 applications in one week of
November, through the window system's API, the department API and one applicant online; the report's
figures are those this test works out from what it did (visits, 补正, days taken, channels), and the
ratings come back through the province's export as CSV."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import math

import openpyxl
import time_machine
from sqlalchemy import select

import graphs
from bundler.extensions import db
from bundler.models import Application, ApplicationMaterial, Task
from bundler.queues import SYSTEM_QUEUE
from bundler.services import supplements, work_calendar
from bundler.services.accounts import create_token
from bundler.services.outbox import run_dispatcher
from bundler.worker import make_worker

from factories import PASSWORD
from testapp import accept_by_api, bearer, department_token, finish_by_department_api, online_draft, pdf_bytes

MONDAY = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in China, a working Monday
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def on(days: int) -> time_machine.travel:
    return time_machine.travel(MONDAY + dt.timedelta(days=days), tick=False)


def _correction_at_the_counter(
    client, window_token: str, application_id: int, tokens: dict[str, str]
) -> None:
    """The first ready step asks for a material again (补正); the applicant brings it to the counter the
    next day and the department resumes."""
    db.session.expire_all()
    task = next(t for t in db.session.get(Application, application_id).tasks if t.status == "ready")
    materials, _fields = supplements.askable(db.session, task)
    material = next(iter(materials))
    token = tokens.setdefault(task.department.code, department_token(task.department.code))
    with on(0):
        asked = client.post(
            f"/api/v1/tasks/{task.id}/supplement",
            json={"materials": [material], "reason": "复印件不清晰，请重新提供"},
            headers=bearer(token),
        )
        assert asked.status_code == 200, asked.get_json()
    with on(1):
        pdf = base64.b64encode(pdf_bytes()).decode()
        answered = client.post(
            f"/api/v1/applications/{application_id}/supplements",
            json={"files": {material: [{"name": "补交.pdf", "content_base64": pdf}]}, "note": "已重新复印"},
            headers=bearer(window_token),
        )
        assert answered.status_code == 201, answered.get_json()
        resumed = client.post(f"/api/v1/tasks/{task.id}/resume", headers=bearer(token))
        assert resumed.status_code == 200, resumed.get_json()


def _nearest_rank(values: list[int], q: float) -> int:
    return sorted(values)[max(1, math.ceil(q * len(values))) - 1]


def test_the_report_counts_what_happened(app, client, sample, window_token, make_user):
    tokens: dict[str, str] = {}
    with on(0):
        by_counter = [accept_by_api(client, window_token, "TX")["id"] for _ in range(4)]
        applicant = app.test_client()
        online = online_draft(applicant, "TX", "13991620211", "周建华")
        submitted = applicant.post(f"/applications/{online}/review", data={"delivery_method": "电子证照"})
        assert submitted.status_code in (302, 303), submitted.get_data(as_text=True)
    quick, slow, corrected, unfinished = by_counter
    with on(0):
        finish_by_department_api(client, quick, tokens, seed=5)  # 即办: the same day
        mailed = client.post(
            f"/api/v1/applications/{quick}/handover",
            json={"method": "mail", "address": "汉中市汉台区天汉大道 88 号", "tracking_number": "EMS1"},
            headers=bearer(window_token),
        )
        assert mailed.status_code == 201, mailed.get_json()
    _correction_at_the_counter(client, window_token, corrected, tokens)
    with on(1):
        finish_by_department_api(client, online, tokens, seed=5)
    with on(2):
        finish_by_department_api(client, slow, tokens, seed=5)
    with on(3):
        finish_by_department_api(client, corrected, tokens, seed=5)
        collected = client.post(
            f"/api/v1/applications/{slow}/handover",
            json={"method": "window", "id_checked": True, "collector": "本人"},
            headers=bearer(window_token),
        )
        assert collected.status_code == 201, collected.get_json()
    with on(4):  # the applicant still waiting comes by to ask (logged by the window system)
        asked = client.post(
            f"/api/v1/applications/{unfinished}/visits",
            json={"purpose": "other"},
            headers=bearer(window_token),
        )
        assert asked.status_code == 201, asked.get_json()
        assert asked.get_json()["visits"] == [
            {"date": "2026-11-02", "purposes": ["submit"]},
            {"date": "2026-11-06", "purposes": ["other"]},
        ]

    # What this test did: days taken (Mon → Mon, Tue, Wed, Thu), trips to the counter (the window
    # system's applications were brought there; the corrected one came back on Tuesday, the slow one
    # came to collect on Thursday; the online one and the mailed one needed none after that)
    taken = {quick: 0, online: 1, slow: 2, corrected: 3}
    trips = {quick: 1, slow: 2, corrected: 2, unfinished: 2, online: 0}
    calendar = work_calendar.current(db.session)
    db.session.expire_all()
    promised = {
        a.id: graphs.working_days_between(dt.date(2026, 11, 2), a.promised_date, calendar=calendar)
        for a in db.session.scalars(select(Application).where(Application.id.in_(taken)))
    }
    assert all(db.session.get(Application, a).status == "completed" for a in taken)
    statuses = db.session.scalars(select(ApplicationMaterial.status)).all()
    steps = [
        (t.days_used, t.item_version.promised_days)
        for t in db.session.scalars(select(Task).where(Task.days_used.is_not(None)))
    ]

    expected = {
        "applications": 5,
        "finished": 4,
        "median_working_days": _nearest_rank(list(taken.values()), 0.5),
        "p90_working_days": _nearest_rank(list(taken.values()), 0.9),
        "promised_working_days": _nearest_rank(list(promised.values()), 0.5),
        "within_promise_share": round(sum(taken[a] <= promised[a] for a in taken) / 4, 4),
        "on_time_share": round(sum(used <= limit for used, limit in steps) / len(steps), 4),
        "online_share": 0.2,
        "visits": sum(trips.values()),
        "at_most_one_visit_share": round(sum(trips[a] <= 1 for a in taken) / 4, 4),
        "once_done_share": 0.75,
        "materials_collected": sum(s in ("uploaded", "collected", "supplied", "deferred") for s in statuses),
        "materials_exempted": sum(s in ("e_licence", "produced") for s in statuses),
    }
    assert expected["median_working_days"] == 1 and expected["p90_working_days"] == 3
    assert expected["visits"] == 7 and expected["at_most_one_visit_share"] == 0.5

    before = client.get("/api/v1/bundles/TX/report", query_string=NOVEMBER).get_json()
    assert before["refreshed_at"] is None and before["applications"] == 0  # not counted yet
    loops = iter([False, True])
    with on(4):  # the dispatcher has the worker recount every few minutes
        run_dispatcher(0, stop=lambda: next(loops))
        make_worker(app, [SYSTEM_QUEUE]).work(burst=True)
    report = client.get("/api/v1/bundles/TX/report", query_string=NOVEMBER)
    assert report.status_code == 200, report.get_json()
    figures = report.get_json()
    assert {k: figures[k] for k in expected} == expected
    assert figures["separate_working_days"] >= figures["promised_working_days"]
    assert figures["refreshed_at"] == "2026-11-06T10:00+08:00"
    november = next(m for m in figures["monthly"] if m["month"] == "2026-11")
    assert {k: november[k] for k in ("applications", "finished", "median_working_days", "visits")} == {
        "applications": 5,
        "finished": 4,
        "median_working_days": 1,
        "visits": 7,
    }
    assert [m["month"] for m in figures["monthly"]] == ["2026-11"]
    departments = {d["code"]: d for d in figures["departments"]}
    assert sum(d["decided"] for d in departments.values()) == len(steps)

    recounted = app.test_cli_runner().invoke(
        args=["report", "refresh", "--from", "2026-11", "--to", "2026-11"]
    )
    assert recounted.exit_code == 0 and "已统计 1 个月，1 个一件事月份" in recounted.output
    district = client.get("/api/v1/report", query_string=NOVEMBER).get_json()
    assert {k: district[k] for k in expected} == expected  # 退休 is the only bundle applied for
    october = client.get("/api/v1/bundles/TX/report", query_string={"from": "2026-10-01", "to": "2026-10-31"})
    assert october.get_json()["applications"] == 0 and october.get_json()["median_working_days"] is None
    backwards = client.get(
        "/api/v1/bundles/TX/report", query_string={"from": "2026-11-30", "to": "2026-11-01"}
    )
    assert backwards.status_code == 422 and "结束日期不能早于开始日期" in backwards.get_json()["error"]
    assert client.get("/api/v1/bundles/NOPE/report").status_code == 404

    sheet = client.get("/bundles/TX/report.xlsx", query_string=NOVEMBER)
    assert sheet.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(sheet.data))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row[0]}
    assert summary["受理件数"] == 5 and summary["实际用时中位数（工作日）"] == 1
    assert summary["最多跑一次比例"] == 0.5 and summary["一次办成比例"] == 0.75
    page = client.get("/bundles/TX/report", query_string=NOVEMBER).get_data(as_text=True)
    assert "实际成效" in page and "2026-11" in page
    typo = client.get("/bundles/TX/report", query_string={"from": "2026-13-01", "to": "2026-11-30"})
    shown = typo.get_data(as_text=True)
    assert typo.status_code == 422 and "不是有效日期" in shown and 'value="2026-13-01"' in shown
    assert "近 12 个月" in shown  # and the default period's figures below
    assert client.get("/report", query_string=NOVEMBER).status_code == 200


def test_the_ratings_reach_the_province_as_csv(app, client, sample, window_token, make_user):
    tokens: dict[str, str] = {}
    with on(0):
        application_id = accept_by_api(client, window_token, "TX")["id"]
        whole = client.post(
            f"/api/v1/applications/{application_id}/ratings",
            json={"level": "满意", "step": None, "reasons": ["服务热情"]},
            headers=bearer(window_token),
        )
        assert whole.status_code == 201
        finish_by_department_api(client, application_id, tokens, seed=5)
        db.session.expire_all()
        step = next(t for t in db.session.get(Application, application_id).tasks if t.status == "done")
        code, department = step.item.code, step.department
        bad = client.post(
            f"/api/v1/applications/{application_id}/ratings",
            json={"level": "非常不满意", "step": code, "reasons": ["办理时间长"], "comment": "没人告知进度"},
            headers=bearer(window_token),
        )
        assert bad.status_code == 201, bad.get_json()
        tracking_no = db.session.get(Application, application_id).tracking_no
        admin = create_token(db.session, "admin", None, "省好差评系统")
        db.session.commit()

    assert client.get("/api/v1/ratings/export", headers=bearer(window_token)).status_code == 403
    exported = client.get(
        "/api/v1/ratings/export", query_string={**NOVEMBER, "format": "csv"}, headers=bearer(admin)
    )
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert exported.headers["Cache-Control"] == "private, no-store"  # comments are personal data
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert [
        (r["办件编号"], r["事项编码"], r["评价对象"], r["评价渠道"], r["评价等级"], r["整改状态"])
        for r in rows
    ] == [
        (tracking_no, "", "政务服务中心", "窗口评价器", "满意", "无需整改"),
        (tracking_no, code, department.name, "窗口评价器", "非常不满意", "待核实"),
    ]
    assert rows[1]["评价内容"] == "没人告知进度" and rows[1]["评价时间"].startswith("2026-11-02T10:00")
    paged = client.get(
        "/api/v1/ratings/export", query_string={**NOVEMBER, "limit": 1, "page": 2}, headers=bearer(admin)
    ).get_json()
    assert paged["total"] == 2 and paged["next_page"] is None and paged["ratings"][0]["item"] == code
    before = client.get(
        "/api/v1/ratings/export",
        query_string={"from": "2026-10-01", "to": "2026-10-31"},
        headers=bearer(admin),
    ).get_json()
    assert before["total"] == 0 and before["ratings"] == []

    make_user("reviewer", login="reviewer-export")
    reviewer = app.test_client()
    reviewer.post("/login", data={"login": "reviewer-export", "password": PASSWORD})
    downloaded = reviewer.get("/review/ratings.csv", query_string=NOVEMBER)
    assert downloaded.status_code == 200 and downloaded.mimetype == "text/csv"
    assert list(csv.DictReader(io.StringIO(downloaded.get_data(as_text=True).lstrip("\ufeff")))) == rows

    result = app.test_cli_runner().invoke(
        args=["ratings", "export", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert list(csv.DictReader(io.StringIO(result.output.lstrip("\ufeff")))) == rows
