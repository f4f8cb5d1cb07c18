"""参考业务系统: what a department's own system does with this product's pushes, in as few lines as it
takes, for integrators to copy (``bundler reference-system``; ``bundler serve`` starts one for the
sample departments whose addresses are placeholders, so every sample bundle can be finished here).

1. Check the signature (HMAC-SHA256 over ``timestamp + "." + body`` with the department's key) and
   that the timestamp is recent; refuse anything else.
2. Answer 2xx at once: the push is received. A delivery repeated (same ``delivery_id``) is answered
   the same way and not worked twice.
3. Decide, then report through the API with the department's token: here every step is approved with
   the example values the push offers for each result asked (``results_asked``); a real system
   records the case, lets its officers decide and sends their results.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from flask import Flask, request

from .channels.webhook import sign

MAX_AGE_SECONDS = 300  # a push older than this (or from the future) is refused: a replay
REPORT_ATTEMPTS = 5


@dataclass(frozen=True)
class Credentials:
    secret: str  # the department's signing key (``bundler department secret CODE``)
    token: str  # the department's API token (``bundler token create --role department``)


def create_receiver(departments: Mapping[str, Credentials], *, decide_after: float = 0.5) -> Flask:
    """The receiver: ``POST /reference/<department code>`` for each department it stands for."""
    app = Flask("reference_system")
    seen: set[str] = set()
    lock = threading.Lock()

    @app.post("/reference/<code>")
    def receive(code: str) -> Any:
        credentials = departments.get(code)
        if credentials is None:
            return {"error": "unknown department"}, 404
        body = request.get_data()
        timestamp = request.headers.get("X-Bundler-Timestamp", "")
        signature = request.headers.get("X-Bundler-Signature", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
            return {"error": "stale or missing timestamp"}, 401
        if not hmac.compare_digest(signature, sign(credentials.secret, timestamp, body)):
            return {"error": "bad signature"}, 401
        payload = request.get_json(silent=True) or {}
        with lock:
            repeated = payload.get("delivery_id") in seen
            seen.add(str(payload.get("delivery_id")))
        if not repeated:
            threading.Thread(
                target=_decide, args=(credentials.token, payload, decide_after), daemon=True
            ).start()
        return {"received": True, "repeated": repeated}, 200

    return app


def _decide(token: str, payload: Mapping[str, Any], after: float) -> None:
    """Approve the step with the example results, through the address the push names; retried while
    the service cannot be reached."""
    time.sleep(after)  # the push is answered first, as a real system's decision comes later
    results = {asked["key"]: asked["example"] for asked in payload.get("results_asked", [])}
    body = {"outcome": "approved", "results": results}
    for attempt in range(REPORT_ATTEMPTS):
        try:
            answer = httpx.post(
                payload["complete_url"], json=body, headers={"Authorization": f"Bearer {token}"}, timeout=15
            )
        except httpx.HTTPError:
            time.sleep(2**attempt)
            continue
        if answer.status_code < 500:
            return  # done, or refused for a reason retrying does not change (already decided, …)
        time.sleep(2**attempt)
