"""办事指南抽检 in a real browser: a reviewer draws 3 guides at random and records a finding on one (after
forgetting to say what is wrong); the item's department is reminded in the studio, reads the finding and
says what it corrected; the reviewer sees it corrected."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from bundler.extensions import db
from bundler.models import Department, GuideCheckEntry

from browser.flows import log_in


def test_a_reviewer_records_a_finding_and_the_department_corrects_it(
    app, sample, make_user, desktop_page, shot
):
    page = desktop_page
    make_user("reviewer", login="sgb-reviewer")
    log_in(page, "sgb-reviewer")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="指南抽检").click()
    page.get_by_label("抽取事项数").fill("3")
    page.get_by_role("button", name="抽取").click()
    expect(page.get_by_role("status").filter(has_text="已随机抽取 3 个事项")).to_be_visible()
    drawn = page.locator("article.guide-check")
    expect(drawn).to_have_count(3)
    shot(page, "drawn")

    first = drawn.first
    heading = first.get_by_role("heading", level=3).inner_text()
    first.get_by_role("radio", name="有问题").check()
    first.get_by_role("button", name="记录结果").click()
    expect(page.get_by_role("status").filter(has_text="请写明发现的问题")).to_be_visible()
    first = page.locator("article.guide-check").first
    first.get_by_role("radio", name="有问题").check()
    first.get_by_label(re.compile("发现的问题")).fill("办理时间未区分冬令时和夏令时")
    first.get_by_role("button", name="记录结果").click()
    expect(page.locator("article.guide-check").first.get_by_text("待整改", exact=True)).to_be_visible()
    shot(page, "finding")

    db.session.rollback()
    entry = db.session.scalars(select(GuideCheckEntry).order_by(GuideCheckEntry.id)).first()
    department = db.session.get(Department, entry.department_id)
    make_user("department", login="dept-officer", department=department.code)
    page.get_by_role("button", name=re.compile("^退出")).click()
    log_in(page, "dept-officer")
    page.goto("/studio")
    page.get_by_role("link", name="查看抽检问题").click()
    theirs = db.session.scalars(
        select(GuideCheckEntry).where(GuideCheckEntry.department_id == department.id)
    ).all()
    expect(page.locator("article.guide-check")).to_have_count(len(theirs))  # their own guides only
    mine = page.locator(f"#entry-{entry.id}")
    expect(mine).to_contain_text("办理时间未区分冬令时和夏令时")
    assert heading.split(" · ")[1] in mine.get_by_role("heading", level=3).inner_text()  # the same item
    mine.get_by_label(re.compile("整改情况")).fill("已补充冬令时、夏令时办理时间，并提交事项变更")
    mine.get_by_role("button", name="提交整改情况").click()
    expect(page.get_by_role("status").filter(has_text="整改情况")).to_be_visible()
    expect(page.locator(f"#entry-{entry.id}").get_by_text("已整改", exact=True)).to_be_visible()
    shot(page, "corrected")
