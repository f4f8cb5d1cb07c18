"""A worker killed in the middle of a delivery: the dispatcher hands the delivery out again and it is
delivered exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from bundler.extensions import db
from bundler.models import AuditEntry, Delivery, Task
from bundler.services.outbox import dispatch

from processes import clean_env, descendants
from testapp import accept_by_api, tax_step_released

pytestmark = pytest.mark.slow


class _SlowThenFine(BaseHTTPRequestHandler):
    """The tax office's system: the first request hangs (the worker gets killed meanwhile)."""

    calls: list[int] = []
    first_arrived = threading.Event()

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls.append(1)
        if len(type(self).calls) == 1:
            type(self).first_arrived.set()
            time.sleep(30)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def _worker(app_config, queue_name):
    env = clean_env(
        DATABASE_URL=app_config["DATABASE_URL"],
        REDIS_URL=app_config["REDIS_URL"],
        BUNDLER_INSTANCE_PATH=app_config["INSTANCE_PATH"],
        WEBHOOK_ALLOW_HTTP="1",  # the tax office's test system listens on plain http
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bundler", "worker", queue_name], env=env, start_new_session=True
    )


def test_a_killed_worker_loses_no_delivery_and_none_is_doubled(
    app, app_config, client, window_token, free_port
):
    handler = type("Handler", (_SlowThenFine,), {"calls": [], "first_arrived": threading.Event()})
    server = ThreadingHTTPServer(("127.0.0.1", free_port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        tax_step_released(client, window_token, f"http://127.0.0.1:{free_port}/in")
        dispatch()  # nothing left to do when the completion queued it at once
        queued = db.session.scalar(select(Delivery).where(Delivery.queue == "remote:SW"))
        assert queued is not None and queued.status == "queued"  # SW-001 queued on remote:SW

        worker = _worker(app_config, "remote:SW")
        assert handler.first_arrived.wait(60), "the worker never called the tax office"
        for pid in [*descendants(worker.pid), worker.pid]:  # the worker and anything it started
            os.kill(pid, signal.SIGKILL)  # killed in the middle of the job
        worker.wait(10)
        delivery = db.session.scalar(select(Delivery).where(Delivery.queue == "remote:SW"))
        db.session.refresh(delivery)
        assert delivery.status == "queued" and delivery.delivered_at is None

        app.config["DELIVERY_ACK_SECONDS"] = 0  # not delivered in time: hand it out again
        handed_out_before = delivery.enqueued_at
        deadline = time.monotonic() + 30  # PostgreSQL frees the dead worker's row lock when it notices
        while delivery.enqueued_at == handed_out_before and time.monotonic() < deadline:
            dispatch()
            db.session.refresh(delivery)
            time.sleep(0.2)
        assert delivery.enqueued_at > handed_out_before
        again = _worker(app_config, "remote:SW")
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                db.session.expire_all()
                if db.session.get(Delivery, delivery.id).status == "delivered":
                    break
                time.sleep(0.3)
        finally:
            os.killpg(again.pid, signal.SIGTERM)
            again.wait(20)
        delivery = db.session.get(Delivery, delivery.id)
        assert delivery.status == "delivered" and delivery.attempts == 1
        delivered = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "delivered", AuditEntry.task_id == delivery.task_id)
        ).all()
        assert len(delivered) == 1
    finally:
        server.shutdown()


class _Hanging(BaseHTTPRequestHandler):
    """A department system that takes every request and never answers in time."""

    arrived = threading.Event()

    def do_POST(self):  # noqa: N802
        type(self).arrived.set()
        time.sleep(20)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def _serve_workers(app_config) -> list[subprocess.Popen]:
    """The two workers ``bundler serve`` runs: local queues and remote ones."""
    env = clean_env(
        DATABASE_URL=app_config["DATABASE_URL"],
        REDIS_URL=app_config["REDIS_URL"],
        BUNDLER_INSTANCE_PATH=app_config["INSTANCE_PATH"],
        WEBHOOK_ALLOW_HTTP="1",
    )
    return [
        subprocess.Popen(
            [sys.executable, "-m", "bundler", "worker", "--kind", kind], env=env, start_new_session=True
        )
        for kind in ("local", "remote")
    ]


def test_an_inbox_delivery_never_waits_on_a_hanging_webhook(app, app_config, client, window_token, free_port):
    handler = type("Handler", (_Hanging,), {"arrived": threading.Event()})
    server = ThreadingHTTPServer(("127.0.0.1", free_port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    workers = _serve_workers(app_config)
    try:
        tax_step_released(client, window_token, f"http://127.0.0.1:{free_port}/in")
        dispatch()  # SW-001 to the tax office's system, which hangs
        assert handler.arrived.wait(60), "the remote worker never called the tax office"

        second = accept_by_api(client, window_token)  # its first step goes to an inbox
        started = time.monotonic()
        delivered = None
        while time.monotonic() - started < 5:
            db.session.expire_all()
            delivered = db.session.scalar(
                select(Delivery)
                .join(Task)
                .where(Task.application_id == second["id"], Delivery.status == "delivered")
            )
            if delivered is not None:
                break
            time.sleep(0.1)
        assert delivered is not None, "the inbox delivery waited behind the hanging webhook"
        assert delivered.queue == "dept:SCJG"
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        server.shutdown()
