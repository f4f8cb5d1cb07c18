"""Validation of a bundle that explains itself: every problem at once, in Chinese.

Error codes (the bundle cannot be planned or imported): ``bad_step``, ``duplicate_step``,
``unknown_dependency``, ``cycle``, ``unknown_item``, ``bad_days``, ``unknown_question``,
``bad_condition_value``. Warnings: ``redundant_edge`` (with the transitive reduction as data),
``duplicate_dependency``, ``unreachable_step`` (a step that no combination of answers includes; its
cause is reported as an error next to it).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx

from .bundle_graph import Bundle, Items, bundle_steps, days_value, step_dependencies
from .scenarios import condition_satisfiable, impossible_values, possible_answers

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One problem of a bundle: ``code`` is for machines, ``message`` for people."""

    level: Level
    code: str
    steps: tuple[str, ...]
    message: str
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "code": self.code,
            "steps": list(self.steps),
            "message": self.message,
            "data": dict(self.data),
        }


class BundleError(ValueError):
    """A bundle with errors; ``problems`` holds all of them (errors and warnings)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p.message for p in problems if p.is_error]
        super().__init__("；".join(errors) or "一件事定义有误")


def _label(code: str, items: Items | None) -> str:
    name = (items or {}).get(code, {}).get("name") if items else None
    return f"{code}（{name}）" if name else code


def _error(code: str, steps: list[str] | tuple[str, ...], message: str, **data: Any) -> Problem:
    return Problem("error", code, tuple(steps), message, data)


def _warning(code: str, steps: list[str] | tuple[str, ...], message: str, **data: Any) -> Problem:
    return Problem("warning", code, tuple(steps), message, data)


def _dependency_graph(bundle: Bundle) -> tuple[nx.DiGraph, list[Problem]]:
    """Every known edge (including self-loops), and the problems of the step list itself."""
    problems: list[Problem] = []
    graph = nx.DiGraph()
    firsts: list[Mapping[str, Any]] = []
    for position, step in enumerate(bundle_steps(bundle), start=1):
        code = step.get("item") if isinstance(step, Mapping) else None
        if code is None or str(code).strip() == "":
            problems.append(
                _error("bad_step", [], f"第 {position} 个步骤缺少事项编码（item）", position=position)
            )
            continue
        code = str(code)
        if code in graph:
            problems.append(
                _error(
                    "duplicate_step",
                    [code],
                    f"步骤 {code} 重复出现（第 {position} 个步骤）",
                    position=position,
                )
            )
            continue
        graph.add_node(code)
        shape = _shape_problem(step)
        if shape:
            problems.append(_error("bad_step", [code], f"步骤 {code} {shape}", position=position))
            continue
        firsts.append(step)
    for step in firsts:
        code = str(step["item"])
        deps = step_dependencies(step)
        for dep in dict.fromkeys(deps):
            if deps.count(dep) > 1:
                problems.append(
                    _warning("duplicate_dependency", [code, dep], f"步骤 {code} 重复声明了对 {dep} 的依赖")
                )
            if dep in graph:
                graph.add_edge(dep, code)
            else:
                problems.append(
                    _error(
                        "unknown_dependency",
                        [code, dep],
                        f"步骤 {code} 依赖的 {dep} 不是本一件事的步骤",
                        dependency=dep,
                    )
                )
    return graph, problems


def _shape_problem(step: Mapping[str, Any]) -> str | None:
    deps = step.get("depends_on")
    if deps is not None and not isinstance(deps, str | list | tuple):
        return "的依赖（depends_on）必须是事项编码的列表"
    when = step.get("when")
    if when is not None and not isinstance(when, Mapping):
        return "的条件（when）必须是“问题编号: 取值”的映射"
    return None


def _shortest_cycle_from(graph: nx.DiGraph, start: str, members: set[str]) -> list[str]:
    """The shortest cycle through ``start`` inside ``members``, smallest codes first on ties."""
    if graph.has_edge(start, start):
        return [start, start]
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph.succ[node]):
            if nxt not in members:
                continue
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    raise AssertionError("a strongly connected component always has a cycle")  # pragma: no cover


def cycle_problems(graph: nx.DiGraph) -> list[Problem]:
    """One problem per group of steps in a cycle, naming one cycle in order (A → B means B depends on A)."""
    problems = []
    components = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
    components += [{n} for n in nx.nodes_with_selfloops(graph)]
    for members in sorted(components, key=min):
        cycle = _shortest_cycle_from(graph, min(members), members)
        problems.append(
            _error(
                "cycle",
                cycle[:-1],
                f"步骤存在循环依赖：{' → '.join(cycle)}（箭头指向依赖它的步骤）",
                cycle=cycle,
                component=sorted(members),
            )
        )
    return problems


def reduced_dependencies(graph: nx.DiGraph) -> dict[str, list[str]]:
    """Each step's ``depends_on`` in the transitive reduction of an acyclic graph (same order of steps)."""
    reduction = nx.transitive_reduction(graph)
    return {n: sorted(reduction.pred[n]) for n in graph}


def redundant_edge_problems(graph: nx.DiGraph) -> list[Problem]:
    """Warnings for edges implied by longer paths, each with the path and the reduced ``depends_on``."""
    reduction = nx.transitive_reduction(graph)
    redundant = [(u, v) for u, v in graph.edges if not reduction.has_edge(u, v)]
    if not redundant:
        return []
    reduced = {n: sorted(reduction.pred[n]) for n in graph}
    problems = []
    for dep, step in sorted(redundant):
        # A witness path that avoids the direct edge: dep -> (something) -> ... -> step in the reduction.
        path = nx.shortest_path(reduction, dep, step)
        problems.append(
            _warning(
                "redundant_edge",
                [step, dep],
                f"步骤 {step} 对 {dep} 的依赖是多余的：已经通过 {' → '.join(path)} 间接依赖",
                dependency=dep,
                step=step,
                path=path,
                suggested_depends_on=reduced[step],
                transitive_reduction=reduced,
            )
        )
    return problems


def _distinct_steps(bundle: Bundle) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each step once (the first of repeated codes), skipping malformed entries reported elsewhere."""
    seen: set[str] = set()
    for step in bundle_steps(bundle):
        code = step.get("item") if isinstance(step, Mapping) else None
        if code is None or str(code) in seen:
            continue
        seen.add(str(code))
        yield str(code), step


def item_problems(bundle: Bundle, items: Items) -> list[Problem]:
    """Steps naming an unknown item, and items whose time limits are not non-negative integers."""
    problems = []
    for code, _step in _distinct_steps(bundle):
        item = items.get(code)
        if item is None:
            problems.append(_error("unknown_item", [code], f"步骤 {code} 引用的事项不存在于事项目录中"))
            continue
        for key, label in (("promised_days", "承诺办结时限"), ("legal_days", "法定办结时限")):
            if key in item and days_value(item[key]) is None:
                problems.append(
                    _error(
                        "bad_days",
                        [code],
                        f"事项 {_label(code, items)} 的{label}必须是非负整数（工作日），收到：{item[key]}",
                        field=key,
                    )
                )
    return problems


def condition_problems(bundle: Bundle) -> list[Problem]:
    """Conditions naming unknown questions or impossible values, and the steps they make unreachable."""
    questions = {q.get("id"): q for q in bundle.get("questions") or [] if isinstance(q, Mapping)}
    problems = []
    for code, step in _distinct_steps(bundle):
        reasons = []
        when = step.get("when") or {}
        if not isinstance(when, Mapping):
            continue  # reported as bad_step
        for qid, expected in when.items():
            question = questions.get(qid)
            if question is None:
                problems.append(
                    _error(
                        "unknown_question",
                        [code],
                        f"步骤 {code} 的条件引用了不存在的情形问题 {qid}",
                        question=qid,
                    )
                )
                reasons.append(f"问题 {qid} 不存在")
                continue
            text = question.get("text") or qid
            for value in impossible_values(question, expected):
                allowed = "、".join(_show(a) for a in possible_answers(question)) or "（无可选回答）"
                problems.append(
                    _error(
                        "bad_condition_value",
                        [code],
                        f"步骤 {code} 的条件值 {_show(value)} 不是问题“{text}”的可选回答（可选：{allowed}）",
                        question=qid,
                        value=value,
                    )
                )
            if not condition_satisfiable(question, expected):
                reasons.append(f"问题“{text}”没有回答能满足条件 {_show(expected)}")
        if reasons:
            problems.append(
                _warning(
                    "unreachable_step",
                    [code],
                    f"步骤 {code} 在任何情形下都不会办理：{'；'.join(reasons)}",
                )
            )
    return problems


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def structural_problems(bundle: Bundle, items: Items | None = None) -> tuple[nx.DiGraph, list[Problem]]:
    """The problems that make a bundle unplannable (cheap: no transitive reduction, no conditions)."""
    graph, problems = _dependency_graph(bundle)
    problems += cycle_problems(graph)
    if items is not None:
        problems += item_problems(bundle, items)
    return graph, problems


def validate(bundle: Bundle, items: Items | None = None) -> list[Problem]:
    """Every problem of the bundle, errors first, in a stable order.

    Without ``items`` the item checks (``unknown_item``, ``bad_days``) are skipped.
    """
    graph, problems = structural_problems(bundle, items)
    problems += condition_problems(bundle)
    cyclic = {n for p in problems if p.code == "cycle" for n in p.data["component"]}
    problems += redundant_edge_problems(graph.subgraph(n for n in graph if n not in cyclic))
    order = {"error": 0, "warning": 1}
    return sorted(problems, key=lambda p: order[p.level])


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]
