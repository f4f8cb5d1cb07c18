"""一次告知: one list of everything the applicant must bring or fill, for the notice page and PDF."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from forms.conditions import describe
from forms.dictionary import ElementDictionary
from forms.merge import merge_items
from forms.roles import repeating_roles
from forms.schema import ItemInfo, MergedMaterial
from graphs.scenarios import applicable_items


def build_notice(
    bundle: Mapping[str, Any],
    items: Mapping[str, Mapping[str, Any]],
    answers: Mapping[str, Any] | None = None,
    resolutions: Mapping[str, Any] | None = None,
    *,
    dictionary: ElementDictionary | None = None,
) -> dict[str, Any]:
    """The one-time notice.

    With ``answers`` it covers the steps that apply; without, every step, each entry carrying the
    scenario conditions under which it is needed (``conditions``: any of the listed sets, each set
    all of its answers; empty = always). Entries: materials first (``type: material``), then the
    fields to fill section by section (``type: field``); materials produced inside the bundle are
    listed under ``provided`` (not to bring).
    """
    steps = bundle.get("steps") or []
    codes = [s["item"] for s in steps] if answers is None else applicable_items(bundle, answers)
    schema = merge_items(bundle, items, codes, resolutions, dictionary=dictionary, answers=answers)
    questions = {q.get("id"): q for q in bundle.get("questions") or []}
    whens: dict[str, list[Mapping[str, Any]]] = {}
    for s in steps:
        whens.setdefault(s["item"], []).append(s.get("when") or {})

    def conditions(item_codes: Iterable[str]) -> list[list[dict[str, Any]]]:
        sets: dict[str, list[dict[str, Any]]] = {}
        for code in item_codes:
            for when in whens.get(code, [{}]):
                if not when:
                    return []
                entry = [
                    {
                        "question": qid,
                        "text": str((questions.get(qid) or {}).get("text") or qid),
                        "value": value,
                    }
                    for qid, value in sorted(when.items())
                ]
                sets[repr(entry)] = entry
        return [sets[k] for k in sorted(sets)]

    labels = {
        f.key: f.label if not f.role or f.role in f.label else f"{f.role}的{f.label}" for f in schema.fields
    }
    labels.update(
        {f"answers.{qid}": f"“{(q or {}).get('text') or qid}”的回答" for qid, q in questions.items()}
    )

    def own_text(rule: Any) -> str:
        """For an entry that depends on what the form says: when it is needed, in plain Chinese."""
        return f"{describe(rule, labels)}时需要" if rule is not None else ""

    def when_text(scenario: str, rule: Any) -> str:
        return "；".join(t for t in (scenario, own_text(rule)) if t)

    def item_refs(item_codes: Iterable[str]) -> list[dict[str, str]]:
        return [_ref(schema.items[c]) for c in item_codes]

    entries: list[dict[str, Any]] = []
    provided = []
    for m in schema.materials:
        conds = conditions(m.items)
        entry = {
            "type": "material",
            "title": m.name,
            "kind": m.kind,
            "role": m.role,
            "per_person": m.role in schema.repeating,  # one for each person of a repeating role
            "required": m.required,
            "tolerable": m.deferrable,  # 容缺: may be supplied later on a dated commitment
            "commitment": m.commitment,  # 告知承诺: a signed commitment may replace it
            "e_licence": m.e_licence,
            "e_licence_items": list(m.e_licence_items),
            "original": _original(m),
            "copies": max((s.copies for s in m.sources if s.copies), default=None),
            "items": [
                {
                    **_ref(schema.items[s.item]),
                    "name_in_item": s.name,
                    "required": s.required,
                    "original": s.original,
                    "copies": s.copies,
                }
                for s in m.sources
            ],
            "conditions": conds,
            "when": m.when,
            "form_condition_text": own_text(m.when),
            "condition_text": when_text(condition_text(conds), m.when),
        }
        producer = m.produced_by
        if producer is None:
            entries.append(entry)
        else:
            provided.append(
                {
                    **entry,
                    "produced_by": _ref(schema.items[producer]) if producer in schema.items else producer,
                }
            )
    by_key = schema.by_key
    for section in schema.sections:
        for key in section.keys:
            f = by_key[key]
            conds = conditions(f.items)
            entries.append(
                {
                    "type": "field",
                    "section": section.title,
                    "title": f.label,
                    "key": f.key,
                    "field_type": f.type,
                    "required": f.required,
                    "group": f.group,
                    "options": list(f.options),
                    "items": item_refs(f.items),
                    "conditions": conds,
                    "when": f.when,
                    "form_condition_text": own_text(f.when),
                    "condition_text": when_text(condition_text(conds), f.when),
                }
            )
    return {
        "bundle": schema.bundle,
        "name": schema.bundle_name,
        "lead_department": bundle.get("lead_department"),
        "entries": entries,
        "provided": provided,
        "stats": schema.stats.to_json(),
        "confirm_by": confirm_text(bundle),
    }


def confirm_text(bundle: Mapping[str, Any]) -> str:
    """Who must confirm the application (各方确认), as the notice says it; empty when nobody need."""
    roles = [str(r) for r in bundle.get("confirm_by") or []]
    if not roles:
        return ""
    repeating = repeating_roles(bundle)
    who = "、".join(f"每一位{r}" if r in repeating else r for r in roles)
    return f"申请须由{who}本人确认后提交：可各自登录本人账号确认，或到窗口出示居民身份证当面确认。"


def _ref(info: ItemInfo) -> dict[str, str]:
    return {"code": info.code, "name": info.name, "department": info.department}


def _original(m: MergedMaterial) -> str | None:
    values = sorted({s.original for s in m.sources if s.original})
    if set(values) == {"原件", "复印件"}:
        return "原件及复印件"
    return "、".join(values) or None


def _answer_text(value: Any) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list):
        return "或".join(_answer_text(v) for v in value)
    return str(value)


def condition_text(conds: list[list[dict[str, Any]]]) -> str:
    """Chinese text of the conditions, e.g. 当“是否销售酒类？”为“是”时需要; empty = always."""
    if not conds:
        return ""
    parts = ["且".join(f"“{c['text']}”为“{_answer_text(c['value'])}”" for c in cset) for cset in conds]
    return "当" + "，或".join(parts) + "时需要"
