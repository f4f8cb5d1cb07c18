"""Other systems on the loopback, as the service meets them: a department's business system, an SMS
gateway, an e-licence service. Each records every request it receives and answers with ``status`` and,
if ``answer`` is set, the JSON it returns for the request."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class Peer:
    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.received: list[Received] = []
        self.status = 200
        self.answer: Callable[[Received], Any] | None = None

    @property
    def payloads(self) -> list[Any]:
        """The JSON bodies received, in order."""
        return [request.json for request in self.received]


@contextmanager
def peer(port: int) -> Iterator[Peer]:
    """A peer listening on ``port`` for the duration of the block."""
    system = Peer(port)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            request = Received(
                self.path, dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))
            )
            system.received.append(request)
            answer = json.dumps(system.answer(request)).encode() if system.answer else b""
            self.send_response(system.status)
            if answer:
                self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield system
    finally:
        server.shutdown()
        server.server_close()
