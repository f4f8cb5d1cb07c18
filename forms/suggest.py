"""Suggest a role and element for catalogue fields that have none (for the lead department to confirm).

A suggestion is only a hint: fields are never merged on a guess.

Confidence = element score x role score, rounded to 2 places:

* element: the rest of the label (after a role prefix) is a synonym 0.95; it contains a synonym
  0.5 + 0.3 x (share of the rest the synonym covers); a synonym contains it 0.4 + 0.2 x share;
  only the field type hints at it (e.g. ``id_number``) 0.5; the field's own element 1.0.
* role: a role prefix in the label (经营者…, 母亲…, 买方…) 1.0; the field's own role 1.0; the
  element's usual role (统一社会信用代码 -> 企业) 0.85; otherwise 申请人 0.6.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from forms.dictionary import ElementDictionary, default_dictionary, normalize_label
from forms.fieldtypes import field_types
from forms.schema import Suggestion

FALLBACK_ROLE = "申请人"


def suggest(field: Mapping[str, Any] | str, dictionary: ElementDictionary | None = None) -> Suggestion | None:
    """Suggest role and element for a catalogue field (or a bare label); None when nothing fits."""
    if isinstance(field, str):
        field = {"label": field}
    return _suggest(
        str(field.get("label") or field.get("name") or ""),
        field.get("type") or "text",
        field.get("role"),
        field.get("element"),
        dictionary or default_dictionary(),
    )


@lru_cache(maxsize=4096)
def _suggest(
    label: str, ftype: str, role: str | None, element: str | None, d: ElementDictionary
) -> Suggestion | None:
    text = normalize_label(label).removesuffix("的")
    reasons: list[str] = []

    found_role, rest = None, text
    for prefix, role_name in d._role_prefixes:
        if text.startswith(prefix) and len(text) > len(prefix):
            found_role, rest = role_name, text[len(prefix) :].removeprefix("的")
            break

    el_name, el_score = None, 0.0
    if element:
        el_name, el_score = element, 1.0
        reasons.append("事项已标注数据元")
    else:
        el_name, el_score, why = _match_element(rest, ftype, d)
        if el_name is None and found_role is not None:  # the "role" may be part of the element name
            el_name, el_score, why = _match_element(text, ftype, d)
            if el_name is not None:
                found_role = None
        if el_name is None:
            return None
        reasons.append(why)

    if role:
        role_name, role_score = role, 1.0
        reasons.append("事项已标注角色")
    elif found_role:
        role_name, role_score = found_role, 1.0
        reasons.append(f"标签以角色“{found_role}”开头")
    else:
        el = d.element(el_name)
        if el is not None and el.default_role:
            role_name, role_score = el.default_role, 0.85
            reasons.append(f"“{el_name}”通常属于{el.default_role}")
        else:
            role_name, role_score = FALLBACK_ROLE, 0.6
            reasons.append(f"标签未写明角色，按{FALLBACK_ROLE}推测")
    return Suggestion(role_name, el_name, round(el_score * role_score, 2), "；".join(reasons))


def _match_element(rest: str, ftype: str, d: ElementDictionary) -> tuple[str | None, float, str]:
    if not rest:
        return None, 0.0, ""
    exact = d._by_synonym.get(rest)
    if exact:
        return exact, 0.95, f"“{rest}”是“{exact}”的同义词"
    for syn, name in d._synonyms_longest_first:  # longest synonym contained in the label
        if len(syn) >= 2 and syn in rest:
            return name, round(0.5 + 0.3 * len(syn) / len(rest), 3), f"标签包含“{syn}”"
    if len(rest) >= 2:
        best = None
        for syn, name in d._synonyms_longest_first:
            if rest in syn:
                best = (syn, name)  # keep the shortest synonym containing the label
        if best:
            syn, name = best
            return name, round(0.4 + 0.2 * len(rest) / len(syn), 3), f"标签是“{syn}”的一部分"
    kind = field_types.find(ftype)
    hint = kind.hint_element if kind is not None else None
    if hint is not None and hint in d.elements:
        return hint, 0.5, f"字段类型为 {ftype}"
    return None, 0.0, ""
