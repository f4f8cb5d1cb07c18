"""办事指南抽检 pages: reviewers draw guides and record findings; each department sees the findings on
its own items and says what it corrected. The rules' days are edited on the rules page (admin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..catalogue.queries import departments_by_code
from ..extensions import db
from ..models import GuideCheckEntry
from ..permissions import Permission, allows
from ..services import adjustments, guide_checks
from .auth import permission_required

bp = Blueprint("guide_checks", __name__, url_prefix="/guide-checks")


def _reviewer() -> bool:
    return allows(current_user.role, Permission.CHECK_GUIDES)


def _page(status: int = 200, typed: dict[str, Any] | None = None) -> tuple[str, int]:
    """The list: every draw for reviewers, the department's own guides for a department."""
    reviewer = _reviewer()
    if not reviewer and not allows(current_user.role, Permission.DRAFT_ITEM_CHANGES):
        abort(403)
    department_id = None if reviewer else current_user.department_id
    figures = guide_checks.figures(db.session)
    names = {code: d.name for code, d in departments_by_code(db.session).items()}
    rule = adjustments.rules(db.session)[guide_checks.RULE]
    found = guide_checks.entries(db.session, department_id)
    return render_template(
        "guide_checks/index.html",
        entries=found,
        item_names=guide_checks.item_names(db.session, found),
        figures=figures,
        names=names,
        reviewer=reviewer,
        rule=rule,
        overdue=guide_checks.is_overdue,
        typed=typed or {},
        max_draw=guide_checks.MAX_DRAW,
    ), status


@bp.get("/")
@login_required
def index() -> tuple[str, int]:
    return _page()


def _entry(entry_id: int) -> GuideCheckEntry:
    entry = db.session.get(GuideCheckEntry, entry_id)
    if entry is None:
        abort(404)
    return entry


def _refused(exc: Exception, typed: dict[str, Any]) -> tuple[str, int]:
    db.session.rollback()
    flash(str(exc), "error")
    return _page(422, typed)


@bp.post("/draw")
@permission_required(Permission.CHECK_GUIDES)
def draw() -> Any:
    raw = (request.form.get("size") or "").strip()
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        check = guide_checks.draw(db.session, current_user, int(raw) if raw.isdigit() else 0)
    except guide_checks.GuideCheckError as exc:
        return _refused(exc, {"size": raw})
    db.session.commit()
    flash(f"已随机抽取 {check.size} 个事项的办事指南，请逐一核对后记录结果。", "success")
    return redirect(url_for("guide_checks.index"))


def _act(entry_id: int, field: str, act: Callable[[GuideCheckEntry, str], None], done: str) -> Any:
    """Run ``act`` on the entry with the text typed in ``field``; on a refusal the page again, with it."""
    entry = _entry(entry_id)
    typed = request.form.get(field) or ""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        act(entry, typed)
    except guide_checks.GuideCheckError as exc:
        return _refused(exc, {f"{field}-{entry_id}": typed})
    db.session.commit()
    flash(done.format(code=entry.item.code, status=entry.status_label), "success")
    return redirect(url_for("guide_checks.index", _anchor=f"entry-{entry_id}"))


@bp.post("/entries/<id:entry_id>/verdict")
@permission_required(Permission.CHECK_GUIDES)
def verdict(entry_id: int) -> Any:
    accurate = request.form.get("accurate") == "yes"

    def record(entry: GuideCheckEntry, findings: str) -> None:
        guide_checks.record(db.session, entry, current_user, accurate=accurate, findings=findings)

    return _act(entry_id, "findings", record, "已记录：{code} {status}。")


@bp.post("/entries/<id:entry_id>/correction")
@permission_required(Permission.DRAFT_ITEM_CHANGES)
def correction(entry_id: int) -> Any:
    def correct(entry: GuideCheckEntry, note: str) -> None:
        guide_checks.correct(db.session, entry, current_user, note)

    return _act(entry_id, "correction", correct, "已记录 {code} 的整改情况。")
