"""Public pages: the list of bundles a person can apply for."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm

from ..extensions import db, limiter
from ..services.deadlines import due_dates
from ..services.overview import find_bundles, published_bundles
from ..services.tracking import TAIL, find_by_tracking_number

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


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], error_message="查询过于频繁，请稍后再试。")
def track() -> tuple[str, int] | str:
    """进度查询 without an account: the tracking number and the last six characters of the ID number
    (sent by POST, so neither lands in a log or a link)."""
    found = None
    tracking_no = ""
    if request.method == "POST" and FlaskForm().validate_on_submit():
        tracking_no = (request.form.get("tracking_no") or "").strip()[:32]
        found = find_by_tracking_number(db.session, tracking_no, request.form.get("id_tail") or "")
        if found is None:
            page = render_template("public/track.html", tracking_no=tracking_no, tail=TAIL, not_found=True)
            return page, 404
    return render_template(
        "public/track.html", application=found, tracking_no=tracking_no, tail=TAIL, due=due_dates(db.session)
    )
