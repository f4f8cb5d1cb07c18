"""情形引导: what each answer to a bundle's questions brings in or leaves out, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import forms
import graphs

from ..catalogue.queries import BundleDefinition
from .overview import every_step


@dataclass
class AnswerEffect:
    """One possible answer of one question and the steps whose condition it satisfies."""

    value: bool | str
    label: str
    items: list[str] = field(default_factory=list)  # item names brought in
    materials: list[str] = field(default_factory=list)  # materials only those items need
    fields: int = 0  # fields only those items ask


@dataclass
class QuestionGuide:
    id: str
    text: str
    type: str
    answers: list[AnswerEffect]


def _label(value: bool | str) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def guide(definition: BundleDefinition) -> list[QuestionGuide]:
    """For every question and answer: the items it brings in, with the extra materials and fields."""
    bundle, items = definition.bundle, definition.items
    full = forms.merge(every_step(bundle), items, {})
    unconditional = {s["item"] for s in bundle["steps"] if not s["when"]}
    guides = []
    for question in bundle["questions"]:
        effects = []
        for value in graphs.scenarios.possible_answers(question):
            brought = [
                s["item"]
                for s in bundle["steps"]
                if question["id"] in s["when"]
                and graphs.step_applies(
                    {"when": {question["id"]: s["when"][question["id"]]}}, {question["id"]: value}
                )
            ]
            only = set(brought) - unconditional
            effects.append(
                AnswerEffect(
                    value=value,
                    label=_label(value),
                    items=[items[c]["name"] for c in brought],
                    materials=[
                        m.name for m in full.materials if m.asked and set(m.items) <= only and m.items
                    ],
                    fields=sum(1 for f in full.asked_fields if set(f.items) <= only and f.items),
                )
            )
        guides.append(QuestionGuide(question["id"], question["text"], question["type"], effects))
    return guides


def answer_labels(bundle: dict[str, Any], answers: dict[str, Any]) -> list[tuple[str, str]]:
    """(question text, answer label) for the answers given, in the bundle's order."""
    return [(q["text"], _label(answers[q["id"]])) for q in bundle["questions"] if q["id"] in answers]
