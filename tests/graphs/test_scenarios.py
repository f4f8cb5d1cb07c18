"""Scenario questions: a question that decides a step must be answered, unless it has a default."""

from __future__ import annotations

from graphs.scenarios import (
    applicable_items,
    deciding_questions,
    required_questions,
    unanswered_questions,
    with_defaults,
)

BUNDLE = {
    "questions": [
        {"id": "size", "text": "经营面积是多少？", "type": "choice", "options": ["小型", "大型"]},
        {"id": "sign", "text": "是否设置户外招牌？", "type": "boolean", "default": False},
        {"id": "note", "text": "是否需要纸质告知单？", "type": "boolean"},  # decides no step
    ],
    "steps": [
        {"item": "A"},
        {"item": "B", "when": {"size": "大型"}},
        {"item": "C", "when": {"sign": True}},
    ],
}


def _ids(questions):
    return [q["id"] for q in questions]


def test_deciding_questions_are_those_a_step_names():
    assert _ids(deciding_questions(BUNDLE)) == ["size", "sign"]
    assert _ids(required_questions(BUNDLE)) == ["size"]


def test_an_unanswered_deciding_question_without_default_is_reported():
    assert _ids(unanswered_questions(BUNDLE, {})) == ["size"]
    assert unanswered_questions(BUNDLE, {"size": "小型"}) == []


def test_false_is_an_answer_not_a_missing_one():
    bundle = {
        **BUNDLE,
        "questions": [{"id": "sign", "text": "招牌？", "type": "boolean"}],
        "steps": BUNDLE["steps"][2:],
    }
    assert _ids(unanswered_questions(bundle, {})) == ["sign"]
    assert unanswered_questions(bundle, {"sign": False}) == []


def test_defaults_fill_only_unanswered_questions():
    questions = BUNDLE["questions"]
    assert with_defaults(questions, {}) == {"sign": False}
    assert with_defaults(questions, {"sign": True, "size": "大型"}) == {"sign": True, "size": "大型"}
    # a default written as text is the answer it stands for; one no answer fits is no default
    assert with_defaults([{"id": "x", "type": "boolean", "default": "是"}], {}) == {"x": True}
    assert with_defaults([{"id": "x", "type": "boolean", "default": "maybe"}], {}) == {}


def test_the_default_decides_the_step_when_used():
    answers = with_defaults(BUNDLE["questions"], {"size": "小型"})
    assert applicable_items(BUNDLE, answers) == ["A"]
    assert applicable_items(BUNDLE, with_defaults(BUNDLE["questions"], {"size": "小型", "sign": "true"})) == [
        "A"
    ]


def test_without_defaults_an_unanswered_question_still_includes_no_step():
    """The CLI's reading (plan/merge): nothing conditional on an unanswered question."""
    assert applicable_items(BUNDLE, {}) == ["A"]
