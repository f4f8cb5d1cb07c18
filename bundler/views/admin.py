"""Operations for system administrators: failed jobs and failed deliveries, with a retry action; the
deadline rules of the 审改办 (working days)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from redis.exceptions import RedisError
from rq.registry import FailedJobRegistry
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Application, Delivery, Department, ItemVersion, Notification, Task
from ..permissions import Permission
from ..privacy import mask_phone
from ..queues import all_queue_names, queue
from ..services import adjustments
from ..services.notifications import NOTICE_EVENTS
from ..services.outbox import dispatch, retry_failed
from ..states import DeliveryState
from .auth import permission_required

bp = Blueprint("admin", __name__, url_prefix="/admin")

NOTICES_PER_PAGE = 100
SHOWN = 100  # failed deliveries, and failed jobs per queue, listed (the newest)


def _failed_jobs() -> tuple[list[dict[str, Any]], str | None]:
    names = all_queue_names(list(db.session.scalars(select(Department.code))))
    jobs: list[dict[str, Any]] = []
    try:
        for name in names:
            for job_id in FailedJobRegistry(queue=queue(name)).get_job_ids(0, SHOWN - 1):
                job = queue(name).fetch_job(job_id)
                if job is not None:
                    jobs.append(_job_row(name, job))
    except RedisError as exc:
        return jobs, f"Redis 不可用，无法读取失败任务：{exc}"
    return jobs, None


def _job_row(queue_name: str, job: Any) -> dict[str, Any]:
    result = job.latest_result()
    error = (result.exc_string if result is not None else None) or ""
    return {
        "queue": queue_name,
        "id": job.id,
        "function": job.func_name,
        "args": job.args,
        "ended_at": job.ended_at,
        "error": error.strip().splitlines()[-1] if error.strip() else "",
    }


@bp.get("/jobs")
@permission_required(Permission.MANAGE_JOBS)
def jobs() -> str:
    failed_jobs, problem = _failed_jobs()
    deliveries = db.session.scalars(
        select(Delivery)
        .where(Delivery.status == DeliveryState.FAILED)
        .options(
            joinedload(Delivery.task).options(
                joinedload(Task.department).load_only(Department.id, Department.name),
                joinedload(Task.item_version).load_only(ItemVersion.id, ItemVersion.name),
                joinedload(Task.application).load_only(Application.id, Application.tracking_no),
            )
        )
        .order_by(Delivery.id.desc())
        .limit(SHOWN)
    ).all()
    return render_template(
        "admin/jobs.html", jobs=failed_jobs, problem=problem, deliveries=deliveries, csrf_form=FlaskForm()
    )


@bp.post("/jobs/<queue_name>/<job_id>/requeue")
@permission_required(Permission.MANAGE_JOBS)
def requeue(queue_name: str, job_id: str) -> Any:
    if not FlaskForm().validate_on_submit():
        abort(400)
    registry = FailedJobRegistry(queue=queue(queue_name))
    try:
        registry.requeue(job_id)
    except Exception:  # noqa: BLE001 (rq raises several kinds for an unknown job)
        abort(404)
    flash("已重新排队", "success")
    return redirect(url_for("admin.jobs"))


@bp.post("/deliveries/<id:delivery_id>/retry")
@permission_required(Permission.MANAGE_JOBS)
def retry_delivery(delivery_id: int) -> Any:
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or delivery.status != DeliveryState.FAILED:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    retry_failed(db.session, delivery, f"管理员 {current_user.id}")
    db.session.commit()
    dispatch([delivery_id])
    flash("已重新推送", "success")
    return redirect(url_for("admin.jobs"))


@bp.get("/notifications")
@permission_required(Permission.MANAGE_JOBS)
def notifications() -> str:
    """Every notice the service wrote, newest first: with the development sender this is where the
    messages are read; with a gateway, where failures show."""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows = db.session.scalars(
        select(Notification)
        .options(joinedload(Notification.application))
        .order_by(Notification.id.desc())
        .limit(NOTICES_PER_PAGE + 1)
        .offset((page - 1) * NOTICES_PER_PAGE)
    ).all()
    return render_template(
        "admin/notifications.html",
        notices=rows[:NOTICES_PER_PAGE],
        more=len(rows) > NOTICES_PER_PAGE,
        page=page,
        events=NOTICE_EVENTS,
        sender=current_app.config["SMS_SENDER"],
        mask_phone=mask_phone,
    )


@bp.route("/rules", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_RULES)
def rules() -> Any:
    """The deadline rules of catalogue adjustments and guide corrections, in working days."""
    typed: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        key = request.form.get("key", "")
        typed = {key: (request.form.get("working_days") or "").strip()}
        try:
            days = int(typed[key]) if typed[key].lstrip("-").isdigit() else None
            if days is None:
                raise adjustments.AdjustmentError("时限应填写工作日数（整数）")
            adjustments.set_rule(db.session, key, days)
        except adjustments.AdjustmentError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            status = 422
        else:
            db.session.commit()
            flash(
                f"已修改“{adjustments.rules(db.session)[key].label}”为 {days} 个工作日，在办的调整和整改已按新时限重新计算。",
                "success",
            )
            return redirect(url_for("admin.rules"))
    return render_template(
        "admin/rules.html", rules=list(adjustments.rules(db.session).values()), typed=typed
    ), status
