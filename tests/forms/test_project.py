"""project: unified data back into every item's own form."""

from decimal import Decimal

from werkzeug.datastructures import MultiDict

from forms import build_form, form_to_data, formdata_for, merge, project

ALL = {"sells_alcohol": True, "large_venue": True}
USCC = "914403001922038216"
UNIFIED = {
    "经营者.姓名": "张三",
    "经营者.公民身份号码": "11010519491231002X",
    "经营者.联系电话": "13800138000",
    "企业.名称": "张三小馆",
    "企业.经营场所": "西安市雁塔区",
    "企业.经营范围": "餐饮服务",
    "企业.注册资本": Decimal("10"),
    "企业.组成形式": "个人经营",
    "企业.建筑面积": Decimal("350.5"),
    "企业.经营面积": Decimal("300"),
    "企业.从业人数": 3,
    "SCJG-001.sign_text": "张三小馆",
    "SCJG-002.business_type": "餐饮服务经营者",
    "SW-004.liquor_kinds": ["白酒"],
    "从业人员[]": [
        {"姓名": "李四", "公民身份号码": "440524188001010014", "健康证明编号": "JK-1"},
        {"姓名": "王五", "公民身份号码": "11010519491231002X", "健康证明编号": "JK-2"},
    ],
}


def test_every_field_of_every_item_is_filled(kfd, kfd_resolutions):
    bundle, items = kfd
    schema = merge(bundle, items, ALL, kfd_resolutions)
    out = project(schema, items, UNIFIED, produced={"SCJG-001": {"企业.统一社会信用代码": USCC}})
    assert list(out) == ["SCJG-001", "SCJG-002", "SW-004", "XF-003"]
    for code, data in out.items():
        for f in items[code]["fields"]:
            if f.get("group"):
                assert all(r[f["name"]] is not None for r in data[f["group"]]) and len(data[f["group"]]) == 2
            else:
                assert data[f["name"]] not in (None, [], ""), (code, f["name"])
    assert (
        out["SCJG-001"]["operator_name"] == out["SCJG-002"]["applicant"] == out["XF-003"]["contact"] == "张三"
    )
    assert out["SCJG-002"]["从业人员"] == [
        {"staff": "李四", "health": "JK-1"},
        {"staff": "王五", "health": "JK-2"},
    ]
    assert out["SCJG-001"]["从业人员"][0] == {"staff_name": "李四", "staff_id": "440524188001010014"}
    assert list(out["SCJG-001"]) == [
        f.get("group") or f["name"] for f in items["SCJG-001"]["fields"] if f["name"] != "staff_id"
    ]  # the item's own order


def test_resolution_value_maps_and_type_conversion(kfd, kfd_resolutions):
    bundle, items = kfd
    schema = merge(bundle, items, ALL, kfd_resolutions)
    out = project(schema, items, UNIFIED)
    assert out["SCJG-001"]["form"] == "个人经营"
    assert out["SCJG-002"]["form"] == "个体经营"  # mapped for SCJG-002
    assert out["SCJG-001"]["staff_count"] == 3
    assert out["XF-003"]["staff_count"] == "3"  # XF-003 keeps a text field


def test_produced_values_by_key_by_item_or_single_value(kfd):
    bundle, items = kfd
    schema = merge(bundle, items, {"sells_alcohol": True})
    assert project(schema, items, {})["SW-004"]["uscc"] is None  # not known yet
    for produced in (
        {"企业.统一社会信用代码": USCC},
        {"SCJG-001": USCC},
        {"SCJG-001": {"统一社会信用代码": USCC}},
        {"SCJG-001": {"uscc": USCC}},
    ):
        out = project(schema, items, {}, produced)
        assert out["SCJG-002"]["uscc"] == out["SW-004"]["uscc"] == USCC


def test_round_trip_through_the_form(xse, xse_mother_applies):
    bundle, items = xse
    schema = merge(bundle, items, {"apply_card": True})
    unified = {
        **xse_mother_applies,
        "父亲.姓名": "李强",
        "父亲.公民身份号码": "440524188001010014",
        "监护人.姓名": "王芳",
        "监护人.银行账号": "6222021001123456789",
        "监护人.开户银行": "工商银行",
        "GA-002.relation": "母亲",
    }
    form = build_form(schema)(MultiDict(formdata_for(schema, unified)))
    assert form.validate(), form.errors
    data = form_to_data(form, jsonable=True)
    produced = {
        "WJ-001": "P123456",
        "GA-002": {"公民身份号码": "61010320261101001X", "社会保障号码": "61010320261101001X"},
    }
    out = project(schema, items, data, produced)
    for code in schema.item_codes:
        assert set(out[code]) == {f["name"] for f in items[code]["fields"]}
        assert all(v is not None for v in out[code].values()), code
    assert out["GA-002"]["cert_no"] == "P123456"
    assert out["YB-003"]["insured_id"] == "61010320261101001X"
    assert out["GA-002"]["baby"] == out["WJ-001"]["baby_name"] == out["RS-004"]["name"] == "王小明"
    assert out["WJ-001"]["birth_date"] == "2026-11-01"
