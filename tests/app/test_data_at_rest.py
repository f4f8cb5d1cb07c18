"""Personal data stays protected at rest. A whole day of one application (an applicant registers and
applies online with a scan, the clerk looks the applicant up at the counter, departments ask for a
supplement and approve with result numbers and result files, the results are mailed, the
applicant rates) leaves none of its names, ID numbers, phone numbers, bank accounts, file names,
result numbers or notes in clear in any place an attacker could read: the database as a dump reads it
(the SQLite file itself, or ``pg_dump``), the instance folder, the logs (every record, and the request
lines and referrers an access log writes) and every key and value in Redis."""

from __future__ import annotations

import base64
import contextlib
import logging
import re
import subprocess
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

import forms
from bundler.catalogue import definitions
from bundler.extensions import db
from bundler.models import Application, Task
from bundler.queues import SYSTEM_QUEUE
from bundler.worker import make_worker

from factories import PASSWORD
from testapp import bearer, confirm_as_parties, department_token, online_draft, pdf_bytes, work_departments

APPLICANT_PHONE = "13991620048"
APPLICANT_NAME = "欧阳晓梅"
FILE_NAME = "欧阳晓梅身份证正反面.png"  # the name of an uploaded scan
RESULT_FILE = "待遇核定表-欧阳晓梅.pdf"  # the name of a result file a department returns
NOTE_PHONE = "13709160077"  # typed by an officer into a supplement note
NOTE_ACCOUNT = "6217003860002354107"  # a bank account typed into the same note
TYPED_ID = "610702196805120026"  # an ID number typed into the same note
COMMENT_NAME = "赵晓梅"  # named in a rating comment
ADDRESS = "汉中市汉台区北关街道天汉大道 88 号 3 单元 502 室"
WAYBILL = "EMS9876543210CN"
PERSONAL_TYPES = {"id_number", "phone", "bank_account", "uscc"}


class AccessLog:
    """What an access log keeps of each request (gunicorn's default format): the request line with
    its query string, the referrer and the user agent; and every redirect the browser follows."""

    def __init__(self, wsgi: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi = wsgi
        self.lines: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = environ.get("QUERY_STRING")
        self.lines.append(
            f'"{environ["REQUEST_METHOD"]} {environ.get("PATH_INFO", "")}{"?" + query if query else ""}" '
            f'"{environ.get("HTTP_REFERER", "-")}" "{environ.get("HTTP_USER_AGENT", "-")}"'
        )

        def recording(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            self.lines.extend(value for name, value in headers if name.lower() == "location")
            return start_response(status, headers, *args)

        return self.wsgi(environ, recording)


def _rows_as_stored() -> str:
    """Every row of every table, read without the app's types."""
    parts = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(text(f'SELECT * FROM "{table.name}"')):
                parts.append(" ".join(str(bytes(v) if isinstance(v, memoryview) else v) for v in row))
    return "\n".join(parts)


def _database_dump() -> bytes:
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        db.session.remove()
        db.engine.dispose()  # everything written is in the file, nothing held in a connection
        path = Path(url.database or "")
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    plain = make_url(str(url.set(drivername="postgresql")))
    command = ["pg_dump", "--no-owner", plain.render_as_string(hide_password=False)]
    return subprocess.run(command, check=True, capture_output=True).stdout


def _files_under(folder: str) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file())


def _redis_values(redis: Redis, key: bytes) -> list[bytes]:
    kind = redis.type(key).decode()
    if kind == "string":
        return [redis.get(key) or b""]
    if kind == "hash":
        return [v for pair in redis.hgetall(key).items() for v in pair]
    if kind == "list":
        return redis.lrange(key, 0, -1)
    if kind == "set":
        return list(redis.smembers(key))
    if kind == "zset":
        return redis.zrange(key, 0, -1)
    return [repr(redis.xrange(key)).encode()] if kind == "stream" else []


def _redis_contents(url: str) -> bytes:
    """Every key and value, with rq's compressed job data opened."""
    redis = Redis.from_url(url)
    parts: list[bytes] = []
    for key in redis.scan_iter(count=500):
        parts.append(key)
        for value in _redis_values(redis, key):
            parts.append(value)
            with contextlib.suppress(zlib.error):
                parts.append(zlib.decompress(value))
    return b"\n".join(parts)


def _submitted_online(client: Any) -> int:
    application_id = online_draft(client, "XSECS", APPLICANT_PHONE, APPLICANT_NAME, FILE_NAME)
    client.post(
        f"/applications/{application_id}/review",
        data={"delivery_method": "邮寄送达", "delivery_address": ADDRESS},
    )
    db.session.expire_all()
    assert db.session.get(Application, application_id).status == "draft"  # waiting for the parents
    assert confirm_as_parties(client.application, application_id) == ["母亲", "父亲"]
    assert db.session.get(Application, application_id).status == "accepted"  # the last confirmation
    return application_id


def _personal_values(application: Application) -> set[str]:
    schema = definitions.schema_for(db.session, application)
    kinds = {f.key: (f.type, f.element) for f in schema.fields}
    return {
        value
        for key, value in application.data.items()
        if isinstance(value, str)
        and key in kinds
        and (kinds[key][0] in PERSONAL_TYPES or kinds[key][1] == "姓名")
    }


def _numbers(results: dict[str, Any]) -> set[str]:
    """The result values that are numbers of a person or a document (not dates or choices)."""
    return {v for v in results.values() if isinstance(v, str) and re.fullmatch(r"[0-9A-Z]{6,}", v)}


def _issued_results(task: Task) -> dict[str, Any]:
    """What the step produces: a number it issues (出生医学证明编号 …) looks like a real one."""
    schema = definitions.schema_for(db.session, task.application)
    values = {
        f.key: f"S61{task.id:08d}" if f.type == "text" else forms.example_value(f, task.id)
        for f in schema.fields
        if f.filled_in_step(task.item.code)
    }
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}


def _ready(application_id: int) -> list[Task]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Task)
            .where(Task.application_id == application_id, Task.status == "ready")
            .order_by(Task.id)
        )
    )


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def test_a_whole_day_leaves_no_personal_value_in_clear(app, client, sample, make_user, app_config, logs):
    access = AccessLog(app.wsgi_app)
    app.wsgi_app = access  # type: ignore[method-assign]
    application_id = _submitted_online(client)
    application = db.session.get(Application, application_id)
    personal = _personal_values(application) | {APPLICANT_PHONE, APPLICANT_NAME}

    # the clerk looks the applicant up at the counter
    clerk = app.test_client()
    make_user("window", login="clerk-rest")
    clerk.post("/login", data={"login": "clerk-rest", "password": PASSWORD})
    number = next(v for v in personal if re.fullmatch(r"\d{17}[\dX]", v))
    assert "新生儿出生" in clerk.post("/window/", data={"number": number}).get_data(as_text=True)

    # the first department asks for a supplement (an ID number, a phone and an account typed in),
    # resumes and approves with a result file; the rest approve with their result numbers
    first = _ready(application_id)[0]
    code = first.department.code
    officer = app.test_client()
    make_user("department", login="officer-rest", department=code)
    officer.post("/login", data={"login": "officer-rest", "password": PASSWORD})
    work_departments(app, code)
    officer.post(
        f"/department/tasks/{first.id}/action",
        data={
            "action": "supplement",
            "note": f"身份证号 {TYPED_ID} 与登记不一致；请补交银行卡 {NOTE_ACCOUNT} 的开户证明，联系 {NOTE_PHONE}",
        },
    )
    officer.post(f"/department/tasks/{first.id}/action", data={"action": "resume"})
    tokens: dict[str, str] = {}
    done = client.post(
        f"/api/v1/tasks/{first.id}/complete",
        json={
            "outcome": "approved",
            "results": _issued_results(first),
            "documents": [{"name": RESULT_FILE, "content_base64": base64.b64encode(pdf_bytes()).decode()}],
        },
        headers=bearer(tokens.setdefault(code, department_token(code))),
    )
    assert done.status_code == 200, done.get_json()
    result_values = _numbers(_issued_results(first))
    while ready := _ready(application_id):
        for task in ready:
            code = task.department.code
            work_departments(app, code)
            results = _issued_results(task)
            result_values |= _numbers(results)
            answer = client.post(
                f"/api/v1/tasks/{task.id}/complete",
                json={"outcome": "approved", "results": results},
                headers=bearer(tokens.setdefault(code, department_token(code))),
            )
            assert answer.status_code == 200, answer.get_json()

    # the results are mailed; the applicant rates naming a person
    handed = clerk.post(
        f"/applications/{application_id}/handover",
        data={"method": "mail", "address": ADDRESS, "carrier": "中国邮政 EMS", "tracking_number": WAYBILL},
    )
    assert handed.status_code in (200, 302), handed.status_code
    db.session.expire_all()
    done_tasks = [t for t in db.session.get(Application, application_id).tasks if t.status == "done"]
    client.post(
        f"/applications/{application_id}/rate",
        data={
            "score_all": "2",
            f"score_{done_tasks[0].id}": "1",
            f"comment_{done_tasks[0].id}": f"{COMMENT_NAME}让我跑了两次",
        },
    )
    make_worker(app, [SYSTEM_QUEUE]).work(burst=True)

    probes = (
        personal
        | result_values
        | {
            FILE_NAME,
            RESULT_FILE,
            NOTE_PHONE,
            NOTE_ACCOUNT,
            TYPED_ID,
            COMMENT_NAME,
            WAYBILL,
            "天汉大道 88 号 3 单元",
        }
    )
    assert number in probes and len(result_values) >= 1  # the probes are the real values

    places = {
        "rows": _rows_as_stored().encode(),
        "logs": (logs.text + "\n".join(access.lines)).encode(),
        "redis": _redis_contents(app_config["REDIS_URL"]),
        "instance folder": _files_under(app.instance_path),
        "database dump": _database_dump(),
    }
    assert access.lines and places["database dump"]
    found = {
        (place, value) for place, content in places.items() for value in probes if value.encode() in content
    }
    assert not found, f"in clear: {sorted(found)}"
