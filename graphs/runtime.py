"""Run-time state of an application: which steps to release, which are blocked, whether it is over.

Semantics (the same inclusive join as scenario removal):

* a predecessor is *satisfied* when it is ``done``, or ``skipped`` and its own predecessors are
  satisfied (skipping a step does not skip what it waited for);
* a ``waiting`` step whose predecessors are all satisfied is *ready* (the caller releases it);
* a step below a ``rejected`` (or ``revoked``) step that has not finished is *blocked*: it can
  never start; every other unfinished step is *active* and can still go on;
* the application is *complete* when every step is done, skipped, rejected or blocked.

Steps absent from ``states`` are ``waiting``; states of codes not in the graph are ignored (an
application may keep states of steps its scenario left out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .bundle_graph import as_graph
from .states import FAILED, FINISHED, TASK_LABELS, TaskState

STATES = tuple(TaskState)
STATE_LABELS = TASK_LABELS


@dataclass(frozen=True)
class RuntimeView:
    """What the states mean for the application. All code tuples are sorted."""

    ready: tuple[str, ...]
    blocked: tuple[str, ...]
    active: tuple[str, ...]
    rejected: tuple[str, ...]
    complete: bool

    @property
    def succeeded(self) -> bool:
        """Complete with nothing rejected."""
        return self.complete and not self.rejected

    def to_json(self) -> dict[str, Any]:
        return {
            "ready": list(self.ready),
            "blocked": list(self.blocked),
            "active": list(self.active),
            "rejected": list(self.rejected),
            "complete": self.complete,
            "succeeded": self.succeeded,
        }


def evaluate(graph_or_plan: Any, states: Mapping[str, str]) -> RuntimeView:
    """Evaluate the step states against the plan's (scenario) graph."""
    graph = as_graph(graph_or_plan)
    bad = {code: s for code, s in states.items() if code in graph and s not in STATES}
    if bad:
        shown = "、".join(f"{c}={s}" for c, s in sorted(bad.items()))
        raise ValueError(f"未知的步骤状态：{shown}（可用：{'、'.join(STATES)}）")
    state = {n: states.get(n, TaskState.WAITING) for n in graph}

    rejected = sorted(n for n in graph if state[n] in FAILED)
    below: set[str] = set()
    for code in rejected:
        below |= nx.descendants(graph, code)
    blocked = {n for n in below if state[n] not in FINISHED}

    satisfied: dict[str, bool] = {}
    ready: list[str] = []
    for node in nx.topological_sort(graph):
        preds_ok = all(satisfied[p] for p in graph.pred[node])
        s = state[node]
        satisfied[node] = s == TaskState.DONE or (s == TaskState.SKIPPED and preds_ok)
        if s == TaskState.WAITING and preds_ok and node not in blocked:
            ready.append(node)
    active = sorted(n for n in graph if state[n] not in FINISHED and n not in blocked)
    return RuntimeView(
        ready=tuple(sorted(ready)),
        blocked=tuple(sorted(blocked)),
        active=tuple(active),
        rejected=tuple(rejected),
        complete=not active,
    )
