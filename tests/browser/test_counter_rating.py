"""The window's 评价器 on a tablet: after taking an application the clerk sees the visit logged, turns
the rating page to the applicant, who first forgets the whole service (what was ticked stays), then
rates it 不满意 with a reason; the centre gets a case, and the tablet says thanks."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from bundler.extensions import db
from bundler.models import Rating

from browser.flows import log_in
from testapp import accept_by_api

TABLET = {"width": 820, "height": 1180}


def test_the_applicant_rates_the_counter_on_the_tablet(
    app, client, sample, live_server, page, shot, window_token, make_user
):
    body = accept_by_api(client, window_token)
    make_user("window", login="clerk-rating")
    page.set_viewport_size(TABLET)
    log_in(page, "clerk-rating")

    page.goto(f"/window/applications/{body['id']}/done")
    expect(page.get_by_role("heading", name="到访记录")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="递交申请")).to_be_visible()
    page.get_by_role("link", name="请申请人评价（评价器）").click()
    expect(page.get_by_role("heading", name="请您对本次服务作出评价")).to_be_visible()
    expect(page.get_by_text("受理时")).to_be_visible()
    whole = page.get_by_role("group", name="整体服务（含综合窗口）")
    whole.get_by_text("原因（可多选）").click()
    whole.get_by_label("办理时间长").check()
    whole.get_by_label("意见或建议（可选）").fill("排队一个小时")
    shot(page, "rater")
    page.evaluate("document.querySelector('form.rating').noValidate = true")  # the browser would stop it
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("请对整体服务作出评价")).to_be_visible()
    expect(whole.get_by_label("办理时间长")).to_be_checked()  # what was ticked and typed stays
    expect(whole.get_by_label("意见或建议（可选）")).to_have_value("排队一个小时")

    whole.get_by_text("不满意", exact=True).click()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("heading", name="感谢您的评价！")).to_be_visible()
    shot(page, "thanks")

    (rating,) = db.session.scalars(select(Rating).where(Rating.application_id == body["id"])).all()
    assert (rating.channel, rating.occasion, rating.level_label) == ("counter", "accepted", "不满意")
    assert rating.reasons == ["办理时间长"] and rating.comment == "排队一个小时"
    assert rating.follow_up == "open" and rating.department_id is None and rating.due_date is not None
