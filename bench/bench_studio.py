"""Benchmark of the bundle studio: the full review of a draft (what the studio page computes) and the
live preview a ticked prerequisite asks for, on the sample catalogue.

Run: .venv/bin/python bench/bench_studio.py [--runs N]   (BENCH_DATABASE_URL to use PostgreSQL;
its tables are dropped and created again)
Prints median and p99 in ms: studio.review() of 开饭店 (8 steps), POST /studio/changes/ID/preview and
the whole studio page.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sample_app import sample_app  # noqa: E402
from timing import timed  # noqa: E402

from bundler.catalogue.queries import bundle_definition  # noqa: E402
from bundler.extensions import db  # noqa: E402
from bundler.models.changes import ACTION_CHANGE, KIND_BUNDLE  # noqa: E402
from bundler.services import changes, studio  # noqa: E402
from bundler.services.accounts import create_user  # noqa: E402

PASSWORD = "Bench-passw0rd"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    config: dict[str, Any] = {}
    if os.environ.get("BENCH_DATABASE_URL"):
        config["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    app = sample_app("bench-studio-", config)
    with app.app_context():
        lead_department = bundle_definition(db.session, "KFD").bundle["lead_department"]
        lead = create_user(
            db.session, login="bench-lead", password=PASSWORD, role="lead", department_code=lead_department
        )
        change = changes.start_change(db.session, lead, KIND_BUNDLE, "KFD", ACTION_CHANGE)
        db.session.commit()
        content, change_id = change.content, change.id
        review = timed(lambda: studio.review(db.session, content, {}), args.runs, warmup=3)
        db.session.rollback()

    client = app.test_client()
    client.post("/login", data={"login": "bench-lead", "password": PASSWORD})
    form = {f"deps_{s['item']}": s["depends_on"] for s in content["steps"]}
    preview = timed(
        lambda: client.post(f"/studio/changes/{change_id}/preview", data=form), args.runs, warmup=3
    )
    page = timed(lambda: client.get(f"/studio/changes/{change_id}"), args.runs, warmup=3)
    engine = "PostgreSQL" if config.get("DATABASE_URL") else "SQLite"
    print(f"bundle studio on {engine}, 开饭店 (8 steps), {args.runs} runs")
    print(f"  studio.review()           median {review[0]:6.1f} ms   p99 {review[1]:6.1f} ms")
    print(f"  POST …/preview (live)     median {preview[0]:6.1f} ms   p99 {preview[1]:6.1f} ms")
    print(f"  GET the studio page       median {page[0]:6.1f} ms   p99 {page[1]:6.1f} ms")


if __name__ == "__main__":
    main()
