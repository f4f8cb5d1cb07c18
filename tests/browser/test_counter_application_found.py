"""An applicant on a phone registers with the ID number and mobile number the counter took down, finds
the application the counter accepted in 我的申请, reads its notices and rates it; without an account,
anyone finds its progress with the tracking number and the last six characters of the ID number."""

from __future__ import annotations

from playwright.sync_api import expect

from bundler.extensions import db
from bundler.models import Application, Rating

from factories import PASSWORD
from testapp import accept_by_api


def _finish(application_id: int) -> None:
    """Every step of the application approved (the departments' work is tested elsewhere)."""
    application = db.session.get(Application, application_id)
    for task in application.tasks:
        if task.status != "skipped":
            task.status = "done"
    application.status = "completed"
    db.session.commit()


def test_a_phone_user_finds_the_counter_application_and_rates_it(
    app, client, sample, live_server, phone_page, shot, window_token
):
    body = accept_by_api(client, window_token)
    application = db.session.get(Application, body["id"])
    number, mobile = application.data["经营者.公民身份号码"], application.data["经营者.联系电话"]
    _finish(body["id"])
    page = phone_page

    page.goto("/track")
    page.get_by_label("受理编号").fill(body["tracking_no"])
    page.get_by_label("申请人证件号码后6位").fill(number[-6:])
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name=application.bundle_version.name)).to_be_visible()
    expect(page.get_by_text("已办结").first).to_be_visible()
    shot(page, "track")

    page.goto("/register")
    page.get_by_label("手机号码").fill(mobile)
    page.get_by_label("姓名").fill("王芳")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_label("身份证号码（选填）").fill(number)
    page.get_by_role("button", name="注册并登录").click()
    page.get_by_role("link", name="我的申请").click()
    card = page.locator(".bundle-card", has_text=body["tracking_no"])
    expect(card).to_be_visible()
    shot(page, "my-applications")
    card.get_by_role("link", name="查看进度").click()
    expect(page.get_by_role("heading", name="短信通知")).to_be_visible()
    expect(page.get_by_text(body["tracking_no"]).first).to_be_visible()

    page.get_by_role("group", name="整体服务（含综合窗口）").get_by_text("非常满意", exact=True).click()
    page.get_by_role("group", name="整体服务（含综合窗口）").get_by_label("意见或建议（可选）").fill(
        "窗口办得很快"
    )
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("感谢您的评价")).to_be_visible()
    shot(page, "rated")
    db.session.expire_all()
    rating = db.session.query(Rating).filter_by(application_id=body["id"], task_id=None).one()
    assert rating.score == 5 and rating.comment == "窗口办得很快"
