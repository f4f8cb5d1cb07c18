"""The context of the 一次告知单 (``notice``) built from the catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

import forms
import graphs

from ..catalogue.queries import bundle_definition
from .builders import TYPE_TEXT

TOLERANCE_NOTE = (
    "容缺受理：标注“容缺可后补”的材料为事项实施部门确定的非关键性材料，申请时暂缺的，申请人书面承诺在约定期限内补齐后，"
    "窗口先行受理、部门同步审查，材料补齐并经部门确认后办结；逾期未补齐的，部门可撤销办理。"
    "涉及人身健康、生命财产安全、公共安全的事项不适用容缺受理。其他标注“必交”的材料须在受理时提交。"
    "标注“可用电子证照免交”的材料，经申请人授权后由窗口调取电子证照，无需提交纸质材料。"
)


def _answer_text(value: Any) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list | tuple):
        return "、".join(_answer_text(v) for v in value)
    return str(value)


def notice_context(session: Session, bundle_code: str, answers: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``notice`` context of a bundle for a scenario (``answers``: raw or parsed answers).

    With ``answers`` None (or empty) it is the blank notice printable before applying: every step is
    included and each item, material and field carries the condition under which it is needed.
    Raises ``bundler.catalogue.queries.NotFound`` for an unknown bundle and
    ``graphs.AnswerError`` for answers that do not fit the questions.
    """
    definition = bundle_definition(session, bundle_code)
    bundle, items, departments = definition.bundle, definition.items, definition.departments
    blank = not answers
    questions = bundle.get("questions") or []

    def dept(code: str | None) -> dict[str, str]:
        d = departments.get(code or "")
        return {"code": code or "", "name": d.name if d is not None else (code or "")}

    if blank:
        everything = {**bundle, "steps": [{**s, "when": {}} for s in bundle["steps"]]}
        the_plan = graphs.plan(everything, items, {}, version=definition.version.version)
        notice = forms.build_notice(bundle, items, None)
        parsed: dict[str, Any] = {}
    else:
        given = graphs.parse_answers(questions, answers or {})
        parsed = graphs.scenarios.with_defaults(questions, given)  # a default decides as an answer would
        the_plan = graphs.plan(bundle, items, parsed, version=definition.version.version)
        notice = forms.build_notice(bundle, items, parsed)

    def ref(code: str) -> dict[str, str]:
        item = items.get(code) or {}
        return {
            "code": code,
            "name": str(item.get("name") or code),
            "department": dept(item.get("department"))["name"],
        }

    step_conditions: dict[str, str] = {}
    if blank:
        qtext = {q["id"]: q.get("text") or q["id"] for q in questions}
        for step in bundle["steps"]:
            when = step.get("when") or {}
            if when:
                step_conditions[step["item"]] = (
                    "当"
                    + "且".join(
                        f"“{qtext.get(q, q)}”为“{_answer_text(v).replace('、', '或')}”"
                        for q, v in sorted(when.items())
                    )
                    + "时办理"
                )

    item_rows = []
    for code in the_plan.steps:
        item = items[code]
        item_rows.append(
            {
                "code": code,
                "name": item.get("name") or code,
                "type": item.get("type") or "",
                "department": dept(item.get("department")),
                "promised_days": item.get("promised_days") or 0,
                "legal_days": item.get("legal_days") or 0,
                "fees": item.get("fees") or "",
                "place": item.get("place") or "",
                "hours": item.get("hours") or "",
                "phone": item.get("phone") or "",
                "result": item.get("result") or "",
                "condition_text": step_conditions.get(code, ""),
            }
        )

    materials, sections = [], []
    by_section: dict[str, list[dict[str, Any]]] = {}
    for e in notice["entries"]:
        cond = e["condition_text"] if blank else e.get("form_condition_text", "")
        if e["type"] == "material":
            materials.append(
                {
                    "name": e["title"],
                    "original": e.get("original"),
                    "copies": e.get("copies"),
                    "required": bool(e["required"]),
                    "tolerable": bool(e.get("tolerable")),
                    "e_licence": bool(e.get("e_licence")),
                    "per_person": e.get("role") if e.get("per_person") else None,
                    "items": [{**ref(i["code"]), "name_in_item": i["name_in_item"]} for i in e["items"]],
                    "condition_text": cond,
                }
            )
        elif e["type"] == "field":
            if e["section"] not in by_section:
                by_section[e["section"]] = []
                sections.append({"title": e["section"], "fields": by_section[e["section"]]})
            by_section[e["section"]].append(
                {
                    "label": e["title"],
                    "required": bool(e["required"]),
                    "type_text": TYPE_TEXT.get(e.get("field_type") or "text", e.get("field_type") or ""),
                    "options": list(e.get("options") or []),
                    "group": e.get("group"),
                    "condition_text": cond,
                }
            )
    provided = []
    for p in notice.get("provided") or []:
        producer = p.get("produced_by")
        provided.append(
            {
                "name": p["title"],
                "produced_by": ref(producer["code"]) if isinstance(producer, Mapping) else None,
            }
        )

    answer_rows = []
    if not blank:
        must_answer = {q["id"] for q in graphs.scenarios.required_questions(bundle)}
        for q in questions:
            qid = q["id"]
            if qid in given:
                text = _answer_text(given[qid])
            elif qid in parsed:
                text = f"{_answer_text(parsed[qid])}（未回答，按默认）"
            else:
                text = "未回答（受理前须回答）" if qid in must_answer else "未回答"
            answer_rows.append({"question": qid, "text": q.get("text") or qid, "answer": text})

    return {
        "bundle": {"code": bundle["code"], "name": bundle.get("name") or bundle["code"]},
        "version": definition.version.version,
        "description": bundle.get("description"),
        "lead_department": dept(bundle.get("lead_department")),
        "blank": blank,
        "answers": answer_rows,
        "items": item_rows,
        "materials": materials,
        "provided": provided,
        "sections": sections,
        "timing": {
            "promised_days": the_plan.promised_days,
            "statutory_days": the_plan.statutory_days,
            "sum_promised_days": the_plan.sum_promised_days,
            "sum_statutory_days": the_plan.sum_statutory_days,
            "critical_path": [ref(c) for c in the_plan.critical_path],
            "stages": [[ref(c) for c in stage] for stage in the_plan.stages],
        },
        "stats": dict(notice.get("stats") or {}),
        "tolerance_note": TOLERANCE_NOTE,
        "confirm_by": str(notice.get("confirm_by") or ""),
    }
