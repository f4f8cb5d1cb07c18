"""Property-based tests of the plan on random DAGs (brute force on small graphs)."""

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from graphs import plan, restrict

CODES = ["K", "B", "H", "A", "F", "C", "J", "E", "G", "D"]


@st.composite
def dags(draw, max_nodes=8):
    """A random bundle: codes in a random order, edges only from earlier to later steps."""
    n = draw(st.integers(min_value=1, max_value=max_nodes))
    codes = draw(st.permutations(CODES))[:n]
    edges = [(codes[i], codes[j]) for i in range(n) for j in range(i + 1, n) if draw(st.booleans())]
    days = {c: draw(st.integers(min_value=0, max_value=4)) for c in codes}
    legal = {c: days[c] + draw(st.integers(min_value=0, max_value=3)) for c in codes}
    optional = {c: draw(st.booleans()) for c in codes}
    return codes, edges, days, legal, optional


def to_bundle(codes, edges, days, legal, optional=None):
    optional = optional or {}
    steps = []
    for c in codes:
        step = {"item": c, "depends_on": [u for u, v in edges if v == c]}
        if optional.get(c):
            step["when"] = {"q": True}
        steps.append(step)
    items = {
        c: {"code": c, "name": c, "department": "D", "promised_days": days[c], "legal_days": legal[c]}
        for c in codes
    }
    return {"code": "R", "questions": [{"id": "q"}], "steps": steps}, items


def full_chains(graph):
    sources = [n for n in graph if graph.in_degree(n) == 0]
    sinks = {n for n in graph if graph.out_degree(n) == 0}

    def walk(path):
        if path[-1] in sinks:
            yield list(path)
        for nxt in graph.succ[path[-1]]:
            yield from walk([*path, nxt])

    for s in sources:
        yield from walk([s])


def all_chains(graph):
    for s in graph:
        yield from _chains_from(graph, [s])


def _chains_from(graph, path):
    yield list(path)
    for nxt in graph.succ[path[-1]]:
        yield from _chains_from(graph, [*path, nxt])


@settings(max_examples=200, deadline=None)
@given(dags(), st.booleans())
def test_stages_respect_dependencies_and_hold_each_step_once(dag, answer):
    codes, edges, days, legal, optional = dag
    bundle, items = to_bundle(codes, edges, days, legal, optional)
    p = plan(bundle, items, {"q": answer})
    flat = [c for stage in p.stages for c in stage]
    applicable = [c for c in codes if answer or not optional[c]]
    assert sorted(flat) == sorted(applicable) and len(flat) == len(set(flat))
    assert all(stage == sorted(stage) and stage for stage in p.stages)
    index = {c: i for i, stage in enumerate(p.stages) for c in stage}
    full = nx.DiGraph(edges)
    full.add_nodes_from(codes)
    for u in applicable:
        for v in nx.descendants(full, u):
            if v in index:  # every (transitive) dependency among applicable steps is respected
                assert index[u] < index[v]
    assert p.sum_promised_days == sum(days[c] for c in applicable)


@settings(max_examples=200, deadline=None)
@given(dags())
def test_critical_path_is_the_heaviest_full_chain_smallest_on_ties(dag):
    codes, edges, days, legal, _ = dag
    bundle, items = to_bundle(codes, edges, days, legal)
    p = plan(bundle, items)
    graph = nx.DiGraph(edges)
    graph.add_nodes_from(codes)
    path = p.critical_path
    # A real chain from a source to a sink.
    assert graph.in_degree(path[0]) == 0 and graph.out_degree(path[-1]) == 0
    assert all(graph.has_edge(u, v) for u, v in zip(path, path[1:], strict=False))
    assert p.promised_days == sum(days[c] for c in path)
    # No chain at all (full or not) is heavier; among the heaviest full chains it is the smallest list.
    assert max(sum(days[c] for c in chain) for chain in all_chains(graph)) == p.promised_days
    best = min(full_chains(graph), key=lambda ch: (-sum(days[c] for c in ch), ch))
    assert path == best
    best_legal = min(full_chains(graph), key=lambda ch: (-sum(legal[c] for c in ch), ch))
    assert p.statutory_days == sum(legal[c] for c in best_legal)
    assert p.statutory_path == best_legal


@settings(max_examples=200, deadline=None)
@given(dags(), st.data())
def test_removing_steps_keeps_transitive_dependencies(dag, data):
    codes, edges, *_ = dag
    graph = nx.DiGraph(edges)
    graph.add_nodes_from(codes)
    kept = data.draw(st.sets(st.sampled_from(codes)))
    reduced = restrict(graph, kept)
    assert set(reduced) == kept
    for u in kept:
        for v in kept:
            if u != v:  # reachability among kept steps is exactly the original one
                assert nx.has_path(reduced, u, v) == nx.has_path(graph, u, v)


def test_removed_middle_step_keeps_order():
    graph = nx.DiGraph([("A", "B"), ("B", "C")])
    reduced = restrict(graph, {"A", "C"})
    assert list(reduced.edges) == [("A", "C")]


@settings(max_examples=150, deadline=None)
@given(dags(), st.data())
def test_a_rejection_or_revocation_blocks_exactly_its_unfinished_descendants(dag, data):
    from graphs import evaluate
    from graphs.runtime import STATES

    codes, edges, *_ = dag
    graph = nx.DiGraph(edges)
    graph.add_nodes_from(codes)
    states = {c: data.draw(st.sampled_from(STATES)) for c in codes}
    view = evaluate(graph, states)
    failed, finished = ("rejected", "revoked"), ("done", "skipped", "rejected", "revoked")
    below = set().union(*(nx.descendants(graph, c) for c in codes if states[c] in failed))
    assert set(view.blocked) == {c for c in below if states[c] not in finished}

    def satisfied(code):  # done, or skipped with everything it waited for satisfied (inclusive join)
        return states[code] == "done" or (
            states[code] == "skipped" and all(satisfied(p) for p in graph.pred[code])
        )

    expected_ready = {
        c
        for c in codes
        if states[c] == "waiting" and c not in below and all(satisfied(p) for p in graph.pred[c])
    }
    assert set(view.ready) == expected_ready
    assert view.complete == all(states[c] in finished or c in view.blocked for c in codes)
