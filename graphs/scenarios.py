"""Scenario guidance (情形引导): which steps of a bundle apply to the answers given.

A step's ``when`` maps question ids to the value they must have; a list means "any of".
Every condition must hold. An unanswered question includes no step that depends on it; a question
may give a ``default``, the answer used when none is given (:func:`with_defaults`). Before acceptance
every question that decides a step must be answered or have a default (:func:`unanswered_questions`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Answers = Mapping[str, Any]

_TRUE = {"true", "1", "yes", "y", "是", "on"}
_FALSE = {"false", "0", "no", "n", "否", "off"}


class AnswerError(ValueError):
    """An answer that does not fit its question; the message is shown to people as is."""


def parse_answer(question: Mapping[str, Any], raw: Any) -> bool | str:
    """Turn a raw answer (text from a CLI flag or a web form) into the question's type."""
    qtype = question.get("type", "boolean")
    qid = question.get("id", "?")
    if qtype == "boolean":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise AnswerError(f"问题“{question.get('text', qid)}”只能回答 是/否（true/false），收到：{raw}")
    if qtype == "choice":
        options = [str(o) for o in question.get("options") or []]
        text = str(raw).strip()
        if text not in options:
            raise AnswerError(
                f"问题“{question.get('text', qid)}”的回答必须是以下之一：{'、'.join(options)}，收到：{raw}"
            )
        return text
    raise AnswerError(f"问题“{question.get('text', qid)}”的类型 {qtype} 无法作答")


def parse_answers(questions: Iterable[Mapping[str, Any]], raw: Mapping[str, Any]) -> dict[str, bool | str]:
    """Parse every raw answer; unknown question ids and bad values raise one error listing all."""
    by_id = {q["id"]: q for q in questions}
    parsed: dict[str, bool | str] = {}
    problems: list[str] = []
    for qid, value in raw.items():
        question = by_id.get(qid)
        if question is None:
            problems.append(f"没有编号为 {qid} 的情形问题")
            continue
        try:
            parsed[qid] = parse_answer(question, value)
        except AnswerError as exc:
            problems.append(str(exc))
    if problems:
        raise AnswerError("；".join(problems))
    return parsed


def default_answer(question: Mapping[str, Any]) -> bool | str | None:
    """The question's ``default`` as an answer; None when it has none (or one that no answer fits,
    which the import refuses)."""
    if question.get("default") is None:
        return None
    try:
        return parse_answer(question, question["default"])
    except AnswerError:
        return None


def with_defaults(questions: Iterable[Mapping[str, Any]], answers: Answers) -> dict[str, bool | str]:
    """The answers, and the default of each question that has one and is not answered."""
    filled = dict(answers)
    for question in questions:
        default = default_answer(question)
        if question.get("id") not in filled and default is not None:
            filled[question["id"]] = default
    return filled


def deciding_questions(bundle: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The questions whose answer decides whether a step is included (a step's ``when`` names them)."""
    named = {qid for step in bundle.get("steps") or [] for qid in step.get("when") or {}}
    return [q for q in bundle.get("questions") or [] if q.get("id") in named]


def required_questions(bundle: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The deciding questions without a default: they must be answered before acceptance."""
    return [q for q in deciding_questions(bundle) if default_answer(q) is None]


def unanswered_questions(bundle: Mapping[str, Any], answers: Answers) -> list[Mapping[str, Any]]:
    """The deciding questions that have neither an answer nor a default, in the bundle's order."""
    return [q for q in required_questions(bundle) if q.get("id") not in answers]


def _matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, list):
        return any(_matches(option, actual) for option in expected)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    return str(expected) == str(actual)


def step_applies(step: Mapping[str, Any], answers: Answers) -> bool:
    """True when every condition of the step's ``when`` holds for the answers."""
    for qid, expected in (step.get("when") or {}).items():
        if qid not in answers or not _matches(expected, answers[qid]):
            return False
    return True


def applicable_items(bundle: Mapping[str, Any], answers: Answers | None = None) -> list[str]:
    """Item codes of the bundle's steps that apply to the answers, in the bundle's order."""
    answers = answers or {}
    return [step["item"] for step in bundle.get("steps") or [] if step_applies(step, answers)]


def possible_answers(question: Mapping[str, Any]) -> list[bool | str]:
    """Every parsed answer the question can receive (empty when it cannot be answered at all)."""
    qtype = question.get("type", "boolean")
    if qtype == "boolean":
        return [True, False]
    if qtype == "choice":
        return [str(o) for o in question.get("options") or []]
    return []


def impossible_values(question: Mapping[str, Any], expected: Any) -> list[Any]:
    """The values of a ``when`` condition that no answer to the question can match.

    ``expected`` is the condition's value (a list means "any of"); an empty list yields ``[[]]``
    so that the caller can still report that the condition can never hold.
    """
    answers = possible_answers(question)
    values = expected if isinstance(expected, list) else [expected]
    if not values:
        return [[]]
    return [v for v in values if not any(_matches(v, a) for a in answers)]


def condition_satisfiable(question: Mapping[str, Any], expected: Any) -> bool:
    """True when at least one answer to the question satisfies the condition."""
    return any(_matches(expected, a) for a in possible_answers(question))
