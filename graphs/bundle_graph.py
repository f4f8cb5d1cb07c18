"""A bundle's steps as a networkx DiGraph, and its restriction to one scenario.

Nodes are item codes (one step per item); an edge ``dep -> step`` means the step starts only when
``dep`` is done (串联). Node attributes: ``name``, ``department``, ``promised_days``, ``legal_days``,
``when`` and ``order`` (position in the bundle). Building is tolerant: the first of duplicate steps
wins, dependencies on unknown steps are dropped; :func:`graphs.validation.validate` reports both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import networkx as nx

from .scenarios import Answers, step_applies

Bundle = Mapping[str, Any]
Items = Mapping[str, Mapping[str, Any]]


def bundle_steps(bundle: Bundle) -> list[Mapping[str, Any]]:
    """The bundle's step entries (``[]`` when omitted)."""
    return list(bundle.get("steps") or [])


def step_dependencies(step: Mapping[str, Any]) -> list[str]:
    """The step's ``depends_on`` as a list of codes (``[]`` when omitted; one code is accepted)."""
    deps = step.get("depends_on") or []
    if isinstance(deps, str):
        return [deps]
    if not isinstance(deps, list | tuple):
        return []  # validation reports it as bad_step
    return [str(d) for d in deps]


def days_value(value: Any) -> int | None:
    """A time limit as a non-negative int, ``None`` when it is not one (validation reports it)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    return None


def _when_of(step: Mapping[str, Any]) -> dict[str, Any]:
    when = step.get("when") or {}
    return dict(when) if isinstance(when, Mapping) else {}  # a bad shape is reported by validation


def build_graph(bundle: Bundle, items: Items | None = None) -> nx.DiGraph:
    """The whole bundle (every step, whatever the answers) as a DiGraph with step attributes."""
    items = items or {}
    graph = nx.DiGraph(bundle=bundle.get("code"), name=bundle.get("name"))
    steps = [s for s in bundle_steps(bundle) if s.get("item") is not None]
    for order, step in enumerate(steps):
        code = str(step["item"])
        if code in graph:
            continue
        item = items.get(code) or {}
        graph.add_node(
            code,
            name=str(item.get("name") or code),
            department=str(item.get("department") or ""),
            promised_days=days_value(item.get("promised_days", 0)) or 0,
            legal_days=days_value(item.get("legal_days", 0)) or 0,
            days_unit=str(item.get("days_unit") or "工作日"),
            when=_when_of(step),
            order=order,
        )
    seen: set[str] = set()
    for step in steps:
        code = str(step["item"])
        if code in seen:
            continue
        seen.add(code)
        for dep in step_dependencies(step):
            if dep in graph:
                graph.add_edge(dep, code)
    return graph


def restrict(graph: nx.DiGraph, keep: Iterable[str]) -> nx.DiGraph:
    """The subgraph of the kept steps, each removed step bypassed.

    A kept step depends on its kept predecessors and, through every removed predecessor, on what that
    one depended on, transitively (inclusive join: it waits only for the branches actually taken).
    ``graph`` must be acyclic.
    """
    kept = set(keep)
    result = nx.DiGraph(**graph.graph)
    result.add_nodes_from((n, graph.nodes[n]) for n in graph if n in kept)
    # For a removed step: the kept steps it stands for (its nearest kept ancestors).
    through: dict[str, set[str]] = {}
    for node in nx.topological_sort(graph):
        nearest: set[str] = set()
        for pred in graph.pred[node]:
            if pred in kept:
                nearest.add(pred)
            else:
                nearest |= through[pred]
        if node in kept:
            result.add_edges_from((p, node) for p in nearest)
        else:
            through[node] = nearest
    return result


def scenario_graph(
    graph: nx.DiGraph,
    answers: Answers | None = None,
    applies: Callable[[Mapping[str, Any]], bool] | None = None,
) -> nx.DiGraph:
    """The steps that apply to the (parsed) answers, removed steps bypassed (see :func:`restrict`)."""
    answers = answers or {}
    test = applies or (lambda attrs: step_applies(attrs, answers))
    return restrict(graph, [n for n, attrs in graph.nodes(data=True) if test(attrs)])


def as_graph(graph_or_plan: Any) -> nx.DiGraph:
    """The step graph of a :class:`~graphs.planning.Plan` (its scenario graph), or the graph itself."""
    if isinstance(graph_or_plan, nx.DiGraph):
        return graph_or_plan
    graph = getattr(graph_or_plan, "graph", None)
    if not isinstance(graph, nx.DiGraph):
        raise TypeError("expected a networkx DiGraph or a Plan")
    return graph
