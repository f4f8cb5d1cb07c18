"""Property-based, on random bundles whose fields carry conditions (on the scenario's answers and on
another field's value) and are partly filled by departments: projection gives each item exactly the
fields it asks for those answers and that data, and the merged form never asks a field that a
department fills or that a step of the bundle produces."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from forms import merge, project
from forms.conditions import holds, settle, to_logic

CODES = ["A-1", "B-2", "C-3", "D-4"]
ROLES = ["申请人", "母亲", "新生儿"]
ELEMENTS = ["姓名", "住所", "联系电话", "体重", "出生地点"]
DRIVER = "申请人.民族"  # the field the conditions on fields read
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
    bundle = {"code": "P", "name": "条件", "questions": [{"id": "q"}], "steps": [{"item": c} for c in codes]}
    answers = draw(st.sampled_from([{}, {"q": True}, {"q": False}]))
    return bundle, items, answers, draw(st.sampled_from(ETHNICITIES))


def asks(fld, answers, data) -> bool:
    """Whether the item asks this field, read from the catalogue entry (not from forms' results)."""
    rule = settle(to_logic(fld.get("when")), answers)
    return rule is not False and (rule is True or holds(rule, data))


@settings(max_examples=200, deadline=None)
@given(cases())
def test_projection_gives_each_item_exactly_what_it_asks(case):
    bundle, items, answers, ethnicity = case
    schema = merge(bundle, items, answers)
    data = {f.key: f"v:{f.key}" for f in schema.fields}
    data[DRIVER] = ethnicity
    out = project(schema, items, data, {})
    for code in schema.item_codes:
        expected = {f["name"] for f in items[code]["fields"] if asks(f, answers, data)}
        assert set(out[code]) == expected, code


@settings(max_examples=200, deadline=None)
@given(cases())
def test_the_merged_form_never_asks_what_a_department_fills_or_a_step_produces(case):
    bundle, items, answers, _ = case
    schema = merge(bundle, items, answers)
    applicable = set(schema.item_codes)
    for merged in schema.asked_fields:
        behind = [f for s in merged.sources for f in items[s.item]["fields"] if f["name"] == s.field]
        assert not any(f.get("filled_by") == "department" for f in behind), merged.key
        assert not any(f.get("produced_by") in applicable for f in behind), merged.key
    assert schema.stats.asked_fields == len(schema.asked_fields)
