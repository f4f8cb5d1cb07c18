"""Material files travel with the application (issue #13, parts 1–2): uploaded at acceptance through the
API, downloaded byte-identical by each department whose item asks for the material and by no other,
pushed to a department system as signed links that expire; several files per material, OFD checked by
content, sizes checked with a Chinese answer, names encrypted at rest."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import re
import zipfile

import pytest
import time_machine
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

import forms
import graphs
from bundler import clock
from bundler.catalogue import definitions
from bundler.catalogue.queries import bundle_definition
from bundler.extensions import db
from bundler.models import Application, ApplicationMaterial, AuditEntry, Delivery, Department, Task, Upload
from bundler.services import uploads
from bundler.services.accounts import create_token
from bundler.services.elicences import LocalELicenceStore

from factories import PASSWORD
from peers import peer
from testapp import (
    accept_by_api,
    bearer,
    department_token,
    pdf_bytes,
    png_bytes,
    scenario_form,
    work_departments,
)

ANSWERS = {"has_employees": "true"}  # 开饭店: SCJG-001 → (SCJG-003, SW-001, RS-002) → SW-002
ID_CARD = "居民身份证|经营者"  # asked by SCJG-001, SCJG-003, SW-001 and RS-002; not by SW-002
PREMISES = "经营场所使用证明|门店"  # asked by SCJG-001 only (of these steps)
USCC = "92610702MA6X0F2K1F"


def ofd_bytes(root: str = "OFD.xml") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as container:
        container.writestr(
            root, '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>'
        )
        container.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return out.getvalue()


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


@pytest.fixture
def department_system(free_port):
    with peer(free_port) as system:
        yield system, f"{system.url}/inbox"


def test_files_of_an_api_acceptance_reach_exactly_the_departments_that_ask_for_them(
    app, client, window_token, department_system
):
    receiver, url = department_system
    started = clock.utcnow().replace(microsecond=0)  # before any delivery (links give whole seconds)
    sw = db.session.scalar(select(Department).where(Department.code == "SW"))
    sw.webhook_url = url
    db.session.commit()
    front, back, premises = pdf_bytes(1), png_bytes(), ofd_bytes()
    application = accept_by_api(
        client,
        window_token,
        answers=ANSWERS,
        files={
            ID_CARD: [
                {"name": "身份证正面.pdf", "content_base64": _b64(front)},
                {"name": "身份证反面.png", "content_base64": _b64(back)},
            ],
            PREMISES: [{"name": "租赁合同.ofd", "content_base64": _b64(premises)}],
        },
    )
    statuses = {m["key"]: m["status"] for m in application["materials"]}
    assert statuses[ID_CARD] == statuses[PREMISES] == "uploaded"  # a material with a file is provided

    # the registration office completes its step; the parallel steps are released and delivered
    tasks = {t.item.code: t for t in db.session.scalars(select(Task)).all()}
    scjg = department_token("SCJG")
    done = client.post(
        f"/api/v1/tasks/{tasks['SCJG-001'].id}/complete",
        json={"outcome": "approved", "results": {"经营者.统一社会信用代码": USCC}},
        headers=bearer(scjg),
    )
    assert done.status_code == 200, done.get_json()
    work_departments(app, "SCJG", "SW", "RS")

    tokens = {code: department_token(code) for code in db.session.scalars(select(Department.code)).all()}
    expected = {front: "application/pdf", back: "image/png", premises: "application/ofd"}
    links: list[tuple[str, str, bytes]] = []  # (department of the task, url, content)
    for code, task in tasks.items():
        if task.status == "skipped":
            continue
        department = task.department.code
        payload = client.get(f"/api/v1/tasks/{task.id}", headers=bearer(tokens[department])).get_json()
        files = {m["key"]: m["files"] for m in payload["materials"]}
        asks_id_card = code != "SW-002"
        assert (ID_CARD in files) == asks_id_card, code
        if asks_id_card:
            assert [f["name"] for f in files[ID_CARD]] == ["身份证正面.pdf", "身份证反面.png"]
            assert [f["size"] for f in files[ID_CARD]] == [len(front), len(back)]
        for entries in files.values():
            for entry in entries:
                response = client.get(entry["url"], headers=bearer(tokens[department]))
                assert response.status_code == 200, (code, entry["name"])
                assert response.content_type == entry["content_type"] == expected[response.data]
                assert hashlib.sha256(response.data).hexdigest() == entry["sha256"]
                links.append((department, entry["url"], response.data))
    assert {department for department, _, _ in links} == {"SCJG", "SW", "RS"}
    assert {content for _, _, content in links} == {front, back, premises}

    # every other department's token gets a 404, as if the file did not exist; an admin may see all
    admin = create_token(db.session, "admin", label="管理员")
    db.session.commit()
    for department, link, content in links:
        for code, token in tokens.items():
            answer = client.get(link, headers=bearer(token))
            assert answer.status_code == (200 if code == department else 404), (link, code)
            if code != department:
                assert answer.get_json()["error"] == "文件不存在"
        assert client.get(link, headers=bearer(admin)).data == content
        assert client.get(link).status_code == 401
    sw_002 = tasks["SW-002"]
    id_card_file = next(u.id for u in db.session.scalars(select(Upload)) if u.material.key == ID_CARD)
    assert (
        client.get(
            f"/api/v1/tasks/{sw_002.id}/files/{id_card_file}", headers=bearer(tokens["SW"])
        ).status_code
        == 404
    )

    # the tax office's system received SW-001 with signed links that need no token until they expire
    [payload] = receiver.payloads
    assert payload["item"] == "SW-001"
    signed = [f for m in payload["materials"] for f in m["files"]]
    assert [f["name"] for f in signed] == ["身份证正面.pdf", "身份证反面.png"]
    delivered_at = clock.utcnow()
    for entry in signed:
        answer = client.get(entry["signed_url"])
        assert answer.status_code == 200 and answer.headers["Content-Disposition"].startswith("inline")
        assert hashlib.sha256(answer.data).hexdigest() == entry["sha256"]
        expires = dt.datetime.fromisoformat(entry["signed_url_expires"])
        assert started + dt.timedelta(days=7) <= expires <= delivered_at + dt.timedelta(days=7)
    with time_machine.travel(delivered_at + dt.timedelta(days=6, hours=23), tick=False):
        assert client.get(signed[0]["signed_url"]).status_code == 200
    with time_machine.travel(delivered_at + dt.timedelta(days=7, minutes=1), tick=False):
        expired = client.get(signed[0]["signed_url"])
        assert expired.status_code == 410 and "已过期" in expired.get_data(as_text=True)
        assert (
            client.get(signed[0]["signed_url"], headers={"Accept": "application/json"})
            .get_json()["error"]
            .startswith("文件链接已过期")
        )
    forged = signed[0]["signed_url"][:-3] + ("AAA" if not signed[0]["signed_url"].endswith("AAA") else "BBB")
    assert client.get(forged).status_code == 403


def test_the_signed_link_lifetime_is_a_setting(app, client, window_token):
    app.config["FILE_URL_MAX_AGE"] = 3600
    accept_by_api(
        client, window_token, files={ID_CARD: [{"name": "id.pdf", "content_base64": _b64(pdf_bytes())}]}
    )
    task = db.session.scalar(select(Task).where(Task.status == "ready"))
    payload = client.get(f"/api/v1/tasks/{task.id}", headers=bearer(department_token("SCJG"))).get_json()
    [entry] = [f for m in payload["materials"] for f in m["files"]]
    with time_machine.travel(clock.utcnow() + dt.timedelta(minutes=61), tick=False):
        assert client.get(entry["signed_url"]).status_code == 410


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"name": "id.pdf", "content_base64": "这不是base64"}, "不是有效的 base64"),
        ({"name": "id.pdf", "content_base64": _b64(b"plain text, not a PDF")}, "只接受 PDF、OFD、JPEG、PNG"),
        (
            {"name": "fake.ofd", "content_base64": _b64(ofd_bytes(root="Doc/OFD.xml"))},
            "实际类型为 application/zip",
        ),
        ({"name": "id.pdf", "content_base64": ""}, "是空的"),
    ],
)
def test_bad_files_at_acceptance_are_refused_naming_the_material(client, window_token, entry, problem):
    definition = bundle_definition(db.session, "KFD")
    data = forms.example_data(
        forms.merge(
            definition.bundle, definition.items, graphs.parse_answers(definition.bundle["questions"], {})
        ),
        jsonable=True,
    )
    response = client.post(
        "/api/v1/applications",
        json={"bundle": "KFD", "data": data, "files": {ID_CARD: [entry]}},
        headers=bearer(window_token),
    )
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert list(body["errors"]) == [f"files.{ID_CARD}"]
    assert "居民身份证" in body["errors"][f"files.{ID_CARD}"][0] and problem in body["error"]
    assert db.session.scalar(select(Application.id)) is None  # nothing was kept


def test_an_oversized_file_is_refused_with_422_and_an_unknown_material_is_named(app, client, window_token):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    big = pdf_bytes(8)
    assert len(big) > 1000
    definition = bundle_definition(db.session, "KFD")
    data = forms.example_data(
        forms.merge(
            definition.bundle, definition.items, graphs.parse_answers(definition.bundle["questions"], {})
        ),
        jsonable=True,
    )
    response = client.post(
        "/api/v1/applications",
        json={
            "bundle": "KFD",
            "data": data,
            "files": {
                ID_CARD: [{"name": "big.pdf", "content_base64": _b64(big)}],
                "房产证|无人": [{"name": "x.pdf", "content_base64": _b64(big)}],
            },
        },
        headers=bearer(window_token),
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "超过了" in errors[f"files.{ID_CARD}"][0] and "上限" in errors[f"files.{ID_CARD}"][0]
    assert "房产证|无人" in errors["files.房产证|无人"][0]


def test_a_file_added_later_through_the_api_reaches_the_department(client, window_token):
    application = accept_by_api(client, window_token)
    later = pdf_bytes(2)
    key = ID_CARD.replace("|", "%7C")
    added = client.post(
        f"/api/v1/applications/{application['id']}/materials/{key}/files",
        data={"file": (io.BytesIO(later), "补交身份证.pdf")},
        content_type="multipart/form-data",
        headers=bearer(window_token),
    )
    assert added.status_code == 201, added.get_json()
    body = added.get_json()
    assert (
        body["name"] == "补交身份证.pdf"
        and body["size"] == len(later)
        and body["content_type"] == "application/pdf"
    )
    assert body["material"] == ID_CARD
    bad = client.post(
        f"/api/v1/applications/{application['id']}/materials/{key}/files",
        data={"file": (io.BytesIO(b"GIF89a not accepted"), "x.gif")},
        content_type="multipart/form-data",
        headers=bearer(window_token),
    )
    assert bad.status_code == 422 and "居民身份证" in bad.get_json()["errors"]["file"][0]
    missing = client.post(
        f"/api/v1/applications/{application['id']}/materials/{key}/files",
        data={},
        content_type="multipart/form-data",
        headers=bearer(window_token),
    )
    assert missing.status_code == 422 and "file" in missing.get_json()["errors"]
    unknown = client.post(
        f"/api/v1/applications/{application['id']}/materials/nothing/files",
        data={"file": (io.BytesIO(later), "x.pdf")},
        content_type="multipart/form-data",
        headers=bearer(window_token),
    )
    assert unknown.status_code == 404
    task = db.session.scalar(select(Task).where(Task.status == "ready"))
    scjg = department_token("SCJG")
    payload = client.get(f"/api/v1/tasks/{task.id}", headers=bearer(scjg)).get_json()
    [entry] = [f for m in payload["materials"] if m["key"] == ID_CARD for f in m["files"]]
    assert client.get(entry["url"], headers=bearer(scjg)).data == later


def test_file_names_and_contents_are_encrypted_at_rest(client, window_token):
    content = pdf_bytes()
    accept_by_api(
        client, window_token, files={ID_CARD: [{"name": "王建国身份证.pdf", "content_base64": _b64(content)}]}
    )
    name, stored = db.session.execute(text("SELECT filename, content FROM uploads")).one()
    assert "王建国" not in name and name.startswith("gAAAA")
    assert b"%PDF" not in bytes(stored)
    upload = db.session.scalars(select(Upload)).one()
    assert upload.filename == "王建国身份证.pdf"


def test_ofd_is_recognised_by_its_content_not_its_name(app):
    assert uploads.sniff(ofd_bytes()) == "application/ofd"
    assert uploads.sniff(ofd_bytes(root="Doc_0/OFD.xml")) is None
    assert uploads.sniff(pdf_bytes()) == "application/pdf"
    assert uploads.sniff(png_bytes()) == "image/png"
    assert uploads.sniff(b"PK\x03\x04 truncated") is None
    assert uploads.check_upload(ofd_bytes(), "合同.pdf") == "application/ofd"


# --- the applicant's pages and the counter ------------------------------------------------------------


@pytest.fixture
def applicant_draft(client, sample, make_user):
    make_user("applicant", login="13991620021")
    client.post("/login", data={"login": "13991620021", "password": PASSWORD})
    response = client.post("/bundles/KFD/apply", data=scenario_form("KFD"))
    return int(re.search(r"/applications/(\d+)/form", response.headers["Location"]).group(1))


def _material(application_id: int, key: str) -> ApplicationMaterial:
    db.session.expire_all()
    return db.session.scalar(
        select(ApplicationMaterial).where(
            ApplicationMaterial.application_id == application_id, ApplicationMaterial.key == key
        )
    )


def test_an_applicant_adds_several_files_views_replaces_and_deletes_them(client, applicant_draft):
    material = _material(applicant_draft, ID_CARD)
    page = f"/applications/{applicant_draft}/materials"
    first, second = pdf_bytes(), png_bytes()
    response = client.post(
        page,
        data={
            "material": material.id,
            "action": "upload",
            "file": [(io.BytesIO(first), "正面.pdf"), (io.BytesIO(second), "反面.png")],
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "正面.pdf" in html and "反面.png" in html and uploads.size_label(len(first)) in html
    material = _material(applicant_draft, ID_CARD)
    assert material.status == "uploaded" and [u.filename for u in material.uploads] == [
        "正面.pdf",
        "反面.png",
    ]
    front, back = material.uploads

    shown = client.get(f"/applications/{applicant_draft}/files/{front.id}")
    assert shown.status_code == 200 and shown.data == first and shown.content_type == "application/pdf"
    assert shown.headers["Content-Disposition"].startswith("inline")

    replacement = ofd_bytes()
    client.post(
        page,
        data={
            "material": material.id,
            "upload": back.id,
            "action": "replace",
            "file": (io.BytesIO(replacement), "反面.ofd"),
        },
        content_type="multipart/form-data",
    )
    material = _material(applicant_draft, ID_CARD)
    assert [(u.filename, u.content_type) for u in material.uploads] == [
        ("正面.pdf", "application/pdf"),
        ("反面.ofd", "application/ofd"),
    ]
    for upload in list(material.uploads):
        client.post(page, data={"material": material.id, "upload": upload.id, "action": "delete"})
    material = _material(applicant_draft, ID_CARD)
    assert material.uploads == [] and material.status == "pending"


def test_an_oversized_file_is_told_on_the_same_page_and_nothing_is_lost(app, client, applicant_draft):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    material = _material(applicant_draft, ID_CARD)
    page = f"/applications/{applicant_draft}/materials"
    small = png_bytes()
    client.post(
        page,
        data={"material": material.id, "action": "upload", "file": (io.BytesIO(small), "小图.png")},
        content_type="multipart/form-data",
    )
    big = pdf_bytes(12)  # 1.7 KB
    response = client.post(
        page,
        data={"material": material.id, "action": "upload", "file": (io.BytesIO(big), "大文件.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "一套材料" in html
    assert "大文件.pdf" in html and "超过了" in html and "上限" in html  # told, in Chinese, on the page
    assert "小图.png" in html  # what was given before is still there
    assert [u.filename for u in _material(applicant_draft, ID_CARD).uploads] == ["小图.png"]


def test_the_counter_attaches_scans_and_records_who_checked_the_originals(client, sample, make_user):
    clerk = make_user("window", login="clerk-files", name="李窗口")
    client.post("/login", data={"login": "clerk-files", "password": PASSWORD})
    started = client.post("/window/start", data={"bundle": "KFD"})
    application_id = int(re.search(r"/applications/(\d+)/scenario", started.headers["Location"]).group(1))
    client.post(
        f"/window/applications/{application_id}/scenario",
        data=scenario_form("KFD", {"has_employees": "false"}),
    )
    application = db.session.get(Application, application_id)
    db.session.refresh(application)
    schema = definitions.schema_for(db.session, application)
    pairs = [
        (k, v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in forms.formdata_for(schema, forms.example_data(schema))
    ]
    filled = client.post(
        f"/window/applications/{application_id}/form", data=MultiDict([*pairs, ("action", "next")])
    )
    assert filled.status_code == 302, filled.get_data(as_text=True)
    application = db.session.get(Application, application_id)
    db.session.refresh(application)
    asked = [m for m in application.materials if m.status != "produced"]
    id_card = next(m for m in asked if m.key == ID_CARD)
    checklist = f"/window/applications/{application_id}/checklist"
    choices = {f"m_{m.id}": "collected" for m in asked}

    # a scan that is too large: told on the same page, the choices kept, nothing decided
    scan = pdf_bytes()
    app = client.application
    app.config["UPLOAD_MAX_BYTES"] = len(scan) - 1
    refused = client.post(
        checklist,
        data={
            **choices,
            "commitment_date": "",
            "action": "accept",
            f"f_{id_card.id}": (io.BytesIO(scan), "扫描.pdf"),
        },
        content_type="multipart/form-data",
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "超过了" in html and "居民身份证" in html
    assert f'name="m_{id_card.id}" value="collected"' in html and "checked" in html
    db.session.expire_all()
    assert db.session.get(Application, application_id).status == "draft"

    app.config["UPLOAD_MAX_BYTES"] = 10 * 1024 * 1024
    before = clock.utcnow()
    accepted = client.post(
        checklist,
        data={
            **choices,
            "commitment_date": "",
            "action": "accept",
            f"f_{id_card.id}": (io.BytesIO(scan), "扫描.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert accepted.status_code == 302, accepted.get_data(as_text=True)
    db.session.expire_all()
    id_card = _material(application_id, ID_CARD)
    assert id_card.status == "collected" and [u.filename for u in id_card.uploads] == ["扫描.pdf"]
    assert id_card.collected_by == f"用户 {clerk.id}（李**）" and id_card.collected_at is not None
    assert clock.local(id_card.collected_at) >= clock.local(before).replace(microsecond=0)

    # the department's page shows the scan (served inline to its own officers only) and who checked
    make_user("department", login="scjg-files", department="SCJG", name="赵审批")
    task = db.session.scalar(
        select(Task).where(Task.application_id == application_id, Task.status == "ready")
    )
    client.post("/logout")
    client.post("/login", data={"login": "scjg-files", "password": PASSWORD})
    page = client.get(f"/department/tasks/{task.id}").get_data(as_text=True)
    assert "扫描.pdf" in page and "纸质原件已在窗口核验" in page and "李*" in page
    upload_id = id_card.uploads[0].id
    served = client.get(f"/department/tasks/{task.id}/files/{upload_id}")
    assert served.status_code == 200 and served.data == scan
    assert served.headers["Content-Disposition"].startswith("inline")
    make_user("department", login="xf-files", department="XF", name="钱消防")
    client.post("/logout")
    client.post("/login", data={"login": "xf-files", "password": PASSWORD})
    assert client.get(f"/department/tasks/{task.id}/files/{upload_id}").status_code == 404


def test_a_task_lists_the_e_licence_and_the_checked_original_masked(client, window_token):
    definition = bundle_definition(db.session, "KFD")
    schema = forms.merge(
        definition.bundle, definition.items, graphs.parse_answers(definition.bundle["questions"], {})
    )
    data = forms.example_data(schema, jsonable=True)
    number = next(
        data[f.key]
        for f in schema.asked_fields
        if f.group is None and f.element == "公民身份号码" and data.get(f.key)
    )
    LocalELicenceStore(db.session).load(
        [
            {
                "holder": number,
                "kind": "居民身份证",
                "title": "居民身份证",
                "number": number,
                "data": {"姓名": "王建国"},
            }
        ]
    )
    db.session.commit()
    accept_by_api(client, window_token, data=data, materials={ID_CARD: "e_licence"})
    task = db.session.scalar(select(Task).where(Task.status == "ready"))
    payload = client.get(f"/api/v1/tasks/{task.id}", headers=bearer(department_token("SCJG"))).get_json()
    materials = {m["key"]: m for m in payload["materials"]}
    licence = materials[ID_CARD]["licence"]
    assert licence["found"] is True and licence["title"] == "居民身份证"
    assert licence["number"] == number[:6] + "*" * 8 + number[-4:]  # masked
    assert licence["holder"] == f"王** {licence['number']}"
    assert number not in json.dumps(payload["materials"], ensure_ascii=False)
    assert materials[ID_CARD]["collected"] is None and materials[ID_CARD]["files"] == []
    collected = materials[PREMISES]["collected"]
    assert collected["by"] == "窗口系统（测试综合窗口）"
    assert dt.datetime.fromisoformat(collected["at"]).utcoffset() == dt.timedelta(hours=8)


HEALTH = "从业人员健康证明|经营者"  # optional: may be given after acceptance
# 容缺-able for 个体工商户设立登记 (deferrable in the sample), when no signboard asks for it too
OWED = PREMISES


def test_an_owed_material_is_supplied_later_from_the_status_page(client, window_token, make_user):
    commitment = (clock.today() + dt.timedelta(days=1)).isoformat()
    accepted = accept_by_api(client, window_token, materials={OWED: "deferred"}, commitment_date=commitment)
    applicant = make_user("applicant", login="13991620041")
    application = db.session.get(Application, accepted["id"])
    application.applicant_user_id = applicant.id  # as when a counter application joins the account
    db.session.commit()
    client.post("/login", data={"login": "13991620041", "password": PASSWORD})
    status = client.get(f"/applications/{accepted['id']}").get_data(as_text=True)
    assert "您还需补交" in status and "上传补交" in status
    owed = _material(accepted["id"], OWED)
    certificate = pdf_bytes()
    refused = client.post(
        f"/applications/{accepted['id']}/materials/{owed.id}/files",
        data={"file": (io.BytesIO(b"not a pdf at all"), "健康证.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "健康证.pdf" in refused and "只接受" in refused
    assert _material(accepted["id"], OWED).status == "deferred"
    supplied = client.post(
        f"/applications/{accepted['id']}/materials/{owed.id}/files",
        data={"file": (io.BytesIO(certificate), "健康证.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已补交" in supplied and "您还需补交" not in supplied
    material = _material(accepted["id"], OWED)
    # supplied, and the department that needs it (个体工商户设立登记) confirms it
    assert material.status == "supplied" and [u.filename for u in material.uploads] == ["健康证.pdf"]
    assert client.get(f"/applications/{accepted['id']}/files/{material.uploads[0].id}").data == certificate


def test_a_file_supplied_after_delivery_is_handed_to_the_step_that_asks_for_it_again(
    app, client, window_token
):
    accepted = accept_by_api(client, window_token, materials={HEALTH: "pending"})  # optional: not given yet
    first = db.session.scalar(select(Task).where(Task.item.has(code="SCJG-001")))
    scjg = department_token("SCJG")
    client.post(
        f"/api/v1/tasks/{first.id}/complete",
        json={"outcome": "approved", "results": {"经营者.统一社会信用代码": USCC}},
        headers=bearer(scjg),
    )
    work_departments(app, "SCJG")
    food = db.session.scalar(select(Task).where(Task.item.has(code="SCJG-003")))
    assert food.delivered_at is not None
    key = HEALTH.replace("|", "%7C")
    added = client.post(
        f"/api/v1/applications/{accepted['id']}/materials/{key}/files",
        data={"file": (io.BytesIO(pdf_bytes()), "健康证明.pdf")},
        content_type="multipart/form-data",
        headers=bearer(window_token),
    )
    assert added.status_code == 201 and added.get_json()["material_status"] == "uploaded"
    work_departments(app, "SCJG")
    deliveries = db.session.scalars(select(Delivery).where(Delivery.task_id == food.id)).all()
    assert [d.status for d in deliveries] == ["delivered", "delivered"]  # handed over again, with the file
    supplied = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "material_supplied")).all()
    assert [(e.task_id, e.after) for e in supplied] == [(food.id, {"material": HEALTH})]
    assert "令牌" in supplied[0].actor
    payload = client.get(f"/api/v1/tasks/{food.id}", headers=bearer(scjg)).get_json()
    assert [f["name"] for m in payload["materials"] if m["key"] == HEALTH for f in m["files"]] == [
        "健康证明.pdf"
    ]
