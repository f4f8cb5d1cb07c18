"""Public pages: the list of bundles a person can apply for."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, has_request_context, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from ..extensions import db, limiter
from ..models import Application
from ..services import rating_links, ratings
from ..services.deadlines import due_dates
from ..services.overview import find_bundles, published_bundles
from ..services.tracking import TAIL, find_by_tracking_number
from ..states import RatingChannel
from . import rating_forms
from .auth import safe_next

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


def _linked_application(token: str) -> Application:
    application_id = rating_links.application_of(token)
    application = db.session.get(Application, application_id) if application_id is not None else None
    if application is None:
        abort(404)
    return application


@bp.route("/r/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def rate_by_link(token: str) -> Any:
    """好差评 through the link of a notice, without an account: the same form as the status page."""
    application = _linked_application(token)
    occasion = ratings.occasion_now(application)
    status, typed = 200, None
    if request.method == "POST" and occasion is not None:
        if not FlaskForm().validate_on_submit():
            abort(400)
        try:
            scores = rating_forms.scores_from(request.form)
            ratings.rate(db.session, application, scores, channel=RatingChannel.ONLINE)
        except ratings.RatingError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            status, typed = 422, request.form
            application = _linked_application(token)  # read again after the rollback
        else:
            db.session.commit()
            flash("感谢您的评价！", "success")
            return redirect(url_for("public.rate_by_link", token=token))
    return render_template(
        "ratings/by_link.html",
        application=application,
        token=token,
        occasion=occasion,
        rated=ratings.rated_already(db.session, application, RatingChannel.ONLINE),
        typed=typed,
        **rating_forms.form_context(application),
    ), status


DISPLAY_COOKIE = "display"  # kept per browser: a counter's kiosk, an older person's own phone
DISPLAY_MODES = ("standard", "large")


@bp.get("/display/<mode>")
def display(mode: str) -> Any:
    """大字号、高对比 (适老化) or the standard view, kept in this browser for a year."""
    if mode not in DISPLAY_MODES:
        abort(404)
    response = redirect(safe_next("/"))
    response.set_cookie(DISPLAY_COOKIE, mode, max_age=366 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.app_context_processor
def display_mode() -> dict[str, Any]:
    # documents are rendered outside a request (a worker's job): the standard view
    return {"large_display": has_request_context() and request.cookies.get(DISPLAY_COOKIE) == "large"}
