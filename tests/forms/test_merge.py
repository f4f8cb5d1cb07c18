"""forms.merge: the contract's `bundler merge --json` shape, merge rules, conflicts, resolutions."""

import json

import pytest

import forms
from forms import merge
from forms.merge import merge_types

CONTRACT_FIELD_KEYS = {"key", "label", "type", "required", "produced_by", "sources"}
CONTRACT_MATERIAL_KEYS = {"kind", "role", "required", "e_licence", "produced_by", "items"}
STATS_KEYS = [
    "component_fields",
    "merged_fields",
    "asked_fields",
    "component_materials",
    "merged_materials",
    "asked_materials",
]
ALL = {"sells_alcohol": True, "large_venue": True}


def test_contract_shape(kfd):
    bundle, items = kfd
    out = merge(bundle, items, ALL).to_json()
    assert list(out) == ["bundle", "fields", "conflicts", "materials", "stats"]
    assert out["bundle"] == "KFD"
    assert json.loads(json.dumps(out, ensure_ascii=False)) == out  # plain JSON
    for f in out["fields"]:
        assert set(f) >= CONTRACT_FIELD_KEYS
        assert isinstance(f["key"], str) and isinstance(f["label"], str) and isinstance(f["required"], bool)
        assert f["produced_by"] is None or f["produced_by"] in items
        assert all(set(s) >= {"item", "field"} for s in f["sources"])
    for c in out["conflicts"]:
        assert {"key", "kind", "items"} <= set(c)
    for m in out["materials"]:
        assert set(m) >= CONTRACT_MATERIAL_KEYS
        assert m["items"] == sorted(m["items"])
    assert list(out["stats"]) == STATS_KEYS


def test_contract_counts_kfd_all_steps(kfd):
    bundle, items = kfd
    out = merge(bundle, items, ALL).to_json()
    assert out["stats"] == {
        "component_fields": 32,
        "merged_fields": 18,
        "asked_fields": 17,
        "component_materials": 9,
        "merged_materials": 5,
        "asked_materials": 4,
    }
    assert [(c["key"], c["kind"], c["items"]) for c in out["conflicts"]] == [
        ("企业.从业人数", "type", ["SCJG-001", "XF-003"]),
        ("企业.组成形式", "options", ["SCJG-001", "SCJG-002"]),
    ]


def test_contract_entries_kfd(kfd):
    bundle, items = kfd
    out = merge(bundle, items, {}).to_json()  # no answers: only the unconditional steps
    by_key = {f["key"]: f for f in out["fields"]}
    assert {k: v for k, v in by_key["经营者.姓名"].items() if k in CONTRACT_FIELD_KEYS} == {
        "key": "经营者.姓名",
        "label": "经营者姓名",
        "type": "text",
        "required": True,
        "produced_by": None,
        "sources": [
            {"item": "SCJG-001", "field": "operator_name", "label": "经营者姓名"},
            {"item": "SCJG-002", "field": "applicant", "label": "申请人（经营者）姓名"},
        ],
    }
    mats = {(m["kind"], m["role"]): m for m in out["materials"]}
    assert {k: v for k, v in mats[("居民身份证", "经营者")].items() if k in CONTRACT_MATERIAL_KEYS} == {
        "kind": "居民身份证",
        "role": "经营者",
        "required": True,
        "e_licence": True,
        "produced_by": None,
        "items": ["SCJG-001", "SCJG-002"],
    }
    assert out["stats"] == {
        "component_fields": 23,
        "merged_fields": 16,
        "asked_fields": 15,
        "component_materials": 6,
        "merged_materials": 4,
        "asked_materials": 3,
    }


def test_contract_counts_newborn(xse):
    bundle, items = xse
    assert merge(bundle, items, {"apply_card": True}).to_json()["stats"] == {
        "component_fields": 26,
        "merged_fields": 20,
        "asked_fields": 17,
        "component_materials": 6,
        "merged_materials": 5,
        "asked_materials": 4,
    }
    assert merge(bundle, items).to_json()["stats"] == {
        "component_fields": 20,
        "merged_fields": 15,
        "asked_fields": 13,
        "component_materials": 5,
        "merged_materials": 4,
        "asked_materials": 3,
    }


def test_merge_needs_role_and_element_labels_may_differ(kfd):
    bundle, items = kfd
    schema = merge(bundle, items, ALL)
    name = schema.field("经营者.姓名")
    assert [s.label for s in name.sources] == ["经营者姓名", "申请人（经营者）姓名", "经营者", "负责人姓名"]
    assert name.label == "经营者姓名"
    assert schema.field("经营者.联系电话").label == "联系电话"


def test_names_of_different_roles_are_different_fields(xse):
    bundle, items = xse
    keys = {f.key for f in merge(bundle, items, {"apply_card": True}).fields}
    assert {"申请人.姓名", "新生儿.姓名", "母亲.姓名", "父亲.姓名", "监护人.姓名"} <= keys


def test_applicant_and_deceased_names_are_two_fields():
    items = {
        "MZ-1": {
            "code": "MZ-1",
            "name": "殡葬补贴",
            "department": "MZ",
            "fields": [
                {"name": "a", "label": "申请人姓名", "role": "申请人", "element": "姓名"},
                {"name": "d", "label": "逝者姓名", "role": "逝者", "element": "姓名"},
            ],
        },
        "GA-9": {
            "code": "GA-9",
            "name": "户口注销",
            "department": "GA",
            "fields": [
                {"name": "dead", "label": "死者姓名", "role": "逝者", "element": "姓名"},
                {"name": "who", "label": "姓名", "role": "申请人", "element": "姓名"},
            ],
        },
    }
    bundle = {"code": "SHS", "name": "身后事", "steps": [{"item": "MZ-1"}, {"item": "GA-9"}]}
    schema = merge(bundle, items)
    assert [(f.key, f.label, f.items) for f in schema.fields] == [
        ("申请人.姓名", "申请人姓名", ("GA-9", "MZ-1")),
        ("逝者.姓名", "逝者姓名", ("GA-9", "MZ-1")),
    ]


def test_strictest_rule(kfd):
    bundle, items = kfd
    schema = merge(bundle, items, ALL)
    name = schema.field("企业.名称")
    assert name.max_length == 50 and name.required
    phone = schema.field("经营者.联系电话")  # SCJG-002 optional, SCJG-001 required; text + phone
    assert phone.required and phone.type == "phone"
    assert schema.field("企业.统一社会信用代码").type == "uscc"  # text (XF-003) + uscc


def test_type_compatibility():
    assert merge_types({"text", "textarea"}) == "textarea"
    assert merge_types({"text", "id_number"}) == "id_number"
    assert merge_types({"integer", "decimal"}) == "integer"
    assert merge_types({"phone", "email"}) is None
    assert merge_types({"date", "text"}) is None
    assert merge_types({"choice", "multichoice"}) is None


def test_conflicts_are_reported_with_both_sides_and_field_still_present(kfd):
    bundle, items = kfd
    schema = merge(bundle, items, ALL)
    conflict = {c.kind: c for c in schema.conflicts}["options"].to_json()
    assert conflict["values"] == [
        {"item": "SCJG-001", "field": "form", "value": ["个人经营", "家庭经营"]},
        {"item": "SCJG-002", "field": "form", "value": ["个体经营", "家庭经营", "合伙经营"]},
    ]
    assert "选项不一致" in conflict["message"]
    field = schema.field("企业.组成形式")
    assert field.conflicted and field.options == ("个人经营", "家庭经营")
    assert schema.field("企业.从业人数").conflicted


def test_resolutions_resolve_conflicts_and_are_kept_as_notes(kfd, kfd_resolutions):
    bundle, items = kfd
    schema = merge(bundle, items, ALL, kfd_resolutions)
    assert schema.conflicts == ()
    assert [(n.key, n.kinds) for n in schema.resolutions] == [
        ("企业.从业人数", ("type",)),
        ("企业.组成形式", ("options",)),
    ]
    form = schema.field("企业.组成形式")
    assert not form.conflicted and form.resolution == "按市场监管局登记口径"
    assert form.options == ("个人经营", "家庭经营")
    assert dict(form.sources[1].value_map) == {"个人经营": "个体经营"}
    assert schema.field("企业.从业人数").type == "integer"
    # the bundle's own extension key is used when no resolutions are passed
    assert merge({**bundle, "resolutions": kfd_resolutions}, items, ALL).conflicts == ()


def test_incomplete_resolution_keeps_the_conflict(kfd):
    bundle, items = kfd
    res = {"企业.组成形式": {"options": ["个人经营", "家庭经营"]}}  # 个人经营 has no SCJG-002 value
    schema = merge(bundle, items, {}, res)
    kinds = sorted(c.kind for c in schema.conflicts)
    assert kinds == ["options", "resolution"]
    problem = next(c for c in schema.conflicts if c.kind == "resolution")
    assert "个人经营" in problem.message and "SCJG-002" in problem.message
    assert schema.field("企业.组成形式").conflicted


def test_label_only_fields_are_never_merged_and_are_reported_for_confirmation():
    items = {
        "A-1": {
            "code": "A-1",
            "name": "甲",
            "department": "A",
            "fields": [{"name": "idno", "label": "经营者身份证号", "type": "id_number"}],
        },
        "B-1": {
            "code": "B-1",
            "name": "乙",
            "department": "B",
            "fields": [
                {"name": "idno", "label": "经营者身份证号", "type": "id_number"},
                {"name": "who", "label": "姓名", "element": "姓名"},
            ],
        },  # element but no role
    }
    bundle = {"code": "T", "steps": [{"item": "A-1"}, {"item": "B-1"}]}
    schema = merge(bundle, items)
    assert [f.key for f in schema.fields] == ["A-1.idno", "B-1.idno", "B-1.who"]
    assert all(f.confirm for f in schema.fields)
    sug = schema.field("A-1.idno").suggestion
    assert (sug.role, sug.element) == ("经营者", "公民身份号码") and sug.confidence >= 0.9
    assert schema.field("B-1.who").suggestion.element == "姓名"
    assert schema.to_confirm == schema.fields


def test_grouped_fields_keep_their_group_in_the_key(kfd):
    bundle, items = kfd
    schema = merge(bundle, items, {})
    name = schema.field("从业人员[].姓名")
    assert name.group == "从业人员" and name.column == "姓名" and name.group_key == "从业人员[]"
    assert name.items == ("SCJG-001", "SCJG-002")
    assert "姓名" not in {f.key for f in schema.fields}  # grouped names do not merge with others
    assert schema.field("经营者.姓名").group is None


def test_produced_inside_the_bundle_is_not_asked(kfd):
    bundle, items = kfd
    schema = merge(bundle, items, ALL)
    uscc = schema.field("企业.统一社会信用代码")
    assert uscc.produced_by == "SCJG-001" and not uscc.asked
    assert uscc not in schema.asked_fields


def test_produced_by_an_item_that_does_not_apply_is_asked(kfd):
    bundle, items = kfd
    steps = [s for s in bundle["steps"] if s["item"] != "SCJG-001"]
    schema = merge({**bundle, "steps": steps}, items, ALL)
    uscc = schema.field("企业.统一社会信用代码")
    assert uscc.produced_by is None and uscc.asked
    assert next(m for m in schema.materials if m.kind == "营业执照").asked


def test_scenarios_keep_only_fields_and_materials_of_applicable_steps(kfd):
    bundle, items = kfd
    none = merge(bundle, items, {})
    assert none.item_codes == ("SCJG-001", "SCJG-002")
    assert "企业.建筑面积" not in none.by_key and "SW-004.liquor_kinds" not in none.by_key
    assert all(m.kind != "消防安全制度" for m in none.materials)
    alcohol = merge(bundle, items, {"sells_alcohol": True})
    assert "SW-004.liquor_kinds" in alcohol.by_key and "企业.建筑面积" not in alcohol.by_key
    assert merge(bundle, items, {"sells_alcohol": True, "large_venue": False}).item_codes == (
        "SCJG-001",
        "SCJG-002",
        "SW-004",
    )


def test_sections_start_with_the_applicant(xse, kfd):
    bundle, items = xse
    schema = merge(bundle, items, {"apply_card": True})
    assert [s.title for s in schema.sections] == [
        "申请人信息",
        "新生儿信息",
        "母亲信息",
        "父亲信息",
        "监护人信息",
        "出生登记补充信息",
    ]
    assert schema.sections[1].keys[:2] == ("新生儿.姓名", "新生儿.性别")  # produced ID number not listed
    bundle, items = kfd
    assert [s.kind for s in merge(bundle, items, ALL).sections] == [
        "role",
        "role",
        "group",
        "item",
        "item",
        "item",
    ]


def test_missing_item_is_an_error(kfd):
    bundle, items = kfd
    with pytest.raises(forms.BundleError, match="SCJG-002"):
        merge(bundle, {"SCJG-001": items["SCJG-001"]})


def test_omitted_optional_keys_use_contract_defaults():
    items = {
        "X-1": {
            "code": "X-1",
            "fields": [{"name": "n", "label": "申请人姓名", "role": "申请人", "element": "姓名"}],
            "materials": [{"name": "身份证", "kind": "居民身份证"}],
        }
    }
    schema = merge({"code": "B", "steps": [{"item": "X-1"}]}, items)
    f = schema.field("申请人.姓名")
    assert (f.type, f.required, f.produced_by, f.options) == ("text", False, None, ())
    m = schema.materials[0]
    assert (m.required, m.e_licence, m.role, m.produced_by) == (True, False, None, None)


def test_help_names_items_and_departments(kfd):
    bundle, items = kfd
    assert merge(bundle, items, {}).field("经营者.公民身份号码").help == (
        "需要此项的事项：个体工商户设立登记（SCJG）、食品经营许可（SCJG）"
    )


def test_stats_reduction(kfd):
    bundle, items = kfd
    r = forms.reduction(merge(bundle, items, ALL).stats)
    assert r == {"fields": round(1 - 17 / 32, 4), "materials": round(1 - 4 / 9, 4)}


def test_produced_by_and_rows_conflicts_and_their_resolution():
    items = {
        "P-1": {"code": "P-1", "name": "甲", "fields": []},
        "P-2": {"code": "P-2", "name": "乙", "fields": []},
        "U-1": {
            "code": "U-1",
            "name": "丙",
            "fields": [
                {
                    "name": "c",
                    "label": "信用代码",
                    "role": "企业",
                    "element": "统一社会信用代码",
                    "produced_by": "P-1",
                },
                {"name": "n", "label": "姓名", "element": "姓名", "group": "股东", "min_rows": 3},
            ],
        },
        "U-2": {
            "code": "U-2",
            "name": "丁",
            "fields": [
                {
                    "name": "c",
                    "label": "信用代码",
                    "role": "企业",
                    "element": "统一社会信用代码",
                    "produced_by": "P-2",
                },
                {
                    "name": "n",
                    "label": "股东姓名",
                    "role": "股东",
                    "element": "姓名",
                    "group": "股东",
                    "max_rows": 2,
                },
            ],
        },
    }
    bundle = {"code": "B", "steps": [{"item": c} for c in items]}
    schema = merge(bundle, items)
    assert [(c.key, c.kind) for c in schema.conflicts] == [
        ("企业.统一社会信用代码", "produced_by"),
        ("股东[]", "rows"),
    ]
    assert schema.field("股东[].姓名").items == ("U-1", "U-2")  # role = group merges with no role
    resolved = merge(bundle, items, resolutions={"企业.统一社会信用代码": {"produced_by": "P-2"}})
    assert resolved.field("企业.统一社会信用代码").produced_by == "P-2"
    assert [c.kind for c in resolved.conflicts] == ["rows"]
