"""build_form: a fresh WTForms class per call, Chinese errors naming the label, repeating groups."""

import re
from datetime import date
from decimal import Decimal

import pytest
import wtforms
from werkzeug.datastructures import MultiDict

import forms
from forms import build_form, field_name, form_to_data, formdata_for, merge, prefill_data

ALL = {"sells_alcohol": True, "large_venue": True}
STAFF = field_name("从业人员[]")


def row(i, column):
    return f"{STAFF}-{i}-{field_name(column)}"


@pytest.fixture(scope="module")
def schema(kfd, kfd_resolutions):
    bundle, items = kfd
    return merge(bundle, items, ALL, kfd_resolutions)


GOOD = {
    "经营者.姓名": "张三",
    "经营者.公民身份号码": "11010519491231002X",
    "经营者.联系电话": "13800138000",
    "企业.名称": "张三小馆",
    "企业.经营场所": "西安市雁塔区",
    "企业.组成形式": "个人经营",
    "企业.建筑面积": "350.5",
    "企业.从业人数": "3",
    "SCJG-002.business_type": "餐饮服务经营者",
    "SW-004.liquor_kinds": ["白酒", "啤酒"],
    "从业人员[]": [
        {"姓名": "李四", "公民身份号码": "440524188001010014", "健康证明编号": "JK-1"},
        {"姓名": "王五", "健康证明编号": "JK-2"},
    ],
}


def test_two_calls_return_distinct_classes_with_the_given_base(schema):
    a, b = build_form(schema), build_form(schema)
    assert a is not b and issubclass(a, wtforms.Form) and issubclass(b, wtforms.Form)
    assert a.field_keys == b.field_keys
    row_a = getattr(a, STAFF).args[0].args[0]
    row_b = getattr(b, STAFF).args[0].args[0]
    assert row_a is not row_b  # row forms are fresh too
    name = field_name("经营者.姓名")
    assert a.__dict__[name] is not b.__dict__[name]  # no unbound field shared between classes
    assert a.__dict__[name].kwargs is not b.__dict__[name].kwargs

    class Base(wtforms.Form):
        marker = True

    c = build_form(schema, base=Base)
    assert issubclass(c, Base) and c.marker


def test_class_attributes_are_read_only(schema):
    cls = build_form(schema)
    with pytest.raises(TypeError):
        cls.field_keys["x"] = "y"


def test_conflicts_must_be_resolved_first(kfd):
    bundle, items = kfd
    schema = merge(bundle, items, ALL)
    with pytest.raises(forms.UnresolvedConflicts, match="企业.组成形式"):
        build_form(schema)
    assert build_form(schema, allow_conflicts=True)


def test_empty_submission_reports_required_fields_in_chinese(schema):
    form = build_form(schema)(MultiDict())
    assert not form.validate()
    errors = form.errors
    assert errors[field_name("经营者.姓名")] == ["经营者姓名：必填"]
    assert errors[field_name("企业.组成形式")] == ["组成形式：必填"]
    assert field_name("企业.经营范围") not in errors  # optional
    assert STAFF not in errors  # the blank row shown is ignored


def test_valid_multidict_round_trips_to_unified_data(schema):
    cls = build_form(schema)
    form = cls(MultiDict(formdata_for(schema, GOOD)))
    assert form.validate(), form.errors
    data = form_to_data(form)
    assert data["经营者.公民身份号码"] == "11010519491231002X"
    assert data["企业.建筑面积"] == Decimal("350.5")
    assert data["企业.从业人数"] == 3
    assert data["SW-004.liquor_kinds"] == ["白酒", "啤酒"]
    assert data["从业人员[]"] == [
        {"姓名": "李四", "公民身份号码": "440524188001010014", "健康证明编号": "JK-1"},
        {"姓名": "王五", "公民身份号码": None, "健康证明编号": "JK-2"},
    ]
    assert form_to_data(form, jsonable=True)["企业.建筑面积"] == "350.5"


def test_validator_errors_name_the_label(schema):
    bad = {
        **GOOD,
        "经营者.公民身份号码": "110105194912310021",
        "经营者.联系电话": "12345",
        "企业.从业人数": "三个",
        "企业.组成形式": "合伙经营",
    }
    form = build_form(schema)(MultiDict(formdata_for(schema, bad)))
    assert not form.validate()
    e = form.errors
    assert e[field_name("经营者.公民身份号码")] == ["经营者身份证号：校验位不正确"]
    assert e[field_name("经营者.联系电话")] == ["联系电话：应为11位手机号码（以1开头，第二位为3至9）"]
    assert e[field_name("企业.从业人数")] == ["从业人数：应为整数"]
    assert e[field_name("企业.组成形式")] == ["组成形式：请从给出的选项中选择"]


def test_lowercase_and_spaces_are_normalised(schema):
    data = {**GOOD, "经营者.公民身份号码": " 110105 19491231002x", "经营者.联系电话": "+86 138-0013-8000"}
    form = build_form(schema)(MultiDict(formdata_for(schema, data)))
    assert form.validate(), form.errors
    assert form.to_unified()["经营者.公民身份号码"] == "11010519491231002X"
    assert form.to_unified()["经营者.联系电话"] == "13800138000"


def test_group_rows_are_validated_and_counted(kfd, kfd_resolutions):
    bundle, items = kfd
    items = {
        **items,
        "SCJG-002": {
            **items["SCJG-002"],
            "fields": [
                {**f, "min_rows": 1, "max_rows": 2} if f.get("group") else f
                for f in items["SCJG-002"]["fields"]
            ],
        },
    }
    schema = merge(bundle, items, ALL, kfd_resolutions)
    assert schema.groups["从业人员"] == (1, 2)
    cls = build_form(schema)
    no_rows = {**GOOD, "从业人员[]": []}
    form = cls(MultiDict(formdata_for(schema, no_rows)))
    assert not form.validate()
    assert "从业人员：至少填写1行" in form.errors[STAFF]
    three = {**GOOD, "从业人员[]": GOOD["从业人员[]"] + [{"姓名": "赵六", "健康证明编号": "JK-3"}]}
    form = cls(MultiDict(formdata_for(schema, three)))
    assert not form.validate() and "从业人员：最多填写2行" in form.errors[STAFF]
    missing = {**GOOD, "从业人员[]": [{"姓名": "赵六"}]}
    form = cls(MultiDict(formdata_for(schema, missing)))
    assert not form.validate()
    assert form.errors[STAFF][0] == {field_name("健康证明编号"): ["健康证明编号：必填"]}
    md = MultiDict(formdata_for(schema, GOOD))
    md[row(1, "公民身份号码")] = "11010519491231002Y"
    form = cls(md)
    assert not form.validate()
    assert form.errors[STAFF][1][field_name("公民身份号码")] == [
        "身份证号：应为18位，前17位为数字，最后一位为数字或X"
    ]


def test_bind_with_data_prefill_and_validate(xse, xse_mother_applies):
    bundle, items = xse
    schema = merge(bundle, items, {"apply_card": True})
    unified = {
        **xse_mother_applies,
        "监护人.姓名": "王芳",
        "监护人.银行账号": "6222021001123456789",
        "GA-002.relation": "母亲",
    }
    cls = build_form(schema)
    form = cls(data=prefill_data(schema, unified))
    assert form.validate(), form.errors
    out = form.to_unified()
    assert out["新生儿.出生日期"] == date(2026, 11, 1)
    assert form.to_unified(jsonable=True)["新生儿.出生日期"] == "2026-11-01"
    assert {k: v for k, v in form.to_unified(jsonable=True).items() if v is not None} == unified

    bad = cls(
        data=prefill_data(
            schema,
            {**unified, "新生儿.出生日期": "2026-02-30", "监护人.银行账号": "123", "申请人.电子邮箱": "wf@"},
        )
    )
    assert not bad.validate()
    assert bad.errors[field_name("新生儿.出生日期")] == ["出生日期：不是真实存在的日期"]
    assert bad.errors[field_name("监护人.银行账号")] == ["银行账号：应为12至19位数字"]
    assert bad.errors[field_name("申请人.电子邮箱")] == ["电子邮箱：格式不正确"]


def test_date_field_in_formdata(xse):
    bundle, items = xse
    schema = merge(bundle, items)
    cls = build_form(schema)
    form = cls(MultiDict([(field_name("新生儿.出生日期"), "2026-2-3")]))
    form.validate()
    assert form.errors[field_name("新生儿.出生日期")] == ["出生日期：应为 YYYY-MM-DD 格式的日期"]
    form = cls(MultiDict([(field_name("新生儿.出生日期"), "2026-02-30")]))
    form.validate()
    assert form.errors[field_name("新生儿.出生日期")] == ["出生日期：应为 YYYY-MM-DD 格式的真实日期"]


def test_sections_help_and_choices(schema):
    form = build_form(schema)()
    sections = list(form.iter_sections())
    assert [(title, kind) for title, kind, _ in sections][:3] == [
        ("经营者信息", "role"),
        ("企业信息", "role"),
        ("从业人员", "group"),
    ]
    first = sections[0][2]
    assert [f.label.text for f in first] == ["经营者姓名", "经营者身份证号", "联系电话"]
    assert first[1].description == "需要此项的事项：个体工商户设立登记（SCJG）、食品经营许可（SCJG）"
    assert first[0].flags.required
    choice = form[field_name("企业.组成形式")]
    assert [list(c)[0] for c in choice.choices] == ["", "个人经营", "家庭经营"]
    assert field_name("企业.统一社会信用代码") not in form.field_keys  # produced, not asked
    assert isinstance(form[field_name("SW-004.liquor_kinds")], wtforms.SelectMultipleField)
    assert isinstance(form[field_name("企业.经营范围")], wtforms.TextAreaField)
    assert isinstance(form[STAFF], wtforms.FieldList)


def test_field_names_are_deterministic_identifiers():
    assert field_name("经营者.姓名") == field_name("经营者.姓名")
    assert field_name("经营者.姓名") != field_name("母亲.姓名")
    name = field_name("SCJG-001.operator_name")
    assert name.isidentifier() and name.startswith("f_SCJG_001_operator_name_")
    assert field_name("从业人员[].姓名").isidentifier()


def test_a_required_yes_no_field_must_be_answered_and_no_is_an_answer():
    items = {
        "X": {
            "code": "X",
            "name": "x",
            "fields": [{"name": "online", "label": "是否网络经营", "type": "boolean", "required": True}],
        }
    }
    schema = merge({"code": "B", "steps": [{"item": "X"}]}, items)
    cls = build_form(schema)
    name = field_name("X.online")
    form = cls(MultiDict())
    assert not form.validate()
    assert form.errors[name] == ["是否网络经营：请选择“是”或“否”"]
    no = cls(MultiDict([(name, "false")]))
    assert no.validate() and no.to_unified(jsonable=True) == {"X.online": False}
    assert cls(MultiDict([(name, "true")])).to_unified() == {"X.online": True}
    bad = cls(MultiDict([(name, "maybe")]))
    assert not bad.validate() and bad.errors[name] == ["是否网络经营：请选择“是”或“否”"]
    assert forms.field_types.find("boolean").display(False) == "否"  # as printed documents show it
    # the unified data goes back to the form as a browser would post it, 否 included
    for value in (True, False):
        again = cls(MultiDict(formdata_for(schema, {"X.online": value})))
        assert again.validate() and again.to_unified() == {"X.online": value}


def test_a_yes_no_field_is_two_labelled_radio_buttons():
    items = {
        "X": {"code": "X", "name": "x", "fields": [{"name": "o", "label": "是否设置仓库", "type": "boolean"}]}
    }
    schema = merge({"code": "B", "steps": [{"item": "X"}]}, items)
    cls = build_form(schema)
    html = str(cls(formdata=None, data=prefill_data(schema, {"X.o": False}))[field_name("X.o")]())
    assert html.count('type="radio"') == 2 and 'type="checkbox"' not in html
    assert re.findall(r'value="(\w+)"> (.)</label>', html) == [("true", "是"), ("false", "否")]
    assert re.findall(r"<input checked [^>]*value=\"(\w+)\"", html) == ["false"]  # 否 is the one chosen
    blank = str(cls(formdata=None)[field_name("X.o")]())
    assert "checked" not in blank
    assert cls(MultiDict()).validate() and cls(MultiDict()).to_unified() == {"X.o": None}
