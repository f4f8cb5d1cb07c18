"""Builders of contract-shaped catalogue entries, fresh on every call (no shared mutable data)."""

from __future__ import annotations

from itertools import count
from typing import Any

_seq = count(1)


def department(code: str | None = None, **overrides: Any) -> dict[str, Any]:
    code = code or f"D{next(_seq)}"
    return {"code": code, "name": f"测试部门{code}", "channel": "inbox", **overrides}


def field(
    name: str, label: str, role: str | None = None, element: str | None = None, **overrides: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name, "label": label, "type": "text", "required": True}
    if role:
        data.update(role=role, element=element)
    data.update(overrides)
    return data


def item(code: str, department_code: str, **overrides: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"测试事项{code}",
        "department": department_code,
        "type": "行政许可",
        "legal_days": 20,
        "promised_days": 10,
        "fields": [
            field("applicant_name", "申请人姓名", "申请人", "姓名"),
            field("applicant_id", "身份证号码", "申请人", "公民身份号码", type="id_number"),
            field("phone", "联系电话", "申请人", "联系电话", type="phone"),
        ],
        "materials": [
            {
                "name": "申请人身份证",
                "kind": "居民身份证",
                "role": "申请人",
                "required": True,
                "e_licence": True,
            }
        ],
        **overrides,
    }


def bundle(code: str, lead: str, steps: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    return {"code": code, "name": f"测试一件事{code}", "lead_department": lead, "steps": steps, **overrides}


def small_catalogue() -> dict[str, Any]:
    """Two departments, three items, one bundle with a serial and a conditional parallel step."""
    return {
        "departments": [
            department("SCJG"),
            department("XF", channel="webhook", webhook_url="https://xf.example.gov.cn/in"),
        ],
        "items": [item("SCJG-001", "SCJG"), item("SCJG-002", "SCJG", promised_days=5), item("XF-001", "XF")],
        "bundles": [
            bundle(
                "KFD",
                "SCJG",
                questions=[{"id": "big", "text": "营业面积是否超过300平方米？", "type": "boolean"}],
                steps=[
                    {"item": "SCJG-001"},
                    {"item": "SCJG-002", "depends_on": ["SCJG-001"]},
                    {"item": "XF-001", "depends_on": ["SCJG-001"], "when": {"big": True}},
                ],
            )
        ],
    }


PASSWORD = "Passw0rd-test"  # satisfies the password rules
