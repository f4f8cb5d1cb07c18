"""JSON API v1 (documented at /api/v1/openapi.json)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, jsonify, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from graphs import AnswerError

from ..catalogue import definitions
from ..catalogue.queries import NotFound
from ..extensions import csrf, db
from ..models import Application, Department, Task
from ..permissions import Permission, can
from ..services import acceptance
from ..services import applications as service
from ..services import documents as documents_service
from ..services import tasks as tasks_service
from ..services.documents import KIND_TITLES, documents_for
from ..services.outbox import dispatch_application
from ..services.payload import task_payload
from ..states import DocumentState, TaskState, values
from .api_auth import api_error, current_token, require_token
from .documents import pdf_response
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def application_json(application: Application) -> dict[str, Any]:
    definition = definitions.pinned(db.session, application)
    return {
        "id": application.id,
        "tracking_no": application.tracking_no,
        "bundle": definition.bundle["code"],
        "bundle_version": definition.version,
        "status": application.status,
        "channel": application.channel,
        "promised_date": application.promised_date.isoformat() if application.promised_date else None,
        "commitment_date": application.commitment_date.isoformat() if application.commitment_date else None,
        "steps": [
            {
                "item": task.item.code,
                "department": task.department.code,
                "status": task.status,
                "due": task.due_date.isoformat() if task.due_date else None,
            }
            for task in application.tasks
        ],
        "materials": [
            {
                "key": m.key,
                "name": m.name,
                "status": m.status,
                "due": m.due_date.isoformat() if m.due_date else None,
            }
            for m in application.materials
        ],
        "documents": [
            {
                "kind": kind,
                "title": KIND_TITLES[kind],
                "url": url_for("api.application_document", application_id=application.id, kind=kind),
            }
            for kind in documents_for(application)
        ],
    }


@bp.get("/openapi.json")
def openapi() -> dict[str, Any]:
    return openapi_document()


def _json_body() -> dict[str, Any] | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise service.ApplicationError(f"日期“{value}”应为 YYYY-MM-DD 格式") from exc


@bp.post("/applications")
@require_token(Permission.ACCEPT_BY_API)
def create_application() -> Any:
    body = _json_body()
    if body is None:
        return api_error(400, "请求体应为 JSON 对象")
    token = current_token()
    key = request.headers.get("Idempotency-Key", "").strip()
    scoped_key = f"{token.id}:{key}" if key else None
    if scoped_key:
        existing = db.session.scalar(select(Application).where(Application.idempotency_key == scoped_key))
        if existing is not None:
            return application_json(existing), 200
    problems = _shape_problems(body)
    if problems:
        return api_error(422, "请求内容不完整", errors=problems)
    try:
        settlement = acceptance.accept_from_system(
            db.session,
            token,
            bundle=body["bundle"],
            answers=body.get("answers") or {},
            data=body.get("data") or {},
            materials=body.get("materials") or {},
            commitment_date=_parse_date(body.get("commitment_date")),
            idempotency_key=scoped_key,
        )
        body = application_json(settlement.application)  # everything is loaded now, not after the commit
        db.session.commit()
    except NotFound as exc:
        db.session.rollback()
        return api_error(422, str(exc), errors={"bundle": [str(exc)]})
    except AnswerError as exc:
        db.session.rollback()
        return api_error(422, str(exc), errors={"answers": [str(exc)]})
    except service.InvalidData as exc:
        db.session.rollback()
        return api_error(422, str(exc), errors=exc.errors)
    except service.ApplicationError as exc:
        db.session.rollback()
        return api_error(422, str(exc), errors={"application": [str(exc)]})
    except IntegrityError:
        db.session.rollback()  # the same Idempotency-Key arrived twice at once: the other one won
        existing = db.session.scalar(select(Application).where(Application.idempotency_key == scoped_key))
        if existing is None:
            raise
        return application_json(existing), 200
    settlement.hand_off(db.session)
    return body, 201


def _shape_problems(body: dict[str, Any]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not isinstance(body.get("bundle"), str) or not body["bundle"].strip():
        problems["bundle"] = ["缺少一件事编码（bundle）"]
    for key in ("answers", "data", "materials"):
        if body.get(key) is not None and not isinstance(body[key], dict):
            problems[key] = [f"{key} 应为 JSON 对象"]
    return problems


@bp.get("/applications/<id:application_id>")
@require_token(Permission.ACCEPT_BY_API)
def get_application(application_id: int) -> Any:
    application = db.session.get(Application, application_id)
    if application is None:
        return api_error(404, "申请不存在")
    return application_json(application)


@bp.get("/applications/<id:application_id>/documents/<kind>")
@require_token(Permission.ACCEPT_BY_API)
def application_document(application_id: int, kind: str) -> Any:
    """The PDF once rendered; until then 202 with ``Retry-After`` (asking is what starts the rendering:
    an API acceptance renders nothing nobody asked for)."""
    application = db.session.get(Application, application_id)
    if application is None:
        return api_error(404, "申请不存在")
    if kind not in documents_for(application):
        return api_error(404, f"该申请没有“{kind}”文书，可选：{'、'.join(documents_for(application))}")
    document = documents_service.application_document(db.session, application, kind)
    if document.status == DocumentState.READY and document.content:
        return pdf_response(
            document.content, f"{KIND_TITLES[kind]}-{application.tracking_no or application.id}.pdf"
        )
    if document.status == DocumentState.FAILED:
        return api_error(500, "文书生成失败，请联系管理员")
    response = jsonify({"status": "pending", "message": "文书正在生成，请稍后再取"})
    response.status_code = 202
    response.headers["Retry-After"] = "2"
    return response


def _department_token_for(code: str) -> Any:
    token = current_token()
    if not can(token, Permission.SEE_ALL_DEPARTMENTS) and (
        token.department is None or token.department.code != code
    ):
        return api_error(403, "该令牌只能查看本部门的事项")
    return None


@bp.get("/departments/<code>/tasks")
@require_token(Permission.TASKS_API)
def department_tasks(code: str) -> Any:
    refused = _department_token_for(code)
    if refused:
        return refused
    status = request.args.get("status")
    query = select(Task).join(Department, Task.department_id == Department.id).where(Department.code == code)
    if status:
        if status not in values(TaskState):
            return api_error(422, f"状态只能是：{'、'.join(values(TaskState))}")
        query = query.where(Task.status == status)
    else:
        query = query.where(Task.status != TaskState.SKIPPED)
    tasks = db.session.scalars(query.order_by(Task.due_date.is_(None), Task.due_date, Task.id)).all()
    return {
        "tasks": [
            {
                "id": task.id,
                "application": task.application_id,
                "item": task.item.code,
                "status": task.status,
                "due": task.due_date.isoformat() if task.due_date else None,
            }
            for task in tasks
        ]
    }


def _own_task(task_id: int) -> Task | None:
    """The task if the token's department does it (others get a 404, as if it did not exist)."""
    task = db.session.get(Task, task_id)
    token = current_token()
    if task is None or (
        not can(token, Permission.SEE_ALL_DEPARTMENTS) and task.department_id != token.department_id
    ):
        return None
    return task


@bp.get("/tasks/<id:task_id>")
@require_token(Permission.TASKS_API)
def get_task(task_id: int) -> Any:
    task = _own_task(task_id)
    if task is None:
        return api_error(404, "事项不存在")
    return task_payload(db.session, task)


@bp.post("/tasks/<id:task_id>/complete")
@require_token(Permission.TASKS_API)
def complete_task(task_id: int) -> Any:
    task = _own_task(task_id)
    if task is None:
        return api_error(404, "事项不存在")
    body = _json_body()
    if body is None:
        return api_error(400, "请求体应为 JSON 对象")
    results = body.get("results") or {}
    if not isinstance(results, dict):
        return api_error(422, "results 应为 JSON 对象", errors={"results": ["应为 {数据项: 值}"]})
    token = current_token()
    try:
        released = tasks_service.complete(
            db.session,
            task,
            str(body.get("outcome", "")),
            actor=f"令牌 {token.id}（{token.label or token.department.code if token.department else '管理员'}）",
            results=results,
            reason=body.get("reason") if isinstance(body.get("reason"), str) else None,
        )
    except tasks_service.TaskError as exc:
        db.session.rollback()
        return api_error(422, str(exc))
    application_id = task.application_id
    db.session.commit()
    dispatch_application(application_id)
    return {
        "task": task_id,
        "status": task.status,
        "released": [t.item.code for t in released],
    }
