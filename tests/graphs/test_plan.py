"""The plan: the contract's JSON, serial/parallel stages, scenario removal and tie rules."""

import json

import pytest

import graphs
from graphs import AnswerError, BundleError, plan

from contract_kfd import kfd_bundle, kfd_items


def item(code, promised, legal=None, department="D", name=None):
    return {
        "code": code,
        "name": name or f"事项{code}",
        "department": department,
        "type": "行政许可",
        "legal_days": promised if legal is None else legal,
        "promised_days": promised,
    }


def bundle_of(steps, questions=(), code="B"):
    return {
        "code": code,
        "name": "测试",
        "lead_department": "D",
        "questions": list(questions),
        "steps": steps,
    }


KFD_ITEMS = kfd_items()
KFD = kfd_bundle()


def test_contract_example_exact_json():
    result = plan(KFD, KFD_ITEMS).to_json()
    assert result == {
        "bundle": "KFD",
        "version": 1,
        "stages": [["SCJG-001"], ["SCJG-002", "XF-003"]],
        "critical_path": ["SCJG-001", "SCJG-002"],
        "promised_days": 23,
        "statutory_days": 35,
        "sum_promised_days": 40,
        "sum_statutory_days": 60,
    }
    assert list(result) == [
        "bundle",
        "version",
        "stages",
        "critical_path",
        "promised_days",
        "statutory_days",
        "sum_promised_days",
        "sum_statutory_days",
    ]
    json.dumps(result)  # serialisable as is


def test_version_is_passed_through():
    assert plan(KFD, KFD_ITEMS, version=4).to_json()["version"] == 4


def test_serial_chain():
    items = {c: item(c, d) for c, d in [("A", 1), ("B", 2), ("C", 3)]}
    b = bundle_of([{"item": "A"}, {"item": "B", "depends_on": ["A"]}, {"item": "C", "depends_on": ["B"]}])
    p = plan(b, items)
    assert p.stages == [["A"], ["B"], ["C"]]
    assert p.critical_path == ["A", "B", "C"]
    assert p.promised_days == p.sum_promised_days == 6


def test_all_parallel_sorted_in_one_stage():
    items = {c: item(c, d) for c, d in [("C", 4), ("A", 4), ("B", 9)]}
    b = bundle_of([{"item": "C"}, {"item": "A"}, {"item": "B"}])
    p = plan(b, items)
    assert p.stages == [["A", "B", "C"]]
    assert p.critical_path == ["B"]
    assert (p.promised_days, p.sum_promised_days) == (9, 17)


def test_omitted_optional_keys_take_defaults():
    items = {"A": {"code": "A", "name": "甲"}, "B": {"code": "B", "name": "乙", "promised_days": 2}}
    b = {"code": "X", "steps": [{"item": "A"}, {"item": "B"}]}
    assert plan(b, items).to_json()["stages"] == [["A", "B"]]


def test_scenario_removal_keeps_transitive_dependencies():
    items = {c: item(c, 1) for c in "ABCD"}
    questions = [{"id": "q", "text": "要B吗？"}]
    b = bundle_of(
        [
            {"item": "A"},
            {"item": "B", "depends_on": ["A"], "when": {"q": True}},
            {"item": "C", "depends_on": ["B"]},
            {"item": "D", "depends_on": ["C"]},
        ],
        questions,
    )
    with_b = plan(b, items, {"q": "true"})
    assert with_b.stages == [["A"], ["B"], ["C"], ["D"]]
    without_b = plan(b, items, {"q": "false"})
    assert without_b.stages == [["A"], ["C"], ["D"]]
    assert without_b.critical_path == ["A", "C", "D"]
    assert without_b.graph.has_edge("A", "C")
    # Unanswered: a conditional step is not included.
    assert plan(b, items).stages == [["A"], ["C"], ["D"]]


def test_removal_of_a_chain_of_steps_and_a_join():
    items = {c: item(c, 1) for c in "ABCDE"}
    b = bundle_of(
        [
            {"item": "A"},
            {"item": "E"},
            {"item": "B", "depends_on": ["A"], "when": {"q": True}},
            {"item": "C", "depends_on": ["B", "E"], "when": {"q": True}},
            {"item": "D", "depends_on": ["C"]},
        ],
        [{"id": "q"}],
    )
    p = plan(b, items, {"q": False})
    assert sorted(p.graph.edges) == [("A", "D"), ("E", "D")]
    assert p.stages == [["A", "E"], ["D"]]


def test_choice_question_and_list_condition():
    items = {c: item(c, 1) for c in "ABC"}
    b = bundle_of(
        [
            {"item": "A"},
            {"item": "B", "when": {"kind": ["餐饮", "食堂"]}},
            {"item": "C", "when": {"kind": "零售"}},
        ],
        [{"id": "kind", "type": "choice", "options": ["餐饮", "食堂", "零售"]}],
    )
    assert plan(b, items, {"kind": "食堂"}).stages == [["A", "B"]]
    assert plan(b, items, {"kind": "零售"}).stages == [["A", "C"]]
    with pytest.raises(AnswerError):
        plan(b, items, {"kind": "超市"})
    with pytest.raises(AnswerError):
        plan(b, items, {"nope": "x"})


def test_tie_goes_to_lexicographically_smallest_chain():
    items = {c: item(c, 5) for c in "ABCD"}
    b = bundle_of(
        [{"item": "D"}, {"item": "C"}, {"item": "B", "depends_on": ["D"]}, {"item": "A", "depends_on": ["C"]}]
    )
    p = plan(b, items)
    # [C, A] and [D, B] both weigh 10; ["C", "A"] < ["D", "B"].
    assert p.critical_path == ["C", "A"]


def test_tie_with_zero_day_steps_compares_full_chains():
    items = {"A": item("A", 5), "B": item("B", 0), "C": item("C", 5), "Z": item("Z", 0), "X": item("X", 5)}
    # Full chains: [A, B] (5), [C] (5), [Z, X] (5): the list comparison picks [A, B].
    b = bundle_of(
        [
            {"item": "A"},
            {"item": "B", "depends_on": ["A"]},
            {"item": "C"},
            {"item": "Z"},
            {"item": "X", "depends_on": ["Z"]},
        ]
    )
    p = plan(b, items)
    assert p.critical_path == ["A", "B"]
    assert p.promised_days == 5


def test_zero_day_source_is_part_of_the_path():
    items = {"Z": item("Z", 0), "Y": item("Y", 4)}
    b = bundle_of([{"item": "Z"}, {"item": "Y", "depends_on": ["Z"]}])
    assert plan(b, items).critical_path == ["Z", "Y"]


def test_statutory_days_use_their_own_longest_chain():
    items = {"A": item("A", 10, 10), "B": item("B", 1, 30)}
    p = plan(bundle_of([{"item": "A"}, {"item": "B"}]), items)
    assert p.critical_path == ["A"] and p.promised_days == 10
    assert p.statutory_days == 30 and p.statutory_path == ["B"]


def test_empty_bundle():
    p = plan(bundle_of([]), {})
    assert p.to_json() == {
        "bundle": "B",
        "version": 1,
        "stages": [],
        "critical_path": [],
        "promised_days": 0,
        "statutory_days": 0,
        "sum_promised_days": 0,
        "sum_statutory_days": 0,
    }


def test_bad_bundle_raises_with_every_problem():
    b = bundle_of([{"item": "A", "depends_on": ["B"]}, {"item": "B", "depends_on": ["A"]}, {"item": "C"}])
    with pytest.raises(BundleError) as info:
        plan(b, {"A": item("A", 1), "B": item("B", 1)})
    codes = {p.code for p in info.value.problems}
    assert codes == {"cycle", "unknown_item"}
    assert "循环依赖" in str(info.value)


def test_plan_does_not_mutate_its_inputs():
    import copy

    before = copy.deepcopy((KFD, KFD_ITEMS))
    plan(KFD, KFD_ITEMS, {"sells_alcohol": "是"})
    assert before == (KFD, KFD_ITEMS)


def test_public_api_names():
    for name in ("plan", "validate", "evaluate", "render_svg", "add_working_days", "reform_metrics"):
        assert name in graphs.__all__
