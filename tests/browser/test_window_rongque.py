"""A clerk at the integrated window takes 开饭店 for a person at the counter in a real browser, mostly
from the keyboard, and accepts it with one material the item marks deferrable owed (容缺受理)."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

import forms
from bundler.catalogue import definitions
from bundler.extensions import db
from bundler.services import applications as service
from bundler.states import ApplicationState, Channel

from browser.flows import fill_unified_form, fresh_application, schema_and_example
from factories import PASSWORD
from testapp import answered

PERSON_ID = "610702198503150010"
DEFERRED = "经营场所使用证明（房屋产权证明或租赁合同）"  # deferrable for 个体工商户设立登记
ANSWERS = {
    "餐饮门店的经营（建筑）面积是多少？": "小型（150平方米以下）",
    "是否在门店外设置户外招牌（店招）？": "否",
    "是否销售酒类（含堂食配售）？": "否",
    "是否招用员工（雇工）？": "否",
}


def _log_in_with_the_keyboard(page) -> None:
    page.goto("/login")
    expect(page.get_by_label("手机号码或登录名")).to_be_focused()  # autofocus
    page.keyboard.type("clerk01")
    page.keyboard.press("Tab")
    expect(page.get_by_label("密码")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/window/$"))


def _start_for_the_person(page, shot) -> int:
    search = page.get_by_label("申请人证件号码（身份证号或统一社会信用代码）")
    expect(search).to_be_focused()  # autofocus
    page.keyboard.type(PERSON_ID)
    page.keyboard.press("Enter")
    expect(page.get_by_text("没有此前的申请。")).to_be_visible()
    assert PERSON_ID not in page.url  # looked up by POST: the number is in no link or access log
    expect(page.get_by_text("未找到电子证照。")).to_be_visible()
    shot(page, "person-found")

    bundle = page.get_by_label("一件事")
    bundle.focus()
    bundle.select_option(label="开饭店（餐饮店开办）")
    page.keyboard.press("Tab")
    start = page.get_by_role("button", name="开始受理（带入已有信息）")
    expect(start).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/window/applications/\d+/scenario$"))
    return int(re.search(r"/applications/(\d+)/scenario", page.url).group(1))


def _answer_scenario(page, shot) -> None:
    expect(page.get_by_role("heading", name=re.compile("申请人情形"))).to_be_visible()
    for question, answer in ANSWERS.items():
        radio = page.get_by_role("group", name=question).get_by_label(answer, exact=True)
        radio.check()
        expect(radio).to_be_checked()
    shot(page, "scenario")
    page.get_by_role("button", name="下一步：填写申请表").press("Enter")
    expect(page).to_have_url(re.compile(r"/window/applications/\d+/form$"))


def _fill_form(page, application_id: int, shot) -> None:
    application = fresh_application(application_id)
    schema, data = schema_and_example(application, keep_saved=True)
    # the person's ID number was carried over from the search: on the page, not typed again
    id_key = next(
        f.key
        for f in schema.asked_fields
        if f.group is None and f.element == "公民身份号码" and f.role == "经营者"
    )
    assert application.data[id_key] == PERSON_ID
    expect(page.get_by_label("身份证件号码").first).to_have_value(PERSON_ID)
    fill_unified_form(page, schema, data, skip={id_key})
    shot(page, "form-filled")
    next_button = page.get_by_role("button", name="下一步：核对材料")
    next_button.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/window/applications/{application_id}/checklist$"))
    expect(page.get_by_role("heading", name=re.compile("材料核对"))).to_be_visible()


def _mark(page, application_id: int, **states: str) -> None:
    """Tick one radio per material: ``states`` by material name, the rest 已收取."""
    application = fresh_application(application_id)
    for material in application.materials:
        if material.status == "produced":
            continue
        page.get_by_label(f"{material.name}：{states.get(material.name, '已收取')}", exact=True).check()


def test_clerk_accepts_with_a_material_owed(app, sample, live_server, desktop_page, make_user, shot):
    make_user("window", login="clerk01", name="窗口一号")
    page = desktop_page
    _log_in_with_the_keyboard(page)
    shot(page, "window-home")
    application_id = _start_for_the_person(page, shot)
    _answer_scenario(page, shot)
    _fill_form(page, application_id, shot)
    shot(page, "checklist")

    # a required material marked 缺少: refused with its name, and the checklist stays
    application = fresh_application(application_id)
    required = next(
        m.name for m in application.materials if m.required and not m.deferrable and m.status != "produced"
    )
    _mark(page, application_id, **{required: "缺少"})
    page.get_by_role("button", name="受理（含容缺受理）").click()
    expect(page.get_by_role("status")).to_contain_text(f"缺少必需材料“{required}”")
    expect(page).to_have_url(re.compile(rf"/window/applications/{application_id}/checklist$"))
    expect(page.locator("table.checklist")).to_be_visible()
    expect(page.get_by_role("button", name="受理（含容缺受理）")).to_be_visible()
    shot(page, "checklist-missing-required")
    assert fresh_application(application_id).status == ApplicationState.DRAFT

    # 容缺: the premises proof owed, the rest collected, a commitment date tomorrow
    _mark(page, application_id, **{DEFERRED: "容缺后补"})
    expect(page.get_by_label(f"{DEFERRED}：容缺后补", exact=True)).to_be_checked()
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    page.get_by_label("容缺材料承诺补交日期").fill(tomorrow.isoformat())
    shot(page, "checklist-rongque")
    page.get_by_role("button", name="受理（含容缺受理）").click()

    expect(page).to_have_url(re.compile(rf"/window/applications/{application_id}/done$"))
    application = fresh_application(application_id)
    assert application.status == ApplicationState.ACCEPTED_PENDING
    owed = [m for m in application.materials if m.status == "deferred"]
    assert [m.name for m in owed] == [DEFERRED]
    assert owed[0].due_date == tomorrow and application.commitment_date == tomorrow
    assert application.accepted_by.login == "clerk01"
    expect(page.get_by_role("status")).to_contain_text(f"已受理，受理编号 {application.tracking_no}")
    expect(page.locator(".tracking")).to_have_text(application.tracking_no)
    receipt = page.get_by_role("link", name="受理回执")
    commitment = page.get_by_role("link", name="容缺受理承诺书")
    expect(receipt).to_have_attribute("href", f"/applications/{application_id}/documents/receipt")
    expect(commitment).to_have_attribute("href", f"/applications/{application_id}/documents/commitment")
    shot(page, "done")


def test_checklist_keeps_the_clerks_choices_when_acceptance_is_refused(
    app, sample, live_server, desktop_page, make_user, shot
):
    clerk = make_user("window", login="clerk01", name="窗口一号")
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
    required = next(m.name for m in application.materials if m.required and m.status != "produced")

    page = desktop_page
    _log_in_with_the_keyboard(page)
    page.goto(f"/window/applications/{application_id}/checklist")
    _mark(page, application_id, **{required: "缺少", DEFERRED: "容缺后补"})
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    page.get_by_label("容缺材料承诺补交日期").fill(tomorrow)
    page.get_by_role("button", name="受理（含容缺受理）").click()
    expect(page.get_by_role("status")).to_contain_text(f"缺少必需材料“{required}”")
    shot(page, "after-refusal")
    expect(page.get_by_label(f"{required}：缺少", exact=True)).to_be_checked(timeout=1_000)
    expect(page.get_by_label(f"{DEFERRED}：容缺后补", exact=True)).to_be_checked(timeout=1_000)
    expect(page.get_by_label("容缺材料承诺补交日期")).to_have_value(tomorrow, timeout=1_000)
