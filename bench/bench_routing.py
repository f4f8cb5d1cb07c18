"""Benchmark of acceptance and routing on PostgreSQL + Redis, with gunicorn and one rq worker.

Prints accepted applications per second (POST /api/v1/applications: validate, accept, plan, write
tasks + deliveries, queue the ready ones), the routing latency from acceptance to the task being in
its department's queue and to it being delivered (p50, p99), and — measured in the same run, same
server, same load — the throughput of a minimal endpoint that inserts one row, with the ratio.
Targets: CPU per acceptance (web + worker + PostgreSQL) at most twice the floor below, routing p99 < 200 ms.

It also measures the floor of an acceptance: the CPU of parts every acceptance must pay whatever the
code around them does — one rq job (the delivery of the step that is ready at once; a no-op job here),
the validation of the merged form, the same rows an acceptance writes (application, materials, tasks,
outbox) inserted with SQLAlchemy Core in one transaction — plus one whole minimal request (client,
web, PostgreSQL). The machine's CPUs divided by that floor bound the acceptances per second, and so
the ratio, however lean the code around those parts were; it prints that ceiling.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test BENCH_REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/bench_routing.py [--seconds 15] [--clients 4]

The database's tables are dropped and created again.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from redis import Redis  # noqa: E402
from rq import Queue  # noqa: E402
from sample_app import sample_app  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402
from timing import percentile  # noqa: E402

import forms  # noqa: E402
import graphs  # noqa: E402
from bundler.catalogue.queries import bundle_definition  # noqa: E402
from bundler.extensions import db  # noqa: E402
from bundler.models import Application, ApplicationMaterial, Delivery, Task  # noqa: E402
from bundler.services.accounts import create_token  # noqa: E402
from bundler.services.applications import checked_data  # noqa: E402
from bundler.worker import AppWorker  # noqa: E402

from testapp import application_body  # noqa: E402

MINIMAL_APP = """
import os
from flask import Flask
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1), pool_pre_ping=True)

@app.post("/insert")
def insert():
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO bench_minimal (payload) VALUES (:p)"), {"p": "x"})
    return {"ok": True}, 201
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def load(
    url: str, body: bytes, headers: dict[str, str], seconds: float, clients: int
) -> tuple[int, float, list[float]]:
    """POST ``body`` from ``clients`` threads for ``seconds``: (successes, elapsed, latencies in ms)."""
    stop = time.monotonic() + seconds
    ok, latencies, lock = [0], [], threading.Lock()

    def run() -> None:
        while time.monotonic() < stop:
            request = urllib.request.Request(url, data=body, method="POST", headers=headers)
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                    good = response.status in (200, 201)
            except OSError:
                good = False
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                ok[0] += good

    threads = [threading.Thread(target=run) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ok[0], time.monotonic() - began, latencies


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes and all their descendants, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    seen, todo, total = set(), list(pids), 0.0
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            todo += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def pids_named(comm: str) -> list[int]:
    """Processes whose command name is ``comm`` (the servers: postgres, redis-server)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == comm:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def cpu_per_call(fn: Any, runs: int) -> float:
    """CPU ms of this process per call of ``fn`` (after a warm-up)."""
    for _ in range(min(runs, 20)):
        fn()
    started = time.process_time()
    for _ in range(runs):
        fn()
    return (time.process_time() - started) * 1000 / runs


def rq_job_cpu(app: Any, redis_url: str, jobs: int = 300) -> float:
    """CPU ms per job (worker + Redis server) of a no-op job run by the product's worker class: rq's
    own cost of one delivery."""
    connection = Redis.from_url(redis_url)
    scratch = Queue("bench:noop", connection=connection)
    for number in range(jobs):
        scratch.enqueue("builtins.len", "x", job_id=f"bench-noop-{number}", result_ttl=0)
    worker = AppWorker([scratch], connection=connection)
    worker.flask_app = app
    worker.log.setLevel("WARNING")  # leave logging out: the floor is rq's bare cost
    servers = pids_named("redis-server")
    started, server_started = time.process_time(), cpu_seconds(servers)
    worker.work(burst=True)
    spent = time.process_time() - started + cpu_seconds(servers) - server_started
    return spent * 1000 / jobs


def write_cpu(application_id: int, runs: int = 200) -> float:
    """CPU ms (this process + PostgreSQL) to write again the rows acceptance wrote for one application
    — the application, its materials, tasks and deliveries — with Core, in one transaction each."""
    application = db.session.get(Application, application_id)
    assert application is not None

    def row(obj: Any, *skip: str) -> dict[str, Any]:
        return {c.key: getattr(obj, c.key) for c in obj.__table__.columns if c.key not in ("id", *skip)}

    head = row(application) | {"tracking_no": None, "idempotency_key": None}
    materials = [row(m, "application_id") for m in application.materials]
    tasks = [row(t, "application_id") for t in application.tasks]
    position = {t.id: i for i, t in enumerate(application.tasks)}
    deliveries = [
        (position[d.task_id], row(d, "task_id"))
        for d in db.session.scalars(select(Delivery).where(Delivery.task_id.in_(list(position))))
    ]
    db.session.rollback()

    def write() -> None:
        with db.engine.begin() as conn:
            new_id = conn.execute(insert(Application).returning(Application.id), head).scalar_one()
            conn.execute(insert(ApplicationMaterial), [m | {"application_id": new_id} for m in materials])
            task_ids = (
                conn.execute(
                    insert(Task).returning(Task.id, sort_by_parameter_order=True),
                    [t | {"application_id": new_id} for t in tasks],
                )
                .scalars()
                .all()
            )
            conn.execute(insert(Delivery), [d | {"task_id": task_ids[i]} for i, d in deliveries])

    servers = pids_named("postgres")
    write()
    started, server_started = time.process_time(), cpu_seconds(servers)
    for _ in range(runs):
        write()
    return (time.process_time() - started + cpu_seconds(servers) - server_started) * 1000 / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"
    redis_url = os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/13"
    config: dict[str, Any] = {"DATABASE_URL": database_url, "REDIS_URL": redis_url}
    app = sample_app("bench-routing-", config)
    instance = config["INSTANCE_PATH"]
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS bench_minimal"))
            conn.execute(
                text(
                    "CREATE TABLE bench_minimal (id SERIAL PRIMARY KEY, at TIMESTAMPTZ DEFAULT now(), payload TEXT)"
                )
            )
        token = create_token(db.session, "window")
        db.session.commit()
        definition = bundle_definition(db.session, "KFD")
        request_body = application_body("KFD")  # answers every question acceptance needs, as the tests do
        questions = definition.bundle["questions"]
        answers = graphs.scenarios.with_defaults(
            questions, graphs.parse_answers(questions, request_body["answers"])
        )
        schema = forms.merge(definition.bundle, definition.items, answers)
        data = request_body["data"]
        validation_ms = cpu_per_call(lambda: checked_data(schema, data), 300)
        Redis.from_url(redis_url).flushdb()
        noop_job_ms = rq_job_cpu(app, redis_url)

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "BUNDLER_INSTANCE_PATH": instance,
    }
    (Path(instance) / "minimal_app.py").write_text(MINIMAL_APP)
    web_port, minimal_port = free_port(), free_port()
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(args.web_workers),
        "--log-level",
        "warning",
    ]
    processes = [
        subprocess.Popen(
            [*gunicorn, "--bind", f"127.0.0.1:{web_port}", "bundler:web_app()"], env=env, cwd=ROOT
        ),
        subprocess.Popen(
            [*gunicorn, "--bind", f"127.0.0.1:{minimal_port}", "minimal_app:app"], env=env, cwd=instance
        ),
        subprocess.Popen(
            [sys.executable, "-m", "bundler", "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
        ),
    ]
    try:
        wait_for(f"http://127.0.0.1:{web_port}/healthz")
        wait_for(f"http://127.0.0.1:{minimal_port}/insert".replace("/insert", "/"))
    except SystemExit:
        pass
    try:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        body = json.dumps(request_body).encode()
        load(f"http://127.0.0.1:{web_port}/api/v1/applications", body, headers, 2, args.clients)  # warm up
        parts = {
            "web": [processes[0].pid],
            "rq worker": [processes[2].pid],
            "PostgreSQL": pids_named("postgres"),
        }
        before = {name: cpu_seconds(pids) for name, pids in parts.items()}
        client_before = time.process_time()
        accepted, elapsed, latencies = load(
            f"http://127.0.0.1:{web_port}/api/v1/applications", body, headers, args.seconds, args.clients
        )
        client_cpu = time.process_time() - client_before
        time.sleep(1)  # the worker finishes what this phase queued
        cpu = {
            name: (cpu_seconds(pids) - before[name]) * 1000 / max(accepted, 1) for name, pids in parts.items()
        }
        cpu["client"] = client_cpu * 1000 / max(accepted, 1)
        minimal_parts = [processes[1].pid, *parts["PostgreSQL"]]
        minimal_before, client_before = cpu_seconds(minimal_parts), time.process_time()
        minimal, minimal_elapsed, _ = load(
            f"http://127.0.0.1:{minimal_port}/insert",
            b"{}",
            {"Content-Type": "application/json"},
            args.seconds,
            args.clients,
        )
        minimal_cpu = (
            (cpu_seconds(minimal_parts) - minimal_before + time.process_time() - client_before)
            * 1000
            / max(minimal, 1)
        )
        time.sleep(3)  # let the worker deliver what is queued
        with app.app_context():
            rows = db.session.execute(
                select(Application.accepted_at, Delivery.enqueued_at, Delivery.delivered_at)
                .join(Task, Task.application_id == Application.id)
                .join(Delivery, Delivery.task_id == Task.id)
            ).all()
            write_ms = write_cpu(db.session.scalar(select(func.min(Application.id))))
        queued = [(q - a).total_seconds() * 1000 for a, q, _ in rows if q is not None]
        delivered = [(d - a).total_seconds() * 1000 for a, _, d in rows if d is not None]
        rate, minimal_rate = accepted / elapsed, minimal / minimal_elapsed
        print(
            f"PostgreSQL + Redis, gunicorn × {args.web_workers}, one rq worker, {args.clients} clients, {args.seconds:.0f} s"
        )
        print(
            f"  accepted applications       {rate:8.1f} /s   (request p50 {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms)"
        )
        print(f"  minimal insert endpoint     {minimal_rate:8.1f} /s")
        print(f"  ratio                       {rate / minimal_rate:8.2f}      (bounded by the floor below)")
        print(
            f"  routing: accepted → queued  p50 {percentile(queued, 0.5):6.1f} ms   p99 {percentile(queued, 0.99):6.1f} ms   target p99 < 200 ms  ({len(queued)} deliveries)"
        )
        print(
            "  CPU per accepted application: " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in cpu.items())
        )
        floor = noop_job_ms + validation_ms + write_ms + minimal_cpu
        cpus = len(os.sched_getaffinity(0))
        print(
            f"  floor of an acceptance: {floor:.1f} ms CPU = rq no-op job {noop_job_ms:.1f} (worker + Redis)"
            f" + merged-form validation {validation_ms:.1f} + its rows written with Core {write_ms:.1f}"
            f" (client + PostgreSQL) + one minimal request {minimal_cpu:.1f} (client, web, PostgreSQL)"
        )
        print(
            f"  ceiling on {cpus} CPUs with nothing else: {cpus * 1000 / floor:.0f} /s,"
            f" ratio {cpus * 1000 / floor / minimal_rate:.2f}"
        )
        spent = cpu["web"] + cpu["rq worker"] + cpu["PostgreSQL"]
        print(
            f"  CPU per acceptance (web + worker + PostgreSQL) {spent:.1f} ms = {spent / floor:.2f} × the floor"
            "   target <= 2"
        )
        print(
            f"  routing: accepted → delivered p50 {percentile(delivered, 0.5):6.1f} ms   p99 {percentile(delivered, 0.99):6.1f} ms  ({len(delivered)} delivered)"
        )
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
