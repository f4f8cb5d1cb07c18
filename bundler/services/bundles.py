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


def persons_from_pairs(pairs: Iterable[str]) -> dict[str, int]:
    """``["新生儿=2", ...]`` as given on the command line: persons per repeating role."""
    persons: dict[str, int] = {}
    for pair in pairs:
        role, sep, count = pair.partition("=")
        if not sep or not role.strip() or not count.strip().isdigit() or int(count) < 1:
            raise ScenarioInputError(f"人数“{pair}”应写成 角色=人数（正整数），例如 新生儿=2")
        persons[role.strip()] = int(count)
    return persons


def merge_bundle(
    session: Session,
    code: str,
    answers: Mapping[str, Any] | None = None,
    persons: Mapping[str, int] | None = None,
) -> tuple[Any, BundleDefinition]:
    """The bundle's one application form and one set of materials for the scenario (forms/);
    ``persons`` counts the persons of each repeating role for ``stats.asked_fields``."""
    from forms import merge as merge_forms
    from forms import repeating_roles

    definition = bundle_definition(session, code)
    unknown = sorted(set(persons or {}) - set(repeating_roles(definition.bundle)))
    if unknown:
        raise ScenarioInputError(f"“{'、'.join(unknown)}”不是本件事可重复的角色（roles 中 repeat: true）")
    parsed = graphs.parse_answers(definition.bundle["questions"], answers or {})
    return merge_forms(definition.bundle, definition.items, parsed, persons=persons), definition


def department_names(definition: BundleDefinition) -> dict[str, str]:
    return {code: dept.name for code, dept in definition.departments.items()}
