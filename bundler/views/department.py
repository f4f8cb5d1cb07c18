"""A department's work queue (部门审批): only its own tasks, by urgency, with the item's own form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from .. import clock
from ..catalogue import definitions
from ..documents.builders import item_form_rows
from ..extensions import db
from ..models import Delivery, Task
from ..permissions import Permission
from ..services import commitments, deferrals, supplements, work_queue
from ..services import results as results_service
from ..services import tasks as tasks_service
from ..services.deadlines import due_dates
from ..services.documents import get_or_create, task_cache_key
from ..services.outbox import dispatch, dispatch_application, retry_failed
from ..services.payload import produced_values, task_payload
from ..services.uploads import task_upload
from ..states import SPECIAL_PROCEDURES, DeliveryState
from .auth import permission_required
from .documents import serve
from .files import file_response
from .results import result_response

bp = Blueprint("department", __name__, url_prefix="/department")


def actor() -> str:
    return current_user.actor_label


def _department_id() -> int:
    department_id: int | None = current_user.department_id
    if department_id is None:
        abort(403)
    return department_id


def _own_task(task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    if task is None or task.department_id != _department_id():
        abort(404)  # another department's task does not exist for this officer
    return task


@bp.get("/")
@permission_required(Permission.WORK_TASKS)
def queue() -> str:
    department_id = _department_id()
    found = work_queue.department_queue(
        db.session, department_id, request.args.get("status", ""), request.args.get("page", 1, type=int)
    )
    due = due_dates(db.session)
    failed = work_queue.failed_deliveries(db.session, department_id)
    corrected = work_queue.handed_again(db.session, department_id)
    verifying = work_queue.verifications_due(db.session, department_id)
    return render_template(
        "department/queue.html",
        found=found,
        tasks=found.tasks,
        filters=work_queue.FILTERS,
        overdue_materials=deferrals.overdue_for_tasks(db.session, found.tasks),
        verifying=verifying,
        today=clock.today(),
        due=due,
        failed=failed,
        corrected=corrected,
        csrf_form=FlaskForm(),
    )


@bp.get("/tasks/<id:task_id>")
@permission_required(Permission.WORK_TASKS)
def task_page(task_id: int) -> str:
    return _task_page(_own_task(task_id))


def _task_page(
    task: Task, typed: dict[str, str] | None = None, errors: dict[str, list[str]] | None = None
) -> str:
    """The task page; after a refused action, with what the officer typed and the problems by field."""
    payload = task_payload(db.session, task)
    definition = definitions.pinned(db.session, task.application)
    item = definition.items[task.item.code]
    rows, tables = item_form_rows(item, payload["form"])
    schema = definitions.schema_for(db.session, task.application)
    produces = [f for f in schema.fields if f.filled_in_step(task.item.code)]
    # what another task has filled already (the mother's data, filled for the first of twins)
    known = {k: v for k, v in produced_values(task.application).items() if not k.endswith("[]")}
    return render_template(
        "department/task.html",
        task=task,
        payload=payload,
        item=item,
        rows=rows,
        tables=tables,
        produces=produces,
        known=known,
        due=due_dates(db.session),
        csrf_form=FlaskForm(),
        typed=typed or {},
        errors=errors or {},
        finished=results_service.step_results(db.session, task.application).get(task.id),
        owed=deferrals.owed_for(db.session, task),
        revocable=deferrals.may_revoke(db.session, task),
        committed=commitments.committed_for(db.session, task),
        askable=supplements.askable(db.session, task),
        pause=supplements.open_pause(db.session, task),
        pauses=supplements.history(db.session, task),
        procedures=SPECIAL_PROCEDURES,
        today=clock.today(),
    )


@bp.post("/tasks/<id:task_id>/action")
@permission_required(Permission.WORK_TASKS)
def act(task_id: int) -> Any:
    task = _own_task(task_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    action = request.form.get("action")
    typed = {key: value for key, value in request.form.items() if key.startswith(("r:", "c:"))}
    typed.update(
        {
            key: request.form.get(key, "")
            for key in (
                "reason",
                "note",
                "correction_reason",
                "revoke_reason",
                "verify_note",
                "outcome",
                "procedure",
                "special_reason",
            )
        }
    )
    typed.update({key: "\n".join(request.form.getlist(key)) for key in ("s_material", "s_field")})
    if action == "stay":  # Enter pressed in a field: no decision is taken, what was typed stays
        flash("按回车键不会提交办理决定；填写的内容已保留，请点击相应的按钮。", "info")
        return _task_page(task, typed, {})
    try:
        if action == "start":
            tasks_service.start(db.session, task, actor())
            message = "已开始办理"
        elif action in ("approved", "rejected"):
            results = {
                key[2:]: value.strip()
                for key, value in request.form.items()
                if key.startswith("r:") and value.strip()
            }
            documents = [
                (given.filename or "", given.read())
                for given in request.files.getlist("documents")
                if given.filename
            ]
            released = tasks_service.complete(
                db.session,
                task,
                action,
                actor=actor(),
                results=results,
                reason=request.form.get("reason"),
                documents=documents,
            )
            message = "已办结" + (
                f"，后续事项已推送：{'、'.join(t.title for t in released)}" if released else ""
            )
        elif action == "supplement":
            supplements.request_supplement(
                db.session,
                task,
                materials=request.form.getlist("s_material"),
                fields=request.form.getlist("s_field"),
                reason=request.form.get("note", ""),
                actor=actor(),
            )
            message = "已一次性告知申请人需补正的内容，本事项计时暂停"
        elif action == "special":
            supplements.start_special(
                db.session,
                task,
                request.form.get("procedure", ""),
                request.form.get("special_reason", ""),
                actor=actor(),
            )
            message = "已记录特别程序，本事项计时暂停（不计入办理时限）"
        elif action == "resume":
            days = supplements.resume(db.session, task, actor=actor())
            message = f"已恢复计时，暂停 {days} 天，办理期限顺延至 {task.due_date}"
        elif action == "confirm_material":
            key = request.form.get("material", "")
            material = next((m for m in task.application.materials if m.key == key), None)
            if material is None:
                abort(400)
            try:
                deferrals.confirm(db.session, task, material, actor=actor())
            except deferrals.DeferralError as exc:
                raise tasks_service.TaskError(str(exc)) from exc
            message = f"已确认补交的材料：{material.name}"
        elif action == "verify":
            told = tasks_service.verify(
                db.session,
                task,
                request.form.get("outcome", ""),
                request.form.get("verify_note", ""),
                actor=actor(),
            )
            message = (
                "核查属实，已记录"
                if task.status == "done"
                else "承诺不实，办理结果已撤销，申请人已收到通知"
                + (f"，已告知：{'、'.join(sorted({d.task.title for d in told}))}" if told else "")
            )
        elif action == "revoke":
            released = tasks_service.revoke_for_overdue(
                db.session, task, request.form.get("revoke_reason", ""), actor=actor()
            )
            message = "已撤销本事项的办理，申请人已收到通知"
        elif action == "correct":
            corrected = {
                key[2:]: value.strip()
                for key, value in request.form.items()
                if key.startswith("c:") and value.strip()
            }
            redelivered = tasks_service.correct(
                db.session, task, corrected, request.form.get("correction_reason", ""), actor=actor()
            )
            message = "结果已更正" + (
                f"，已重新推送：{'、'.join(d.task.title for d in redelivered)}" if redelivered else ""
            )
        else:
            abort(400)
    except (tasks_service.TaskError, supplements.PauseError) as exc:
        db.session.rollback()
        if action in ("approved", "rejected", "correct", "supplement", "revoke", "verify", "special"):
            flash(str(exc), "error")  # shown on this very page, with what was typed kept
            return _task_page(_own_task(task_id), typed, exc.errors), 422
        flash(str(exc), "error")
        return redirect(url_for("department.task_page", task_id=task_id))
    application_id = task.application_id
    db.session.commit()
    dispatch_application(application_id)
    flash(message, "success")
    return redirect(url_for("department.task_page", task_id=task_id))


@bp.get("/tasks/<id:task_id>/form.pdf")
@permission_required(Permission.WORK_TASKS)
def item_form_pdf(task_id: int) -> Any:
    """This department's own application form, filled from the one application (多表合一 in reverse)."""
    task = _own_task(task_id)
    document = get_or_create(
        db.session,
        "item_form",
        task_cache_key(task),
        application_id=task.application_id,
        params={"task_id": task.id},
    )
    return serve(document, f"{task.item_version.name}-{task.application.tracking_no}.pdf")


@bp.get("/tasks/<id:task_id>/files/<id:upload_id>")
@permission_required(Permission.WORK_TASKS)
def task_file(task_id: int, upload_id: int) -> Any:
    """A material file of this department's task, shown inline (PDF and images)."""
    upload = task_upload(db.session, _own_task(task_id), upload_id)
    if upload is None:
        abort(404)
    return file_response(upload)


@bp.get("/tasks/<id:task_id>/results/<id:document_id>")
@permission_required(Permission.WORK_TASKS)
def result_document(task_id: int, document_id: int) -> Any:
    """A result document this department issued for the task."""
    task = _own_task(task_id)
    document = results_service.result_document(db.session, task.application, document_id)
    if document is None or document.task_id != task.id:
        abort(404)
    return result_response(document)


@bp.post("/deliveries/<id:delivery_id>/retry")
@permission_required(Permission.WORK_TASKS)
def retry_delivery(delivery_id: int) -> Any:
    delivery = db.session.get(Delivery, delivery_id)
    if (
        delivery is None
        or delivery.task.department_id != _department_id()
        or delivery.status != DeliveryState.FAILED
    ):
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    retry_failed(db.session, delivery, actor())
    db.session.commit()
    dispatch([delivery_id])
    flash("已重新推送", "success")
    return redirect(url_for("department.queue"))
