"""Review and publication of catalogue changes (reviewers), and the history of every item and bundle."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import CatalogueChange
from ..permissions import Permission
from ..services import changes as service
from ..states import ChangeState
from .auth import permission_required
from .studio import change_or_404, kind_or_404

bp = Blueprint("review", __name__)


@bp.get("/review")
@permission_required(Permission.REVIEW_CHANGES)
def review_queue() -> Any:
    submitted = db.session.scalars(
        select(CatalogueChange)
        .where(CatalogueChange.status == ChangeState.SUBMITTED)
        .order_by(CatalogueChange.submitted_at)
    ).all()
    return render_template("studio/review.html", changes=submitted)


def _decide(change_id: int, decide: Any, success: str) -> Any:
    change = change_or_404(change_id)
    try:
        outcome = decide(change)
        db.session.commit()
        flash(success.format(outcome=outcome), "success")
    except service.ChangeError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("studio.change", change_id=change_id))


def _day(name: str, what: str) -> date | None:
    text = request.form.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise service.ChangeError(f"{what}应为 YYYY-MM-DD 格式的日期") from exc


@bp.post("/studio/changes/<id:change_id>/submit")
@permission_required(Permission.USE_STUDIO)
def submit(change_id: int) -> Any:
    form = request.form
    return _decide(
        change_id,
        lambda c: service.submit(
            db.session,
            c,
            current_user,
            reason=form.get("reason", ""),
            legal_basis=form.get("legal_basis", ""),
            cause=form.get("cause", ""),
            cause_date=_day("cause_date", "调整事由发生日期"),
            scope=form.get("scope") or None,
            upper_requested_on=_day("upper_requested_on", "向上级提出申请的日期"),
        ),
        "已提交审核。",
    )


@bp.post("/studio/changes/<id:change_id>/withdraw")
@permission_required(Permission.USE_STUDIO)
def withdraw(change_id: int) -> Any:
    return _decide(change_id, lambda c: service.withdraw(c, current_user), "已撤回。")


@bp.post("/studio/changes/<id:change_id>/reject")
@permission_required(Permission.REVIEW_CHANGES)
def reject(change_id: int) -> Any:
    return _decide(
        change_id, lambda c: service.reject(c, current_user, request.form.get("note", "")), "已退回修改。"
    )


@bp.post("/studio/changes/<id:change_id>/publish")
@permission_required(Permission.REVIEW_CHANGES)
def publish(change_id: int) -> Any:
    def decide(change: CatalogueChange) -> str:
        number = service.publish(
            db.session,
            change,
            current_user,
            request.form.get("note", ""),
            with_bundle_drafts=request.form.get("with_bundle_drafts") == "1",
        )
        return f"已发布第 {number} 版" if number else "内容与现行版本相同，未产生新版本"

    return _decide(change_id, decide, "{outcome}。")


@bp.get("/catalogue/<kind>/<code>/history")
@permission_required(Permission.VIEW_CHANGE_HISTORY)
def history(kind: str, code: str) -> Any:
    kind = kind_or_404(kind)
    records = service.history(db.session, kind, code)
    if not records:
        abort(404)
    diffs = {
        record.version: service.diff(
            older.content, record.content, labels=(f"第 {older.version} 版", f"第 {record.version} 版")
        )
        for record, older in zip(records, records[1:], strict=False)
    }
    owner = service.owner_department(db.session, kind, records[0].content)
    return render_template(
        "studio/history.html",
        kind=kind,
        code=code,
        records=records,
        diffs=diffs,
        may_draft=owner is not None and service.may_draft(current_user, kind, owner.id),
    )
