"""Benchmark of the two front doors on the largest sample bundle (开饭店, every conditional step).

Prints, for the merged-form page (GET, applicant logged in) and for one submission (POST
/api/v1/applications with valid data: validated, accepted, planned, committed), the median and p99
in ms. Targets: form page p99 < 50 ms, submission p99 < 100 ms.

    .venv/bin/python bench/bench_application.py                      # SQLite file + embedded Redis
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test BENCH_REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/bench_application.py                  # PostgreSQL + Redis (schema is reset)
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sample_app import sample_app  # noqa: E402
from timing import timed  # noqa: E402

import forms  # noqa: E402
import graphs  # noqa: E402
from bundler.catalogue.queries import bundle_definition  # noqa: E402
from bundler.extensions import db  # noqa: E402
from bundler.services.accounts import create_token, create_user  # noqa: E402

PASSWORD = "Bench-passw0rd"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-app-"))
    config = {
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL"),
        "INSTANCE_PATH": str(workdir),
    }
    app = sample_app("bench-app-", config)
    with app.app_context():
        create_user(db.session, login="13991620077", password=PASSWORD, role="applicant", name="测试")
        token = create_token(db.session, "window")
        db.session.commit()
        definition = bundle_definition(db.session, "KFD")
        answers = {
            "venue_size": "大型（500平方米以上）",
            "has_signboard": True,
            "sells_alcohol": True,
            "has_employees": True,
        }
        parsed = graphs.parse_answers(definition.bundle["questions"], answers)
        schema = forms.merge(definition.bundle, definition.items, parsed)
        data = forms.example_data(schema, jsonable=True)
        dialect = db.engine.dialect.name

    client = app.test_client()
    client.post("/login", data={"login": "13991620077", "password": PASSWORD})
    response = client.post(
        "/bundles/KFD/apply",
        data={f"q_{k}": str(v).lower() if isinstance(v, bool) else v for k, v in answers.items()},
    )
    form_url = response.headers["Location"]
    assert re.search(r"/applications/\d+/form", form_url), response.status_code
    page = client.get(form_url)
    assert page.status_code == 200 and "保存草稿" in page.get_data(as_text=True)

    headers = {"Authorization": f"Bearer {token}"}
    body = {"bundle": "KFD", "answers": answers, "data": data}

    def submit() -> None:
        result = client.post("/api/v1/applications", json=body, headers=headers)
        assert result.status_code == 201, result.get_json()

    print(
        f"database: {dialect}; bundle KFD with every conditional step: "
        f"{schema.stats.asked_fields} asked fields, {schema.stats.asked_materials} materials; runs {args.runs}"
    )
    form_med, form_p99 = timed(lambda: client.get(form_url), args.runs)
    print(
        f"  merged-form page (GET)     median {form_med:7.2f} ms   p99 {form_p99:7.2f} ms   target p99 < 50 ms"
    )
    sub_med, sub_p99 = timed(submit, args.runs)
    print(
        f"  submission (POST, accept)  median {sub_med:7.2f} ms   p99 {sub_p99:7.2f} ms   target p99 < 100 ms"
    )


if __name__ == "__main__":
    main()
