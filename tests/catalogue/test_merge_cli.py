"""``bundler merge`` prints the contract's JSON for stored bundles."""

from __future__ import annotations

import json

import factories as f


def _merge(runner, *args):
    result = runner.invoke(args=["merge", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _catalogue():
    catalogue = f.small_catalogue()
    first, second, fire = catalogue["items"]
    second["fields"][0]["label"] = "经营者姓名"  # same role.element, another label: merged
    second["fields"].append(
        f.field("credit_code", "统一社会信用代码", "企业", "统一社会信用代码", type="uscc")
    )
    first["fields"].append(
        f.field(
            "credit_code", "统一社会信用代码", "企业", "统一社会信用代码", type="uscc", produced_by="SCJG-001"
        )
    )
    second["fields"][-1]["produced_by"] = "SCJG-001"
    fire["fields"].append(
        f.field("form", "组成形式", "企业", "组成形式", type="choice", options=["个人", "家庭"])
    )
    second["fields"].append(
        f.field("form", "组成形式", "企业", "组成形式", type="choice", options=["个人经营", "家庭经营"])
    )
    second["materials"].append(
        {"name": "营业执照", "kind": "营业执照", "role": "企业", "produced_by": "SCJG-001"}
    )
    return catalogue


def test_merge_json_follows_the_contract(runner, write_yaml):
    runner.invoke(args=["import", str(write_yaml(_catalogue()))])
    merged = _merge(runner, "KFD", "--json")
    assert list(merged) == ["bundle", "fields", "conflicts", "materials", "stats"]
    fields = {fld["key"]: fld for fld in merged["fields"]}
    name = fields["申请人.姓名"]
    assert {(s["item"], s["field"]) for s in name["sources"]} == {
        ("SCJG-001", "applicant_name"),
        ("SCJG-002", "applicant_name"),
    }
    assert fields["企业.统一社会信用代码"]["produced_by"] == "SCJG-001"
    assert merged["conflicts"] == []  # XF-001 does not apply without answers
    licence = next(m for m in merged["materials"] if m["kind"] == "营业执照")
    assert licence["produced_by"] == "SCJG-001"
    assert merged["stats"] == {
        "component_fields": 9, "merged_fields": 5, "asked_fields": 4,
        "component_materials": 3, "merged_materials": 2, "asked_materials": 1,
    }  # fmt: skip


def test_merge_with_answers_reports_conflicts_with_both_sides(runner, write_yaml):
    runner.invoke(args=["import", str(write_yaml(_catalogue()))])
    merged = _merge(runner, "KFD", "--json", "--answer", "big=true")
    conflict = next(c for c in merged["conflicts"] if c["key"] == "企业.组成形式")
    assert conflict["kind"] == "options" and conflict["items"] == ["SCJG-002", "XF-001"]
    human = runner.invoke(args=["merge", "KFD", "--answer", "big=true"]).output
    assert "冲突：企业.组成形式（options）" in human and "合并后" in human


def test_merge_refuses_bad_answers_in_chinese(runner, write_yaml):
    runner.invoke(args=["import", str(write_yaml(_catalogue()))])
    result = runner.invoke(args=["merge", "KFD", "--answer", "big=perhaps"])
    assert result.exit_code != 0 and "只能回答 是/否" in result.output
