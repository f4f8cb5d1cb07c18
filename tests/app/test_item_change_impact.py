"""Impact checks (issue #17, part 4): publishing an item change runs the bundle checker on every bundle
that uses the item, with the change applied. Changing 新生儿.出生日期 in YB-001 from a date to free text
would break 新生儿出生 (the merged form's types conflict): the reviewer is refused with the bundle named,
or chooses to publish it with a draft change of 新生儿出生 for its lead department."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import select

from bundler.extensions import db
from bundler.models import CatalogueChange
from bundler.models.changes import ACTION_CHANGE, KIND_BUNDLE, KIND_ITEM
from bundler.services import changes
from bundler.states import ChangeState


def _birth_date_as_text(content):
    fields = [
        {**f, "type": "text", "max_length": 20} if f["name"] == "insured_birth_date" else f
        for f in content["fields"]
    ]
    return {**content, "fields": fields}


@pytest.fixture
def submitted(sample, make_user):
    officer = make_user("department", login="yb-officer", department="YB")
    change = changes.start_change(db.session, officer, KIND_ITEM, "YB-001", ACTION_CHANGE)
    changes.save_content(db.session, change, officer, _birth_date_as_text(change.content))
    changes.submit(db.session, change, officer, reason="出生日期改为文字", legal_basis="医保经办规程")
    db.session.commit()
    return change


def test_a_change_that_breaks_a_bundle_is_refused_with_the_bundle_named(submitted, make_user):
    reviewer = make_user("reviewer", login="reviewer")
    (broken,) = changes.broken_bundles(db.session, submitted)
    assert broken.code == "XSECS" and any("新生儿[].出生日期" in p for p in broken.problems)
    with pytest.raises(changes.ChangeError) as refused:
        changes.publish(db.session, submitted, reviewer)
    assert "会使一件事“新生儿出生”（XSECS）出错" in str(refused.value)
    assert submitted.status == ChangeState.SUBMITTED  # nothing published


def test_the_reviewer_may_publish_it_with_a_draft_change_of_the_bundle(submitted, make_user):
    reviewer = make_user("reviewer", login="reviewer")
    number = changes.publish(db.session, submitted, reviewer, with_bundle_drafts=True)
    db.session.commit()
    assert number == 2
    draft = db.session.scalar(
        select(CatalogueChange).where(CatalogueChange.kind == KIND_BUNDLE, CatalogueChange.code == "XSECS")
    )
    assert draft is not None and draft.status == ChangeState.DRAFT
    assert draft.department.code == "WJ"  # 新生儿出生's lead department
    assert "事项 YB-001 已变更，本件事须随之调整" in draft.reason


def test_a_change_that_breaks_nothing_publishes_as_before(sample, make_user):
    officer = make_user("department", login="yb-officer", department="YB")
    reviewer = make_user("reviewer", login="reviewer")
    change = changes.start_change(db.session, officer, KIND_ITEM, "YB-001", ACTION_CHANGE)
    changes.save_content(db.session, change, officer, {**change.content, "hours": "工作日 9:00-17:00"})
    changes.submit(db.session, change, officer, reason="调整办公时间", legal_basis="区政务服务中心通知")
    assert changes.broken_bundles(db.session, change) == []
    assert changes.publish(db.session, change, reviewer) == 2


def test_bundler_import_refuses_an_item_file_that_breaks_a_published_bundle(sample, runner, write_yaml):
    exported = yaml.safe_load(runner.invoke(args=["export", "--bundle", "XSECS"]).output)
    yb = next(i for i in exported["items"] if i["code"] == "YB-001")
    refused = runner.invoke(args=["import", str(write_yaml({"items": [_birth_date_as_text(yb)]}))])
    assert refused.exit_code == 1
    assert "事项 YB-001：会使一件事“新生儿出生”（XSECS）出错" in refused.output
    hours = runner.invoke(args=["import", str(write_yaml({"items": [{**yb, "hours": "工作日 9:00-17:00"}]}))])
    assert hours.exit_code == 0 and "事项新版本 1" in hours.output, hours.output
