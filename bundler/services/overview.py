"""What the home page shows of each published bundle: items, departments and promised time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from graphs.planning import plan

from ..catalogue.queries import latest_bundle_versions, latest_item_versions
from ..catalogue.serialize import bundle_dict, item_dict


@dataclass(frozen=True)
class ItemSummary:
    code: str
    name: str
    department: str
    promised_days: int
    conditional: bool


@dataclass(frozen=True)
class BundleSummary:
    code: str
    name: str
    version: int
    lead_department: str
    description: str | None
    items: list[ItemSummary]
    departments: list[str]
    promised_days: int  # along the critical path with every step included
    sum_promised_days: int  # one item after another, as without the bundle
    question_count: int
    audience: str | None = None  # 个人 / 企业
    life_event: str | None = None  # life event or business stage: 出生, 退休, 开办经营 ...
    keywords: str = ""

    def matches(self, query: str) -> bool:
        """Every word of the query appears in the name, the life event, the keywords or an item."""
        haystack = " ".join([self.name, self.life_event or "", self.keywords, *(i.name for i in self.items)])
        return all(word in haystack for word in query.split())


def every_step(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle with every scenario condition lifted: the longest case an applicant can meet."""
    return {**bundle, "steps": [{**s, "when": {}} for s in bundle["steps"]]}


def published_bundles(session: Session) -> list[BundleSummary]:
    versions = latest_bundle_versions(session)
    bundles = {code: bundle_dict(v) for code, v in versions.items()}
    item_versions = latest_item_versions(session, {s["item"] for b in bundles.values() for s in b["steps"]})
    items = {code: item_dict(v) for code, v in item_versions.items()}
    summaries = []
    for code, bundle in bundles.items():
        full_plan = plan(every_step(bundle), items, version=versions[code].version)
        step_items = [
            ItemSummary(
                code=s["item"],
                name=items[s["item"]]["name"],
                department=item_versions[s["item"]].item.department.name,
                promised_days=items[s["item"]]["promised_days"],
                conditional=bool(s["when"]),
            )
            for s in bundle["steps"]
        ]
        departments = list(dict.fromkeys(i.department for i in step_items))
        summaries.append(
            BundleSummary(
                code=code,
                name=bundle["name"],
                version=versions[code].version,
                lead_department=versions[code].lead_department.name,
                description=bundle.get("description"),
                items=step_items,
                departments=departments,
                promised_days=full_plan.promised_days,
                sum_promised_days=full_plan.sum_promised_days,
                question_count=len(bundle["questions"]),
                audience=bundle.get("audience"),
                life_event=bundle.get("life_event"),
                keywords=str(bundle.get("keywords") or ""),
            )
        )
    return summaries


def find_bundles(
    summaries: list[BundleSummary], query: str = "", audience: str = "", life_event: str = ""
) -> list[BundleSummary]:
    """The bundles a person looks for: by words, by 个人/企业, by life event or business stage."""
    return [
        b
        for b in summaries
        if (not query.strip() or b.matches(query.strip()))
        and (not audience or b.audience == audience)
        and (not life_event or b.life_event == life_event)
    ]
