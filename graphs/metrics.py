"""Reform metrics of a bundle (减环节、减时间、减跑动) for one scenario.

* time: the bundle takes its critical path (steps run in parallel where they can) against the sum of
  the items' limits when applied for one after another; the saving is 减时限. Promised and legal alike.
* visits (跑动次数): before, one visit per item (each item is a separate application at its own
  window: the conservative count the reform documents use, 一事一跑); after, one visit (一窗受理, results
  delivered at one point). The number of departments is reported too, for a per-department reading.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .bundle_graph import Bundle, Items
from .planning import Plan, plan


@dataclass(frozen=True)
class ReformMetrics:
    bundle: str
    steps: int
    departments: int
    promised_days: int
    sum_promised_days: int
    legal_days: int
    sum_legal_days: int
    visits_before: int
    visits_after: int

    @property
    def saved_promised_days(self) -> int:
        return self.sum_promised_days - self.promised_days

    @property
    def saved_legal_days(self) -> int:
        return self.sum_legal_days - self.legal_days

    @property
    def saved_visits(self) -> int:
        return self.visits_before - self.visits_after

    @staticmethod
    def _ratio(saved: int, total: int) -> float:
        return round(saved / total, 4) if total else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "bundle": self.bundle,
            "steps": self.steps,
            "departments": self.departments,
            "promised_days": self.promised_days,
            "sum_promised_days": self.sum_promised_days,
            "saved_promised_days": self.saved_promised_days,
            "saved_promised_ratio": self._ratio(self.saved_promised_days, self.sum_promised_days),
            "legal_days": self.legal_days,
            "sum_legal_days": self.sum_legal_days,
            "saved_legal_days": self.saved_legal_days,
            "saved_legal_ratio": self._ratio(self.saved_legal_days, self.sum_legal_days),
            "visits_before": self.visits_before,
            "visits_after": self.visits_after,
            "saved_visits": self.saved_visits,
        }


def metrics_of_plan(planned: Plan) -> ReformMetrics:
    graph = planned.graph
    departments = {graph.nodes[n].get("department") or n for n in graph}
    steps = len(graph)
    return ReformMetrics(
        bundle=planned.bundle,
        steps=steps,
        departments=len(departments),
        promised_days=planned.promised_days,
        sum_promised_days=planned.sum_promised_days,
        legal_days=planned.statutory_days,
        sum_legal_days=planned.sum_statutory_days,
        visits_before=steps,
        visits_after=1 if steps else 0,
    )


def reform_metrics(bundle: Bundle, items: Items, answers: Mapping[str, Any] | None = None) -> ReformMetrics:
    """The metrics of the bundle for the answers (the steps that apply to them)."""
    return metrics_of_plan(plan(bundle, items, answers))


def exceeds_half_of_legal(item: Mapping[str, Any]) -> bool:
    """The seeds ask promised limits of at most half the statutory one (承诺时限压缩一半以上); an item
    without a statutory limit (0) is not judged."""
    legal = int(item.get("legal_days") or 0)
    return legal > 0 and 2 * int(item.get("promised_days") or 0) > legal


def half_rule(items: Items) -> tuple[list[str], list[str]]:
    """The codes of the items that meet the half rule and of those that exceed it (items without a
    statutory limit are in neither), each sorted."""
    judged = {code: item for code, item in items.items() if int(item.get("legal_days") or 0) > 0}
    over = sorted(code for code, item in judged.items() if exceeds_half_of_legal(item))
    return sorted(set(judged) - set(over)), over
