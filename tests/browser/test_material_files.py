"""Material files in a real browser: a department officer opens the PDF an applicant gave, shown inline
on the task's page; an applicant on a phone gives two files for one material and sees both listed,
with their names and sizes, and takes one back before submitting."""

from __future__ import annotations

import base64
import datetime as dt
import re

from playwright.sync_api import expect
from sqlalchemy import select

import forms
from bundler.catalogue import definitions
from bundler.extensions import db
from bundler.models import Task
from bundler.services import applications as service
from bundler.services.uploads import size_label
from bundler.states import Channel

from browser.flows import fresh_application, log_in, start_online
from testapp import accept_by_api, answered, png_bytes

ID_CARD = "居民身份证|经营者"
ANSWERS = {  # question text -> the answer tapped
    "餐饮门店的经营（建筑）面积是多少？": "小型（150平方米以下）",
    "是否在门店外设置户外招牌（店招）？": "否",
    "是否销售酒类（含堂食配售）？": "否",
    "是否招用员工（雇工）？": "否",
}


def _scan_pdf() -> bytes:
    """A PDF a person can see in the screenshots: a page with a heading and a box, in Chinese."""
    from weasyprint import HTML

    return HTML(
        string='<html lang="zh-CN"><body style="font-family: Noto Sans CJK SC"><h1>居民身份证（扫描件）</h1>'
        '<div style="border: 4px solid #b3261e; height: 8cm; padding: 1cm">姓名 王建国 · 测试样张</div></body></html>'
    ).write_pdf()


def _pdf_viewer_frames(page) -> list:
    """The frames of Chromium's PDF viewer in the page (none when it refused or saved the file)."""
    return [f for f in page.frames if f.url.startswith("chrome-extension://")]


def test_a_department_officer_views_an_uploaded_pdf_inline(
    client, sample, live_server, page, shot, make_user, window_token
):
    scan = _scan_pdf()
    accept_by_api(
        client,
        window_token,
        files={
            ID_CARD: [
                {"name": "经营者身份证.pdf", "content_base64": base64.b64encode(scan).decode()},
                {"name": "身份证照片.png", "content_base64": base64.b64encode(png_bytes(480, 300)).decode()},
            ]
        },
    )
    task = db.session.scalar(select(Task).where(Task.status == "ready"))
    assert task.department.code == "SCJG"
    make_user("department", login="scjg-officer", department="SCJG", name="赵审批")
    db.session.rollback()

    log_in(page, "scjg-officer")
    page.goto(f"/department/tasks/{task.id}")
    materials = page.get_by_role("region", name="申请材料")
    link = materials.get_by_role("link", name="经营者身份证.pdf")
    expect(link).to_be_visible()
    expect(materials.get_by_text(size_label(len(scan)))).to_be_visible()
    expect(page.locator("iframe.file-preview")).to_have_attribute("title", "经营者身份证.pdf")
    photo = materials.get_by_role("img", name="身份证照片.png")  # images shown on the page itself
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 480
    shot(page, "task-with-pdf")

    # the link opens the PDF itself in the browser (inline, not a download), byte for byte what was given
    with page.expect_popup() as opened:
        link.click()
    viewer = opened.value
    viewer.wait_for_load_state()
    viewer.wait_for_timeout(1500)  # Chromium's PDF viewer draws the pages after the load event
    shot(viewer, "pdf-inline")
    answer = page.request.get(link.get_attribute("href"))
    assert answer.status == 200 and answer.body() == scan
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("inline")
    assert viewer.url.endswith(link.get_attribute("href"))
    # shown in a sandbox (no script, an origin of its own), and still drawn by the browser's viewer:
    # the viewer's frame is there and has pages, on the page of its own and in the task's preview
    assert answer.headers["content-security-policy"].startswith("sandbox")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert _pdf_viewer_frames(viewer) and _pdf_viewer_frames(page)
    page.locator("iframe.file-preview").scroll_into_view_if_needed()
    shot(page, "task-preview-drawn")


def test_an_applicant_on_a_phone_gives_two_files_for_one_material(
    app, sample, live_server, phone_page, shot, make_user
):
    page = phone_page
    make_user("applicant", login="13991620031", name="王建国")
    log_in(page, "13991620031")
    application_id = start_online(page, "KFD", ANSWERS)
    material = next(m for m in fresh_application(application_id).materials if m.key == ID_CARD)

    page.goto(f"/applications/{application_id}/materials")
    item = page.locator(f"li.material:has(#file-{material.id})")
    front, back = _scan_pdf(), png_bytes(320, 200)
    item.locator(f"#file-{material.id}").set_input_files(
        files=[
            {"name": "身份证正面.pdf", "mimeType": "application/pdf", "buffer": front},
            {"name": "身份证反面.png", "mimeType": "image/png", "buffer": back},
        ]
    )
    item.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(f"已上传：{material.name}")
    files = page.get_by_role("list", name=f"{material.name}的文件").get_by_role("listitem")
    expect(files).to_have_count(2)
    expect(files.nth(0)).to_contain_text("身份证正面.pdf")
    expect(files.nth(0)).to_contain_text(size_label(len(front)))
    expect(files.nth(1)).to_contain_text("身份证反面.png")
    expect(files.nth(1)).to_contain_text(size_label(len(back)))
    expect(page.locator(f"li.material:has(#file-{material.id}) .status")).to_have_text("已上传")
    shot(page, "two-files-listed")

    # a file over the limit is told on the same page; the two already given stay
    app.config["UPLOAD_MAX_BYTES"] = len(front) + 10
    too_big = _scan_pdf() + b"\n" * (len(front) + 100)
    item.locator(f"#file-{material.id}").set_input_files(
        files=[{"name": "户口簿全本.pdf", "mimeType": "application/pdf", "buffer": too_big}]
    )
    item.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("户口簿全本.pdf")
    expect(page.get_by_role("status")).to_contain_text("超过了")
    expect(page).to_have_url(re.compile(rf"/applications/{application_id}/materials$"))
    expect(files).to_have_count(2)
    shot(page, "too-big-told")

    # take the back side away again before submitting
    files.nth(1).get_by_role("button", name="删除").click()
    expect(page.get_by_role("status")).to_have_text("已删除：身份证反面.png")
    expect(files).to_have_count(1)
    expect(files.nth(0)).to_contain_text("身份证正面.pdf")
    shot(page, "one-file-left")
    assert [u.filename for u in fresh_application(application_id).materials[material.position].uploads] == [
        "身份证正面.pdf"
    ]


def test_a_clerk_attaches_scans_at_the_checklist(app, sample, live_server, desktop_page, make_user, shot):
    clerk = make_user("window", login="clerk-scans", name="窗口二号")
    application = service.start_application(
        db.session, "KFD", answers=answered("KFD"), channel=Channel.WINDOW, clerk=clerk
    )
    schema = definitions.schema_for(db.session, application)
    data = forms.example_data(schema, rows=1)
    service.save_data(
        db.session, application, {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}
    )
    db.session.commit()
    application_id = application.id
    material = next(m for m in application.materials if m.key == ID_CARD)

    page = desktop_page
    log_in(page, "clerk-scans")
    page.goto(f"/window/applications/{application_id}/checklist")
    page.get_by_label(f"{material.name}：电子证照免交", exact=True).check()
    front, back = _scan_pdf(), png_bytes(640, 400)
    page.get_by_label(f"{material.name}的扫描件").set_input_files(
        files=[
            {"name": "正面.pdf", "mimeType": "application/pdf", "buffer": front},
            {"name": "反面.png", "mimeType": "image/png", "buffer": back},
        ]
    )
    page.get_by_role("button", name="只附上扫描件").click()
    expect(page.get_by_role("status")).to_have_text("已附上 2 个扫描件")
    scans = page.get_by_role("list", name=f"{material.name}的扫描件").get_by_role("listitem")
    expect(scans).to_have_count(2)
    expect(scans.nth(0)).to_contain_text("正面.pdf")
    expect(scans.nth(0)).to_contain_text(size_label(len(front)))
    expect(scans.nth(1)).to_contain_text("反面.png")
    expect(page.get_by_label(f"{material.name}：电子证照免交", exact=True)).to_be_checked()  # choice kept
    shot(page, "scans-attached")

    for other in application.materials:  # every paper original checked, the scanned one too
        if other.status != "produced":
            page.get_by_label(f"{other.name}：已收取", exact=True).check()
    page.get_by_role("button", name="受理（含容缺受理）").click()
    expect(page).to_have_url(re.compile(rf"/window/applications/{application_id}/done$"))
    accepted = fresh_application(application_id)
    scanned = next(m for m in accepted.materials if m.key == ID_CARD)
    assert scanned.status == "collected" and [u.filename for u in scanned.uploads] == ["正面.pdf", "反面.png"]
    assert scanned.collected_by == f"用户 {clerk.id}（窗***）"  # who, masked
