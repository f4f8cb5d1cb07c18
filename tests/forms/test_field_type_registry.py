"""Adding a field type is one class and one registration line.

The toy 邮政编码 type below lives only in this file. Registered by a fixture, it goes through the real
code paths: the catalogue contract accepts it, merging makes it the strictest of free text and itself,
the unified form checks it in Chinese, projection hands it back to each item, and examples, masking
and printing come from the class.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

import forms
from bundler.catalogue.contract import FIELD_TYPES, KnownCatalogue, check_references, parse_document
from bundler.documents.builders import TYPE_TEXT, application_form_sections, item_form_rows
from bundler.privacy import mask_value
from forms import build_form, field_name, form_to_data, formdata_for, merge, project
from forms.fieldtypes import CheckedText, FieldType, UnknownFieldType, field_types
from forms.merge import merge_types
from forms.schema import MergedField

_SPACES = re.compile(r"[\s\u3000]+")
_SIX_DIGITS = re.compile(r"^[0-9]{6}$")


class Postcode(CheckedText):
    """邮政编码: six digits."""

    name = "postcode"
    label = "邮政编码"
    hint_element = "邮政编码"

    def normalize(self, value: object) -> str:
        return _SPACES.sub("", str(value)) if value is not None else ""

    def check(self, value: object, label: str | None = None) -> str | None:
        if _SIX_DIGITS.match(self.normalize(value)):
            return None
        return f"{label}：应为6位数字" if label else "应为6位数字"

    def example(self, field: MergedField, n: int) -> Any:
        return f"{710000 + n % 1000:06d}"

    def mask(self, value: Any) -> Any:
        return str(value)[:2] + "****"

    def display(self, value: Any) -> str:
        return f"邮编 {value}" if value else ""


@pytest.fixture
def postcode():
    field_types.register(Postcode)
    yield field_types.get("postcode")
    field_types.unregister("postcode")


POST = {"code": "YZ", "name": "邮政管理局"}
MARKET = {"code": "SCJG", "name": "市场监督管理局"}


def _item(code: str, department: str, postcode_field: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"事项{code}",
        "department": department,
        "type": "公共服务",
        "legal_days": 5,
        "promised_days": 1,
        "fields": [
            {"name": "name", "label": "申请人姓名", "role": "申请人", "element": "姓名", "required": True},
            postcode_field,
        ],
    }


ITEMS = [
    _item(
        "YZ-001",
        "YZ",
        {
            "name": "postcode",
            "label": "邮政编码",
            "role": "申请人",
            "element": "邮政编码",
            "type": "postcode",
            "required": True,
        },
    ),
    _item(
        "SCJG-001",
        "SCJG",
        {"name": "zip", "label": "邮编", "role": "申请人", "element": "邮政编码", "type": "text"},
    ),
]
BUNDLE = {
    "code": "YB",
    "name": "邮寄办理",
    "lead_department": "YZ",
    "steps": [{"item": "YZ-001"}, {"item": "SCJG-001"}],
}
KEY = "申请人.邮政编码"


def _catalogue() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The catalogue as the contract reads it (every key present, defaults applied)."""
    doc = parse_document(
        "postcode.yaml", {"departments": [POST, MARKET], "items": ITEMS, "bundles": [BUNDLE]}
    )
    check_references([doc], KnownCatalogue())
    assert doc.problems == []
    return doc.bundles[0], {i["code"]: i for i in doc.items}


def test_the_contract_accepts_a_registered_type_only(postcode):
    bundle, items = _catalogue()
    assert items["YZ-001"]["fields"][1]["type"] == "postcode"
    field_types.unregister("postcode")
    try:
        doc = parse_document("postcode.yaml", {"departments": [POST], "items": ITEMS[:1]})
        assert [p.message for p in doc.problems] == [
            "字段类型“postcode”未知，可用类型：" + "、".join(FIELD_TYPES)
        ]
    finally:
        field_types.register(Postcode)


def test_it_merges_as_the_strictest_of_free_text(postcode):
    assert merge_types({"text", "postcode"}) == "postcode"
    assert merge_types({"textarea", "text", "postcode"}) == "postcode"
    assert merge_types({"postcode", "phone"}) is None  # two checked strings: a conflict
    assert merge_types({"postcode", "integer"}) is None
    bundle, items = _catalogue()
    schema = merge(bundle, items)
    assert schema.conflicts == ()
    merged = schema.field(KEY)
    assert (merged.type, merged.check, merged.required) == ("postcode", "postcode", True)
    assert merged.pattern is None  # the element's pattern is for free text; the type has its own rule
    assert merged.label == "邮政编码"


def test_the_unified_form_accepts_six_digits_and_rejects_five_in_chinese(postcode):
    bundle, items = _catalogue()
    schema = merge(bundle, items)
    cls = build_form(schema)
    good = cls(MultiDict({field_name("申请人.姓名"): "王芳", field_name(KEY): " 710 000 "}))
    assert good.validate(), good.errors
    assert form_to_data(good, jsonable=True) == {"申请人.姓名": "王芳", KEY: "710000"}
    bad = cls(MultiDict({field_name("申请人.姓名"): "王芳", field_name(KEY): "71000"}))
    assert not bad.validate()
    assert bad.errors == {field_name(KEY): ["邮政编码：应为6位数字"]}
    empty = cls(MultiDict({field_name("申请人.姓名"): "王芳"}))
    assert not empty.validate()
    assert empty.errors == {field_name(KEY): ["邮政编码：必填"]}


def test_projection_hands_the_value_back_to_each_item(postcode):
    bundle, items = _catalogue()
    schema = merge(bundle, items)
    per_item = project(schema, items, {"申请人.姓名": "王芳", KEY: "710000"})
    assert per_item == {
        "SCJG-001": {"name": "王芳", "zip": "710000"},
        "YZ-001": {"name": "王芳", "postcode": "710000"},
    }


def test_examples_are_valid_for_the_form(postcode):
    bundle, items = _catalogue()
    schema = merge(bundle, items)
    assert forms.example_value(schema.field(KEY)) == "710000"
    data = forms.example_data(schema, jsonable=True)
    form = build_form(schema)(MultiDict(formdata_for(schema, data)))
    assert form.validate(), form.errors


def test_masking_printing_and_the_notice_label_come_from_the_type(postcode):
    assert mask_value("postcode", "邮政编码", "710000") == "71****"
    assert mask_value("postcode", "姓名", "王芳") == "王*"  # 姓名 is masked by element
    assert TYPE_TEXT["postcode"] == "邮政编码"
    bundle, items = _catalogue()
    schema = merge(bundle, items)
    data = {"申请人.姓名": "王芳", KEY: "710000"}
    rows = [r for s in application_form_sections(schema, data) for r in s["rows"]]
    assert {"label": "邮政编码", "value": "邮编 710000"} in rows
    per_item = project(schema, items, data)
    own, _tables = item_form_rows(items["YZ-001"], per_item["YZ-001"])
    assert own[1] == {"label": "邮政编码", "value": "邮编 710000"}
    plain, _tables = item_form_rows(items["SCJG-001"], per_item["SCJG-001"])
    assert plain[1] == {"label": "邮编", "value": "710000"}  # a text field prints as text


def test_elements_and_suggestions_know_the_type(postcode):
    d = forms.load_dictionary([{"name": "投递编码", "type": "postcode"}])
    assert d.elements["投递编码"].check == "postcode"
    suggestion = forms.suggest({"label": "收件号码", "type": "postcode"})
    assert suggestion is not None and suggestion.element == "邮政编码"


def test_unregistering_removes_it_everywhere():
    with field_types.registered(Postcode) as kind:
        assert kind.name in field_types and field_types.get("postcode") is kind
    assert "postcode" not in field_types
    assert "postcode" not in TYPE_TEXT
    assert mask_value("postcode", None, "710000") == "710000"
    with pytest.raises(UnknownFieldType):
        field_types.get("postcode")
    with pytest.raises(UnknownFieldType):
        field_types.unregister("postcode")


def test_register_works_as_a_decorator_and_refuses_a_second_type_of_one_name():
    @field_types.register
    class Toy(FieldType):
        name = "toy"
        label = "玩具"

    try:
        assert field_types.names()[-1] == "toy" and Toy.name == "toy"
        with pytest.raises(ValueError):
            field_types.register(Toy)
    finally:
        field_types.unregister(Toy)
    assert field_types.names() == FIELD_TYPES


def test_the_built_in_types_are_registered_in_the_contract_order():
    assert FIELD_TYPES == (
        "text", "textarea", "integer", "decimal", "date", "boolean", "choice", "multichoice",
        "id_number", "uscc", "phone", "email", "bank_account",
    )  # fmt: skip
    assert field_types.check_names() == ("date", "id_number", "uscc", "phone", "email", "bank_account")


FORBIDDEN = {"flask", "flask_wtf", "bundler", "sqlalchemy", "flask_sqlalchemy", "psycopg", "redis", "rq"}


def test_field_type_modules_stay_pure():
    """forms/fieldtypes/ is part of the pure library (test_purity looks at forms/*.py only)."""
    package = Path(forms.__file__).parent / "fieldtypes"
    modules = sorted(package.glob("*.py"))
    assert modules
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
