"""``bundler serve``: everything on one machine, started together and stopped together.

The parent process migrates the database, loads the sample catalogue into an empty one, starts the
embedded Redis (unless ``REDIS_URL`` names a server) and then supervises three children: gunicorn, an
rq worker and the dispatcher; a worker or dispatcher that dies is started again (a few times a minute
at most). Ctrl-C (SIGINT) or SIGTERM stops the web server first, then the others, waits for them and
shuts Redis down last, so nothing is left running and no request is cut off half-way.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from types import FrameType

import click
from flask import Flask
from flask_migrate import upgrade

from .extensions import db
from .redis_conn import EmbeddedRedis

STOP_TIMEOUT_SECONDS = 15
RESTARTS_PER_MINUTE = 5
PR_SET_PDEATHSIG = 1


def _child_setup() -> None:
    """In each child: its own process group, so that a terminal's Ctrl-C reaches only the supervisor,
    which then stops the children in order; and SIGTERM if the supervisor itself dies."""
    os.setpgid(0, 0)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the supervisor's own clean-up still applies
        pass


def prepare_database(app: Flask) -> None:
    """Bring the schema up to date and give an empty installation the sample catalogue."""
    from .services.sample import catalogue_is_empty, import_sample

    with app.app_context():
        upgrade()
        if app.config.get("SAMPLE_CATALOGUE") and catalogue_is_empty(db.session):
            result = import_sample(db.session)
            db.session.commit()
            if not result.ok:
                for problem in result.problems:
                    click.echo(f"示例数据问题：{problem}", err=True)
            click.echo("已载入示例事项目录。")


@dataclass
class _Child:
    """A supervised child: the web server is essential (its exit stops everything); the worker and
    the dispatcher are restarted when they die, a few times a minute at most."""

    name: str
    command: list[str]
    essential: bool
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    restarts: deque[float] = field(default_factory=lambda: deque(maxlen=RESTARTS_PER_MINUTE))

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, env=self.env, preexec_fn=_child_setup)  # noqa: PLW1509

    def may_restart(self) -> bool:
        now = time.monotonic()
        return len(self.restarts) < RESTARTS_PER_MINUTE or now - self.restarts[0] > 60


def _children(host: str, port: int, web_workers: int, env: dict[str, str]) -> list[_Child]:
    python = sys.executable
    web = [
        python, "-m", "gunicorn",
        "--bind", f"{host}:{port}",
        "--workers", str(web_workers),
        "--access-logfile", "-",
        "--graceful-timeout", "10",
        "bundler:web_app()",
    ]  # fmt: skip
    return [
        _Child("网页服务", web, True, env),
        # Inbox deliveries, documents and housekeeping never wait behind a department system that hangs.
        _Child("任务进程", [python, "-m", "bundler", "worker", "--kind", "local"], False, env),
        _Child("推送进程", [python, "-m", "bundler", "worker", "--kind", "remote"], False, env),
        _Child("分发进程", [python, "-m", "bundler", "dispatch"], False, env),
    ]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - a recycled id owned by someone else
        return False
    return True


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    """Stop each child with its whole process group (the rq worker's scheduler process lives there
    too) and wait until every one of them is gone, so Redis is stopped last."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    for child in children:  # leftovers of an exited child: ask politely, then insist
        _signal_group(child.pid, signal.SIGTERM)
    while any(_group_alive(c.pid) for c in children) and time.monotonic() < deadline + 5:
        time.sleep(0.05)
    for child in children:
        _signal_group(child.pid, signal.SIGKILL)


def _supervise(children: list[_Child]) -> int | None:
    """One look at the children: restart a dead worker or dispatcher; the exit status to stop with
    when the web server died or a child keeps dying, else None."""
    for child in children:
        process = child.process
        if process is None or process.poll() is None:
            continue
        if child.essential or not child.may_restart():
            click.echo(f"{child.name}意外退出（退出码 {process.returncode}），正在停止全部服务。", err=True)
            return 1
        _stop([process])  # what it left in its process group (the scheduler) goes with it
        child.restarts.append(time.monotonic())
        click.echo(f"{child.name}意外退出（退出码 {process.returncode}），正在重新启动。", err=True)
        child.start()
    return None


def ensure_port_free(host: str, port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise click.ClickException(
                f"端口 {port} 已被占用（{exc.strerror}），请用 --port 或 PORT 指定其他端口。"
            ) from exc


def local_url(host: str, port: int) -> str:
    """Where this machine's browser reaches the service (a wildcard address is reached as localhost)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    return f"http://{shown}:{port}"


def _free_port(preferred: int) -> int:
    """``preferred`` when nothing listens there, else any free port."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
        except OSError:
            sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _reference_system(app: Flask, port: int, env: dict[str, str]) -> _Child | None:
    """The reference business system for the departments whose push address is a sample placeholder
    (none: no child); they are pointed at it, and plain http to it is allowed."""
    from .services.reference_departments import placeholder_departments, point_at

    with app.app_context():
        departments = placeholder_departments(db.session)
        if not departments:
            return None
        listening = _free_port(port + 1)
        point_at(departments, f"http://127.0.0.1:{listening}")
        db.session.commit()
        codes = [d.code for d in departments]
    env["WEBHOOK_ALLOW_HTTP"] = "1"  # the reference system listens on this machine only
    click.echo(
        f"示例部门 {'、'.join(codes)} 的推送由本机参考业务系统接收并自动办结：http://127.0.0.1:{listening}/reference/"
    )
    command = [sys.executable, "-m", "bundler", "reference-system", "--port", str(listening)]
    return _Child(
        "参考业务系统", [*command, *(arg for c in codes for arg in ("--department", c))], False, env
    )


def serve(app: Flask, *, host: str, port: int, web_workers: int, reference_system: bool = True) -> int:
    """Run the all-in-one installation until interrupted; returns the exit status."""
    ensure_port_free(host, port)
    prepare_database(app)
    env = dict(os.environ)
    env["BUNDLER_INSTANCE_PATH"] = app.instance_path
    env["DATABASE_URL"] = app.config["DATABASE_URL"]
    env.setdefault("SECRET_KEY", app.config["SECRET_KEY"])
    # receipts, notices and webhook links name this address: the port served unless PUBLIC_URL is set
    env.setdefault("PUBLIC_URL", local_url(host, port))
    embedded: EmbeddedRedis | None = None
    if not app.config.get("REDIS_URL"):
        embedded = EmbeddedRedis(app.config["EMBEDDED_REDIS_FILE"])
        env["REDIS_URL"] = embedded.url
        click.echo(f"内嵌 Redis 已启动：{embedded.socket_file}")

    reference = _reference_system(app, port, env) if reference_system else None
    stopping = False

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    children = _children(host, port, web_workers, env) + ([reference] if reference else [])
    status = 0
    try:
        for child in children:
            child.start()
        click.echo(f"一件事一次办服务已启动：{local_url(host, port)}/  （按 Ctrl-C 停止）")
        click.echo(f"回执、短信和推送中的链接使用：{env['PUBLIC_URL']}")
        while not stopping:
            verdict = _supervise(children)
            if verdict is not None:
                status = verdict
                break
            time.sleep(0.3)
    finally:
        click.echo("正在停止服务……")
        _stop([c.process for c in children if c.process is not None])
        if embedded is not None:
            embedded.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        click.echo("已全部停止。")
    return status
