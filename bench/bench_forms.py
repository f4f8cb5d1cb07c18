"""Benchmark of the form compiler: a bundle of 30 items x 50 fields.

Prints the compile (forms.merge) time and the build + bind + validate time of the unified form
(median and p99, ms). Targets: compile < 20 ms, build + validate < 10 ms.

    cd /work/main && .venv/bin/python bench/bench_forms.py [--runs 300]
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import timed  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

import forms  # noqa: E402

N_ITEMS, N_FIELDS = 30, 50
ROLES = ["申请人", "经营者", "法定代表人", "企业", "联系人"]
COMMON = [
    "申请人.姓名",
    "申请人.公民身份号码",
    "申请人.联系电话",
    "企业.名称",
    "企业.统一社会信用代码",
    "企业.经营场所",
    "法定代表人.姓名",
    "法定代表人.公民身份号码",
]
GROUPS = {
    "从业人员": ["姓名", "公民身份号码", "联系电话", "职业"],
    "股东": ["姓名", "公民身份号码", "注册资本"],
}
KINDS = [
    "居民身份证",
    "营业执照",
    "场所证明",
    "章程",
    "授权委托书",
    "健康证明",
    "照片",
    "承诺书",
    "平面图",
    "消防验收",
    "环评批复",
    "租赁合同",
]


def generate(seed: int = 7) -> tuple[dict, dict]:
    rnd = random.Random(seed)
    d = forms.default_dictionary()
    elements = list(d.elements)
    pool = [f"{r}.{e}" for r in ROLES for e in elements]
    items = {}
    for n in range(N_ITEMS):
        code = f"D{n % 8:02d}-{n:03d}"
        keys = list(dict.fromkeys(rnd.sample(COMMON, 6) + rnd.sample(pool, 45)))[:40]
        fields = []
        for i, key in enumerate(keys):
            role, element = key.split(".")
            el = d.elements[element]
            f = {
                "name": f"f{i}",
                "label": rnd.choice([element, role + element, *el.synonyms[:2]]),
                "role": role,
                "element": element,
                "type": el.type,
                "required": rnd.random() < 0.6,
            }
            if el.options:
                f["options"] = list(el.options)
            if key == "企业.统一社会信用代码" and n:
                f["produced_by"] = "D00-000"
            fields.append(f)
        group = rnd.choice(list(GROUPS))
        for j, element in enumerate(GROUPS[group]):
            el = d.elements[element]
            fields.append(
                {
                    "name": f"g{j}",
                    "label": element,
                    "element": element,
                    "group": group,
                    "type": el.type,
                    "required": j == 0,
                }
            )
        while len(fields) < N_FIELDS:
            i = len(fields)
            fields.append(
                {
                    "name": f"own{i}",
                    "label": rnd.choice(
                        ["备注", "申请事项说明", "经营者身份证号", "场所面积", "店铺招牌文字", "其他说明"]
                    ),
                    "type": "text",
                }
            )
        materials = [
            {
                "name": k,
                "kind": k,
                "role": rnd.choice(["申请人", "企业", None]),
                "required": rnd.random() < 0.8,
                "e_licence": rnd.random() < 0.5,
            }
            for k in rnd.sample(KINDS, 8)
        ]
        items[code] = {
            "code": code,
            "name": f"事项{n}",
            "department": f"D{n % 8:02d}",
            "fields": fields,
            "materials": materials,
        }
    bundle = {"code": "BENCH", "name": "基准", "steps": [{"item": c} for c in items]}
    return bundle, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    bundle, items = generate()
    schema = forms.merge(bundle, items)
    assert not schema.conflicts, schema.conflicts
    formdata = MultiDict(forms.formdata_for(schema, forms.example_data(schema, rows=3)))

    def build_bind_validate():
        form = forms.build_form(schema)(formdata)
        ok = form.validate()
        assert ok, form.errors

    build_bind_validate()
    st = schema.stats
    print(
        f"bundle: {N_ITEMS} items x {N_FIELDS} fields; component {st.component_fields} -> merged "
        f"{st.merged_fields} -> asked {st.asked_fields} fields; materials {st.component_materials} -> "
        f"{st.merged_materials} -> {st.asked_materials}; {len(schema.sections)} sections; runs {args.runs}"
    )
    # The p99 is dominated by full garbage collections over every live object of the process; a web
    # worker that calls gc.freeze() after start-up (as with a preloaded gunicorn app) avoids most of it.
    for title, setup in (("default gc", lambda: None), ("after gc.freeze()", gc.freeze)):
        setup()
        compile_med, compile_p99 = timed(lambda: forms.merge(bundle, items), args.runs, warmup=10)
        form_med, form_p99 = timed(build_bind_validate, args.runs, warmup=10)
        print(f"[{title}]")
        print(
            f"  compile (merge)          median {compile_med:7.2f} ms   p99 {compile_p99:7.2f} ms   target < 20 ms"
        )
        print(
            f"  build + bind + validate  median {form_med:7.2f} ms   p99 {form_p99:7.2f} ms   target < 10 ms"
        )


if __name__ == "__main__":
    main()
