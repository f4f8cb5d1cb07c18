"""An applicant on a phone completes 开饭店 online in a real browser: register, pick the bundle, answer
the scenario, fill the merged form (after one deliberate mistake), upload the materials, submit, follow
the status, and fetch the receipt once a worker has rendered it."""

from __future__ import annotations

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

import forms
from bundler.queues import DOCUMENTS_QUEUE
from bundler.worker import make_worker

from browser.flows import fill_unified_form, fresh_application, schema_and_example, start_online
from factories import PASSWORD
from testapp import png_bytes

MOBILE = "13991620001"
NAME = "王建国"
ANSWERS = {  # question text -> the answer clicked
    "餐饮门店的经营（建筑）面积是多少？": "小型（150平方米以下）",
    "是否在门店外设置户外招牌（店招）？": "否",
    "是否销售酒类（含堂食配售）？": "否",
    "是否招用员工（雇工）？": "否",
}


def _wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def _next(page) -> None:
    """下一步 on the merged form, activated from the keyboard: on a phone the 家庭经营成员 table makes the
    page wider than the screen and a tap on the sticky bar is hit-tested onto the table (see
    test_merged_form_fits_a_phone_screen)."""
    page.get_by_role("button", name="下一步", exact=True).press("Enter")


def test_applicant_completes_a_bundle_on_a_phone(app, sample, live_server, phone_page, shot):
    page = phone_page

    # register with a mobile number, a name and a password
    page.goto("/")
    expect(page.get_by_role("heading", name="一件事，一次办")).to_be_visible()
    shot(page, "catalogue-anonymous")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="注册").click()
    page.get_by_label("手机号码").fill(MOBILE)
    page.get_by_label("姓名").fill(NAME)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    shot(page, "register")
    page.get_by_role("button", name="注册并登录").click()
    expect(page.get_by_role("status").filter(has_text="注册成功")).to_be_visible()

    # 办事目录 -> 开饭店
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="办事目录").click()
    page.get_by_role("link", name="开饭店（餐饮店开办）").click()
    expect(page.get_by_role("heading", name="情形引导")).to_be_visible()
    for question, answer in ANSWERS.items():
        page.get_by_role("group", name=question).get_by_text(answer, exact=True).click()
        expect(page.get_by_role("group", name=question).get_by_role("radio", checked=True)).to_have_count(1)
    shot(page, "scenario-answered")
    page.get_by_role("button", name="开始申请").click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/form$"))
    application_id = int(re.search(r"/applications/(\d+)/form", page.url).group(1))
    expect(page.get_by_role("heading", name=re.compile("一表申请"))).to_be_visible()

    application = fresh_application(application_id)
    assert application.answers == {
        "venue_size": "小型（150平方米以下）",
        "has_signboard": False,
        "sells_alcohol": False,
        "has_employees": False,
    }
    schema, data = schema_and_example(application)
    online_key = "经营者.网络经营"  # a required yes/no field: answered 否, which is an answer
    data[online_key] = False
    groups = {f.group for f in schema.asked_fields if f.group}
    assert groups, "开饭店 has a repeating group (家庭经营成员)"
    data["经营者.组成形式"] = "家庭经营"  # which asks for the family members (a condition on this field)

    # one mistake first: a wrong check digit in the ID number
    id_key, name_key = "经营者.公民身份号码", "经营者.姓名"
    good_id = data[id_key]
    fill_unified_form(page, schema, {**data, id_key: _wrong_check_digit(good_id)})
    shot(page, "form-filled-with-a-mistake")
    _next(page)

    id_name = forms.field_name(id_key)
    id_field = page.locator(f'.field:has([name="{id_name}"])')
    expect(id_field.get_by_role("alert")).to_contain_text("校验位")
    expect(id_field.locator(f'[name="{id_name}"]')).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".error-summary")).to_contain_text("1 处需要修改")
    # nothing typed is lost: text, a choice, a multichoice, a 否, the group row
    expect(page.locator(f'[name="{forms.field_name(name_key)}"]')).to_have_value(data[name_key])
    expect(page.locator(f'[name="{forms.field_name("经营者.性别")}"]')).to_have_value(data["经营者.性别"])
    expect(page.locator(f'[name="{forms.field_name("经营者.领用发票种类")}"]')).to_have_values(
        data["经营者.领用发票种类"]
    )
    online = page.get_by_role("group", name="是否网络经营")
    expect(online.get_by_role("radio", name="否")).to_be_checked()
    expect(online.get_by_role("radio", name="是")).not_to_be_checked()
    row_name = forms.field_name("家庭经营成员[]") + "-0-" + forms.field_name("经营者.姓名")
    expect(page.locator(f'[name="{row_name}"]')).to_have_value(data["家庭经营成员[]"][0]["经营者.姓名"])
    id_field.scroll_into_view_if_needed()
    shot(page, "form-id-number-error")

    # correct it by typing, and go on
    id_input = page.locator(f'[name="{id_name}"]')
    id_input.clear()
    id_input.press_sequentially(good_id)
    _next(page)
    expect(page).to_have_url(re.compile(rf"/applications/{application_id}/materials$"))
    expect(page.get_by_role("heading", name=re.compile("一套材料"))).to_be_visible()
    shot(page, "materials")

    # a real PNG for each required material
    application = fresh_application(application_id)
    assert application.data["家庭经营成员[]"][0]["经营者.姓名"] == data["家庭经营成员[]"][0]["经营者.姓名"]
    assert application.data[online_key] is False
    required = [(m.id, m.name) for m in application.materials if m.required and m.status != "produced"]
    assert required
    png = png_bytes()
    for material_id, material_name in required:
        item = page.locator(f"li.material:has(#file-{material_id})")
        item.locator(f"#file-{material_id}").set_input_files(
            files=[{"name": f"{material_name[:10]}.png", "mimeType": "image/png", "buffer": png}]
        )
        item.get_by_role("button", name="上传", exact=True).click()
        expect(page.get_by_role("status")).to_have_text(f"已上传：{material_name}")
        expect(page.locator(f"li.material:has(#file-{material_id}) .status")).to_have_text("已上传")
    shot(page, "materials-uploaded")

    # review and submit
    page.get_by_role("link", name="下一步：确认提交").click()
    expect(page.get_by_role("heading", name=re.compile("确认提交"))).to_be_visible()
    expect(page.get_by_text("提交前还需要")).to_have_count(0)
    expect(page.locator("dl.review").get_by_text(data[name_key], exact=True).first).to_be_visible()
    shot(page, "review")
    page.get_by_role("button", name="确认提交").click()

    # the status page: tracking number, the graph, the steps table
    expect(page).to_have_url(re.compile(rf"/applications/{application_id}$"))
    application = fresh_application(application_id)
    assert application.status == "accepted" and application.tracking_no
    tracking_no = application.tracking_no
    task_count = len(application.tasks)
    expect(page.get_by_role("status")).to_contain_text(f"受理编号 {tracking_no}")
    figure = page.locator(".figures div").filter(has_text="受理编号")
    expect(figure.locator(".tracking")).to_have_text(tracking_no)
    expect(page.locator(".graph svg")).to_be_visible()
    expect(page.get_by_role("heading", name="各部门办理情况")).to_be_visible()
    expect(page.locator(".table-wrap table tbody tr")).to_have_count(task_count)
    shot(page, "status")

    # the receipt: being generated while no worker runs ...
    receipt = page.get_by_role("link", name="受理回执")
    receipt_url = live_server(f"/applications/{application_id}/documents/receipt")
    expect(receipt).to_have_attribute("href", f"/applications/{application_id}/documents/receipt")
    with page.expect_response(receipt_url) as pending:
        receipt.click()
    assert pending.value.status == 202
    expect(page.get_by_role("heading", name="受理回执")).to_be_visible()
    expect(page.get_by_text("正在生成")).to_be_visible()
    shot(page, "receipt-pending")

    # ... then a real rq worker (burst) renders it: the same address serves the PDF, and the waiting page,
    # which refreshes itself every 2 s, gets it too
    def is_pdf(response) -> bool:
        return response.url == receipt_url and response.status == 200

    with page.expect_response(is_pdf, timeout=20_000) as refreshed:
        make_worker(app, [DOCUMENTS_QUEUE]).work(burst=True)
        response = page.request.get(receipt_url)
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        pdf = PdfReader(io.BytesIO(response.body()))
        assert tracking_no in "".join(p.extract_text() or "" for p in pdf.pages)
    assert refreshed.value.headers["content-type"] == "application/pdf"
    shot.keep("receipt.pdf", response.body())

    # 我的申请 in another tab of the same session
    mine = page.context.new_page()
    mine.goto("/my/applications")
    expect(mine.get_by_text(tracking_no)).to_be_visible()
    shot(mine, "my-applications")
    page.close()


def _log_in_and_start(page, make_user) -> None:
    """Log in and start 开饭店 with the questions answered (those that decide a step must be)."""
    make_user("applicant", login=MOBILE, name=NAME)
    page.goto("/login")
    page.get_by_label("手机号码或登录名").fill(MOBILE)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/my/applications$"))
    start_online(page, "KFD", ANSWERS)


def test_merged_form_fits_a_phone_screen(app, sample, live_server, phone_page, make_user, shot):
    page = phone_page
    _log_in_and_start(page, make_user)
    shot(page, "form")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths == [390, 390], f"page width {widths[0]}px, layout viewport {widths[1]}px on a 390px phone"
    page.get_by_role("button", name="下一步", exact=True).click(trial=True, timeout=2_000)


def test_enter_in_a_field_does_not_add_a_row(app, sample, live_server, phone_page, make_user, shot):
    page = phone_page
    _log_in_and_start(page, make_user)
    rows = page.locator("table.rows tbody tr")
    expect(rows).to_have_count(1)
    name = page.locator(f'[name="{forms.field_name("经营者.姓名")}"]')
    name.fill(NAME)
    with page.expect_navigation():
        name.press("Enter")
    shot(page, "after-enter")
    assert rows.count() == 1, f"Enter in 经营者姓名 added a row to 家庭经营成员 ({rows.count()} rows)"
