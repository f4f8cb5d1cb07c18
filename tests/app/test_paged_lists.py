"""Lists a page at a time (issue #18, part 1): the department queue pages by due date with its state
filters and counts; the department tasks API walks every task once with limit and cursor, honours its
status filter and says the total; bad paging input is refused in Chinese."""

from __future__ import annotations

import datetime as dt
import json
import re

from sqlalchemy import select, update

from bundler.extensions import db
from bundler.models import Department, Rating, Task
from bundler.queues import department_queue_name
from bundler.services import ratings, work_queue
from bundler.services.accounts import create_token
from bundler.worker import make_worker

from factories import PASSWORD
from testapp import accept_by_api, bearer, department_token


def _scjg_tasks(app, client, window_token, applications: int = 4) -> list[int]:
    """Accepted 开饭店 applications delivered to SCJG's inbox, with distinct due dates (by id)."""
    for _ in range(applications):
        accept_by_api(client, window_token)
    make_worker(app, [department_queue_name("SCJG")]).work(burst=True)
    db.session.rollback()
    department = db.session.scalar(select(Department.id).where(Department.code == "SCJG"))
    ids = list(db.session.scalars(select(Task.id).where(Task.department_id == department).order_by(Task.id)))
    for offset, task_id in enumerate(ids):  # a known order: the last task is due first
        db.session.execute(
            update(Task)
            .where(Task.id == task_id)
            .values(due_date=dt.date(2027, 3, 1) - dt.timedelta(days=offset))
        )
    db.session.commit()
    return ids


def test_the_queue_pages_by_due_date_with_filters(app, client, window_token, make_user, monkeypatch):
    ids = _scjg_tasks(app, client, window_token)
    running = db.session.scalars(
        select(Task.id).where(
            Task.id.in_(ids), Task.status.in_(["ready", "in_progress"]), Task.delivered_at.is_not(None)
        )
    ).all()
    assert len(running) >= 4
    paused = running[0]
    db.session.get(Task, paused).status = "paused"  # through the ORM, as the product pauses, so it is counted
    db.session.commit()
    expected = sorted(set(running) - {paused}, reverse=True)  # the later the id, the nearer its due date
    monkeypatch.setattr(work_queue, "PAGE_SIZE", 2)
    make_user("department", login="scjg01", department="SCJG")
    client.post("/login", data={"login": "scjg01", "password": PASSWORD})

    seen = []
    for page in range(1, -(-len(expected) // 2) + 1):
        html = client.get(f"/department/?page={page}").get_data(as_text=True)
        seen += [
            int(i) for i in re.findall(r'href="/department/tasks/(\d+)"', html.split('class="queue"')[1])
        ]
        assert f"第 {page} / {-(-len(expected) // 2)} 页" in html
    assert seen == expected
    html = client.get("/department/?status=paused").get_data(as_text=True)
    assert re.findall(r'href="/department/tasks/(\d+)"', html.split('class="queue"')[1]) == [str(paused)]
    assert "暂停计时（补正、特别程序） 1" in html and f"待办（待办理和办理中） {len(expected)}" in html
    assert client.get("/department/?page=999").status_code == 200  # past the end: the last page
    assert client.get("/department/?status=nonsense&page=x").status_code == 200  # the default list


def test_the_tasks_api_walks_every_task_once_with_a_cursor(app, client, window_token):
    ids = _scjg_tasks(app, client, window_token, applications=3)
    token = department_token("SCJG")
    seen, cursor, pages = [], None, 0
    while True:
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(f"/api/v1/departments/SCJG/tasks?{query}", headers=bearer(token)).get_json()
        assert body["total"] == len(ids)
        assert len(body["tasks"]) <= 2
        seen += [t["id"] for t in body["tasks"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(ids, reverse=True) and pages == -(-len(ids) // 2)
    ready = client.get("/api/v1/departments/SCJG/tasks?status=ready", headers=bearer(token)).get_json()
    assert ready["tasks"] and {t["status"] for t in ready["tasks"]} == {"ready"}
    assert ready["total"] == len(ready["tasks"]) < len(ids)

    for query, said in (
        ("cursor=!!!", "cursor 无效"),
        ("cursor=bm90LWEtY3Vyc29y", "cursor 无效"),
        (
            "cursor=MjAyNi0wMS0wMTo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk",
            "cursor 无效",
        ),  # an id no database integer holds
        ("limit=0", "limit 应为 1 至 500"),
        ("limit=501", "limit 应为 1 至 500"),
    ):
        refused = client.get(f"/api/v1/departments/SCJG/tasks?{query}", headers=bearer(token))
        assert refused.status_code == 422, query
        assert said in json.dumps(refused.get_json(), ensure_ascii=False), (query, refused.get_json())


def test_bad_ratings_page_open_ones_first_then_closed_newest_first(
    client, window_token, make_user, monkeypatch
):
    """The 差评 list reads open ones, then closed ones, each newest first, from the counts and the
    index (two parts, no sort of every match): a page boundary inside either part and between them."""
    lead = db.session.scalar(select(Department.id).where(Department.code == "SCJG"))
    states = ["open", "closed", "following", "closed", "open", "closed", "open"]
    applications = [accept_by_api(client, window_token)["id"] for _ in states]
    made = []
    for application, state in zip(applications, states, strict=True):
        rating = Rating(application_id=application, lead_department_id=lead, score=1, follow_up=state)
        db.session.add(rating)
        db.session.flush()
        made.append((rating.id, state))
    db.session.commit()
    expected = [i for i, s in sorted(made, reverse=True) if s != "closed"] + [
        i for i, s in sorted(made, reverse=True) if s == "closed"
    ]
    monkeypatch.setattr(ratings, "PAGE_SIZE", 3)
    seen = []
    for page in (1, 2, 3):
        found = ratings.bad_ratings_for_lead(db.session, lead, page)
        assert (found.total, found.pages) == (7, 3)
        seen += [r.id for r in found.ratings]
    assert seen == expected
    other = ratings.bad_ratings_for_lead(db.session, None, 1)  # an administrator sees every bundle
    assert other.total == 7
    make_user("lead", login="lead-r", department="SCJG")
    client.post("/login", data={"login": "lead-r", "password": PASSWORD})
    html = client.get("/lead/ratings?page=3").get_data(as_text=True)
    assert "第 3 / 3 页" in html


def test_the_catalogue_changes_api_refuses_a_page_no_list_reaches(client):
    """A page number beyond what the API takes is refused in Chinese, not computed into an offset the
    database cannot hold (it answered 500)."""
    token = create_token(db.session, "admin")
    db.session.commit()
    for page in ("1000001", "197415254414691584"):
        refused = client.get(f"/api/v1/catalogue/changes?page={page}", headers=bearer(token))
        assert refused.status_code == 422, page
        assert "page 应为 1 至 1000000 的整数" in json.dumps(refused.get_json(), ensure_ascii=False)
    assert client.get("/api/v1/catalogue/changes?page=1000000", headers=bearer(token)).status_code == 200
