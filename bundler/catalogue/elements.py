"""The standard elements of a service item (seed 000 一, seed 003 第七条、第八条; GLOSSARY), in the order a
办事指南 lists them, with their Chinese names. The guide, the completeness score and the item editor all
read this one table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# contract key → name of the element. ``materials`` is the list of 申请材料 (shown as its own table).
ELEMENT_LABELS: dict[str, str] = {
    "name": "事项名称",
    "catalogue_code": "基本编码",
    "implementation_code": "实施编码",
    "type": "事项类型",
    "department": "实施主体",
    "exercise_content": "行使内容",
    "basis": "设定依据",
    "service_object": "服务对象",
    "conditions": "受理条件",
    "materials": "申请材料",
    "kind": "办件类型",
    "legal_days": "法定办结时限",
    "promised_days": "承诺办结时限",
    "visits": "到办事现场次数",
    "channels": "办理形式",
    "online_url": "网上办理地址",
    "process": "办理流程",
    "fees": "收费标准",
    "fee_basis": "收费依据",
    "result": "办理结果",
    "place": "办理地点",
    "hours": "办理时间",
    "phone": "咨询电话",
    "complaint_phone": "监督投诉电话",
}
STANDARD_ELEMENTS = tuple(ELEMENT_LABELS)


def given(value: Any) -> bool:
    """Whether an element is filled: text, lists and maps when not empty; any number (0 days, 0 visits)."""
    if value is None:
        return False
    if isinstance(value, str | list | dict | tuple):
        return bool(value.strip()) if isinstance(value, str) else bool(value)
    return True


def element_values(item: Mapping[str, Any]) -> dict[str, Any]:
    """Each standard element of a contract-shaped item, the phone numbers read from either spelling
    (``phone``/``complaint_phone`` or ``phones: {consult, complaint}``)."""
    found = item.get("phones")
    phones: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    values = {key: item.get(key) for key in STANDARD_ELEMENTS}
    values["phone"] = values["phone"] or (str(phones["consult"]) if phones.get("consult") else None)
    values["complaint_phone"] = values["complaint_phone"] or (
        str(phones["complaint"]) if phones.get("complaint") else None
    )
    return values


def missing_elements(item: Mapping[str, Any]) -> list[str]:
    """The keys of the standard elements the item leaves empty, in the guide's order."""
    return [key for key, value in element_values(item).items() if not given(value)]


def completeness(item: Mapping[str, Any]) -> float:
    """The share of the standard elements the item gives (0–1, four places)."""
    return round(1 - len(missing_elements(item)) / len(STANDARD_ELEMENTS), 4)
