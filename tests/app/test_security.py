"""What an audit of the running service found (issue 15), each finding reproduced as the request that
used to succeed; every one must now be refused."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

import forms
from bundler.catalogue import definitions
from bundler.extensions import db
from bundler.models import Application, CatalogueChange, Task
from bundler.services import applications as service
from bundler.services import changes
from bundler.states import ApplicationState, Channel

from factories import PASSWORD
from testapp import (
    USCC,
    accept_by_api,
    answered,
    bearer,
    department_token,
    pdf_bytes,
    post_application,
    tax_step_released,
)


def _draft(channel: str, **people) -> Application:
    application = service.start_application(
        db.session, "KFD", answers=answered("KFD"), channel=channel, **people
    )
    data = forms.example_data(definitions.schema_for(db.session, application))
    service.save_data(
        db.session, application, {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}
    )
    db.session.commit()
    return application


def _window_requests(application: Application) -> list[tuple[str, str, dict]]:
    """Every window and staff route that takes an application id, with a body that would act on it."""
    material = application.materials[0]
    every_collected = {f"m_{m.id}": "collected" for m in application.materials}
    base = f"/window/applications/{application.id}"
    return [
        ("get", f"{base}/scenario", {}),
        ("post", f"{base}/scenario", {"q_has_signboard": "false"}),
        ("get", f"{base}/form", {}),
        ("post", f"{base}/form", {"action": "save"}),
        ("get", f"{base}/checklist", {}),
        ("post", f"{base}/checklist", {**every_collected, "action": "accept"}),
        ("get", f"{base}/done", {}),
        ("post", f"{base}/materials/{material.id}/supplied", {}),
        ("post", f"{base}/reopen", {}),
        ("get", f"/applications/{application.id}", {}),
        ("get", f"/applications/{application.id}/form", {}),
        ("post", f"/applications/{application.id}/review", {}),
        ("get", f"/applications/{application.id}/documents/application_form", {}),
    ]


def test_a_clerk_cannot_open_or_accept_a_draft_that_is_not_theirs(client, sample, make_user, window_token):
    applicant = make_user("applicant", login="13991620101")
    online = _draft(Channel.ONLINE, applicant=applicant)
    colleague = make_user("window", login="clerk-b")
    counter = _draft(Channel.WINDOW, clerk=colleague)
    drafts = {a.id: dict(a.data) for a in (online, counter)}
    make_user("window", login="clerk-a")
    assert client.post("/login", data={"login": "clerk-a", "password": PASSWORD}).status_code == 302

    for application in (online, counter):
        for method, path, body in _window_requests(application):
            response = getattr(client, method)(path, data=body)
            assert response.status_code in (403, 404), (method, path, response.status_code)
    db.session.expire_all()
    for application_id, data in drafts.items():
        stored = db.session.get(Application, application_id)
        assert stored.status == ApplicationState.DRAFT and stored.data == data and stored.tracking_no is None
    assert client.get(f"/api/v1/applications/{online.id}", headers=bearer(window_token)).status_code == 404

    client.post("/logout")
    client.post("/login", data={"login": "clerk-b", "password": PASSWORD})
    assert client.get(f"/window/applications/{counter.id}/form").status_code == 200  # their own draft
    assert client.get(f"/window/applications/{online.id}/form").status_code == 404


def test_any_clerk_continues_a_refused_counter_application(client, sample, make_user):
    """The person comes back with what was missing, perhaps to another window of the centre."""
    colleague = make_user("window", login="clerk-b")
    refused = _draft(Channel.WINDOW, clerk=colleague)
    refused.status = ApplicationState.REFUSED
    db.session.commit()
    make_user("window", login="clerk-a")
    client.post("/login", data={"login": "clerk-a", "password": PASSWORD})
    assert client.get(f"/window/applications/{refused.id}/checklist").status_code == 200


def test_the_drafter_of_a_change_never_publishes_it(client, sample, make_user):
    make_user("admin", login="admin-a")
    make_user("reviewer", login="reviewer-b")
    client.post("/login", data={"login": "admin-a", "password": PASSWORD})
    started = client.post("/studio/item/SCJG-001/change")
    change_id = int(started.headers["Location"].rsplit("/", 1)[-1])
    client.post(
        f"/studio/changes/{change_id}/submit",
        data={"reason": "规范名称", "legal_basis": "《市场主体登记管理条例》"},
    )
    own = client.post(f"/studio/changes/{change_id}/publish", follow_redirects=True)
    assert "起草、修改或提交过该变更的人不能发布它" in own.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CatalogueChange, change_id).status == "submitted"

    client.post("/logout")
    client.post("/login", data={"login": "reviewer-b", "password": PASSWORD})
    client.post(f"/studio/changes/{change_id}/publish")
    db.session.expire_all()
    assert db.session.get(CatalogueChange, change_id).status == "published"


def test_an_open_change_of_another_department_is_not_named_by_id(client, sample, make_user):
    make_user("department", login="scjg-a", department="SCJG")
    make_user("admin", login="admin-a")
    client.post("/login", data={"login": "scjg-a", "password": PASSWORD})
    mine = client.post("/studio/item/SCJG-001/change").headers["Location"].rsplit("/", 1)[-1]
    again = client.post("/studio/item/SCJG-001/change", follow_redirects=True).get_data(as_text=True)
    assert f"（#{mine}）" in again  # their own department's: named, so they can open it
    client.post("/logout")
    lead = make_user("lead", login="sw-lead", department="SW")
    with pytest.raises(changes.ChangeError) as refused:
        changes.start_change(db.session, lead, "item", "SCJG-001", "change")
    assert "已有一项未完成的变更" in str(refused.value) and f"#{mine}" not in str(refused.value)


SECURITY_HEADERS = {
    "Content-Security-Policy": "script-src 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _plain_get_paths(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/static")
    )


def test_every_page_carries_the_security_headers(app, client, sample, make_user):
    make_user("admin", login="admin-h")
    for signed_in in (False, True):
        if signed_in:
            login = client.post("/login", data={"login": "admin-h", "password": PASSWORD})
            cookie = login.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
        for path in _plain_get_paths(app):
            response = client.get(path)
            for header, expected in SECURITY_HEADERS.items():
                assert expected in response.headers.get(header, ""), (path, header)
            assert "Strict-Transport-Security" not in response.headers  # served over http here
            if response.mimetype == "text/html":
                page = response.get_data(as_text=True)
                assert "<script>" not in page and " onclick=" not in page and ' style="' not in page, path


def test_over_https_the_cookie_is_secure_and_hsts_is_sent(app_config, app):
    from bundler import create_app

    https_app = create_app({**app_config, "PUBLIC_URL": "https://zwfw.example.gov.cn"})
    assert https_app.config["SESSION_COOKIE_SECURE"] is True
    assert https_app.config["REMEMBER_COOKIE_SECURE"] is True
    response = https_app.test_client().get("/login", base_url="https://zwfw.example.gov.cn")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert app.config["SESSION_COOKIE_SECURE"] is False  # the http test app


def test_a_cookie_captured_before_logout_no_longer_works(app, sample, make_user):
    make_user("window", login="clerk-s")
    browser = app.test_client()
    browser.post("/login", data={"login": "clerk-s", "password": PASSWORD})
    assert browser.get("/window/").status_code == 200
    captured = browser.get_cookie("session").value
    browser.post("/logout")

    thief = app.test_client()
    thief.set_cookie("session", captured)
    assert thief.get("/window/").status_code == 302  # to the login page


def test_a_password_change_ends_the_other_sessions(app, sample, make_user):
    make_user("applicant", login="13991620111")
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        device.post("/login", data={"login": "13991620111", "password": PASSWORD})
        assert device.get("/my/applications").status_code == 200
    weak = phone.post(
        "/account/password", data={"current": PASSWORD, "password": "short", "confirm": "short"}
    )
    assert weak.status_code == 422 and "密码至少 8 位" in weak.get_data(as_text=True)
    wrong = phone.post(
        "/account/password", data={"current": "nope", "password": "newpass123", "confirm": "newpass123"}
    )
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    changed = phone.post(
        "/account/password", data={"current": PASSWORD, "password": "newpass123", "confirm": "newpass123"}
    )
    assert changed.status_code == 302
    assert phone.get("/my/applications").status_code == 200  # this device stays signed in
    assert laptop.get("/my/applications").status_code == 302  # the other one is out


def test_staff_sessions_end_after_a_short_idle_time(app, sample, make_user):
    make_user("department", login="scjg-idle", department="SCJG")
    make_user("applicant", login="13991620112")
    start = dt.datetime(2026, 9, 14, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        officer, applicant = app.test_client(), app.test_client()
        officer.post("/login", data={"login": "scjg-idle", "password": PASSWORD})
        applicant.post("/login", data={"login": "13991620112", "password": PASSWORD})
    idle = app.config["STAFF_IDLE_MINUTES"]
    with time_machine.travel(start + dt.timedelta(minutes=idle - 1), tick=False):
        assert officer.get("/department/").status_code == 200  # in use: the clock starts again
    with time_machine.travel(start + dt.timedelta(minutes=2 * idle - 2), tick=False):
        assert officer.get("/department/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=3 * idle), tick=False):
        assert officer.get("/department/").status_code == 302
        assert applicant.get("/my/applications").status_code == 200  # applicants' limit is longer


def test_people_log_in_and_register_while_redis_is_down(app_config, app, sample, make_user, free_port):
    from bundler import create_app

    make_user("window", login="clerk-r")
    outage = create_app({**app_config, "REDIS_URL": f"redis://127.0.0.1:{free_port}/0"})  # nobody listens
    browser = outage.test_client()
    with outage.app_context():
        logged_in = browser.post("/login", data={"login": "clerk-r", "password": PASSWORD})
        assert logged_in.status_code == 302, logged_in.get_data(as_text=True)
        assert browser.get("/window/").status_code == 200
        browser.post("/logout")
        registered = browser.post(
            "/register",
            data={"mobile": "13991620120", "name": "王建国", "password": PASSWORD, "confirm": PASSWORD},
        )
        assert registered.status_code == 302, registered.get_data(as_text=True)
        for _ in range(6):  # still limited, in this process's memory
            last = browser.post("/login", data={"login": "clerk-r", "password": "wrong-1"})
        assert last.status_code == 429 and "过于频繁" in last.get_data(as_text=True)


MALFORMED_DATA = [
    {"从业人员[]": "x"},
    {"从业人员[]": [1]},
    {"从业人员[]": 5},
    {"经营者.姓名": "王\ud800"},
]


@pytest.mark.parametrize(
    "data", MALFORMED_DATA, ids=["list-as-text", "list-of-number", "number", "surrogate"]
)
def test_a_malformed_application_body_is_answered_in_chinese(client, sample, window_token, data):
    response = client.post(
        "/api/v1/applications",
        json={"bundle": "KFD", "answers": answered("KFD"), "data": data},
        headers=bearer(window_token),
    )
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.get_json()["error"])


def test_deeply_nested_json_is_refused(client, sample, window_token):
    deep = "[" * 50_000 + "]" * 50_000
    accepted = accept_by_api(client, window_token)
    task = db.session.scalar(select(Task).where(Task.application_id == accepted["id"]).order_by(Task.id))
    department = department_token(task.department.code)
    for path, token in (
        ("/api/v1/applications", window_token),
        (f"/api/v1/tasks/{task.id}/complete", department),
    ):
        response = client.post(path, data=deep, content_type="application/json", headers=bearer(token))
        assert response.status_code in (400, 422), (path, response.status_code)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.get_json()["error"])


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares width×height pixels, followed by a tiny (wrong) image body."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


POLYGLOT = (
    b"%PDF-1.4\n<html><body><script>fetch('/api/v1/applications')</script></body></html>\n"
    b"1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("扫描件.pdf", POLYGLOT, "网页代码"),
        ("照片.png", _png_header(100_000, 100_000), "像素"),
        ("残缺.pdf", b"%PDF-1.7\n" + b"0" * 200, "不是完整的 PDF"),
    ],
    ids=["pdf-html-polyglot", "pixel-bomb", "broken-pdf"],
)
def test_an_upload_is_opened_with_a_real_parser(client, sample, window_token, name, content, said):
    import base64

    response = post_application(
        client,
        window_token,
        files={
            "个体工商户登记申请书|经营者": [
                {"name": name, "content_base64": base64.b64encode(content).decode()}
            ]
        },
    )
    assert response.status_code == 422, response.get_json()
    assert said in response.get_json()["error"]


def test_a_webhook_carries_a_delivery_id_and_must_be_https(app, client, free_port):
    from bundler.channels import CHANNELS, DeliveryFailed, Destination
    from bundler.channels.webhook import WebhookChannel

    from peers import peer

    assert isinstance(CHANNELS.get("webhook"), WebhookChannel)
    app.config["WEBHOOK_ALLOW_HTTP"] = False
    assert any("https://" in p for p in WebhookChannel.declaration_problems("http://dept.example/hook", {}))
    assert WebhookChannel.declaration_problems("https://dept.example/hook", {}) == []
    with pytest.raises(DeliveryFailed, match="https://"):
        WebhookChannel().deliver(Destination("SCJG", "http://127.0.0.1:9/hook", "k"), {"delivery_id": "7"})
    app.config["WEBHOOK_ALLOW_HTTP"] = True
    with peer(free_port) as receiver:
        WebhookChannel().deliver(Destination("SCJG", receiver.url, "k"), {"task": 1, "delivery_id": "7"})
    (request,) = receiver.received
    assert request.headers["X-Bundler-Delivery"] == "7" and request.json["delivery_id"] == "7"

    document = client.get("/api/v1/openapi.json").get_json()
    hook = document["webhooks"]["taskDelivered"]["post"]
    assert {p["name"] for p in hook["parameters"]} == {
        "X-Bundler-Timestamp",
        "X-Bundler-Signature",
        "X-Bundler-Delivery",
    }
    assert hook["requestBody"]["content"]["application/json"]["schema"]["allOf"][0]["$ref"] == (
        "#/components/schemas/Task"
    )


def test_the_retry_schedule_holds_across_a_redis_restart(app, client, window_token, free_port):
    from redis import Redis

    from bundler.models import Delivery
    from bundler.queues import remote_queue_name
    from bundler.services.outbox import dispatch
    from bundler.worker import make_worker

    from peers import peer

    def tick(traveller, seconds: int) -> int:
        """At ``seconds`` after the start: one dispatcher pass and one worker pass; the POSTs so far."""
        traveller.move_to(start + dt.timedelta(seconds=seconds))
        dispatch()
        make_worker(app, [remote_queue_name("SW")]).work(burst=True)
        return len(receiver.received)

    start = dt.datetime(2026, 9, 14, 1, 0, tzinfo=dt.UTC)
    with peer(free_port) as receiver, time_machine.travel(start, tick=False) as traveller:
        receiver.status = 500
        tax_step_released(client, window_token, f"{receiver.url}/inbox")
        assert tick(traveller, 0) == 1
        Redis.from_url(app.config["REDIS_URL"]).flushall()  # Redis restarts and forgets every job
        seen = {t: tick(traveller, t) for t in (5, 9, 10, 39, 40, 159, 160, 759, 760, 2000)}
    assert seen == {5: 1, 9: 1, 10: 2, 39: 2, 40: 3, 159: 3, 160: 4, 759: 4, 760: 5, 2000: 5}
    db.session.expire_all()
    delivery = db.session.scalar(select(Delivery).where(Delivery.queue == "remote:SW"))
    assert delivery.status == "failed" and delivery.attempts == 5


def test_the_instance_folder_and_its_files_are_the_owners_only(app_config, app, tmp_path):
    import stat

    from bundler import create_app

    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    (instance / "bundler.db").write_bytes(b"")
    (instance / "bundler.db").chmod(0o644)
    create_app({**app_config, "INSTANCE_PATH": str(instance)})
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    for entry in instance.iterdir():
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600, entry.name


def _served_sandboxed(response) -> None:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_every_file_handed_out_is_shown_in_a_sandbox_and_never_sniffed(client, sample, window_token):
    import base64

    scan = base64.b64encode(pdf_bytes()).decode()
    accepted = accept_by_api(
        client, window_token, files={"居民身份证|经营者": [{"name": "身份证.pdf", "content_base64": scan}]}
    )
    scjg = department_token("SCJG")
    task = db.session.scalar(
        select(Task).where(Task.application_id == accepted["id"], Task.status == "ready")
    )
    inbox = client.get(f"/api/v1/tasks/{task.id}", headers=bearer(scjg)).get_json()
    material_file = next(f for m in inbox["materials"] for f in m["files"])
    _served_sandboxed(client.get(material_file["url"], headers=bearer(scjg)))
    _served_sandboxed(client.get(material_file["signed_url"]))

    client.post(
        f"/api/v1/tasks/{task.id}/complete",
        json={
            "outcome": "approved",
            "results": {"经营者.统一社会信用代码": USCC},
            "documents": [{"name": "营业执照.pdf", "content_base64": scan}],
        },
        headers=bearer(scjg),
    )
    status = client.get(f"/api/v1/applications/{accepted['id']}", headers=bearer(window_token)).get_json()
    result = next(d for s in status["steps"] for d in s["documents"])
    _served_sandboxed(client.get(result["url"], headers=bearer(window_token)))
