"""A person without an account finds the guide of 新生儿出生 by searching, prints it (on paper only the
guide shows), downloads its A4 PDF once a worker has rendered it, and starts the application from it:
register, answer the scenario, reach the merged form."""

from __future__ import annotations

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from bundler.queues import DOCUMENTS_QUEUE
from bundler.worker import make_worker

from factories import PASSWORD

MOBILE = "13991620077"


def test_a_person_finds_prints_and_starts_a_bundle_from_its_guide(app, sample, live_server, phone_page, shot):
    page = phone_page
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="办事指南").click()
    expect(page.get_by_role("heading", name="办事指南", exact=True)).to_be_visible()
    page.get_by_label("查找事项或一件事").fill("出生")
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_role("status")).to_contain_text("找到 1 件“一件事”")
    shot(page, "search")
    page.get_by_role("region", name="一件事一次办").get_by_role("link", name="新生儿出生").click()

    expect(page.get_by_role("heading", name="新生儿出生", level=1)).to_be_visible()
    guide = page.locator("article.guide")
    for section in (
        "适用情形",
        "办理事项与顺序",
        "申请材料（一套材料）",
        "办理时限、地点与咨询",
        "各事项办事指南",
    ):
        expect(guide.get_by_role("heading", name=re.compile(section))).to_be_visible()
    materials = guide.get_by_role("table", name="新生儿出生的申请材料")
    expect(materials.get_by_role("row").nth(1)).to_be_visible()
    expect(materials).to_contain_text("必交")
    shot(page, "guide")

    # 打印: the button calls the browser's print; on paper the site's header and the buttons are gone
    page.evaluate("() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed") == 1
    item_rows = guide.get_by_role("table", name="出生登记（新生儿入户）：基本信息")
    expect(item_rows).to_be_hidden()  # folded on the screen
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    expect(item_rows).to_be_visible()  # every item's elements on paper
    expect(item_rows).to_contain_text("设定依据")
    expect(page.get_by_role("navigation", name="主导航")).to_be_hidden()
    expect(page.get_by_role("link", name="开始申请")).to_be_hidden()
    expect(guide.get_by_role("heading", name=re.compile("申请材料（一套材料）"))).to_be_visible()
    shot(page, "printed")
    page.emulate_media(media="screen")

    # the A4 PDF: a page that waits until a worker renders it, then the file
    pdf_url = page.get_by_role("link", name="下载 PDF（A4）").get_attribute("href")
    assert pdf_url is not None
    waiting = page.request.get(pdf_url)
    assert waiting.status == 202
    make_worker(app, [DOCUMENTS_QUEUE]).work(burst=True)
    response = page.request.get(pdf_url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.body()))
    text = "".join(p.extract_text() or "" for p in pdf.pages)
    assert "办事指南" in text and "新生儿出生" in text and "申请材料" in text
    shot.keep("guide.pdf", response.body())

    # 开始申请: not signed in, so register first and come back to the same bundle
    page.get_by_role("link", name="开始申请").click()
    expect(page).to_have_url(re.compile(r"/bundles/XSECS$"))
    page.get_by_role("link", name="登录后申请").click()
    page.get_by_role("link", name="用手机号码注册").click()
    page.get_by_label("手机号码").fill(MOBILE)
    page.get_by_label("姓名").fill("赵晓梅")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="注册并登录").click()
    expect(page).to_have_url(re.compile(r"/bundles/XSECS$"))
    for group in page.get_by_role("group").all():
        group.get_by_role("radio").first.check()
    page.get_by_role("button", name="开始申请").click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/form$"))
    shot(page, "form-started")
