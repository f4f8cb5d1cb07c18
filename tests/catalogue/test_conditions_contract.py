"""The contract's new keys on fields and materials: ``when`` (answers or JSON Logic) and ``filled_by``
are checked at import with Chinese messages, kept through export, and shown by ``bundler merge --json``
(a file without them loads as before)."""

from __future__ import annotations

import json

import yaml

import factories as f

ETHNICITY_DIFFERS = {"logic": {"!=": [{"var": "fields.申请人.民族"}, {"var": "fields.新生儿.民族"}]}}


def _catalogue(**changes):
    catalogue = f.small_catalogue()
    first = catalogue["items"][0]
    first["fields"] += [
        f.field("nation", "民族", "申请人", "民族"),
        f.field("baby_nation", "新生儿民族", "新生儿", "民族"),
        {**f.field("proof", "民族成份确认书编号", "申请人", "确认书编号"), "when": ETHNICITY_DIFFERS},
        {**f.field("area", "面积", "经营者", "经营面积"), "when": {"big": True}},
        {**f.field("weight", "出生体重", "新生儿", "体重"), "filled_by": "department"},
    ]
    first["materials"].append({"name": "民族成份确认书", "when": ETHNICITY_DIFFERS})
    for path, value in changes.items():
        index, key = path.split(".")
        first["fields"][int(index)][key] = value
    return catalogue


def test_conditions_and_department_fields_load_export_and_merge(runner, write_yaml):
    result = runner.invoke(args=["import", str(write_yaml(_catalogue()))])
    assert result.exit_code == 0, result.output
    exported = yaml.safe_load(runner.invoke(args=["export"]).output)
    fields = {fld["name"]: fld for fld in exported["items"][0]["fields"]}
    assert fields["proof"]["when"] == ETHNICITY_DIFFERS and fields["weight"]["filled_by"] == "department"

    merged = json.loads(runner.invoke(args=["merge", "KFD", "--json", "--answer", "big=true"]).output)
    by_key = {fld["key"]: fld for fld in merged["fields"]}
    assert by_key["申请人.确认书编号"]["when"] == ETHNICITY_DIFFERS["logic"]
    assert by_key["申请人.姓名"]["when"] is None and by_key["申请人.姓名"]["filled_by"] is None
    assert by_key["新生儿.体重"]["filled_by"] == "department"
    assert {m["name"]: m["when"] for m in merged["materials"]}["民族成份确认书"] == ETHNICITY_DIFFERS["logic"]
    small = json.loads(runner.invoke(args=["merge", "KFD", "--json", "--answer", "big=false"]).output)
    assert "经营者.经营面积" not in {fld["key"] for fld in small["fields"]}
    assert small["stats"]["asked_fields"] == merged["stats"]["asked_fields"] - 1


def test_bad_conditions_are_refused_in_chinese(runner, write_yaml):
    cases = [
        ({"3.when": {"logic": {"eval": ["1"]}}}, "不支持的运算符“eval”"),
        ({"3.when": {"logic": {"==": [{"var": "申请人.民族"}, "汉族"]}}}, "answers.问题编号"),
        ({"4.when": {"unknown_question": True}}, "情形问题“unknown_question”不是本件事的问题"),
        ({"5.filled_by": "hospital"}, "filled_by 只能是 department"),
    ]
    for changes, said in cases:
        result = runner.invoke(args=["import", str(write_yaml(_catalogue(**changes), "bad.yaml"))])
        assert result.exit_code == 1 and said in result.output, (said, result.output)


def test_a_condition_on_a_field_the_form_lacks_is_a_warning(runner, write_yaml):
    lacking = {"logic": {"==": [{"var": "fields.配偶.民族"}, "汉族"]}}
    result = runner.invoke(args=["import", str(write_yaml(_catalogue(**{"3.when": lacking})))])
    assert result.exit_code == 0 and "条件引用的字段“配偶.民族”不在本件事的表单中" in result.output
