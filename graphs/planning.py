"""The plan of a bundle for one scenario: parallel stages, critical path and time totals.

Critical path rule (the contract's, made precise): among the *full* chains of the scenario graph (from a
step with no dependency to a step nothing depends on), take the ones with the largest sum of node
weights (promised days; a 0-day step adds 0), then the lexicographically smallest list of codes. Only
full chains compete, so a zero-day step at either end is part of the path, and no chain is a prefix of
another. ``statutory_days`` is the same maximum by legal days (same tie rule; its chain is
``Plan.statutory_path``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from .bundle_graph import Bundle, Items, build_graph, scenario_graph
from .scenarios import parse_answers
from .validation import BundleError, structural_problems


def stages(graph: nx.DiGraph) -> list[list[str]]:
    """Topological generations, codes sorted inside each."""
    return [sorted(generation) for generation in nx.topological_generations(graph)]


def longest_chain(graph: nx.DiGraph, weight: str | Callable[[str], int]) -> tuple[int, list[str]]:
    """The heaviest full chain by node weight; ties go to the lexicographically smallest list of codes.

    Works backwards: the best chain from a step is the step followed by the best chain of the
    successor with the largest total (smallest code on ties). All chains from one step start with
    the same code, so comparing successors' codes is comparing the lists.
    """
    if len(graph) == 0:
        return 0, []
    weigh = (lambda n: graph.nodes[n].get(weight, 0) or 0) if isinstance(weight, str) else weight
    best: dict[str, tuple[int, str | None]] = {}
    for node in reversed(list(nx.topological_sort(graph))):
        total, nxt = 0, None
        for succ in graph.succ[node]:
            succ_total = best[succ][0]
            if nxt is None or succ_total > total or (succ_total == total and succ < nxt):
                total, nxt = succ_total, succ
        best[node] = (weigh(node) + total, nxt)
    start = min((n for n in graph if graph.in_degree(n) == 0), key=lambda n: (-best[n][0], n))
    chain: list[str] = []
    step: str | None = start
    while step is not None:
        chain.append(step)
        step = best[step][1]
    return best[start][0], chain


@dataclass(frozen=True)
class Plan:
    """A bundle planned for one scenario; :meth:`to_json` is the contract's ``bundler plan --json``."""

    bundle: str
    version: int
    stages: list[list[str]]
    critical_path: list[str]
    promised_days: int
    statutory_days: int
    sum_promised_days: int
    sum_statutory_days: int
    statutory_path: list[str] = field(default_factory=list, compare=False)
    graph: nx.DiGraph = field(default_factory=nx.DiGraph, compare=False, repr=False)

    @property
    def steps(self) -> list[str]:
        """The applicable steps, stage by stage."""
        return [code for stage in self.stages for code in stage]

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON object (a dict, keys in the contract's order; ``json.dumps`` it)."""
        return {
            "bundle": self.bundle,
            "version": self.version,
            "stages": [list(s) for s in self.stages],
            "critical_path": list(self.critical_path),
            "promised_days": self.promised_days,
            "statutory_days": self.statutory_days,
            "sum_promised_days": self.sum_promised_days,
            "sum_statutory_days": self.sum_statutory_days,
        }


def plan_graph(graph: nx.DiGraph, bundle_code: str | None = None, version: int = 1) -> Plan:
    """Plan an acyclic step graph as it is (no scenario applied)."""
    promised, critical = longest_chain(graph, "promised_days")
    statutory, statutory_path = longest_chain(graph, "legal_days")
    nodes = graph.nodes
    return Plan(
        bundle=str(bundle_code if bundle_code is not None else graph.graph.get("bundle") or ""),
        version=version,
        stages=stages(graph),
        critical_path=critical,
        promised_days=promised,
        statutory_days=statutory,
        sum_promised_days=sum(nodes[n].get("promised_days", 0) for n in graph),
        sum_statutory_days=sum(nodes[n].get("legal_days", 0) for n in graph),
        statutory_path=statutory_path,
        graph=graph,
    )


def plan(bundle: Bundle, items: Items, answers: Mapping[str, Any] | None = None, version: int = 1) -> Plan:
    """Plan the bundle for the answers (raw, e.g. ``{"sells_alcohol": "true"}``, or already parsed).

    Raises :class:`~graphs.validation.BundleError` when the bundle has a structural error (cycle,
    duplicate step, unknown dependency or item, bad time limit) and
    :class:`~graphs.scenarios.AnswerError` for answers that do not fit the questions.
    """
    _, problems = structural_problems(bundle, items)
    if any(p.is_error for p in problems):
        raise BundleError(problems)
    parsed = parse_answers(bundle.get("questions") or [], answers or {})
    scenario = scenario_graph(build_graph(bundle, items), parsed)
    return plan_graph(scenario, bundle.get("code"), version)
