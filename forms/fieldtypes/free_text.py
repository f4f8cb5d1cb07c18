"""Free text (``text``, ``textarea``): the data element's rules apply, any other text type is stricter."""

from __future__ import annotations

from typing import Any, ClassVar

from forms.fieldtypes.base import FieldType, FormFieldSpec
from forms.fieldtypes.inputs import text_input
from forms.schema import MergedField

TEXT_FAMILY = "text"

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


def text_example(field: MergedField, n: int) -> str:
    """Readable text for the field's data element (a name, an address ...), else from its label."""
    if field.element == "姓名":
        return _SURNAMES[n % len(_SURNAMES)] + _GIVEN[n % len(_GIVEN)]
    if field.element == "邮政编码" or field.pattern:
        return "723000"
    text = _TEXT_BY_ELEMENT.get(field.element or "", "{label}示例{n}").format(n=n + 1, label=field.label)
    return text[: field.max_length] if field.max_length else text


class TextType(FieldType):
    name = "text"
    label = "文本"
    merge_family: ClassVar[str | None] = TEXT_FAMILY
    strictness = 0
    takes_element_rules = True
    textual = True

    def form_field(self, field: MergedField) -> FormFieldSpec:
        return text_input(field)

    def example(self, field: MergedField, n: int) -> Any:
        return text_example(field, n)


class TextAreaType(TextType):
    """The same data as text, in a larger box: merged with text it wins."""

    name = "textarea"
    label = "文本（多行）"
    strictness = 1

    def form_field(self, field: MergedField) -> FormFieldSpec:
        return text_input(field, multiline=True)
