"""Public pages: the list of bundles a person can apply for."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..extensions import db
from ..services.overview import find_bundles, published_bundles

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> str:
    everything = published_bundles(db.session)
    query = request.args.get("q", "")[:100]
    audience = request.args.get("audience", "")
    life_event = request.args.get("event", "")
    events: dict[str, list[str]] = {}
    for bundle in everything:
        if (
            bundle.audience
            and bundle.life_event
            and bundle.life_event not in events.setdefault(bundle.audience, [])
        ):
            events[bundle.audience].append(bundle.life_event)
    return render_template(
        "index.html",
        bundles=find_bundles(everything, query, audience, life_event),
        total=len(everything),
        events=events,
        query=query,
        audience=audience,
        life_event=life_event,
    )


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
