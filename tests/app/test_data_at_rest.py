"""Personal data stays protected at rest: after a whole application has been accepted, worked, paused
for a supplement, completed and rated, no table of the database holds any of the names, ID numbers,
phone numbers, result numbers or notes in clear — read the way a dump reads them, without the app's
types."""

from __future__ import annotations

import base64

from sqlalchemy import select, text

from bundler.extensions import db
from bundler.models import Application, Rating, Task
from bundler.queues import SYSTEM_QUEUE, department_queue_name
from bundler.services.accounts import create_token
from bundler.worker import make_worker

from factories import PASSWORD
from testapp import accept_by_api, pdf_bytes

USCC = "92610702MA6X0F2K1F"  # the credit code the registration step issues
NOTE_PHONE = "13709160077"  # written by an officer into a supplement note
FILE_NAME = "王建国身份证正反面.pdf"  # the name of an uploaded scan
COMMENT = "赵晓梅说窗口让她跑了两次"  # a rating comment naming a person


def _dump() -> str:
    """Every row of every table as text, as the database stores it."""
    parts = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(text(f'SELECT * FROM "{table.name}"')):
                parts.append(" ".join(str(bytes(v) if isinstance(v, memoryview) else v) for v in row))
    return "\n".join(parts)


def test_no_personal_value_is_stored_in_clear(app, client, window_token, make_user):
    scan = base64.b64encode(pdf_bytes()).decode()
    body = accept_by_api(
        client, window_token, files={"居民身份证|经营者": [{"name": FILE_NAME, "content_base64": scan}]}
    )
    application = db.session.get(Application, body["id"])
    personal = {
        value
        for key, value in application.data.items()
        if isinstance(value, str) and key.split(".")[-1] in ("姓名", "公民身份号码", "联系电话")
    }
    assert len(personal) >= 3

    scjg = create_token(db.session, "department", "SCJG")
    db.session.commit()
    first = db.session.scalar(select(Task).where(Task.application_id == body["id"], Task.status == "ready"))
    done = client.post(
        f"/api/v1/tasks/{first.id}/complete",
        json={"outcome": "approved", "results": {"经营者.统一社会信用代码": USCC}},
        headers={"Authorization": f"Bearer {scjg}"},
    )
    assert done.status_code == 200, done.get_json()
    make_user("department", login="scjg-rest", department="SCJG")
    client.post("/login", data={"login": "scjg-rest", "password": PASSWORD})
    make_worker(app, [department_queue_name("SCJG"), SYSTEM_QUEUE]).work(burst=True)
    db.session.expire_all()
    food = db.session.scalar(
        select(Task).where(
            Task.application_id == body["id"], Task.status == "ready", Task.department.has(code="SCJG")
        )
    )
    client.post(
        f"/department/tasks/{food.id}/action",
        data={"action": "supplement", "note": f"请补交平面图，联系 {NOTE_PHONE}"},
    )
    db.session.expire_all()
    assert db.session.get(Task, food.id).status == "paused"

    db.session.add(Rating(application_id=body["id"], score=2, comment=COMMENT, follow_up="open"))
    db.session.commit()

    dump = _dump()
    for value in [*personal, USCC, NOTE_PHONE, FILE_NAME, COMMENT]:
        assert value not in dump, f"{value} is stored in clear"
    assert "610702" in "".join(personal)  # the probe is meaningful: the values are the real ones
