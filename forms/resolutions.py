"""Resolutions the lead department records in the bundle for merge conflicts.

In a bundle file (extension key ``resolutions``, by merged key)::

    resolutions:
      经营者.经营形式:
        options: [个人经营, 家庭经营]          # the list the applicant chooses from
        map:                                   # per item: unified value -> that item's value
          WSJ-002: {个人经营: 个体, 家庭经营: 家庭}
        note: 按市场监管局口径，卫健委同意（2026-11-20）
      企业.从业人数:
        type: integer                          # the type the unified form uses
      企业.统一社会信用代码:
        produced_by: SJ-101                    # which producing item counts

A resolution only resolves a conflict when it is complete (every unified option reaches an option of
every item, the type exists); otherwise the conflict stays and a ``resolution`` conflict says why.
A resolved conflict leaves ``conflicts`` and is kept as a :class:`ResolutionNote`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from forms.fieldtypes import field_types
from forms.schema import Conflict, MergedField, ResolutionNote


def apply_resolution(
    field: MergedField, conflicts: list[Conflict], res: Mapping[str, Any] | None
) -> tuple[MergedField, list[Conflict], ResolutionNote | None]:
    if not res:
        return field, conflicts, None
    kinds = {c.kind for c in conflicts}
    problems: list[str] = []
    changes: dict[str, Any] = {}
    resolved: list[str] = []
    raw_map = res.get("map") or {}
    if not isinstance(raw_map, Mapping):
        problems.append("map 应为“事项编码 -> {统一取值: 事项取值}”")
        raw_map = {}

    rtype = res.get("type")
    if rtype is not None:
        kind = field_types.find(rtype)
        if kind is None:
            problems.append(f"决定使用的类型 {rtype} 不存在")
        else:
            changes["type"] = rtype
            changes["check"] = kind.merged_check(field.check)
            resolved.append("type")

    ropts = res.get("options")
    final_type = changes.get("type", field.type)
    if ropts is not None:
        ropts = tuple(str(o) for o in ropts)
        for s in field.sources:
            if not field_types.offers_options(s.type) or not s.options:
                continue
            mapping = raw_map.get(s.item) or {}
            missing = [o for o in ropts if str(mapping.get(o, o)) not in s.options]
            if missing:
                problems.append(
                    f"选项 {'、'.join(missing)} 在 {s.item} 中没有对应值，请在 map.{s.item} 中给出"
                )
        changes["options"] = ropts
        resolved.append("options")
    elif "options" in kinds and field_types.offers_options(final_type):
        problems.append("选项冲突需给出 options（统一选项）及各事项的 map")

    producer = res.get("produced_by")
    if producer is not None:
        candidates = {v for c in conflicts if c.kind == "produced_by" for _i, _f, v in c.values}
        if candidates and producer not in candidates:
            problems.append(f"produced_by {producer} 不是冲突中的事项之一")
        else:
            changes["produced_by"] = producer
            resolved.append("produced_by")

    if problems:
        items = field.items
        conflicts = [
            *conflicts,
            Conflict(
                field.key,
                "resolution",
                items,
                tuple((s.item, s.field, None) for s in field.sources),
                f"{field.key}：处理决定不完整：" + "；".join(problems),
            ),
        ]
        return field, conflicts, None

    sources = tuple(
        replace(s, value_map=tuple(sorted((str(k), str(v)) for k, v in (raw_map.get(s.item) or {}).items())))
        if raw_map.get(s.item)
        else s
        for s in field.sources
    )
    done = tuple(sorted(k for k in kinds if k in resolved))
    remaining = [c for c in conflicts if c.kind not in resolved]
    note_text = str(res.get("note") or f"牵头部门已确定：{'、'.join(resolved) or '取值对应'}")
    field = replace(field, sources=sources, resolution=note_text, **changes)
    return field, remaining, ResolutionNote(field.key, done, note_text)
