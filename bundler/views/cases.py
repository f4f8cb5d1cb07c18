"""差评 cases at the desks: the department rated verifies, rectifies or appeals (an administrator does
it for the service centre's own cases, those of the whole service); a reviewer decides appeals."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm

from ..extensions import db
from ..permissions import Permission, Role
from ..services import outcomes, rating_cases, rating_export
from ..services.ratings import RatingError
from .auth import permission_required
from .department import actor

bp = Blueprint("cases", __name__)


def _owner() -> int | None:
    """The department whose cases this person works: their own; the centre (None) for an administrator."""
    return None if current_user.role == Role.ADMIN else current_user.department_id


@bp.get("/cases")
@permission_required(Permission.HANDLE_CASES)
def cases() -> str:
    return render_template(
        "cases/list.html",
        cases=rating_cases.cases_of(db.session, _owner()),
        owner="政务服务中心" if _owner() is None else current_user.department.name,
        overdue=rating_cases.is_overdue,
    )


@bp.post("/cases/<id:case_id>")
@permission_required(Permission.HANDLE_CASES)
def handle(case_id: int) -> Any:
    case = rating_cases.case_of(db.session, case_id, department_id=_owner())
    if case is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    step, note = request.form.get("step", ""), request.form.get("note", "")
    try:
        if step == "verify":
            if request.form.get("verified") not in ("yes", "no"):
                raise RatingError("请选择差评反映的情况是否属实")
            verified = request.form["verified"] == "yes"
            rating_cases.verify(db.session, case, true=verified, evidence=note, actor=actor())
        elif step == "rectify":
            rating_cases.rectify(db.session, case, note=note, actor=actor())
        elif step == "appeal":
            rating_cases.appeal(db.session, case, reason=note, actor=actor())
        else:
            raise RatingError("请选择办理环节")
    except RatingError as exc:
        flash(str(exc), "error")
        return redirect(url_for("cases.cases", typed=note, case=case_id) + f"#case-{case_id}")
    db.session.commit()
    flash("已记录", "success")
    return redirect(url_for("cases.cases"))


@bp.get("/review/appeals")
@permission_required(Permission.DECIDE_APPEALS)
def appeals() -> str:
    return render_template(
        "cases/appeals.html", cases=rating_cases.appeals(db.session), overdue=rating_cases.is_overdue
    )


@bp.post("/review/appeals/<id:case_id>")
@permission_required(Permission.DECIDE_APPEALS)
def decide(case_id: int) -> Any:
    case = rating_cases.case_of(db.session, case_id)
    if case is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        if request.form.get("upheld") not in ("yes", "no"):
            raise RatingError("请选择申诉是否成立")
        rating_cases.decide_appeal(
            db.session,
            case,
            upheld=request.form["upheld"] == "yes",
            reasons=request.form.get("reasons", ""),
            actor=actor(),
        )
    except RatingError as exc:
        flash(str(exc), "error")
        return redirect(url_for("cases.appeals"))
    db.session.commit()
    flash("已裁定", "success")
    return redirect(url_for("cases.appeals"))


@bp.get("/review/ratings.csv")
@permission_required(Permission.EXPORT_RATINGS)
def export_ratings() -> Any:
    """The province's file of every rating in the period (the same as the API's CSV), to upload by hand
    where the province's system takes files."""
    try:
        first, last = outcomes.period_of(request.args.get("from"), request.args.get("to"))
    except outcomes.PeriodError as exc:
        flash(f"导出期间无效：{exc}", "error")
        return redirect(url_for("cases.appeals"))
    return ratings_csv(first, last)


def ratings_csv(first: date, last: date) -> Response:
    """The province's CSV of the period's ratings, streamed (the API's and the reviewer's download)."""
    lines = rating_export.csv_lines(rating_export.rows(db.session, first, last))
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=ratings-{first}-{last}.csv",
            "Cache-Control": "private, no-store",  # comments are personal data
        },
    )
