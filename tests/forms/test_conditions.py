"""Conditions on fields and materials (``when``): read from both catalogue forms into JSON Logic, the
answers put in when the form is merged, the rest evaluated over the form's own fields when it is
validated and projected, and described in plain Chinese; ``filled_by: department`` fields are never
asked of the applicant and are filled at their step."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from forms import build_form, build_notice, form_to_data, merge, produced_schema, project
from forms.conditions import ConditionError, describe, hidden_keys, holds, settle, to_logic

DIFFERENT = {"logic": {"!=": [{"var": "fields.母亲.民族"}, {"var": "fields.新生儿.民族"}]}}


def _field(name, role, element, **more):
    return {"name": name, "label": element, "role": role, "element": element, "type": "text", **more}


ITEMS = {
    "GA-1": {
        "code": "GA-1",
        "name": "出生登记",
        "department": "GA",
        "fields": [
            _field("mzm", "母亲", "民族", required=True),
            _field("mz", "新生儿", "民族", required=True),
            _field("qrs", "母亲", "民族成份确认书编号", required=True, when=DIFFERENT),
            _field("zfdz", "申请人", "住房地址", when={"own_home": True}),
        ],
        "materials": [{"name": "民族成份确认书", "when": DIFFERENT}, {"name": "出生医学证明"}],
    },
    "WJ-1": {
        "code": "WJ-1",
        "name": "出生医学证明",
        "department": "WJ",
        "fields": [
            _field("tz", "新生儿", "体重", filled_by="department"),
            _field("mz", "新生儿", "民族"),
            _field(
                "zfdz", "申请人", "住房地址", when={"logic": {"==": [{"var": "answers.own_home"}, False]}}
            ),
        ],
    },
}
BUNDLE = {
    "code": "XSE",
    "name": "新生儿出生",
    "questions": [{"id": "own_home", "text": "是否自有住房？", "type": "boolean"}],
    "steps": [{"item": "GA-1"}, {"item": "WJ-1"}],
}


def test_both_ways_of_writing_a_condition_become_json_logic():
    assert to_logic(None) is None
    assert to_logic({"own_home": True}) == {"==": [{"var": "answers.own_home"}, True]}
    assert to_logic({"size": ["中", "大"], "own_home": True}) == {
        "and": [{"in": [{"var": "answers.size"}, ["中", "大"]]}, {"==": [{"var": "answers.own_home"}, True]}]
    }
    assert to_logic(DIFFERENT) == DIFFERENT["logic"]
    for bad, said in [
        ({"logic": {"eval": ["x"]}}, "不支持的运算符"),
        ({"logic": {"==": [{"var": "data.x"}, 1]}}, "answers.问题编号"),
        ({"logic": {"==": [{"var": "fields.民族"}, 1]}}, "fields.数据主体.数据元"),
        ({"logic": {"==": [1, 1]}, "own_home": True}, "不能再写其他键"),
        ("own_home", "键值对"),
    ]:
        with pytest.raises(ConditionError, match=said):
            to_logic(bad)


def test_answers_are_put_in_when_the_form_is_merged():
    rule = to_logic({"logic": {"and": [{"var": "answers.own_home"}, {"!!": [{"var": "fields.母亲.民族"}]}]}})
    assert settle(rule, {"own_home": False}) is False
    assert settle(rule, {"own_home": True}) == {"!!": [{"var": "fields.母亲.民族"}]}
    assert settle(to_logic({"own_home": True}), {}) is False  # unanswered reads as null

    renting = merge(BUNDLE, ITEMS, {"own_home": False})
    address = renting.field("申请人.住房地址")
    assert [s.item for s in address.sources] == ["WJ-1"] and address.when is None
    owning = merge(BUNDLE, ITEMS, {"own_home": True})
    assert [s.item for s in owning.field("申请人.住房地址").sources] == ["GA-1"]


def test_a_field_asked_only_when_another_field_says_so():
    schema = merge(BUNDLE, ITEMS, {"own_home": True})
    proof = schema.field("母亲.民族成份确认书编号")
    assert proof.when == DIFFERENT["logic"] and proof.asked
    assert holds(proof.when, {"母亲.民族": "汉族", "新生儿.民族": "回族"})
    assert not holds(proof.when, {"母亲.民族": "汉族", "新生儿.民族": "汉族"})
    needed = {m.name: m.when for m in schema.materials}
    assert needed["民族成份确认书"] == DIFFERENT["logic"] and needed["出生医学证明"] is None

    form_class = build_form(schema)
    same = form_class(
        MultiDict({"母亲_民族": "汉族", "新生儿_民族": "汉族", "母亲_民族成份确认书编号": "早先填的"})
    )
    same = form_class(
        MultiDict(
            {
                form_class.key_names["母亲.民族"]: "汉族",
                form_class.key_names["新生儿.民族"]: "汉族",
                form_class.key_names["母亲.民族成份确认书编号"]: "早先填的",
                form_class.key_names["申请人.住房地址"]: "天汉大道 1 号",
            }
        )
    )
    assert same.validate(), same.errors  # hidden: not required
    assert form_to_data(same)["母亲.民族成份确认书编号"] is None  # and what was typed is not kept
    differ = form_class(
        MultiDict(
            {
                form_class.key_names["母亲.民族"]: "汉族",
                form_class.key_names["新生儿.民族"]: "回族",
                form_class.key_names["申请人.住房地址"]: "天汉大道 1 号",
            }
        )
    )
    assert not differ.validate()
    assert "母亲.民族成份确认书编号" in {form_class.field_keys[n] for n in differ.errors}
    assert hidden_keys(schema.fields, {"母亲.民族": "汉族", "新生儿.民族": "回族"}) == frozenset()


def test_projection_gives_each_item_what_it_asks_for_the_data():
    schema = merge(BUNDLE, ITEMS, {"own_home": True})
    data = {"母亲.民族": "汉族", "新生儿.民族": "汉族", "申请人.住房地址": "天汉大道 1 号"}
    out = project(schema, ITEMS, data, {"新生儿.体重": "3.2"})
    assert set(out["GA-1"]) == {"mzm", "mz", "zfdz"}  # no 确认书 when the ethnicities agree
    assert out["WJ-1"] == {"tz": "3.2", "mz": "汉族"}  # the department-filled value, once filled
    differ = project(schema, ITEMS, {**data, "新生儿.民族": "回族", "母亲.民族成份确认书编号": "Q-1"})
    assert differ["GA-1"]["qrs"] == "Q-1"


def test_a_field_a_department_fills_is_never_asked_and_is_filled_at_its_step():
    schema = merge(BUNDLE, ITEMS, {"own_home": True})
    weight = schema.field("新生儿.体重")
    assert weight.filled_by == "department" and not weight.asked
    assert "新生儿.体重" not in {f.key for f in schema.asked_fields}
    assert "新生儿.体重" not in build_form(schema).key_names  # not in the applicant's form
    assert [f.key for f in produced_schema(schema, "WJ-1").fields] == ["新生儿.体重"]
    assert produced_schema(schema, "GA-1").fields == ()
    assert schema.stats.asked_fields == len(schema.asked_fields) == schema.stats.merged_fields - 1
    shown = schema.to_json()
    by_key = {f["key"]: f for f in shown["fields"]}
    assert by_key["新生儿.体重"]["filled_by"] == "department" and by_key["新生儿.民族"]["when"] is None
    assert by_key["母亲.民族成份确认书编号"]["when"] == DIFFERENT["logic"]


def test_a_condition_in_plain_chinese():
    labels = {"母亲.民族": "母亲的民族", "新生儿.民族": "新生儿的民族"}
    assert describe(DIFFERENT["logic"], labels) == "母亲的民族与新生儿的民族不同"
    assert describe(to_logic({"size": ["中", "大"]}), {"answers.size": "门店面积"}) == "门店面积为“中”或“大”"
    rule = {
        "and": [{"==": [{"var": "fields.买受人.婚姻状况"}, "已婚"]}, {"!": [{"var": "fields.买受人.首套"}]}]
    }
    assert describe(rule) == "（买受人的婚姻状况为“已婚”并且并非买受人的首套）"
    differ = {"!=": [{"var": "fields.父亲.民族"}, {"var": "fields.母亲.民族"}]}
    given = {"and": [{"var": "fields.父亲.民族"}, differ]}  # a bare value: holds when it is given
    assert describe(given) == "（已填写父亲的民族并且父亲的民族与母亲的民族不同）"


def test_the_one_time_notice_says_when_a_material_or_field_depends_on_the_form():
    notice = build_notice(BUNDLE, ITEMS, {"own_home": True})
    by_title = {e["title"]: e for e in notice["entries"]}
    assert by_title["民族成份确认书"]["form_condition_text"] == "母亲的民族与新生儿的民族不同时需要"
    assert by_title["民族成份确认书编号"]["condition_text"] == "母亲的民族与新生儿的民族不同时需要"
    assert by_title["出生医学证明"]["form_condition_text"] == ""
    every = build_notice(BUNDLE, ITEMS)  # no answers: every scenario, conditions as written
    (address,) = [e["condition_text"] for e in every["entries"] if e["title"] == "住房地址"]
    assert address == "（“是否自有住房？”的回答为是或者“是否自有住房？”的回答为否）时需要"
