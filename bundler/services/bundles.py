"""A published bundle planned (graphs/) and merged (forms/) for one scenario."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

import graphs

from ..catalogue.queries import BundleDefinition, bundle_definition


class ScenarioInputError(ValueError):
    """Answers given in a form the questions cannot take; the message is Chinese."""


def answers_from_pairs(pairs: Iterable[str]) -> dict[str, str]:
    """``["sells_alcohol=true", ...]`` as given on the command line, into a raw answer map."""
    answers: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ScenarioInputError(f"情形答案“{pair}”应写成 问题编号=答案，例如 sells_alcohol=true")
        answers[key.strip()] = value.strip()
    return answers


def plan_bundle(
    session: Session, code: str, answers: Mapping[str, Any] | None = None
) -> tuple[graphs.Plan, BundleDefinition]:
    definition = bundle_definition(session, code)
    planned = graphs.plan(
        definition.bundle, definition.items, answers or {}, version=definition.version.version
    )
    return planned, definition


def merge_bundle(
    session: Session, code: str, answers: Mapping[str, Any] | None = None
) -> tuple[Any, BundleDefinition]:
    """The bundle's one application form and one set of materials for the scenario (forms/)."""
    from forms import merge as merge_forms

    definition = bundle_definition(session, code)
    parsed = graphs.parse_answers(definition.bundle["questions"], answers or {})
    return merge_forms(definition.bundle, definition.items, parsed), definition


def department_names(definition: BundleDefinition) -> dict[str, str]:
    return {code: dept.name for code, dept in definition.departments.items()}
