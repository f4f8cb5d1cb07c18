"""The shipped sample catalogue: it imports cleanly and is rich enough to stand for a real district."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlalchemy import select

from bundler.catalogue.queries import latest_bundle_versions, latest_item_versions
from bundler.extensions import db
from bundler.models import Department
from bundler.services.sample import import_sample, sample_files

REQUIRED_BUNDLES = ("开饭店", "新生儿出生", "企业开办", "退休", "二手房")


@pytest.fixture
def sample(app):
    result = import_sample(db.session)
    db.session.commit()
    assert result.ok, "\n".join(map(str, result.problems))
    return result


def test_sample_imports_without_problems_and_twice_changes_nothing(sample):
    again = import_sample(db.session)
    db.session.commit()
    assert again.ok
    assert not again.counts.get("items_new_version") and not again.counts.get("bundles_new_version")
    assert again.counts["items_unchanged"] == sample.counts["items_created"]


def test_sample_is_the_size_of_a_real_district(sample):
    departments = db.session.scalars(select(Department)).all()
    items = latest_item_versions(db.session)
    bundles = latest_bundle_versions(db.session)
    assert len(departments) >= 10
    assert len(items) >= 25
    assert len({v.item.department_id for v in items.values()}) >= 10
    assert len(bundles) >= 5
    names = " ".join(v.name for v in bundles.values())
    for required in REQUIRED_BUNDLES:
        assert required in names
    field_counts = sorted(len(v.fields) for v in items.values())
    assert sum(10 <= n <= 40 for n in field_counts) >= 0.8 * len(field_counts), field_counts


def test_sample_items_carry_the_standard_elements(sample):
    for code, version in latest_item_versions(db.session).items():
        assert version.basis, code
        assert version.promised_days <= version.legal_days, code
        assert version.materials or version.type == "公共服务", code


def test_every_sample_bundle_has_serial_and_parallel_structure_and_questions(sample, runner):
    for code, version in latest_bundle_versions(db.session).items():
        assert version.questions, code
        planned = json.loads(runner.invoke(args=["plan", code, "--json"]).output)
        assert len(planned["stages"]) >= 2, code  # something waits for something (串联)
        assert planned["promised_days"] <= planned["sum_promised_days"], code


def test_sample_marks_e_licences_and_results_produced_inside_bundles(sample):
    items = latest_item_versions(db.session)
    materials = [m for v in items.values() for m in v.materials]
    fields = [f for v in items.values() for f in v.fields]
    assert sum(m.e_licence for m in materials) >= 10
    assert sum(m.produced_by is not None for m in materials) >= 3
    assert sum(f.produced_by is not None for f in fields) >= 3
    roles = Counter(f"{f.role}.{f.element}" for f in fields if f.role)
    assert roles["申请人.姓名"] + roles["经营者.姓名"] >= 5  # the same data element recurs across forms


def test_sample_files_are_named_for_loading_order():
    names = [p.name for p in sample_files()]
    assert names == sorted(names) and len(names) >= 2


XSECS_EVERY_OPTION = [
    "--answer",
    "medical_insurance=在汉台区参加城乡居民医保",
    "--answer",
    "need_ssc=true",
    "--answer",
    "maternity_allowance=true",
]


def test_newborn_form_asks_what_the_real_birth_bundle_asks(sample, runner):
    """出生一件事: the parents give names, ID numbers, the 户主, addresses, a bank card and phones; the
    hospital's step fills the medical data; twins add only each child's own fields."""
    one = json.loads(runner.invoke(args=["merge", "XSECS", "--json", *XSECS_EVERY_OPTION]).output)
    asked = [f for f in one["fields"] if f["produced_by"] is None and f["filled_by"] is None]
    assert one["stats"]["asked_fields"] == len(asked) <= 25
    medical = {"出生孕周", "出生体重", "出生身长", "健康状况", "出生时间", "出生日期", "接生机构"}
    assert not {f["key"].split(".")[-1] for f in asked} & medical
    filled = {f["key"] for f in one["fields"] if f["filled_by"] == "department"}
    assert {f"新生儿[].{e}" for e in medical} <= filled
    per_child = [f for f in asked if f["repeating_role"] == "新生儿"]
    twins = json.loads(
        runner.invoke(args=["merge", "XSECS", "--json", *XSECS_EVERY_OPTION, "--persons", "新生儿=2"]).output
    )
    assert twins["stats"]["asked_fields"] == len(asked) + len(per_child)


def test_joint_owners_and_shareholders_are_repeating_roles(sample, runner):
    house = json.loads(runner.invoke(args=["merge", "ESFGH", "--json", "--answer", "buyer_loan=true"]).output)
    roles = {f["repeating_role"] for f in house["fields"]} - {None}
    assert roles == {"买方", "卖方"}
    three = json.loads(
        runner.invoke(
            args=["merge", "ESFGH", "--json", "--answer", "buyer_loan=true", "--persons", "买方=3"]
        ).output
    )
    buyers = [f for f in house["fields"] if f["repeating_role"] == "买方" and f["produced_by"] is None]
    assert three["stats"]["asked_fields"] == house["stats"]["asked_fields"] + 2 * len(buyers)
    company = json.loads(runner.invoke(args=["merge", "QYKB", "--json"]).output)
    assert {f["key"] for f in company["fields"] if f["repeating_role"] == "股东"} >= {
        "股东[].名称",
        "股东[].认缴出资额",
    }
