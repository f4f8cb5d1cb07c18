"""一次告知, the data-element dictionary and suggestions."""

import json

import pytest

from forms import build_notice, default_dictionary, load_dictionary, merge, suggest
from forms.dictionary import FIELD_TYPES


def test_notice_without_answers_lists_everything_with_conditions(kfd):
    bundle, items = kfd
    notice = build_notice(bundle, items)
    json.dumps(notice, ensure_ascii=False)
    assert notice["bundle"] == "KFD" and notice["name"] == "开饭店"
    types = [e["type"] for e in notice["entries"]]
    assert types == sorted(types, key=lambda t: t != "material")  # materials first, then fields
    mats = {e["kind"]: e for e in notice["entries"] if e["type"] == "material"}
    assert set(mats) == {"居民身份证", "消防安全制度", "经营场所证明", "食品安全管理制度"}
    fire = mats["消防安全制度"]
    assert fire["condition_text"] == "当“营业面积是否超过300平方米？”为“是”时需要"
    assert fire["conditions"] == [
        [{"question": "large_venue", "text": "营业面积是否超过300平方米？", "value": True}]
    ]
    idcard = mats["居民身份证"]
    assert idcard["conditions"] == [] and idcard["required"] and not idcard["e_licence"]
    assert idcard["e_licence_items"] == ["SCJG-001", "SCJG-002"]
    assert idcard["original"] == "原件及复印件"
    assert [i["code"] for i in idcard["items"]] == ["SCJG-001", "SCJG-002", "XF-003"]
    assert mats["食品安全管理制度"]["tolerable"] is True  # 容缺
    assert mats["经营场所证明"]["copies"] == 2
    assert [p["kind"] for p in notice["provided"]] == ["营业执照"]
    assert notice["provided"][0]["produced_by"]["name"] == "个体工商户设立登记"
    fields = [e for e in notice["entries"] if e["type"] == "field"]
    liquor = next(e for e in fields if e["key"] == "SW-004.liquor_kinds")
    assert liquor["condition_text"] == "当“是否销售酒类？”为“是”时需要"
    assert fields[0]["section"] == "经营者信息" and fields[0]["title"] == "经营者姓名"
    assert all(e["key"] != "企业.统一社会信用代码" for e in fields)  # produced


def test_notice_with_answers_covers_the_applicable_steps(kfd):
    bundle, items = kfd
    notice = build_notice(bundle, items, {"sells_alcohol": False, "large_venue": False})
    kinds = {e["kind"] for e in notice["entries"] if e["type"] == "material"}
    assert "消防安全制度" not in kinds
    assert notice["stats"] == merge(bundle, items, {}).stats.to_json()


def test_material_merge_rules(xse):
    bundle, items = xse
    schema = merge(bundle, items, {"apply_card": True})
    by = {(m.kind, m.role): m for m in schema.materials}
    mother = by[("居民身份证", "母亲")]
    assert mother.items == ("GA-002", "WJ-001") and mother.e_licence and mother.required
    assert by[("居民身份证", "父亲")].required is False
    cert = by[("出生医学证明", "新生儿")]
    assert cert.produced_by == "WJ-001" and not cert.asked


def test_dictionary_has_the_common_elements():
    d = default_dictionary()
    for name in [
        "姓名",
        "公民身份号码",
        "性别",
        "民族",
        "出生日期",
        "联系电话",
        "电子邮箱",
        "住所",
        "通讯地址",
        "邮政编码",
        "统一社会信用代码",
        "名称",
        "银行账号",
        "开户银行",
        "经营场所",
        "经营范围",
        "注册资本",
        "从业人数",
        "户籍地址",
        "国籍",
        "社会保障号码",
        "不动产权证书号",
        "建筑面积",
        "成交价格",
    ]:
        assert name in d.elements, name
        assert d.elements[name].type in FIELD_TYPES
    assert d.element_for_synonym("身份证号码") == d.element_for_synonym("身份证号") == "公民身份号码"
    assert d.element_for_synonym("手机号码") == d.element_for_synonym("联系方式") == "联系电话"
    assert d.elements["社会保障号码"].check == "id_number"


def test_dictionary_is_extendable_and_the_default_unchanged():
    d = load_dictionary(
        [
            {"name": "食品经营许可证编号", "type": "text", "synonyms": ["许可证编号"]},
            {"name": "姓名", "type": "text", "max_length": 30},
        ]
    )
    assert d.element_for_synonym("许可证编号") == "食品经营许可证编号"
    assert d.elements["姓名"].max_length == 30
    assert default_dictionary().elements["姓名"].max_length == 50
    assert "食品经营许可证编号" not in default_dictionary().elements
    with pytest.raises(ValueError) as exc:
        load_dictionary([{"name": "x", "type": "nope"}, {"type": "text", "check": "luhn"}])
    assert (
        "类型 nope 不存在" in str(exc.value)
        and "缺少名称" in str(exc.value)
        and "校验规则 luhn" in str(exc.value)
    )


def test_element_dictionary_adds_validation_to_text_fields():
    items = {
        "X": {
            "code": "X",
            "name": "x",
            "fields": [
                {
                    "name": "id",
                    "label": "身份证号",
                    "role": "申请人",
                    "element": "公民身份号码",
                    "type": "text",
                },
                {"name": "zip", "label": "邮编", "role": "申请人", "element": "邮政编码"},
            ],
        }
    }
    schema = merge({"code": "B", "steps": [{"item": "X"}]}, items)
    assert schema.field("申请人.公民身份号码").check == "id_number"
    assert schema.field("申请人.邮政编码").pattern == "^[0-9]{6}$"


@pytest.mark.parametrize(
    "label,role,element,low",
    [
        ("经营者身份证号", "经营者", "公民身份号码", 0.9),
        ("法定代表人手机号码", "法定代表人", "联系电话", 0.9),
        ("母亲姓名", "母亲", "姓名", 0.9),
        ("父亲的身份证号码", "父亲", "公民身份号码", 0.9),
        ("新生儿出生日期", "新生儿", "出生日期", 0.9),
        ("买方姓名", "买方", "姓名", 0.9),
        ("卖方联系电话", "卖方", "联系电话", 0.9),
        ("统一社会信用代码", "企业", "统一社会信用代码", 0.8),
    ],
)
def test_suggestions_exact(label, role, element, low):
    s = suggest(label)
    assert (s.role, s.element) == (role, element)
    assert low <= s.confidence <= 1


def test_suggestion_confidence_orders_exact_above_substring_above_guess():
    exact = suggest("经营者身份证号").confidence
    substring = suggest("经营者本人常用手机号码").confidence
    no_role = suggest("联系电话").confidence
    assert exact > substring > 0 and exact > no_role
    assert suggest("联系电话").role == "申请人"
    assert suggest("店铺门头照片") is None
    typed = suggest({"label": "证件号", "type": "id_number"})
    assert typed.element == "公民身份号码" and typed.confidence < 0.5
