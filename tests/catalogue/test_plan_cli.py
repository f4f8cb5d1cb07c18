"""``bundler plan`` prints the contract's JSON for stored bundles."""

from __future__ import annotations

import json

import factories as f


def _import(runner, write_yaml, catalogue=None):
    result = runner.invoke(args=["import", str(write_yaml(catalogue or f.small_catalogue()))])
    assert result.exit_code == 0, result.output


def test_plan_json_follows_the_contract(runner, write_yaml):
    _import(runner, write_yaml)
    result = runner.invoke(args=["plan", "KFD", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "bundle": "KFD", "version": 1,
        "stages": [["SCJG-001"], ["SCJG-002"]],
        "critical_path": ["SCJG-001", "SCJG-002"],
        "promised_days": 15, "statutory_days": 40,
        "sum_promised_days": 15, "sum_statutory_days": 40,
    }  # fmt: skip


def test_plan_with_answers_brings_in_conditional_steps(runner, write_yaml):
    _import(runner, write_yaml)
    result = runner.invoke(args=["plan", "KFD", "--json", "--answer", "big=true"])
    planned = json.loads(result.output)
    assert planned["stages"] == [["SCJG-001"], ["SCJG-002", "XF-001"]]
    assert planned["critical_path"] == ["SCJG-001", "XF-001"]
    assert (planned["promised_days"], planned["sum_promised_days"]) == (20, 25)


def test_plan_version_follows_the_stored_version(runner, write_yaml):
    catalogue = f.small_catalogue()
    _import(runner, write_yaml, catalogue)
    catalogue["bundles"][0]["name"] = "开饭店（新）"
    _import(runner, write_yaml, catalogue)
    assert json.loads(runner.invoke(args=["plan", "KFD", "--json"]).output)["version"] == 2


def test_plan_bad_answers_and_unknown_bundles_get_chinese_messages(runner, write_yaml):
    _import(runner, write_yaml)
    bad_value = runner.invoke(args=["plan", "KFD", "--json", "--answer", "big=maybe"])
    assert bad_value.exit_code != 0 and "只能回答 是/否" in bad_value.output
    unknown_question = runner.invoke(args=["plan", "KFD", "--answer", "color=red"])
    assert "没有编号为 color 的情形问题" in unknown_question.output
    no_equals = runner.invoke(args=["plan", "KFD", "--answer", "big"])
    assert "应写成 问题编号=答案" in no_equals.output
    unknown = runner.invoke(args=["plan", "NOPE"])
    assert unknown.exit_code != 0 and "一件事“NOPE”不存在" in unknown.output


def test_plan_human_output_and_svg(runner, write_yaml, tmp_path):
    _import(runner, write_yaml)
    svg = tmp_path / "kfd.svg"
    result = runner.invoke(args=["plan", "KFD", "--answer", "big=true", "--svg", str(svg)])
    assert result.exit_code == 0, result.output
    assert "第 2 阶段（并联）" in result.output and "关键路径" in result.output
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<") and "测试事项XF-001" in text


def test_commands_on_a_database_not_set_up_say_what_to_do(app_config, tmp_path):
    from bundler import create_app

    fresh = create_app({**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"})
    result = fresh.test_cli_runner().invoke(args=["plan", "KFD"])
    assert result.exit_code != 0
    assert "请先运行 bundler db upgrade" in result.output and "Traceback" not in result.output
