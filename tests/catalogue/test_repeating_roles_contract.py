"""Several persons of one role in the contract: ``roles: [{name, repeat: true}]`` and a step's ``per:``
load, export and merge (``bundler merge --json --persons ROLE=N``); what cannot work is refused in
Chinese at import: ``per`` naming a role that does not repeat, a condition reading a repeating role's
field, a value of a repeating role given by a step that does not run per that role."""

from __future__ import annotations

import json

import yaml

import factories as f


def _catalogue(roles=({"name": "股东", "repeat": True, "max": 5},), per="股东", **changes):
    catalogue = f.small_catalogue()
    first, second = catalogue["items"][0], catalogue["items"][1]
    first["fields"] += [
        f.field("holder_name", "股东姓名", "股东", "姓名"),
        f.field("holder_id", "股东身份证号", "股东", "公民身份号码", type="id_number"),
        f.field("share", "出资额（万元）", "股东", "出资额", type="decimal"),
    ]
    second["fields"] += [
        f.field("holder", "股东姓名", "股东", "姓名"),
        {**f.field("record", "股东备案号", "股东", "备案编号"), "filled_by": "department"},
    ]
    bundle = catalogue["bundles"][0]
    bundle["roles"] = [dict(r) for r in roles]
    if per is not None:
        bundle["steps"][1]["per"] = per
    for path, value in changes.items():
        index, key = path.split(".")
        first["fields"][int(index)][key] = value
    return catalogue


def _confirmed_by(roles):
    catalogue = _catalogue()
    catalogue["bundles"][0]["confirm_by"] = roles
    return catalogue


def test_every_party_confirms_loads_and_exports(runner, write_yaml):
    result = runner.invoke(args=["import", str(write_yaml(_confirmed_by(["股东"])))])
    assert result.exit_code == 0, result.output
    exported = yaml.safe_load(runner.invoke(args=["export"]).output)
    assert exported["bundles"][0]["confirm_by"] == ["股东"]


def test_repeating_roles_and_per_steps_load_export_and_merge(runner, write_yaml):
    result = runner.invoke(args=["import", str(write_yaml(_catalogue()))])
    assert result.exit_code == 0, result.output
    exported = yaml.safe_load(runner.invoke(args=["export"]).output)
    bundle = exported["bundles"][0]
    assert bundle["roles"] == [{"name": "股东", "repeat": True, "max": 5}]
    assert {s["item"]: s.get("per") for s in bundle["steps"]}["SCJG-002"] == "股东"

    one = json.loads(runner.invoke(args=["merge", "KFD", "--json"]).output)
    by_key = {fld["key"]: fld for fld in one["fields"]}
    assert by_key["股东[].姓名"]["repeating_role"] == "股东" and by_key["股东[].姓名"]["max_persons"] == 5
    assert by_key["股东[].备案编号"]["filled_by"] == "department"
    assert by_key["申请人.姓名"]["repeating_role"] is None
    three = json.loads(runner.invoke(args=["merge", "KFD", "--json", "--persons", "股东=3"]).output)
    # the three shareholder fields the applicant types, once for each of the three shareholders
    assert three["stats"]["asked_fields"] == one["stats"]["asked_fields"] + 2 * 3
    assert three["fields"] == one["fields"]


def test_persons_of_a_role_that_does_not_repeat_are_refused(runner, write_yaml):
    runner.invoke(args=["import", str(write_yaml(_catalogue()))])
    for wrong, said in (("申请人=2", "不是本件事可重复的角色"), ("股东=0", "应写成 角色=人数")):
        result = runner.invoke(args=["merge", "KFD", "--json", "--persons", wrong])
        assert result.exit_code != 0 and said in result.output, result.output


def test_what_cannot_work_per_person_is_refused_in_chinese(runner, write_yaml):
    reads_a_shareholder = {"logic": {"==": [{"var": "fields.股东.姓名"}, "张三"]}}
    cases = [
        (_catalogue(per="申请人"), "按人办理（per）的“申请人”不是本件事声明可重复的角色"),
        (_catalogue(per=None), "须由按“股东”逐人办理的步骤给出"),
        (_catalogue(roles=({"name": "股东", "repeat": True, "min": 3, "max": 2},)), "至少 3 人多于至多 2 人"),
        (_catalogue(**{"2.when": reads_a_shareholder}), "条件不能引用可有多人的角色的字段“股东.姓名”"),
        (_confirmed_by(["经营者"]), "角色“经营者”在本件事的表单中没有公民身份号码"),
        (_confirmed_by("股东"), "各方确认（confirm_by）应为角色名称的列表"),
    ]
    for catalogue, said in cases:
        result = runner.invoke(args=["import", str(write_yaml(catalogue, "bad.yaml"))])
        assert result.exit_code == 1 and said in result.output, (said, result.output)


def test_a_file_without_roles_loads_and_merges_as_before(runner, write_yaml):
    result = runner.invoke(args=["import", str(write_yaml(f.small_catalogue()))])
    assert result.exit_code == 0, result.output
    merged = json.loads(runner.invoke(args=["merge", "KFD", "--json"]).output)
    assert all(fld["repeating_role"] is None and "[]" not in fld["key"] for fld in merged["fields"])
