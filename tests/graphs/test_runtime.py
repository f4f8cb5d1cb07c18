"""Run-time readiness: release serial steps, block only what is below a rejection."""

import networkx as nx
import pytest

from graphs import evaluate, plan
from graphs.runtime import STATES


def graph():
    # A -> B -> C, A -> D, E alone.
    g = nx.DiGraph([("A", "B"), ("B", "C"), ("A", "D")])
    g.add_node("E")
    return g


def test_initially_the_sources_are_ready():
    view = evaluate(graph(), {})
    assert view.ready == ("A", "E")
    assert not view.complete and view.blocked == ()


def test_done_predecessor_releases_its_dependents():
    view = evaluate(graph(), {"A": "done", "E": "in_progress"})
    assert view.ready == ("B", "D")


def test_already_released_steps_are_not_ready_again():
    assert evaluate(graph(), {"A": "done", "B": "ready", "D": "in_progress", "E": "done"}).ready == ()


def test_rejection_blocks_only_its_descendants():
    view = evaluate(graph(), {"A": "done", "B": "rejected", "D": "in_progress", "E": "ready"})
    assert view.blocked == ("C",)
    assert view.rejected == ("B",)
    assert view.active == ("D", "E")
    assert not view.complete
    finished = evaluate(graph(), {"A": "done", "B": "rejected", "D": "done", "E": "done"})
    assert finished.complete and not finished.succeeded
    assert finished.blocked == ("C",)


def test_rejection_at_the_root_blocks_everything_below():
    view = evaluate(graph(), {"A": "rejected", "E": "done"})
    assert view.blocked == ("B", "C", "D")
    assert view.complete and view.ready == ()


def test_all_done_or_skipped_is_a_success():
    view = evaluate(graph(), {"A": "done", "B": "skipped", "C": "done", "D": "done", "E": "skipped"})
    assert view.complete and view.succeeded


def test_a_skipped_step_does_not_skip_what_it_waited_for():
    # B skipped while A is still in progress: C must still wait for A (inclusive join).
    assert "C" not in evaluate(graph(), {"A": "in_progress", "B": "skipped"}).ready
    assert "C" in evaluate(graph(), {"A": "done", "B": "skipped"}).ready


def test_paused_step_holds_its_dependents_only():
    view = evaluate(graph(), {"A": "done", "B": "paused", "D": "done"})
    assert view.ready == ("E",)
    assert "B" in view.active and not view.complete


def test_unknown_state_raises():
    with pytest.raises(ValueError, match="未知的步骤状态"):
        evaluate(graph(), {"A": "finished"})


def test_states_of_steps_outside_the_scenario_are_ignored():
    assert evaluate(graph(), {"ZZ": "skipped"}).ready == ("A", "E")


def test_accepts_a_plan():
    items = {c: {"code": c, "name": c, "promised_days": 1, "legal_days": 1} for c in "AB"}
    p = plan({"code": "X", "steps": [{"item": "A"}, {"item": "B", "depends_on": ["A"]}]}, items)
    assert evaluate(p, {"A": "done"}).ready == ("B",)
    assert evaluate(p, {"A": "done", "B": "done"}).to_json()["succeeded"] is True


def test_state_names():
    assert set(STATES) == {
        "waiting",
        "ready",
        "in_progress",
        "done",
        "rejected",
        "skipped",
        "paused",
        "revoked",
        "blocked",
    }


def test_a_stored_blocked_step_stays_blocked_and_the_application_is_over():
    view = evaluate(graph(), {"A": "done", "B": "rejected", "C": "blocked", "D": "done", "E": "done"})
    assert view.blocked == ("C",) and view.active == () and view.complete and not view.succeeded
