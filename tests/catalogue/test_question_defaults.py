"""A question's ``default`` (the answer used when none is given) is checked at import like an answer."""

from __future__ import annotations

import yaml
from sqlalchemy import func, select

from bundler.catalogue.queries import bundle_definition
from bundler.extensions import db
from bundler.models import BundleVersion

import factories as f


def _with_default(default):
    catalogue = f.small_catalogue()
    catalogue["bundles"][0]["questions"][0]["default"] = default
    return catalogue


def test_a_default_is_stored_as_the_answer_it_stands_for_and_exported(runner, write_yaml):
    result = runner.invoke(args=["import", str(write_yaml(_with_default("否")))])
    assert result.exit_code == 0, result.output
    question = bundle_definition(db.session, "KFD").bundle["questions"][0]
    assert question["default"] is False
    exported = yaml.safe_load(runner.invoke(args=["export"]).output)
    assert exported["bundles"][0]["questions"][0]["default"] is False


def test_a_default_no_answer_fits_is_refused_in_chinese(runner, write_yaml):
    result = runner.invoke(args=["import", str(write_yaml(_with_default("也许"), "bad.yaml"))])
    assert result.exit_code == 1
    assert "问题 big" in result.output
    assert "默认答案（default）无效" in result.output and "只能回答 是/否" in result.output
    assert db.session.scalar(select(func.count()).select_from(BundleVersion)) == 0


def test_a_choice_default_must_be_one_of_the_options(runner, write_yaml):
    catalogue = f.small_catalogue()
    catalogue["bundles"][0]["questions"] = [
        {"id": "big", "text": "面积？", "type": "choice", "options": ["小", "大"], "default": "中"}
    ]
    catalogue["bundles"][0]["steps"][2]["when"] = {"big": "大"}
    result = runner.invoke(args=["import", str(write_yaml(catalogue))])
    assert result.exit_code == 1
    assert "默认答案（default）无效" in result.output and "小、大" in result.output
