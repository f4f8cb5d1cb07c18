"""Oversight for window staff and lead departments: the applications in flight, overdue steps, time
per department, and the follow-up of bad ratings (差评整改)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from .. import clock
from ..extensions import db
from ..permissions import Permission, Role
from ..services import adjustments, monitoring
from ..services.ratings import RatingError, bad_ratings_for_lead, follow_up, lead_may_follow_up
from ..states import FollowUpState, labels
from .auth import permission_required

bp = Blueprint("oversight", __name__)


def _lead_scope() -> int | None:
    """A lead department sees its own bundles; window staff and administrators see everything."""
    return current_user.department_id if current_user.role == Role.LEAD else None


@bp.get("/overview")
@permission_required(Permission.VIEW_OVERVIEW)
def overview() -> str:
    return render_template(
        "oversight/overview.html",
        found=monitoring.overview(db.session, _lead_scope(), request.args.get("page", 1, type=int)),
        today=clock.today(),
        late_changes=adjustments.overdue(db.session),  # 事项调整 past the seeds' deadlines (审改办)
    )


@bp.get("/lead/ratings")
@permission_required(Permission.FOLLOW_UP_RATINGS)
def ratings() -> str:
    return render_template(
        "oversight/ratings.html",
        found=bad_ratings_for_lead(db.session, _lead_scope(), request.args.get("page", 1, type=int)),
        states=labels(FollowUpState),
        csrf_form=FlaskForm(),
    )


@bp.post("/lead/ratings/<id:rating_id>")
@permission_required(Permission.FOLLOW_UP_RATINGS)
def follow_up_rating(rating_id: int) -> Any:
    rating = lead_may_follow_up(db.session, rating_id, _lead_scope())
    if rating is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        follow_up(rating, request.form.get("state", ""), request.form.get("note", ""))
    except RatingError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash("已更新差评跟进情况", "success")
    return redirect(url_for("oversight.ratings"))
