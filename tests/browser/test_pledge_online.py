"""An applicant on a phone replaces a certificate with a signed 告知承诺 on the materials page: the
declaration must be ticked, the choice shows, and it can be withdrawn before submitting."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from bundler.extensions import db
from bundler.services import applications as service
from bundler.states import Channel

from browser.flows import fresh_application, log_in, schema_and_example
from testapp import answered

APPLICANT = "13991620044"
HOUSEHOLD = "户口簿|买方"  # the item lets a signed commitment replace it


def test_an_applicant_pledges_instead_of_a_certificate_on_a_phone(
    sample, live_server, phone_page, make_user, shot
):
    applicant = make_user("applicant", login=APPLICANT, name="王建国")
    application = service.start_application(
        db.session, "ESFGH", answers=answered("ESFGH"), channel=Channel.ONLINE, applicant=applicant
    )
    _, data = schema_and_example(application)
    service.save_data(
        db.session, application, {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}
    )
    db.session.commit()
    material = next(m for m in application.materials if m.key == HOUSEHOLD)
    application_id, material_id, name = application.id, material.id, material.name

    page = phone_page
    log_in(page, APPLICANT)
    page.goto(f"/applications/{application_id}/materials")
    item = page.locator("li.material", has=page.locator(f"#file-{material_id}"))
    expect(item.locator(".tag", has_text="可告知承诺")).to_be_visible()
    item.get_by_role("button", name="以告知承诺代替本材料").click()
    expect(page.get_by_role("status")).to_have_text("请先阅读并勾选承诺内容")
    item = page.locator("li.material", has=page.locator(f"#file-{material_id}"))
    declaration = item.get_by_role("checkbox", name=f"本人承诺符合“{name}”所证明的事项和条件", exact=False)
    declaration.check()
    shot(page, "declaration-ticked")
    item.get_by_role("button", name="以告知承诺代替本材料").click()
    expect(page.get_by_role("status")).to_contain_text(f"已选择以告知承诺代替：{name}")
    item = page.locator("li.material", has=page.locator(f"#file-{material_id}"))
    expect(item.locator(".status")).to_have_text("告知承诺代替")
    shot(page, "pledged")
    statuses = {m.key: m.status for m in fresh_application(application_id).materials}
    assert statuses[HOUSEHOLD] == "committed"

    item.get_by_role("button", name="撤回承诺，改为提交材料").click()
    expect(page.get_by_role("status")).to_contain_text(f"已撤回承诺，请提交：{name}")
    statuses = {m.key: m.status for m in fresh_application(application_id).materials}
    assert statuses[HOUSEHOLD] == "pending"
