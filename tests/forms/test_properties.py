"""Property-based: order independence, unique keys, projection restores every item's fields."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from forms import merge, project

ROLES = ["申请人", "经营者", "母亲", "企业"]
ELEMENTS = ["姓名", "公民身份号码", "联系电话", "住所", "名称"]
GROUPS = ["从业人员", "股东"]
LABELS = ["姓名", "名字", "身份证号", "联系电话", "手机号码", "住址", "备注", "名称"]
TYPES = ["text", "textarea", "integer", "decimal", "choice", "id_number", "phone", "date"]
OPTIONS = ["甲", "乙", "丙"]
KINDS = ["居民身份证", "营业执照", "户口簿", "照片"]
CODES = ["A-1", "B-2", "C-3", "D-4", "E-5"]


def field_st(codes):
    return st.fixed_dictionaries(
        {"label": st.sampled_from(LABELS), "type": st.sampled_from(TYPES)},
        optional={
            "role": st.sampled_from(ROLES + GROUPS),
            "element": st.sampled_from(ELEMENTS),
            "group": st.sampled_from(GROUPS),
            "required": st.booleans(),
            "options": st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=3, unique=True),
            "max_length": st.integers(1, 100),
            "produced_by": st.sampled_from(codes),
        },
    )


material_st = st.fixed_dictionaries(
    {"name": st.sampled_from(["身份证", "居民身份证", "执照", "照片"]), "kind": st.sampled_from(KINDS)},
    optional={
        "role": st.sampled_from(ROLES),
        "required": st.booleans(),
        "e_licence": st.booleans(),
        "produced_by": st.sampled_from(CODES),
    },
)


@st.composite
def bundles(draw):
    n = draw(st.integers(1, len(CODES)))
    codes = CODES[:n]
    items = {}
    for code in codes:
        fields = draw(st.lists(field_st(codes + ["OUT-9"]), max_size=8))
        for i, f in enumerate(fields):
            f["name"] = f"f{i}"
        items[code] = {
            "code": code,
            "name": f"事项{code}",
            "department": code[0],
            "fields": fields,
            "materials": draw(st.lists(material_st, max_size=4)),
        }
    steps = [
        {"item": c, **draw(st.sampled_from([{}, {"when": {"q": True}}, {"when": {"q": False}}]))}
        for c in codes
    ]
    bundle = {"code": "P", "name": "性质测试", "questions": [{"id": "q"}], "steps": steps}
    answers = draw(st.sampled_from([{}, {"q": True}, {"q": False}]))
    return bundle, items, answers


def shuffled(bundle, items, seed):
    rnd = random.Random(seed)
    steps = list(bundle["steps"])
    rnd.shuffle(steps)
    codes = list(items)
    rnd.shuffle(codes)
    return {**bundle, "steps": steps}, {c: items[c] for c in codes}


def describe(schema):
    return (schema.to_json(), schema.sections, schema.groups, schema.resolutions)


@settings(max_examples=150, deadline=None)
@given(bundles(), st.integers(0, 2**32))
def test_merge_is_order_independent(case, seed):
    bundle, items, answers = case
    b2, i2 = shuffled(bundle, items, seed)
    assert describe(merge(bundle, items, answers)) == describe(merge(b2, i2, answers))


@settings(max_examples=150, deadline=None)
@given(bundles())
def test_no_two_merged_fields_share_a_key(case):
    bundle, items, answers = case
    schema = merge(bundle, items, answers)
    keys = [f.key for f in schema.fields]
    assert len(keys) == len(set(keys))
    mats = [(m.kind, m.role) for m in schema.materials]
    assert len(mats) == len(set(mats))
    # every applicable catalogue field is behind exactly one merged field
    sources = sorted((s.item, s.field) for f in schema.fields for s in f.sources)
    expected = sorted((c, f["name"]) for c in schema.item_codes for f in items[c]["fields"])
    assert sources == expected
    assert schema.stats.component_fields == len(expected)


def expected_key(code, f):
    """The key rules of the contract, written independently of forms.keys."""
    role, element, group = f.get("role"), f.get("element"), f.get("group")
    if group is not None:
        if element:
            column = element if not role or role == group else f"{role}.{element}"
        else:
            column = f"{code}.{f['name']}"
        return f"{group}[]", column
    if role and element:
        return f"{role}.{element}", None
    return f"{code}.{f['name']}", None


@settings(max_examples=150, deadline=None)
@given(bundles(), st.integers(0, 3))
def test_projection_after_merge_restores_every_items_fields(case, rows):
    bundle, items, answers = case
    schema = merge(bundle, items, answers)
    applicable = set(schema.item_codes)

    produced_keys = set()
    for code in applicable:
        for f in items[code]["fields"]:
            key, column = expected_key(code, f)
            if column is None and f.get("produced_by") in applicable:
                produced_keys.add(key)
    unified, produced = {}, {}
    for code in applicable:
        for f in items[code]["fields"]:
            key, column = expected_key(code, f)
            if column is None:
                (produced if key in produced_keys else unified)[key] = f"v:{key}"
            else:
                unified.setdefault(key, [{} for _ in range(rows)])
                for i in range(rows):
                    unified[key][i][column] = f"v:{key}.{column}:{i}"

    out = project(schema, items, unified, produced)
    assert set(out) == applicable
    for code in applicable:
        for f in items[code]["fields"]:
            key, column = expected_key(code, f)
            if column is None:
                assert out[code][f["name"]] == f"v:{key}"
            else:
                group = f["group"]
                assert [r[f["name"]] for r in out[code][group]] == [
                    f"v:{key}.{column}:{i}" for i in range(rows)
                ]
