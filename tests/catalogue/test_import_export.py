"""``bundler import`` / ``bundler export`` against the contract, through the real CLI and database."""

from __future__ import annotations

import yaml
from sqlalchemy import func, select

from bundler.catalogue.serialize import content_hash, item_dict, without_code
from bundler.extensions import db
from bundler.models import BundleVersion, Department, ItemField, ItemVersion

import factories as f


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_stores_every_part_of_the_contract(runner, write_yaml):
    result = runner.invoke(args=["import", str(write_yaml(f.small_catalogue()))])
    assert result.exit_code == 0, result.output
    assert "新增部门 2" in result.output and "新增事项 3" in result.output and "新增一件事 1" in result.output

    xf = db.session.scalar(select(Department).where(Department.code == "XF"))
    assert (xf.channel, xf.webhook_url) == ("webhook", "https://xf.example.gov.cn/in")
    version = db.session.scalar(select(BundleVersion))
    steps = {s.item.code: s for s in version.steps}
    assert [p.item.code for p in steps["SCJG-002"].prerequisites] == ["SCJG-001"]
    assert steps["XF-001"].condition == {"big": True}
    assert version.questions[0].key == "big"
    assert _count(ItemField) == 9


def test_importing_the_same_file_twice_changes_nothing(runner, write_yaml):
    path = str(write_yaml(f.small_catalogue()))
    runner.invoke(args=["import", path])
    before = (_count(ItemVersion), _count(BundleVersion), _count(ItemField))
    result = runner.invoke(args=["import", path])
    assert result.exit_code == 0
    assert "事项未变 3" in result.output and "一件事未变 1" in result.output
    assert (_count(ItemVersion), _count(BundleVersion), _count(ItemField)) == before


def test_a_changed_item_gets_a_new_version_and_the_old_one_is_kept(runner, write_yaml):
    catalogue = f.small_catalogue()
    runner.invoke(args=["import", str(write_yaml(catalogue))])
    catalogue["items"][0]["promised_days"] = 3
    result = runner.invoke(args=["import", str(write_yaml(catalogue))])
    assert "事项新版本 1" in result.output
    versions = db.session.scalars(select(ItemVersion).order_by(ItemVersion.version)).all()
    changed = [v for v in versions if v.item.code == "SCJG-001"]
    assert [(v.version, v.promised_days) for v in changed] == [(1, 10), (2, 3)]


def test_stored_hash_matches_what_the_row_serialises_to(runner, write_yaml):
    runner.invoke(args=["import", str(write_yaml(f.small_catalogue()))])
    for version in db.session.scalars(select(ItemVersion)):
        assert content_hash(without_code(item_dict(version))) == version.content_hash


def test_export_round_trips_through_an_empty_database(runner, write_yaml, tmp_path):
    runner.invoke(args=["import", str(write_yaml(f.small_catalogue()))])
    first = runner.invoke(args=["export"])
    assert first.exit_code == 0
    exported = yaml.safe_load(first.output)
    assert {b["code"] for b in exported["bundles"]} == {"KFD"}
    assert exported["items"][0]["fields"][0]["role"] == "申请人"
    # importing the export again is a no-op, and exporting once more gives the same text
    again = runner.invoke(args=["import", str(write_yaml(exported))])
    assert "事项未变 3" in again.output
    assert runner.invoke(args=["export"]).output == first.output


def test_export_of_one_bundle_is_self_contained(runner, write_yaml):
    catalogue = f.small_catalogue()
    catalogue["departments"].append(f.department("MZ"))
    catalogue["items"].append(f.item("MZ-001", "MZ"))
    runner.invoke(args=["import", str(write_yaml(catalogue))])
    exported = yaml.safe_load(runner.invoke(args=["export", "--bundle", "KFD"]).output)
    assert {i["code"] for i in exported["items"]} == {"SCJG-001", "SCJG-002", "XF-001"}
    assert {d["code"] for d in exported["departments"]} == {"SCJG", "XF"}


def test_export_of_unknown_bundle_says_so_in_chinese(runner):
    result = runner.invoke(args=["export", "--bundle", "NOPE"])
    assert result.exit_code != 0
    assert "一件事“NOPE”不存在" in result.output


def test_a_bad_file_is_refused_whole_with_every_problem_named(runner, write_yaml):
    catalogue = f.small_catalogue()
    catalogue["items"][0]["department"] = "NOBODY"  # unknown department
    catalogue["items"][1]["promised_days"] = 30  # more than legal_days 20
    catalogue["items"][2]["type"] = "行政许可证"  # unknown type
    catalogue["items"][2]["fields"].append(
        {"name": "form", "label": "组成形式", "type": "choice"}
    )  # no options
    catalogue["items"].append(f.item("SCJG-001", "SCJG"))  # duplicate code
    catalogue["bundles"][0]["steps"][1]["depends_on"] = ["GHOST-9"]  # not in the bundle
    path = write_yaml(catalogue, "bad.yaml")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    out = result.output
    assert "拒绝导入" in out and "bad.yaml" in out
    assert "实施部门“NOBODY”不存在" in out
    assert "承诺办结时限 30 个工作日大于法定办结时限 20 个工作日" in out
    assert "事项类型“行政许可证”未知" in out
    assert "事项 XF-001，字段 form" in out and "必须给出选项" in out
    assert "事项 SCJG-001：编码在本文件中重复" in out
    assert "GHOST-9" in out
    assert _count(Department) == 0 and _count(ItemVersion) == 0


def test_a_good_file_is_imported_while_a_bad_one_beside_it_is_not(runner, write_yaml):
    good = write_yaml({"departments": [f.department("GA")]}, "good.yaml")
    bad = write_yaml({"items": [f.item("GA-001", "GA", legal_days=-1)]}, "bad.yaml")
    result = runner.invoke(args=["import", str(good), str(bad)])
    assert result.exit_code == 1
    assert "已导入：" in result.output and "good.yaml" in result.output
    assert "法定办结时限（legal_days）应为不小于 0 的整数" in result.output
    assert _count(Department) == 1 and _count(ItemVersion) == 0


def test_files_of_one_batch_may_refer_to_each_other(runner, write_yaml):
    catalogue = f.small_catalogue()
    paths = [
        write_yaml({"bundles": catalogue["bundles"]}, "3.yaml"),
        write_yaml({"items": catalogue["items"]}, "2.yaml"),
        write_yaml({"departments": catalogue["departments"]}, "1.yaml"),
    ]
    result = runner.invoke(args=["import", *map(str, paths)])
    assert result.exit_code == 0, result.output


def test_a_file_leaning_on_a_refused_file_is_refused_too(runner, write_yaml):
    bad_depts = write_yaml({"departments": [f.department("GA", channel="fax")]}, "depts.yaml")
    items = write_yaml({"items": [f.item("GA-001", "GA")]}, "items.yaml")
    result = runner.invoke(args=["import", str(bad_depts), str(items)])
    assert result.exit_code == 1
    assert "接收方式（channel）“fax”未知" in result.output
    assert "items.yaml：事项 GA-001：实施部门“GA”不存在" in result.output


def test_garbage_and_broken_yaml_get_messages_not_tracebacks(runner, tmp_path, write_yaml):
    broken = tmp_path / "broken.yaml"
    broken.write_text("items: [\n  - code: X\n", encoding="utf-8")
    weird = write_yaml({"items": "abc", "departments": [5, {"code": "bad code!", "name": 3}]}, "weird.yaml")
    result = runner.invoke(args=["import", str(broken), str(weird), str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "YAML 格式错误" in result.output
    assert "items 应为列表" in result.output
    assert "第 1 个部门：应为键值对" in result.output
    assert "只能由字母、数字、下划线和连字符组成" in result.output
    assert "missing.yaml：文件：文件不存在" in result.output


def test_extra_keys_are_kept_and_exported(runner, write_yaml):
    catalogue = f.small_catalogue()
    catalogue["items"][0].update(place="汉台区政务服务中心二楼", life_event="开办")
    catalogue["items"][0]["materials"][0]["copies"] = 1
    runner.invoke(args=["import", str(write_yaml(catalogue))])
    exported = yaml.safe_load(runner.invoke(args=["export"]).output)
    first = next(i for i in exported["items"] if i["code"] == "SCJG-001")
    assert first["place"] == "汉台区政务服务中心二楼" and first["life_event"] == "开办"
    assert first["materials"][0]["copies"] == 1


def test_a_cyclic_bundle_is_refused_with_the_cycle_named(runner, write_yaml):
    catalogue = f.small_catalogue()
    steps = catalogue["bundles"][0]["steps"]
    steps[0]["depends_on"] = ["SCJG-002"]  # SCJG-001 → SCJG-002 → SCJG-001
    result = runner.invoke(args=["import", str(write_yaml(catalogue, "cycle.yaml"))])
    assert result.exit_code == 1
    assert "循环依赖" in result.output
    assert "SCJG-001" in result.output and "SCJG-002" in result.output
    assert _count(BundleVersion) == 0 and _count(Department) == 0


def test_redundant_dependency_is_a_warning_not_a_refusal(runner, write_yaml):
    catalogue = f.small_catalogue()
    steps = catalogue["bundles"][0]["steps"]
    steps[2]["depends_on"] = ["SCJG-001", "SCJG-002"]
    steps[2]["when"] = {}
    steps[1]["depends_on"] = ["SCJG-001"]
    result = runner.invoke(args=["import", str(write_yaml(catalogue))])
    assert result.exit_code == 0, result.output
    assert "提示：" in result.output
    assert _count(BundleVersion) == 1
