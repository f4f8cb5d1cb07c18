"""Two levels of the catalogue (seed 000 一, seed 003 第八条): 基本目录 entries (a top-level ``catalogue:``
list) and the district's items that name one (``catalogue_code``) and must keep its name, type and
basis. An item that differs is refused with both values named, at import and in the studio; a province's
basic catalogue imports on its own; a changed entry lists every district item that must follow it."""

from __future__ import annotations

import yaml

from bundler.extensions import db
from bundler.services import changes

import factories as f

BASIS = "《中华人民共和国食品安全法》第三十五条"
ENTRY = {
    "code": "000117007000",
    "name": "食品经营许可",
    "type": "行政许可",
    "basis": BASIS,
    "level": "国家级",
}


def _district(**item_changes):
    catalogue = f.small_catalogue()
    first = catalogue["items"][0]
    first.update(
        {"name": "食品经营许可", "type": "行政许可", "basis": BASIS, "catalogue_code": ENTRY["code"]}
    )
    first.update(item_changes)
    return catalogue


def test_an_item_keeping_its_basic_entry_loads_and_exports_with_it(runner, write_yaml):
    result = runner.invoke(args=["import", str(write_yaml({"catalogue": [ENTRY], **_district()}))])
    assert result.exit_code == 0, result.output
    assert "新增基本目录 1" in result.output
    exported = yaml.safe_load(runner.invoke(args=["export"]).output)
    assert exported["catalogue"] == [ENTRY]
    assert exported["items"][0]["catalogue_code"] == ENTRY["code"]
    alone = yaml.safe_load(runner.invoke(args=["export", "--bundle", "KFD"]).output)
    assert alone["catalogue"] == [ENTRY]  # the bundle's file imports on its own


def test_an_item_that_differs_from_its_basic_entry_is_refused_naming_both_values(runner, write_yaml):
    runner.invoke(args=["import", str(write_yaml({"catalogue": [ENTRY]}))])
    cases = [
        (
            {"name": "食品经营许可（餐饮）"},
            "事项名称“食品经营许可（餐饮）”与基本目录 000117007000 的事项名称“食品经营许可”不一致",
        ),
        ({"type": "行政确认"}, "事项类型“行政确认”与基本目录 000117007000 的事项类型“行政许可”不一致"),
        (
            {"basis": "《食品经营许可管理办法》"},
            f"设定依据“《食品经营许可管理办法》”与基本目录 000117007000 的设定依据“{BASIS}”不一致",
        ),
        ({"catalogue_code": "999999999999"}, "基本目录中没有基本编码“999999999999”"),
    ]
    for changed, said in cases:
        result = runner.invoke(args=["import", str(write_yaml(_district(**changed), "bad.yaml"))])
        assert result.exit_code == 1 and said in result.output, (said, result.output)


def test_basic_codes_are_text_and_levels_known(runner, write_yaml):
    bad = [
        ({**ENTRY, "code": 117007000}, "基本编码（code）应写成带引号的文字"),
        ({**ENTRY, "level": "乡级"}, "层级（level）只能是国家级、省级、市级、县级"),
        ({**ENTRY, "type": "许可"}, "事项类型“许可”未知"),
    ]
    for entry, said in bad:
        result = runner.invoke(args=["import", str(write_yaml({"catalogue": [entry]}, "bad.yaml"))])
        assert result.exit_code == 1 and said in result.output, (said, result.output)


def test_a_changed_basic_entry_lists_the_district_items_that_must_follow(runner, write_yaml):
    assert (
        runner.invoke(args=["import", str(write_yaml({"catalogue": [ENTRY], **_district()}))]).exit_code == 0
    )
    renamed = {**ENTRY, "name": "食品经营许可和备案"}
    result = runner.invoke(
        args=["import", str(write_yaml({"catalogue": [renamed]}))]
    )  # the province's list alone
    assert result.exit_code == 0, result.output
    assert "调整基本目录 1" in result.output
    assert "以下实施清单事项须随之调整" in result.output
    assert (
        "事项 SCJG-001：事项名称“食品经营许可”与基本目录 000117007000 的事项名称“食品经营许可和备案”不一致"
        in result.output
    )
    again = runner.invoke(args=["import", str(write_yaml({"catalogue": [renamed]}))])
    assert "基本目录未变 1" in again.output


def test_the_studio_refuses_an_item_change_that_leaves_its_basic_entry(runner, write_yaml, make_user):
    assert (
        runner.invoke(args=["import", str(write_yaml({"catalogue": [ENTRY], **_district()}))]).exit_code == 0
    )
    officer = make_user("department", login="scjg-officer", department="SCJG")
    change = changes.start_change(db.session, officer, changes.KIND_ITEM, "SCJG-001", changes.ACTION_CHANGE)
    changes.save_content(db.session, change, officer, {**change.content, "name": "餐饮服务许可"})
    problems = changes.contract_problems(db.session, change)
    assert any(
        "事项名称“餐饮服务许可”与基本目录 000117007000 的事项名称“食品经营许可”不一致" in p for p in problems
    )


ELEMENTS = {
    "implementation_code": "11610702MB2950142X4000117007000",
    "exercise_content": "食品经营许可（餐饮服务）",
    "fee_basis": "不收费",
    "kind": "承诺件",
    "visits": 1,
    "channels": ["窗口", "网上", "邮寄"],
    "process": ["受理", "审查", "决定", "送达"],
    "phones": {"consult": "0916-2626315", "complaint": "12345"},
    "online_url": "https://zwfw.shaanxi.gov.cn/hantai/item/SCJG-001",
}


def test_the_standard_elements_load_and_export_and_bad_ones_are_refused(runner, write_yaml):
    catalogue = _district(**ELEMENTS)
    catalogue["items"][0]["materials"][0]["sample"] = "样表-食品经营许可申请书.pdf"
    result = runner.invoke(args=["import", str(write_yaml({"catalogue": [ENTRY], **catalogue}))])
    assert result.exit_code == 0, result.output
    item = yaml.safe_load(runner.invoke(args=["export"]).output)["items"][0]
    assert {k: item[k] for k in ELEMENTS} == ELEMENTS
    assert item["materials"][0]["sample"] == "样表-食品经营许可申请书.pdf"
    bad = [
        ({"kind": "即时件"}, "办件类型（kind）只能是即办件或承诺件"),
        ({"kind": "即办件"}, "即办件当场办结，承诺办结时限应为 0"),
        ({"visits": -1}, "到现场次数（visits）应为不小于 0 的整数"),
        ({"channels": ["柜台"]}, "办理形式（channels）应为以下的列表"),
        ({"process": "受理-办结"}, "办理流程（process）应为环节名称的列表"),
        ({"phones": {"consult": "电话"}}, "咨询电话“电话”不是有效的电话号码"),
        ({"phones": {"fax": "123"}}, "电话（phones）应写成"),
        ({"online_url": "zwfw.example"}, "网办地址（online_url）应为 http:// 或 https:// 开头的网址"),
    ]
    for changed, said in bad:
        result = runner.invoke(args=["import", str(write_yaml(_district(**changed), "bad.yaml"))])
        assert result.exit_code == 1 and said in result.output, (said, result.output)
