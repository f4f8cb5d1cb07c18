"""一次告知单 of the sample bundle 开饭店 (KFD), blank and for a scenario."""

from __future__ import annotations

import json

import pytest

import graphs
from bundler.catalogue.queries import NotFound
from bundler.documents import notice_context, render_html, render_pdf
from bundler.extensions import db

SCENARIO = {
    "venue_size": "小型（150平方米以下）",
    "has_signboard": "false",
    "sells_alcohol": "true",
    "has_employees": "false",
}


def test_blank_notice_lists_every_item_with_conditions(sample, inspect):
    ctx = notice_context(db.session, "KFD", None)
    json.dumps(ctx, ensure_ascii=False)  # a job can carry it
    assert ctx["blank"] and ctx["answers"] == []
    codes = [i["code"] for i in ctx["items"]]
    assert sorted(codes) == sorted(
        ["SCJG-001", "SCJG-003", "XF-001", "CG-001", "SWJ-001", "SW-001", "SW-002", "RS-002"]
    )
    assert ctx["timing"]["promised_days"] == 7 and ctx["timing"]["sum_promised_days"] == 16
    assert any(m["condition_text"].startswith("当") for m in ctx["materials"])
    assert next(i for i in ctx["items"] if i["code"] == "SWJ-001")["condition_text"]
    names = [m["name"] for m in ctx["materials"]]
    assert len(names) == len(set(names)), "one list: every material once"
    assert "营业执照" not in names and any(p["name"] == "营业执照" for p in ctx["provided"])

    pdf = inspect(render_pdf("notice", ctx))
    pdf.assert_well_formed()
    assert len(pdf.pages) >= 3
    assert not pdf.missing(
        "“一件事一次办”一次告知单",
        "开饭店（餐饮店开办）",
        "汉台区市场监督管理局",
        "未选择情形：列出全部可能需要的材料",
        "酒类经营备案",
        "户外招牌设置审批",
        "经营场所使用证明",
        "容缺可后补",
        "可用电子证照免交",
        "必交",
        "当“是否销售酒类（含堂食配售）？”为“是”时需要",
        "承诺办结时限",
        "7 个工作日",
        "16 个工作日",
        "容缺受理",
        "经营者信息",
        "0916-2213151",
        "不收费",
    )


def test_notice_for_a_scenario_covers_only_what_applies(sample, inspect):
    ctx = notice_context(db.session, "KFD", SCENARIO)
    assert not ctx["blank"]
    codes = {i["code"] for i in ctx["items"]}
    assert "SWJ-001" in codes and "CG-001" not in codes and "XF-001" not in codes and "RS-002" not in codes
    # the scenario is settled; what still depends on the form is said in words
    assert {m["name"]: m["condition_text"] for m in ctx["materials"] if m["condition_text"]} == {
        "家庭成员关系证明（家庭经营的提交，如户口簿或结婚证）": "经营者的组成形式为“家庭经营”时需要"
    }
    expected = graphs.plan(*_definition(), graphs.parse_answers(_definition()[0]["questions"], SCENARIO))
    assert ctx["timing"]["promised_days"] == expected.promised_days
    assert [c["code"] for c in ctx["timing"]["critical_path"]] == expected.critical_path
    answers = {a["question"]: a["answer"] for a in ctx["answers"]}
    assert answers == {
        "venue_size": "小型（150平方米以下）",
        "has_signboard": "否",
        "sells_alcohol": "是",
        "has_employees": "否",
    }

    pdf = inspect(render_pdf("notice", ctx))
    pdf.assert_well_formed()
    assert not pdf.missing(
        "一次告知单",
        "是否销售酒类（含堂食配售）？",
        "小型（150平方米以下）",
        "酒类经营备案",
        "酒类经营备案登记表",
        "经营者的组成形式为“家庭经营”时需要",
        "承诺办结时限",
        "各事项承诺时限之和",
    )
    assert not pdf.has("未选择情形") and not pdf.has("户外招牌设置审批")


def test_unanswered_questions_are_shown_as_such(sample):
    ctx = notice_context(db.session, "KFD", {"sells_alcohol": True})
    answers = {a["question"]: a["answer"] for a in ctx["answers"]}
    assert answers["sells_alcohol"] == "是"
    assert answers["has_signboard"] == "否（未回答，按默认）"  # the bundle gives it a default
    assert answers["venue_size"] == "未回答（受理前须回答）"  # it decides the fire-safety step
    assert answers["has_employees"] == "未回答（受理前须回答）"
    assert "受理前须回答" in render_html("notice", ctx)
    with_sign = notice_context(db.session, "KFD", {"sells_alcohol": True, "has_signboard": True})
    codes = {i["code"] for i in with_sign["items"]}
    assert "CG-001" in codes and "CG-001" not in {i["code"] for i in ctx["items"]}


def test_unknown_bundle_and_bad_answers(sample):
    with pytest.raises(NotFound):
        notice_context(db.session, "NOPE", None)
    with pytest.raises(graphs.AnswerError):
        notice_context(db.session, "KFD", {"venue_size": "特大型"})


def _definition():
    from bundler.catalogue.queries import bundle_definition

    d = bundle_definition(db.session, "KFD")
    return d.bundle, d.items
