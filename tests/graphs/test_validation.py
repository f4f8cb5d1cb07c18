"""Validation: every problem at once, in Chinese, with stable codes."""

from graphs import Problem, reduced_dependencies, validate
from graphs.bundle_graph import build_graph


def items_for(*codes):
    return {
        c: {"code": c, "name": f"事项{c}", "department": "D", "legal_days": 5, "promised_days": 2}
        for c in codes
    }


def by_code(problems, code):
    return [p for p in problems if p.code == code]


def test_valid_bundle_has_no_problems():
    b = {"code": "X", "steps": [{"item": "A"}, {"item": "B", "depends_on": ["A"]}]}
    assert validate(b, items_for("A", "B")) == []


def test_cycle_is_named_in_order():
    b = {
        "code": "X",
        "steps": [
            {"item": "A", "depends_on": ["C"]},
            {"item": "B", "depends_on": ["A"]},
            {"item": "C", "depends_on": ["B"]},
        ],
    }
    [cycle] = validate(b, items_for("A", "B", "C"))
    assert cycle.level == "error" and cycle.code == "cycle"
    assert cycle.steps == ("A", "B", "C")
    assert "步骤存在循环依赖：A → B → C → A" in cycle.message
    assert cycle.data["cycle"] == ["A", "B", "C", "A"]


def test_cycle_starts_at_smallest_code_and_follows_edges():
    # C needs B, B needs D, D needs C: edges (dep -> step) B->C, D->B, C->D.
    b = {
        "code": "X",
        "steps": [
            {"item": "C", "depends_on": ["B"]},
            {"item": "B", "depends_on": ["D"]},
            {"item": "D", "depends_on": ["C"]},
        ],
    }
    [cycle] = validate(b)
    assert cycle.data["cycle"] == ["B", "C", "D", "B"]


def test_self_dependency_is_a_cycle():
    [cycle] = validate({"code": "X", "steps": [{"item": "A", "depends_on": ["A"]}]})
    assert cycle.code == "cycle" and "A → A" in cycle.message


def test_two_separate_cycles_are_both_reported():
    b = {
        "code": "X",
        "steps": [
            {"item": "A", "depends_on": ["B"]},
            {"item": "B", "depends_on": ["A"]},
            {"item": "C", "depends_on": ["D"]},
            {"item": "D", "depends_on": ["C"]},
        ],
    }
    assert [p.data["cycle"] for p in validate(b)] == [["A", "B", "A"], ["C", "D", "C"]]


def test_every_problem_at_once():
    b = {
        "code": "X",
        "questions": [
            {"id": "kind", "text": "经营类型？", "type": "choice", "options": ["餐饮", "零售"]},
            {"id": "alcohol", "text": "是否销售酒类？"},
        ],
        "steps": [
            {"item": "A", "depends_on": ["C"]},
            {"item": "B", "depends_on": ["A"]},
            {"item": "C", "depends_on": ["B", "Z"]},
            {"item": "A"},
            {"item": "D", "when": {"kind": "超市"}},
            {"item": "E", "when": {"nq": True}},
            {"item": "F", "depends_on": ["G", "H"]},
            {"item": "G", "depends_on": ["H"]},
            {"item": "H", "when": {"alcohol": "yes"}},
            {"item": "Q"},
            {},
        ],
    }
    problems = validate(b, items_for("A", "B", "C", "D", "E", "F", "G", "H"))
    codes = {p.code for p in problems}
    assert codes == {
        "cycle",
        "unknown_dependency",
        "duplicate_step",
        "unknown_item",
        "bad_step",
        "unknown_question",
        "bad_condition_value",
        "unreachable_step",
        "redundant_edge",
    }
    assert all(isinstance(p, Problem) and p.message for p in problems)
    # Errors come first.
    levels = [p.level for p in problems]
    assert levels == sorted(levels, key=lambda x: x != "error")
    [dep] = by_code(problems, "unknown_dependency")
    assert dep.steps == ("C", "Z") and "Z" in dep.message
    assert by_code(problems, "unknown_item")[0].steps == ("Q",)
    assert {p.steps for p in by_code(problems, "unreachable_step")} == {("D",), ("E",), ("H",)}
    assert all(p.level == "warning" for p in by_code(problems, "unreachable_step"))
    bad_values = by_code(problems, "bad_condition_value")
    assert {p.data["value"] for p in bad_values} == {"超市", "yes"}
    assert "餐饮、零售" in next(p.message for p in bad_values if p.steps == ("D",))


def test_redundant_edge_is_a_warning_with_the_reduction():
    b = {
        "code": "X",
        "steps": [
            {"item": "A"},
            {"item": "B", "depends_on": ["A"]},
            {"item": "C", "depends_on": ["A", "B"]},
        ],
    }
    [problem] = validate(b, items_for("A", "B", "C"))
    assert problem.level == "warning" and problem.code == "redundant_edge"
    assert problem.steps == ("C", "A")
    assert problem.data["path"] == ["A", "B", "C"]
    assert problem.data["suggested_depends_on"] == ["B"]
    assert problem.data["transitive_reduction"] == {"A": [], "B": ["A"], "C": ["B"]}
    assert "A → B → C" in problem.message
    assert reduced_dependencies(build_graph(b)) == {"A": [], "B": ["A"], "C": ["B"]}


def test_partly_impossible_list_is_an_error_but_step_is_reachable():
    b = {
        "code": "X",
        "questions": [{"id": "k", "type": "choice", "options": ["a"]}],
        "steps": [{"item": "A", "when": {"k": ["a", "z"]}}],
    }
    problems = validate(b)
    assert [p.code for p in problems] == ["bad_condition_value"]


def test_bad_days_and_duplicate_dependency():
    items = items_for("A", "B")
    items["B"] = {**items["B"], "promised_days": -1}
    b = {"code": "X", "steps": [{"item": "A"}, {"item": "B", "depends_on": ["A", "A"]}]}
    codes = sorted(p.code for p in validate(b, items))
    assert codes == ["bad_days", "duplicate_dependency"]


def test_problems_serialise():
    b = {"code": "X", "steps": [{"item": "A", "depends_on": ["A"]}]}
    data = validate(b)[0].to_json()
    assert set(data) == {"level", "code", "steps", "message", "data"}
    assert data["steps"] == ["A"]


def test_badly_shaped_steps_are_reported_not_crashed_on():
    b = {
        "code": "X",
        "steps": [{"item": "A", "depends_on": 5}, {"item": "B", "when": ["q"], "depends_on": ["A"]}],
    }
    problems = validate(b)
    assert [(p.code, p.steps) for p in problems] == [("bad_step", ("A",)), ("bad_step", ("B",))]
    assert "depends_on" in problems[0].message and "when" in problems[1].message


def test_graphs_imports_no_web_or_database_package():
    import ast
    from pathlib import Path

    import graphs

    forbidden = {"flask", "bundler", "sqlalchemy", "flask_sqlalchemy", "psycopg", "redis", "rq"}
    for path in Path(graphs.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            assert not {n.split(".")[0] for n in names} & forbidden, path.name
