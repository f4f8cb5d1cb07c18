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
from ..services import adjustments, monitoring, rating_cases
from ..services.notifications import applicant_mobile
from ..services.ratings import RatingError, bad_ratings_for_lead, lead_may_follow_up
from ..states import FollowUpState, RevisitOutcome, labels
from .auth import permission_required
from .department import actor

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
    """The lead department's 差评 cases: what each department found and did, and the call back (回访),
    for which it alone sees the applicant's phone number; this month's "三个100%" on top."""
    found = bad_ratings_for_lead(db.session, _lead_scope(), request.args.get("page", 1, type=int))
    phones = {
        r.id: applicant_mobile(db.session, r.application)
        for r in found.ratings
        if r.follow_up == FollowUpState.REVISITING
    }
    return render_template(
        "oversight/ratings.html",
        found=found,
        phones=phones,
        outcomes=labels(RevisitOutcome),
        hundreds=rating_cases.hundreds(db.session, clock.today()),
        overdue=rating_cases.is_overdue,
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
        rating_cases.revisit(
            db.session,
            rating,
            outcome=request.form.get("outcome", ""),
            note=request.form.get("note", ""),
            actor=actor(),
        )
    except RatingError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash("已记录回访，差评办结", "success")
    return redirect(url_for("oversight.ratings"))
