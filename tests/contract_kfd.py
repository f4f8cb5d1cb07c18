"""The 开饭店 example of the contract (../shared/spec/bundle-format.md), fresh on every call."""

from __future__ import annotations

from typing import Any


def kfd_items() -> dict[str, dict[str, Any]]:
    def item(code: str, name: str, department: str, promised: int, legal: int) -> dict[str, Any]:
        return {
            "code": code, "name": name, "department": department, "type": "行政许可",
            "legal_days": legal, "promised_days": promised,
        }  # fmt: skip

    return {
        "SCJG-001": item("SCJG-001", "个体工商户设立登记", "SCJG", 3, 8),
        "SCJG-002": item("SCJG-002", "食品经营许可", "SCJG", 20, 27),
        "XF-003": item("XF-003", "公众聚集场所投入使用、营业前消防安全检查", "XF", 17, 25),
    }


def kfd_bundle(*, fire_question: bool = False) -> dict[str, Any]:
    """The contract's bundle; with ``fire_question`` the fire inspection applies only to public venues."""
    fire_step: dict[str, Any] = {"item": "XF-003", "depends_on": ["SCJG-001"]}
    questions = [{"id": "sells_alcohol", "text": "是否销售酒类？", "type": "boolean"}]
    if fire_question:
        fire_step["when"] = {"fire": True}
        questions.append({"id": "fire", "text": "是否属于公众聚集场所？", "type": "boolean"})
    return {
        "code": "KFD",
        "name": "开饭店",
        "lead_department": "SCJG",
        "questions": questions,
        "steps": [{"item": "SCJG-001"}, {"item": "SCJG-002", "depends_on": ["SCJG-001"]}, fire_step],
    }
