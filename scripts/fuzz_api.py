"""Schemathesis with every check against a running instance, once per token role (window, department,
administrator), and the figures of each run.

The instance is a fresh one (temporary folder, sample catalogue, one accepted 开饭店 application so
that ids exist) served by werkzeug in this process; schemathesis runs as its own command line, so the
answers travel over real HTTP. ``positive_data_acceptance`` accepts 401/403/404/422 besides 2xx for the
reason the in-process test gives (a request the document allows may name a bundle that does not exist).

    .venv/bin/python scripts/fuzz_api.py                       # 50 examples per operation and role
    .venv/bin/python scripts/fuzz_api.py --max-examples 200 --roles department
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import forms  # noqa: E402
import graphs  # noqa: E402
from bundler import create_app  # noqa: E402
from bundler.catalogue.queries import bundle_definition  # noqa: E402
from bundler.database import rebuild_schema  # noqa: E402
from bundler.extensions import db  # noqa: E402
from bundler.services.accounts import create_token  # noqa: E402
from bundler.services.sample import import_sample  # noqa: E402

ANSWERS = {
    "venue_size": "小型（150平方米以下）",
    "has_signboard": False,
    "sells_alcohol": False,
    "has_employees": True,
}
CONFIG = """\
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-path-regex = "^/calendar/"
parameters = { year = 2026 }

[[operations]]
include-path-regex = "^/applications/[{]id[}]/"
parameters = { id = 1 }
"""


def prepared_app(workdir: Path) -> tuple[object, dict[str, str]]:
    app = create_app(
        {
            "DATABASE_URL": os.environ.get("FUZZ_DATABASE_URL") or f"sqlite:///{workdir / 'fuzz.db'}",
            "REDIS_URL": os.environ.get("FUZZ_REDIS_URL"),
            "INSTANCE_PATH": str(workdir),
            "SAMPLE_CATALOGUE": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        rebuild_schema()
        assert import_sample(db.session).ok
        tokens = {
            "window": create_token(db.session, "window", label="综合窗口"),
            "department": create_token(db.session, "department", "SCJG", label="市场监管业务系统"),
            "admin": create_token(db.session, "admin", label="管理员"),
        }
        db.session.commit()
        definition = bundle_definition(db.session, "KFD")
        parsed = graphs.parse_answers(definition.bundle["questions"], ANSWERS)
        data = forms.example_data(forms.merge(definition.bundle, definition.items, parsed), jsonable=True)
    answer = app.test_client().post(
        "/api/v1/applications",
        json={"bundle": "KFD", "answers": ANSWERS, "data": data},
        headers={"Authorization": f"Bearer {tokens['window']}"},
    )
    assert answer.status_code == 201, answer.get_json()
    return app, tokens


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--roles", default="window,department,admin")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # schemathesis prints its own figures
    workdir = Path(tempfile.mkdtemp(prefix="fuzz-api-"))
    app, tokens = prepared_app(workdir)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = workdir / "schemathesis.toml"
    config.write_text(CONFIG)
    failed = 0
    for role in args.roles.split(","):
        print(f"== {role}", flush=True)
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "--config-file",
                str(config),
                "--no-color",
                "run",
                f"http://127.0.0.1:{server.server_port}/api/v1/openapi.json",
                "--checks",
                "all",
                "--workers",
                "1",
                "--max-examples",
                str(args.max_examples),
                "--seed",
                "20261204",
                "-H",
                f"Authorization: Bearer {tokens[role]}",
            ],
            check=False,
        )
        failed += run.returncode != 0
    server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
