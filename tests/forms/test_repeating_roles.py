"""Several persons of one role (二手房 with joint owners on both sides): a repeating role's fields are
kept per person as rows of the role, shown one block per person, checked per person (a conditional
column is neither required nor kept while its condition fails), and each department gets the
persons it needs: all of them, or, for a step run per person, that one person's values."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from forms import build_form, build_notice, field_name, formdata_for, merge, project

SHARE = {"logic": {"==": [{"var": "fields.房屋.共有方式"}, "按份共有"]}}


def _field(name, label, role, element, **extra):
    return {"name": name, "label": label, "role": role, "element": element, "type": "text", **extra}


@pytest.fixture
def esf():
    items = {
        "SW-1": {
            "code": "SW-1",
            "name": "契税申报",
            "department": "SW",
            "fields": [
                _field("buyer", "承受方姓名", "买方", "姓名", required=True),
                _field("buyer_id", "承受方证件号码", "买方", "公民身份号码", type="id_number", required=True),
                _field("seller", "出卖方姓名", "卖方", "姓名", required=True),
                _field("where", "房屋坐落", "房屋", "房屋坐落", required=True),
            ],
            "materials": [{"name": "承受方身份证", "kind": "居民身份证", "role": "买方", "required": True}],
        },
        "BDC-1": {
            "code": "BDC-1",
            "name": "转移登记",
            "department": "BDC",
            "fields": [
                _field("owner", "权利人姓名", "买方", "姓名", required=True),
                _field(
                    "way", "共有方式", "房屋", "共有方式", type="choice", options=["共同共有", "按份共有"]
                ),
                _field("share", "共有份额", "买方", "共有份额", required=True, when=SHARE),
                _field("cert", "证书编号", "买方", "登记编号", filled_by="department"),
            ],
        },
    }
    bundle = {
        "code": "ESF",
        "name": "二手房",
        "roles": [{"name": "买方", "repeat": True, "max": 3}, {"name": "卖方", "repeat": True}],
        "steps": [{"item": "SW-1"}, {"item": "BDC-1", "depends_on": ["SW-1"], "per": "买方"}],
    }
    return bundle, items


BUYERS = [
    {"姓名": "王一", "公民身份号码": "110105194912310038", "共有份额": "60%"},
    {"姓名": "王二", "公民身份号码": "11010519491231002X", "共有份额": "40%"},
]


def test_a_repeating_roles_fields_are_kept_per_person(esf):
    bundle, items = esf
    schema = merge(bundle, items)
    keys = {f.key for f in schema.fields}
    assert {"买方[].姓名", "买方[].公民身份号码", "买方[].共有份额", "卖方[].姓名", "房屋.房屋坐落"} <= keys
    assert schema.field("买方[].姓名").items == ("BDC-1", "SW-1")  # merged across the items, per person
    assert schema.repeating == ("买方", "卖方")
    assert schema.groups["买方"] == (1, 3) and schema.groups["卖方"] == (1, None)
    assert {s.kind for s in schema.sections if s.group == "买方"} == {"persons"}
    assert schema.field("买方[].登记编号").filled_by == "department"
    # the applicant types three values per buyer (name, ID number, share) and one per seller
    one = merge(bundle, items).stats.asked_fields
    assert merge(bundle, items, persons={"买方": 2, "卖方": 3}).stats.asked_fields == one + 3 + 2


def test_each_person_is_checked_and_a_conditional_column_only_while_it_is_asked(esf):
    bundle, items = esf
    schema = merge(bundle, items)
    cls = build_form(schema)
    data = {"房屋.房屋坐落": "汉台区北关街道 1 号", "房屋.共有方式": "共同共有", "卖方[]": [{"姓名": "李四"}]}
    joint = {**data, "买方[]": [{k: v for k, v in b.items() if k != "共有份额"} for b in BUYERS]}
    form = cls(MultiDict(formdata_for(schema, joint)))
    assert form.validate(), form.errors  # 共同共有: no share is asked of anyone
    assert [row["共有份额"] for row in form.to_unified()["买方[]"]] == [None, None]

    by_share = {**joint, "房屋.共有方式": "按份共有"}
    form = cls(MultiDict(formdata_for(schema, by_share)))
    assert not form.validate()
    rows = form.errors[field_name("买方[]")]
    assert [row.get(field_name("共有份额")) for row in rows] == [["共有份额：必填"]] * 2

    form = cls(MultiDict(formdata_for(schema, {**by_share, "买方[]": BUYERS})))
    assert form.validate(), form.errors
    assert form.to_unified()["买方[]"] == BUYERS

    typed_then_hidden = {**joint, "买方[]": BUYERS}  # typed before 共同共有 was chosen: not kept
    form = cls(MultiDict(formdata_for(schema, typed_then_hidden)))
    assert form.validate() and all(r["共有份额"] is None for r in form.to_unified()["买方[]"])

    too_many = {**by_share, "买方[]": BUYERS * 2}
    form = cls(MultiDict(formdata_for(schema, too_many)))
    assert not form.validate() and "买方：最多填写3位" in form.errors[field_name("买方[]")]


def test_each_department_gets_the_persons_it_needs(esf):
    bundle, items = esf
    schema = merge(bundle, items)
    data = {
        "房屋.房屋坐落": "坐落",
        "房屋.共有方式": "按份共有",
        "卖方[]": [{"姓名": "李四"}],
        "买方[]": BUYERS,
    }
    produced = {"买方[]": [{"登记编号": "B-1"}, {"登记编号": "B-2"}]}
    tax = project(schema, items, data, produced)["SW-1"]
    assert tax["买方"] == [
        {"buyer": "王一", "buyer_id": "110105194912310038"},
        {"buyer": "王二", "buyer_id": "11010519491231002X"},
    ]
    assert tax["卖方"] == [{"seller": "李四"}] and tax["where"] == "坐落"
    for i, buyer in enumerate(BUYERS):  # the registration runs once per buyer, with that buyer's values
        mine = project(schema, items, data, produced, ("买方", i))["BDC-1"]
        assert mine == {
            "owner": buyer["姓名"],
            "way": "按份共有",
            "share": buyer["共有份额"],
            "cert": f"B-{i + 1}",
        }


def test_the_notice_says_who_must_confirm(esf):
    bundle, items = esf
    assert build_notice(bundle, items)["confirm_by"] == ""
    told = build_notice({**bundle, "confirm_by": ["买方", "卖方"]}, items)["confirm_by"]
    assert "每一位买方、每一位卖方本人确认" in told and "窗口出示居民身份证" in told
