"""Scale benchmark: the pages and APIs whose lists grow with a year of applications, measured on the
product's own rows replicated by SQL (PostgreSQL).

It accepts ``--real`` applications through the window API (the sample bundles in turn), decides every
step of 90% of them through the department API (results as their departments give them), adds a few
ratings, and measures every page. Then it copies those rows (applications, materials, tasks,
deliveries, audit log, ratings) by ``INSERT … SELECT … generate_series`` until there are
``--applications`` (default 100,000; ``--huge`` for 1,000,000), spread over the past year, recounts
the department summary and the report's months (timing that job), ANALYZEs and measures again. It prints p50 / p99 of each page at both sizes,
the growth ratio against the empty database and against ``--baseline`` applications (1,000: the
smallest volume at which every list fills its page, so that both sides render as many rows), the
largest resident memory of this process, and the memory of a real gunicorn worker and rq worker after
serving every page over HTTP.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test BENCH_REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/bench_scale.py [--applications N | --huge] [--runs 30]

The database's tables are dropped and created again (1M applications need about 12 GB of disk).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sample_app import sample_app  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from timing import timed  # noqa: E402

from bundler import create_app  # noqa: E402
from bundler.catalogue import definitions  # noqa: E402
from bundler.extensions import db  # noqa: E402
from bundler.models import Application, Department, Rating, Task, counts  # noqa: E402
from bundler.queues import all_queue_names  # noqa: E402
from bundler.services import outbox, outcome_counts  # noqa: E402
from bundler.services.accounts import create_token, create_user  # noqa: E402
from bundler.worker import make_worker  # noqa: E402

from testapp import application_body, bearer, example_results, post_application  # noqa: E402

PASSWORD = "Bench-passw0rd"
BUNDLES = ("KFD", "XSECS", "KBLD")
DEPARTMENT = "SCJG"  # the queue measured: the department with the most steps in the sample
# Copied tables, each with the columns that point at another copied row.
COPIED: dict[str, dict[str, str]] = {
    "applications": {},
    "application_materials": {"application_id": "applications"},
    "tasks": {"application_id": "applications"},
    "deliveries": {"task_id": "tasks"},
    "audit_log": {"application_id": "applications", "task_id": "tasks"},
    "ratings": {"application_id": "applications", "task_id": "tasks"},
    "visits": {"application_id": "applications"},
}
UNIQUE_TEXT = {"applications": ["tracking_no"]}  # made unique per copy


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def accept_and_decide(app: Any, window: str, admin: str, real: int) -> list[int]:
    client = app.test_client()
    accepted = []
    for n in range(real):
        response = post_application(client, window, BUNDLES[n % len(BUNDLES)])
        assert response.status_code == 201, response.get_json()
        accepted.append(response.get_json()["id"])
    names = all_queue_names(list(db.session.scalars(select(Department.code))))
    make_worker(app, names).work(burst=True)
    for n, application_id in enumerate(accepted):
        if n % 10 == 9:
            continue  # one in ten stays in flight
        for _ in range(12):
            db.session.expire_all()
            application = db.session.get(Application, application_id)
            ready = [t for t in application.tasks if t.status in ("ready", "in_progress")]
            if not ready:
                break
            schema = definitions.schema_for(db.session, application)
            for task in ready:
                done = client.post(
                    f"/api/v1/tasks/{task.id}/complete",
                    json={"outcome": "approved", "results": example_results(schema, task.item.code, seed=n)},
                    headers=bearer(admin),
                )
                assert done.status_code == 200, done.get_json()
            make_worker(app, names).work(burst=True)
    for n, application_id in enumerate(accepted[:: max(1, real // 8)]):
        lead = db.session.get(Application, application_id).lead_department_id
        db.session.add(
            Rating(
                application_id=application_id,
                lead_department_id=lead,
                score=1 + n % 5,
                follow_up="open" if n % 5 < 2 else None,
            )
        )
    db.session.commit()
    return accepted


def replicate(target: int) -> None:
    """Copy the rows until there are ``target`` applications (ids shifted per copy, times spread over
    the past year), then recount the department summary and ANALYZE."""
    with db.engine.begin() as conn:
        real = conn.execute(text("SELECT count(*) FROM applications")).scalar_one()
        copies = max(0, -(-target // real) - 1)
        if not copies:
            return
        offsets = {
            t: conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {t}")).scalar_one() for t in COPIED
        }
        for table, pointers in COPIED.items():
            columns = [c.name for c in db.metadata.tables[table].columns]
            names = [f'"{c}"' for c in columns]
            shown = []
            for name in columns:
                column = db.metadata.tables[table].c[name]
                quoted = f'"{name}"'
                if name == "id":
                    shown.append(f"id + g * {offsets[table]}")
                elif name in pointers:
                    shown.append(f"{quoted} + g * {offsets[pointers[name]]}")
                elif name in UNIQUE_TEXT.get(table, []):
                    shown.append(f"{quoted} || '-{offsets[table]}-' || g")  # unique in every round
                elif column.type.python_type.__name__ == "datetime":
                    shown.append(f"{quoted} - make_interval(days => (g % 365))")
                elif column.type.python_type.__name__ == "date":
                    shown.append(f"{quoted} - (g % 365)")
                else:
                    shown.append(quoted)
            conn.execute(
                text(
                    f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(shown)} "
                    f"FROM {table} CROSS JOIN generate_series(1, {copies}) AS g WHERE id <= {offsets[table]}"
                )
            )
            conn.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
        # a copy's deliveries were handed over long ago: none waits for the dispatcher
        conn.execute(
            text(
                "UPDATE deliveries SET status = 'delivered', delivered_at = coalesce(delivered_at, created_at) "
                f"WHERE id > {offsets['deliveries']} AND status IN ('pending', 'queued')"
            )
        )
        conn.execute(text("DELETE FROM department_months"))
        conn.execute(
            text(
                "INSERT INTO department_months (department_id, month, finished, days_used, days_promised, on_time, "
                "updated_at) SELECT t.department_id, date_trunc('month', t.finished_at)::date, count(*), "
                "sum(t.days_used), sum(v.promised_days), sum(CASE WHEN t.days_used <= v.promised_days THEN 1 ELSE 0 END), "
                "now() FROM tasks t JOIN item_versions v ON v.id = t.item_version_id WHERE t.days_used IS NOT NULL "
                "GROUP BY 1, 2"
            )
        )
    with Session(db.engine) as session:  # the copies were written with SQL: count them as the product would
        counts.recount(session)
        session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    recount_outcomes()


def recount_outcomes() -> None:
    """What the periodic job does (the report's recent months), timed: its cost at this volume."""
    with Session(db.engine) as session:
        started = time.perf_counter()
        written = outcome_counts.refresh(session)
        session.commit()
    print(f"  report recount job: {written} bundle-months in {time.perf_counter() - started:.2f} s")


def measure(
    app: Any, runs: int, tokens: dict[str, str], window: str, sample_id: int
) -> dict[str, tuple[float, float]]:
    clients = {}
    for login in ("bench-officer", "bench-clerk", "bench-lead", "bench-admin"):
        client = app.test_client()
        assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302
        clients[login] = client
    officer, clerk, lead, admin = (
        clients[k] for k in ("bench-officer", "bench-clerk", "bench-lead", "bench-admin")
    )
    api = app.test_client()
    cursor = api.get(
        f"/api/v1/departments/{DEPARTMENT}/tasks?limit=10", headers=bearer(tokens["dept"])
    ).get_json()["next_cursor"]
    pages: dict[str, Callable[[], Any]] = {
        "department queue /department/": lambda: officer.get("/department/"),
        "  ?status=ready&page=2": lambda: officer.get("/department/?status=ready&page=2"),
        "department tasks API": lambda: api.get(
            f"/api/v1/departments/{DEPARTMENT}/tasks", headers=bearer(tokens["dept"])
        ),
        "  next page (cursor)": lambda: api.get(
            f"/api/v1/departments/{DEPARTMENT}/tasks?cursor={cursor}", headers=bearer(tokens["dept"])
        ),
        "window overview /overview": lambda: clerk.get("/overview"),
        "lead overview /overview": lambda: lead.get("/overview"),
        "lead ratings /lead/ratings": lambda: lead.get("/lead/ratings"),
        "admin failed jobs /admin/jobs": lambda: admin.get("/admin/jobs"),
        "catalogue changes API": lambda: api.get(
            "/api/v1/catalogue/changes", headers=bearer(tokens["admin"])
        ),
        "status API /applications/ID": lambda: api.get(
            f"/api/v1/applications/{sample_id}", headers=bearer(window)
        ),
        "bundle report /bundles/KFD/report": lambda: clerk.get("/bundles/KFD/report"),
        "district report /report": lambda: clerk.get("/report"),
        "report API /bundles/KFD/report": lambda: api.get("/api/v1/bundles/KFD/report"),
    }
    found = {}
    for name, call in pages.items():
        response = call()
        assert response.status_code == 200, (
            name,
            response.status_code,
            response.get_data(as_text=True)[-800:],
        )
        found[name] = timed(call, runs, warmup=3)
    with app.app_context():
        body = application_body("KFD")
    found["one acceptance (POST)"] = timed(
        lambda: api.post("/api/v1/applications", json=body, headers=bearer(window)),
        max(5, runs // 3),
        warmup=1,
    )
    with app.app_context():
        found["one dispatch pass"] = timed(outbox.dispatch, runs, warmup=1)
    return found


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _rss(pid: int) -> float:
    """Resident memory of a process now (MB), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def serving_memory(
    config: dict[str, Any], tokens: dict[str, str], sample_id: int, runs: int
) -> tuple[float, float]:
    """The memory of the processes production runs, after this volume's pages: a gunicorn worker that
    served every page ``runs`` times over HTTP (signed in through the login form, CSRF token and all),
    and an rq worker (``bundler worker``) that delivered ``runs`` new acceptances and rendered a PDF."""
    env = {
        **os.environ,
        "DATABASE_URL": config["DATABASE_URL"],
        "REDIS_URL": config["REDIS_URL"],
        "BUNDLER_INSTANCE_PATH": config["INSTANCE_PATH"],
    }
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "bundler:web_app()"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "bundler", "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.1)
        for login in ("bench-officer", "bench-clerk", "bench-lead", "bench-admin"):
            browser = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
            )
            form = browser.open(f"{base}/login").read().decode()
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
            fields = {
                "login": login,
                "password": PASSWORD,
                **({"csrf_token": token.group(1)} if token else {}),
            }
            browser.open(f"{base}/login", urllib.parse.urlencode(fields).encode())
            pages = {
                "bench-officer": ["/department/", "/department/?status=ready&page=2"],
                "bench-clerk": ["/overview", "/bundles/KFD/report", "/report"],
                "bench-lead": ["/overview", "/lead/ratings"],
                "bench-admin": ["/admin/jobs"],
            }[login]
            for _ in range(runs):
                for page in pages:
                    with browser.open(f"{base}{page}") as answer:
                        assert answer.status == 200 and "登录" not in answer.geturl(), (login, page)
        api = {"Content-Type": "application/json"}
        calls = [
            (f"/api/v1/departments/{DEPARTMENT}/tasks", tokens["dept"]),
            ("/api/v1/catalogue/changes", tokens["admin"]),
            (f"/api/v1/applications/{sample_id}", tokens["window"]),
        ]
        for _ in range(runs):
            for path, token in calls:
                request = urllib.request.Request(f"{base}{path}", headers={**api, **bearer(token)})
                urllib.request.urlopen(request).read()  # noqa: S310 (loopback)
        with create_app(config).app_context():
            body = json.dumps(application_body("KFD")).encode()
        for _ in range(runs):
            request = urllib.request.Request(
                f"{base}/api/v1/applications", data=body, headers={**api, **bearer(tokens["window"])}
            )
            urllib.request.urlopen(request).read()  # noqa: S310 (loopback)
        receipt = urllib.request.Request(
            f"{base}/api/v1/applications/{sample_id}/documents/receipt", headers=bearer(tokens["window"])
        )
        for _ in range(100):  # 202 until the worker has rendered it
            with urllib.request.urlopen(receipt) as answer:  # noqa: S310 (loopback)
                if answer.status == 200:
                    break
            time.sleep(0.2)
        time.sleep(2)  # the worker finishes the deliveries queued last
        web_rss = max((_rss(pid) for pid in _children(web.pid)), default=0.0)
        return web_rss, _rss(worker.pid)
    finally:
        for process in (web, worker):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--huge", action="store_true", help="1,000,000 applications")
    parser.add_argument("--real", type=int, default=42)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--baseline",
        type=int,
        default=1_000,
        help="a volume whose lists fill their pages (a second reference)",
    )
    args = parser.parse_args()
    target = 1_000_000 if args.huge else args.applications
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        sys.exit("BENCH_DATABASE_URL must name a PostgreSQL database (its tables are dropped)")
    config = {
        "DATABASE_URL": url,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
    }
    app = sample_app("bench-scale-", config)
    with app.app_context():
        for login, role, department in (
            ("bench-officer", "department", DEPARTMENT),
            ("bench-clerk", "window", None),
            ("bench-lead", "lead", DEPARTMENT),
            ("bench-admin", "admin", None),
        ):
            create_user(db.session, login=login, password=PASSWORD, role=role, department_code=department)
        tokens = {
            "window": create_token(db.session, "window", None, "bench window"),
            "admin": create_token(db.session, "admin", None, "bench admin"),
            "dept": create_token(db.session, "department", DEPARTMENT, "bench dept"),
        }
        db.session.commit()
        started = time.perf_counter()
        accepted = accept_and_decide(app, tokens["window"], tokens["admin"], args.real)
        print(f"{len(accepted)} real acceptances, 90% decided, in {time.perf_counter() - started:.0f} s")
        db.session.remove()
        recount_outcomes()
    # requests push their own app context only outside one (flask-login keeps the user on ``g``)
    rss_start = rss_mb()
    empty = measure(app, args.runs, tokens, tokens["window"], accepted[0])
    rss_empty = rss_mb()
    with app.app_context():
        replicate(args.baseline)
        db.session.remove()
    baseline = measure(app, args.runs, tokens, tokens["window"], accepted[0])
    with app.app_context():
        started = time.perf_counter()
        replicate(target)
        sizes = {t: db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in COPIED}
        print(
            f"replicated in {time.perf_counter() - started:.0f} s: "
            + ", ".join(f"{t} {n:,}" for t, n in sizes.items())
        )
        running = db.session.scalar(
            select(func.count(Task.id)).where(Task.status.in_(["ready", "in_progress"]))
        )
        print(f"running tasks {running:,}")
        db.session.remove()
    full = measure(app, args.runs, tokens, tokens["window"], accepted[0])
    print(
        f"\n{'page':36} {'empty p50':>9} {'p99':>6} {f'{args.baseline:,} p50':>10} {'p99':>6}"
        f" {f'{target:,} p50':>12} {'p99':>6} {'growth vs empty':>15} {f'vs {args.baseline:,}':>9}"
    )
    for name, (p50, p99) in full.items():
        (e50, e99), (b50, b99) = empty[name], baseline[name]
        print(
            f"{name:36} {e50:7.1f}ms {e99:6.1f} {b50:8.1f}ms {b99:6.1f} {p50:10.1f}ms {p99:6.1f}"
            f" {p50 / e50:14.2f}× {p50 / b50:8.2f}×"
        )
    print(
        f"(empty: the {args.real} real acceptances, most lists shorter than a page;"
        f" {args.baseline:,}: the --baseline reference, meant to be a volume whose lists fill their pages)"
    )
    print(
        f"\nlargest resident memory of this process (the web code runs in it): {rss_start:.0f} MB before the pages,"
        f" {rss_empty:.0f} MB after the small run, {rss_mb():.0f} MB after the large one"
    )
    web, worker = serving_memory(config, tokens, accepted[0], args.runs)
    print(
        f"resident memory of a gunicorn web worker after every page {args.runs} times over HTTP: {web:.0f} MB;"
        f" of an rq worker after delivering {args.runs} acceptances and rendering a PDF: {worker:.0f} MB"
        "   target <= 300 MB"
    )


if __name__ == "__main__":
    main()
