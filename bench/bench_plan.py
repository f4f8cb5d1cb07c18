"""Benchmark of graphs.plan() and graphs.validate() on random layered bundles.

Run: .venv/bin/python bench/bench_plan.py [--runs N] [--seed S]
Prints the median and p99 time per call in ms for bundles of 10, 50 and 200 steps.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import timed  # noqa: E402

from graphs import plan, validate  # noqa: E402


def layered_bundle(steps: int, rng: random.Random) -> tuple[dict, dict]:
    """About sqrt(steps) layers; each step depends on 0-3 steps of earlier layers; a third conditional."""
    layers_count = max(2, round(steps**0.5))
    codes = [f"D{rng.randrange(12):02d}-{i:03d}" for i in range(steps)]
    layers = [codes[i::layers_count] for i in range(layers_count)]
    earlier: list[str] = []
    bundle_steps = []
    for layer in layers:
        for code in layer:
            step: dict = {"item": code}
            if earlier:
                step["depends_on"] = rng.sample(earlier, k=min(len(earlier), rng.randint(0, 3)))
            if rng.random() < 1 / 3:
                step["when"] = {"q": rng.random() < 0.5}
            bundle_steps.append(step)
        earlier.extend(layer)
    items = {}
    for code in codes:
        legal = rng.randint(0, 30)
        items[code] = {
            "code": code,
            "name": f"事项{code}",
            "department": code[:3],
            "type": "行政许可",
            "legal_days": legal,
            "promised_days": rng.randint(0, legal),
        }
    bundle = {
        "code": f"BENCH{steps}",
        "name": "基准",
        "questions": [{"id": "q", "text": "情形？"}],
        "steps": bundle_steps,
    }
    return bundle, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(
        f"{'steps':>5} {'edges':>5} {'plan median':>12} {'plan p99':>9} {'validate median':>16} {'validate p99':>13}"
    )
    for size in (10, 50, 200):
        bundle, items = layered_bundle(size, rng)
        edges = sum(len(s.get("depends_on", [])) for s in bundle["steps"])
        for _ in range(10):  # warm up
            plan(bundle, items, {"q": "true"})
            validate(bundle, items)
        pm, p99 = timed(lambda b=bundle, i=items: plan(b, i, {"q": "true"}), args.runs, warmup=0)
        vm, v99 = timed(lambda b=bundle, i=items: validate(b, i), args.runs, warmup=0)
        print(f"{size:>5} {edges:>5} {pm:>9.3f} ms {p99:>6.3f} ms {vm:>13.3f} ms {v99:>10.3f} ms")


if __name__ == "__main__":
    main()
