"""Realistic example contexts of every document kind, built from the catalogue with made-up applicant
data: for previews of the templates, the tests and ``bench/bench_pdf.py``.

The applicant data is fictitious (checksums valid, names invented); nothing here is used for a real
application.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

import forms
import graphs

from ..catalogue.queries import bundle_definition
from ..privacy import mask_id_number, mask_name
from .builders import application_form_sections, display, item_form_rows
from .notice import notice_context

CENTRE = {
    "name": "汉中市汉台区政务服务中心",
    "address": "汉中市汉台区天汉大道北段政务服务大厅",
    "phone": "0916-2212345",
    "complaint_phone": "0916-12345",
    "hours": "工作日 9:00-12:00，14:30-18:00（夏令时）；9:00-12:00，14:00-17:30（冬令时）",
    "website": "https://zwfw.example.gov.cn/hantai",
}
ACCEPTED_AT = dt.datetime(2026, 11, 23, 10, 30)


def full_answers(bundle: Mapping[str, Any]) -> dict[str, Any]:
    """Answers that make (nearly) every conditional step apply: the first value each condition names."""
    answers: dict[str, Any] = {}
    for step in bundle.get("steps") or []:
        for qid, value in (step.get("when") or {}).items():
            if qid not in answers:
                answers[qid] = value[0] if isinstance(value, list) else value
    for q in bundle.get("questions") or []:
        if q["id"] not in answers:
            answers[q["id"]] = (
                False if q.get("type", "boolean") == "boolean" else (q.get("options") or [""])[0]
            )
    return answers


def example_contexts(
    session: Session, bundle_code: str = "KFD", *, rows: int = 3, tracking_number: str = "HT2026112300017"
) -> dict[str, dict[str, Any]]:
    """One context per document kind for the bundle, with ``rows`` entries in each repeating group
    (a large number makes long, multi-page forms). ``item_form`` is the first item's form."""
    definition = bundle_definition(session, bundle_code)
    bundle, items = definition.bundle, definition.items
    departments = definition.departments
    answers = graphs.parse_answers(bundle.get("questions") or [], full_answers(bundle))
    schema = forms.merge(bundle, items, answers)
    plan = graphs.plan(bundle, items, answers, version=definition.version.version)

    def dept_name(code: str | None) -> str:
        d = departments.get(code or "")
        return d.name if d is not None else (code or "")

    data = forms.example_data(schema, rows=rows)
    subject = next(f for f in schema.asked_fields if f.group is None and f.element == "公民身份号码")
    applicant_name, applicant_id = str(data.get(f"{subject.role}.姓名", "")), str(data[subject.key])
    applicant = {
        "name_masked": mask_name(applicant_name),
        "id_number_masked": mask_id_number(applicant_id),
        "phone_masked": "139****0037",
    }
    clerk = {"window": "“一件事一次办”综合受理3号窗口", "name": "李晓燕"}
    bundle_ref = {"code": bundle["code"], "name": bundle["name"]}
    today = ACCEPTED_AT.date()

    forecast = graphs.predict_completion(plan, today)
    stage_of = {code: n for n, stage in enumerate(plan.stages, 1) for code in stage}
    steps = [
        {
            "code": code,
            "name": items[code]["name"],
            "department": dept_name(items[code].get("department")),
            "stage": stage_of[code],
            "promised_days": items[code].get("promised_days") or 0,
            "due_date": forecast.finish[code].isoformat(),
        }
        for code in plan.steps
    ]

    asked = list(schema.asked_materials)
    tolerable = [m for m in asked if m.deferrable]
    owed_due = graphs.add_working_days(today, 5).date.isoformat()

    def item_names(m: Any) -> list[str]:
        return [schema.items[c].name for c in m.items]

    received = [
        {
            "name": m.name,
            "original": "原件" if m.kind == "居民身份证" else "复印件",
            "copies": None if m.e_licence else 1,
            "e_licence": m.e_licence,
        }
        for m in asked
        if m.required
    ]
    owed = [{"name": m.name, "items": item_names(m), "due_date": owed_due} for m in tolerable]

    common = {"centre": dict(CENTRE), "generated_at": ACCEPTED_AT.strftime("%Y-%m-%d %H:%M")}
    contexts: dict[str, dict[str, Any]] = {}
    notice = notice_context(session, bundle_code, full_answers(bundle))
    contexts["notice"] = {**notice, **common}
    contexts["application_form"] = {
        "tracking_number": tracking_number,
        "bundle": bundle_ref,
        "date": today.isoformat(),
        "applicant": applicant,
        "sections": application_form_sections(schema, data),
        **common,
    }
    contexts["receipt"] = {
        "tracking_number": tracking_number,
        "bundle": bundle_ref,
        "applicant": applicant,
        "accepted_at": ACCEPTED_AT.strftime("%Y-%m-%d %H:%M"),
        "accepted_by": clerk,
        "channel": "窗口受理",
        "promised": {
            "date": forecast.date.isoformat(),
            "working_days": plan.promised_days,
            "calendar_version": f"本区工作日历 {forecast.calendar_version}",
        },
        "steps": steps,
        "materials_received": received,
        "materials_owed": owed,
        "status_url": "https://zwfw.example.gov.cn/hantai/yjs/status",
        "rate_url": "https://zwfw.example.gov.cn/hantai/yjs/r/MQ.example",
        **common,
    }
    contexts["pledge"] = {
        "tracking_number": tracking_number,
        "bundle": bundle_ref,
        "applicant": applicant,
        "entries": [
            {
                "name": "卖方婚姻状况证明（结婚证或离婚证，夫妻共有的需配偶同意）",
                "items": ["不动产转移登记（存量房买卖）"],
                "verify_days": 20,
                "verify_unit": "工作日",
            }
        ],
        "clerk": clerk,
        "date": today.isoformat(),
        **common,
    }
    contexts["commitment"] = {
        "tracking_number": tracking_number,
        "bundle": bundle_ref,
        "applicant": applicant,
        "due_date": owed_due,
        "materials": [{"name": m.name, "items": item_names(m), "note": "容缺后补"} for m in tolerable],
        "clerk": clerk,
        "date": today.isoformat(),
        **common,
    }
    first_fields = [f for f in schema.asked_fields if f.group is None][:3]
    contexts["missing_notice"] = {
        "tracking_number": tracking_number,
        "bundle": bundle_ref,
        "applicant": applicant,
        "materials": [
            {
                "name": m.name,
                "reason": "未提交；请提交原件，复印件须加盖公章或由申请人签字确认",
                "items": item_names(m),
            }
            for m in asked[:3]
        ],
        "fields": [
            {
                "label": f.label,
                "message": f"{f.label}与所附证明材料不一致，请核对后重新填写",
                "section": f.section,
            }
            for f in first_fields
        ],
        "deadline": graphs.add_working_days(today, 5).date.isoformat(),
        "clerk": clerk,
        "date": today.isoformat(),
        "rate_url": "https://zwfw.example.gov.cn/hantai/yjs/r/MQ.example",
        **common,
    }
    asking = next(c for c in plan.steps if items[c].get("materials"))
    contexts["supplement_notice"] = {
        "tracking_number": tracking_number,
        "bundle": bundle_ref,
        "applicant": applicant,
        "rounds": [
            {
                "department": dept_name(items[asking].get("department")),
                "item": items[asking]["name"],
                "requested_at": ACCEPTED_AT.strftime("%Y-%m-%d %H:%M"),
                "reason": "所附材料复印件不清晰，且填报信息与证明材料不一致，请补交清晰的复印件并更正",
                "materials": [m["name"] for m in items[asking]["materials"][:2]],
                "fields": [f.label for f in first_fields[:1]],
            }
        ],
        "status_url": "https://zwfw.example.gov.cn/hantai/yjs/status",
        "date": today.isoformat(),
        **common,
    }
    deps = {s["item"]: list(s.get("depends_on") or []) for s in bundle["steps"]}
    # a department form that waits for another step and has the most fields (the richest example)
    code = max(plan.steps, key=lambda c: (bool(deps.get(c)), len(items[c].get("fields") or []), c))
    produced = {f.key: forms.example_value(f, 99) for f in schema.fields if f.produced_by}
    per_item = forms.project(schema, items, data, produced)
    item = items[code]
    item_rows, item_tables = item_form_rows(item, per_item.get(code, {}))
    upstream = []
    for dep in deps.get(code, []):
        upstream.append({"item": items[dep]["name"], "label": "办理结果", "value": items[dep].get("result")})
        for f in item.get("fields") or []:
            if f.get("produced_by") == dep:
                upstream.append(
                    {
                        "item": items[dep]["name"],
                        "label": f.get("label") or f["name"],
                        "value": per_item.get(code, {}).get(f["name"]),
                    }
                )
    contexts["item_form"] = {
        "item": {"code": code, "name": item["name"], "department": dept_name(item.get("department"))},
        "tracking_number": tracking_number,
        "bundle": bundle_ref,
        "date": today.isoformat(),
        "rows": item_rows,
        "tables": item_tables,
        "materials": [
            {
                "name": m["name"],
                "status": "电子证照免交" if m.get("e_licence") else "已提交",
                "note": display(m.get("kind")),
            }
            for m in item.get("materials") or []
        ],
        "upstream": upstream,
        **common,
    }
    return contexts
