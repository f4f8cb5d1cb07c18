"""Example values for a merged form: valid by every check, realistic enough to read.

Used to preview a bundle's merged form and its documents before anyone applies (bundle studio),
and by benchmarks and tests that need an application filled in correctly.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from forms.checks import id_check_char, uscc_check_char
from forms.schema import MergedField, MergedSchema

_SURNAMES = "王李张刘陈杨黄赵吴周"
_GIVEN = ["建国", "秀英", "志强", "桂兰", "海涛", "丽娟", "文博", "雨欣", "子涵", "明轩"]
_TEXT_BY_ELEMENT = {
    "住所": "陕西省汉中市汉台区北大街{n}号",
    "通讯地址": "陕西省汉中市汉台区天汉大道{n}号",
    "经营场所": "陕西省汉中市汉台区东大街{n}号一层",
    "户籍地址": "陕西省汉中市汉台区中山街{n}号",
    "名称": "汉台区示例餐饮店{n}",
    "经营范围": "餐饮服务；食品销售",
    "开户银行": "中国工商银行汉中分行",
    "民族": "汉族",
    "国籍": "中国",
    "职业": "个体经营者",
    "邮政编码": "723000",
}


def example_value(fld: MergedField, n: int = 0) -> Any:
    """A valid value for one field; ``n`` varies it (row number, person number)."""
    kind = fld.check or fld.type
    if kind == "id_number":
        first17 = f"610702{1970 + n % 40}{(n % 12) + 1:02d}{(n % 28) + 1:02d}{(101 + n) % 1000:03d}"
        return first17 + id_check_char(first17)
    if kind == "uscc":
        first17 = f"92610702MA{n:07d}"[:17]
        return first17 + uscc_check_char(first17)
    if kind == "phone":
        return f"139{(91620000 + n) % 100000000:08d}"
    if kind == "email":
        return f"applicant{n}@example.cn"
    if kind == "bank_account":
        return f"62220216{(n % 10_000_000_000):011d}"
    if fld.type == "date":
        return date(2024, (n % 12) + 1, (n % 28) + 1)
    if fld.type == "integer":
        return 3 + n
    if fld.type == "decimal":
        return f"{80 + n}.50"
    if fld.type == "boolean":
        return True
    if fld.type == "choice":
        return fld.options[n % len(fld.options)]
    if fld.type == "multichoice":
        return [fld.options[0]]
    if fld.element == "姓名":
        return _SURNAMES[n % len(_SURNAMES)] + _GIVEN[n % len(_GIVEN)]
    if fld.element == "邮政编码" or fld.pattern:
        return "723000"
    text = _TEXT_BY_ELEMENT.get(fld.element or "", "{label}示例{n}").format(n=n + 1, label=fld.label)
    return text[: fld.max_length] if fld.max_length else text


def example_data(schema: MergedSchema, rows: int = 2, *, jsonable: bool = False) -> dict[str, Any]:
    """Unified data for every asked field (groups with ``rows`` rows), valid for the unified form;
    ``jsonable`` gives dates as ISO strings (as the API takes them)."""
    data: dict[str, Any] = {}
    roles: dict[str | None, int] = {}
    for fld in schema.asked_fields:
        person = roles.setdefault(fld.role, len(roles))
        if fld.group is None:
            data[fld.key] = example_value(fld, person)
        else:
            group_rows = data.setdefault(fld.group_key, [{} for _ in range(rows)])
            for row_number, row in enumerate(group_rows):
                row[fld.column] = example_value(fld, 50 + row_number)
    return _iso_dates(data) if jsonable else data


def _iso_dates(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso_dates(v) for v in value]
    return value
