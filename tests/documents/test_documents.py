"""受理回执、容缺受理承诺书、一次性告知书、一表申请与部门申请表, from the sample bundle 开饭店 (KFD)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import forms
import graphs
from bundler.catalogue.queries import bundle_definition
from bundler.documents import KINDS, application_form_sections, item_form_rows, render_pdf
from bundler.documents.examples import example_contexts, mask_id_number, mask_name
from bundler.extensions import db

TRACKING = "HT2026112300042"
CENTRE = {
    "name": "汉中市汉台区政务服务中心",
    "address": "汉台区天汉大道北段",
    "phone": "0916-2212345",
    "complaint_phone": "0916-12345",
    "hours": "工作日 9:00-17:30",
}
APPLICANT = {"name_masked": "王**", "id_number_masked": "610702**********1234", "phone_masked": "139****0037"}
CLERK = {"window": "综合受理3号窗口", "name": "李晓燕"}


@pytest.fixture
def kfd(sample):
    return bundle_definition(db.session, "KFD")


def test_masking_helpers():
    assert mask_name("王建国") == "王**" and mask_name("李") == "李*"
    assert mask_id_number("61070219800101123X") == "610702********123X"


def test_receipt(kfd, inspect):
    answers = {
        "sells_alcohol": True,
        "has_employees": False,
        "has_signboard": False,
        "venue_size": "小型（150平方米以下）",
    }
    plan = graphs.plan(kfd.bundle, kfd.items, answers)
    forecast = graphs.predict_completion(plan, dt.date(2026, 11, 23))
    promised = graphs.add_working_days(dt.date(2026, 11, 23), plan.promised_days)
    stage = {c: n for n, s in enumerate(plan.stages, 1) for c in s}
    ctx = {
        "tracking_number": TRACKING,
        "bundle": {"code": "KFD", "name": kfd.bundle["name"]},
        "applicant": APPLICANT,
        "accepted_at": "2026-11-23 10:30",
        "accepted_by": CLERK,
        "channel": "窗口受理",
        "promised": {
            "date": promised.date.isoformat(),
            "working_days": plan.promised_days,
            "calendar_version": f"本区工作日历 {promised.calendar_version}",
        },
        "steps": [
            {
                "code": c,
                "name": kfd.items[c]["name"],
                "department": kfd.departments[kfd.items[c]["department"]].name,
                "stage": stage[c],
                "promised_days": kfd.items[c]["promised_days"],
                "due_date": forecast.finish[c].isoformat(),
            }
            for c in plan.steps
        ],
        "materials_received": [
            {"name": "个体工商户登记（备案）申请书", "original": "原件", "copies": 1, "e_licence": False},
            {"name": "经营者居民身份证", "e_licence": True},
            {"name": "经营场所使用证明（房屋产权证明或租赁合同）", "original": "复印件", "copies": 2},
        ],
        "materials_owed": [
            {"name": "从业人员健康证明", "items": ["食品经营许可（新办）"], "due_date": "2026-11-30"}
        ],
        "status_url": "https://zwfw.example.gov.cn/hantai/yjs/status",
        "centre": CENTRE,
        "generated_at": "2026-11-23 10:31",
    }
    json.dumps(ctx, ensure_ascii=False)
    pdf = inspect(render_pdf("receipt", ctx))
    pdf.assert_well_formed()
    assert not pdf.missing(
        "受理回执",
        TRACKING,
        " ".join(TRACKING),
        "开饭店（餐饮店开办）",
        "王**",
        "610702**********1234",
        "2026年11月23日 10:30",
        "综合受理3号窗口",
        "李晓燕",
        "窗口受理",
        "承诺办结",
        f"{plan.promised_days} 个工作日",
        "2026年12月2日",
        f"本区工作日历 {promised.calendar_version}",
        "食品经营许可（新办）",
        "汉台区市场监督管理局",
        "经营场所使用证明（房屋产权证明或租赁合同）",
        "电子证照（免交纸质）",
        "容缺受理待补材料",
        "从业人员健康证明",
        "2026年11月30日",
        "https://zwfw.example.gov.cn/hantai/yjs/status",
        "0916-2212345",
        "生成时间：2026年11月23日 10:31",
    )
    assert promised.date.isoformat() == "2026-12-02"


def test_commitment(kfd, inspect):
    ctx = {
        "tracking_number": TRACKING,
        "bundle": {"code": "KFD", "name": kfd.bundle["name"]},
        "applicant": APPLICANT,
        "due_date": "2026-11-30",
        "materials": [
            {"name": "从业人员健康证明", "items": ["食品经营许可（新办）"], "note": "体检中，预计一周内取得"},
            {"name": "雇工劳动合同", "items": ["单位参保登记（个体工商户雇工）"]},
        ],
        "clerk": CLERK,
        "date": "2026-11-23",
        "centre": CENTRE,
    }
    pdf = inspect(render_pdf("commitment", ctx))
    pdf.assert_well_formed()
    assert not pdf.missing(
        "容缺受理承诺书",
        "2026年11月30日",
        "从业人员健康证明",
        "食品经营许可（新办）",
        "雇工劳动合同",
        "体检中，预计一周内取得",
        "承诺人（申请人）签字",
        "受理人员签字",
        "610702**********1234",
        "2026年11月23日",
        TRACKING,
    )


def test_missing_notice(kfd, inspect):
    ctx = {
        "tracking_number": TRACKING,
        "bundle": {"code": "KFD", "name": kfd.bundle["name"]},
        "applicant": APPLICANT,
        "materials": [
            {
                "name": "经营场所使用证明（房屋产权证明或租赁合同）",
                "reason": "租赁合同未载明租赁期限",
                "items": ["个体工商户设立登记", "食品经营许可（新办）"],
            },
            {"name": "食品经营许可申请书", "reason": "未签字"},
        ],
        "fields": [{"label": "经营场所面积", "message": "须填写数字（平方米）", "section": "门店信息"}],
        "deadline": "2026-12-04",
        "clerk": CLERK,
        "date": "2026-11-23",
        "centre": CENTRE,
    }
    pdf = inspect(render_pdf("missing_notice", ctx))
    pdf.assert_well_formed()
    assert not pdf.missing(
        "一次性告知书",
        "补正材料通知书",
        "一次性告知",
        "租赁合同未载明租赁期限",
        "未签字",
        "经营场所面积",
        "须填写数字（平方米）",
        "门店信息",
        "2026年12月4日",
        "李晓燕",
        "汉中市汉台区政务服务中心",
        "0916-12345",
    )


def test_application_form_from_the_merged_form(kfd, inspect):
    schema = forms.merge(kfd.bundle, kfd.items, {"has_employees": True})
    data = {
        "经营者.姓名": "王建国",
        "经营者.公民身份号码": "61070219800101123X",
        "经营者.性别": "男",
        "从业人员[]": [
            {"经营者.姓名": "赵晓燕", "经营者.联系电话": "13991600001"},
            {"经营者.姓名": "孙志强", "经营者.联系电话": "13991600002"},
        ],
    }
    sections = application_form_sections(schema, data)
    group = next(t for s in sections for t in s["tables"] if t["title"] == "从业人员")
    assert len(group["rows"]) == 2 and "雇工姓名" in group["columns"]
    ctx = {
        "tracking_number": "",
        "bundle": {"code": "KFD", "name": kfd.bundle["name"]},
        "date": "2026-11-23",
        "sections": sections,
        "centre": CENTRE,
    }
    json.dumps(ctx, ensure_ascii=False)
    pdf = inspect(render_pdf("application_form", ctx))
    pdf.assert_well_formed()
    assert not pdf.missing(
        "联办申请表",
        "（草稿，受理后生成）",
        "经营者信息",
        "王建国",
        "61070219800101123X",
        "从业人员",
        "雇工姓名",
        "赵晓燕",
        "孙志强",
        "13991600002",
        "申请人签字：",
        "日期：",
    )


def test_item_form_under_its_own_labels(kfd, inspect):
    item = kfd.items["RS-002"]
    values = {"trade_name": "汉台区天汉小厨餐饮店", "operator_name": "王建国", "uscc": "92610702MA0000099X"}
    group_fields = [f for f in item["fields"] if f.get("group")]
    assert group_fields, "RS-002 has a repeating group of employees"
    values[group_fields[0]["group"]] = [
        {group_fields[0]["name"]: "赵晓燕"},
        {group_fields[0]["name"]: "孙志强"},
    ]
    rows, tables = item_form_rows(item, values)
    ctx = {
        "item": {"code": "RS-002", "name": item["name"], "department": kfd.departments["RS"].name},
        "tracking_number": TRACKING,
        "bundle": {"code": "KFD", "name": kfd.bundle["name"]},
        "date": "2026-11-23",
        "rows": rows,
        "tables": tables,
        "materials": [
            {"name": m["name"], "status": "电子证照免交" if m["e_licence"] else "已提交"}
            for m in item["materials"]
        ],
        "upstream": [
            {"item": "个体工商户设立登记", "label": "统一社会信用代码", "value": "92610702MA0000099X"}
        ],
    }
    pdf = inspect(render_pdf("item_form", ctx))
    pdf.assert_well_formed()
    assert not pdf.missing(
        "RS-002",
        "单位参保登记（个体工商户雇工）申请表",
        "汉台区人力资源和社会保障局",
        TRACKING,
        "字号名称",
        "汉台区天汉小厨餐饮店",
        "业主姓名",
        group_fields[0]["label"],
        "赵晓燕",
        "前序事项办理结果",
        "92610702MA0000099X",
        "雇工劳动合同",
        "电子证照免交",
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_the_example_contexts(sample, inspect, kind):
    ctx = example_contexts(db.session, "KFD")[kind]
    json.dumps(ctx, ensure_ascii=False)
    pdf = inspect(render_pdf(kind, ctx))
    pdf.assert_well_formed()
    assert pdf.has("汉中市汉台区政务服务中心") and pdf.has("生成时间")


def test_a_long_form_spans_pages_and_repeats_table_headers(sample, inspect):
    ctx = example_contexts(db.session, "KFD", rows=60)["application_form"]
    pdf = inspect(render_pdf("application_form", ctx))
    pdf.assert_well_formed()
    assert len(pdf.pages) >= 5
    # the employees' table runs over several pages, its header on each
    pages_with_rows = [p for p in pdf.pages if "雇工" in p and "13991" in p]
    assert len(pages_with_rows) >= 2
    assert all("雇工姓名" in p for p in pages_with_rows)
