"""Property-based, on random bundles whose fields carry conditions (on the scenario's answers and on
another field's value), are partly filled by departments, and whose 新生儿 may be a repeating role
(several persons, steps run per person): projection gives each item exactly the fields it asks for
those answers, that data and those persons, and the merged form never asks a field that a department
fills or that a step of the bundle produces."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from forms import merge, project
from forms.conditions import holds, settle, to_logic

CODES = ["A-1", "B-2", "C-3", "D-4"]
ROLES = ["申请人", "母亲", "新生儿"]
ELEMENTS = ["姓名", "住所", "联系电话", "体重", "出生地点"]
DRIVER = "申请人.民族"  # the field the conditions on fields read
REPEATING = "新生儿"  # the role a bundle may declare repeating
ETHNICITIES = ["汉族", "回族"]
WHENS = [
    None,
    {"q": True},
    {"q": False},
    {"logic": {"==": [{"var": f"fields.{DRIVER}"}, "回族"]}},
    {"logic": {"and": [{"var": "answers.q"}, {"!=": [{"var": f"fields.{DRIVER}"}, "回族"]}]}},
]


@st.composite
def cases(draw):
    codes = CODES[: draw(st.integers(1, len(CODES)))]
    items = {}
    for n, code in enumerate(codes):
        fields = [{"name": "mz", "role": "申请人", "element": "民族", "type": "text"}] if n == 0 else []
        for i in range(draw(st.integers(0, 5))):
            fld = {"name": f"f{i}", "type": "text", "role": draw(st.sampled_from(ROLES))}
            fld["element"] = draw(st.sampled_from(ELEMENTS))
            if (when := draw(st.sampled_from(WHENS))) is not None:
                fld["when"] = when
            if draw(st.booleans()) and draw(st.booleans()):
                fld["filled_by"] = "department"
            if draw(st.integers(0, 5)) == 0:
                fld["produced_by"] = draw(st.sampled_from(codes))
            fields.append(fld)
        items[code] = {"code": code, "name": code, "department": code[0], "fields": fields}
    repeat = draw(st.booleans())
    steps = [{"item": c, **({"per": REPEATING} if repeat and draw(st.booleans()) else {})} for c in codes]
    bundle = {"code": "P", "name": "条件", "questions": [{"id": "q"}], "steps": steps}
    if repeat:
        bundle["roles"] = [{"name": REPEATING, "repeat": True}]
    answers = draw(st.sampled_from([{}, {"q": True}, {"q": False}]))
    persons = draw(st.integers(1, 3)) if repeat else 1
    return bundle, items, answers, draw(st.sampled_from(ETHNICITIES)), persons


def asks(fld, answers, data) -> bool:
    """Whether the item asks this field, read from the catalogue entry (not from forms' results)."""
    rule = settle(to_logic(fld.get("when")), answers)
    return rule is not False and (rule is True or holds(rule, data))


def unified(schema, ethnicity: str, persons: int) -> dict:
    """A value for every merged field; a repeating role's fields once per person, each different."""
    data: dict = {}
    for f in schema.fields:
        if f.group is None:
            data[f.key] = f"v:{f.key}"
        else:
            rows = data.setdefault(f.group_key, [{} for _ in range(persons)])
            for i, row in enumerate(rows):
                row[f.column] = f"v:{f.key}:{i}"
    data[DRIVER] = ethnicity
    return data


@settings(max_examples=300, deadline=None)
@given(cases())
def test_projection_gives_each_item_exactly_what_it_asks(case):
    bundle, items, answers, ethnicity, persons = case
    schema = merge(bundle, items, answers)
    data = unified(schema, ethnicity, persons)
    repeating = bool(bundle.get("roles"))
    per = {s["item"]: s.get("per") for s in bundle["steps"]}
    out = project(schema, items, data, {})
    for code in schema.item_codes:
        asked = [f for f in items[code]["fields"] if asks(f, answers, data)]
        single = {f["name"] for f in asked if not (repeating and f["role"] == REPEATING)}
        each = {f["name"] for f in asked if repeating and f["role"] == REPEATING}
        if per[code]:  # one form per person, that person's values as plain fields
            for i in range(persons):
                mine = project(schema, items, data, {}, (REPEATING, i))[code]
                assert set(mine) == single | each, code
                assert all(mine[n].endswith(f":{i}") for n in each), code
            continue
        assert set(out[code]) == single | ({REPEATING} if each else set()), code
        if each:  # every person, each with exactly the item's own fields of the role
            assert [set(row) for row in out[code][REPEATING]] == [each] * persons, code


@settings(max_examples=300, deadline=None)
@given(cases())
def test_the_merged_form_never_asks_what_a_department_fills_or_a_step_produces(case):
    bundle, items, answers, _, persons = case
    schema = merge(bundle, items, answers, persons={REPEATING: persons} if bundle.get("roles") else None)
    applicable = set(schema.item_codes)
    for merged in schema.asked_fields:
        behind = [f for s in merged.sources for f in items[s.item]["fields"] if f["name"] == s.field]
        assert not any(f.get("filled_by") == "department" for f in behind), merged.key
        assert not any(f.get("produced_by") in applicable for f in behind), merged.key
    each = [f for f in schema.asked_fields if f.group == REPEATING]
    assert schema.stats.asked_fields == len(schema.asked_fields) + (persons - 1) * len(each)
