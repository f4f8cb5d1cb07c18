"""JSON API v1, documented at /api/v1/openapi.json.

Each view declares what it takes and answers with the schemas of :mod:`.api_schemas`; the document is
generated from those declarations (:mod:`.openapi`), which also validate the request and shape the
answer. The views stay thin: the rules are the services'.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import Response, jsonify, request, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import MethodNotAllowed

from graphs import AnswerError

from .. import clock
from ..catalogue import definitions
from ..catalogue.queries import NotFound
from ..extensions import csrf, db
from ..models import Application, CatalogueChange, Task
from ..permissions import Permission, can
from ..privacy import mask_phone
from ..services import (
    acceptance,
    adjustments,
    guides,
    outcomes,
    rating_cases,
    rating_export,
    supplements,
    uploads,
    visits,
    work_calendar,
    work_queue,
)
from ..services import applications as service
from ..services import documents as documents_service
from ..services import ratings as ratings_service
from ..services import results as results_service
from ..services import tasks as tasks_service
from ..services.deadlines import due_dates
from ..services.document_contexts import centre
from ..services.document_kinds import DOCUMENT_KINDS
from ..services.documents import documents_for
from ..services.notifications import notices_of
from ..services.outbox import dispatch_application
from ..services.ownership import system_may_open
from ..services.payload import task_payload
from ..states import DocumentState, RatingChannel, VisitPurpose
from .api_auth import api_error, current_token, require_token
from .api_schemas import (
    ApplicationSchema,
    CalendarYearSchema,
    CaseListSchema,
    CaseSchema,
    CaseStepSchema,
    CatalogueChangeFilterSchema,
    CatalogueChangeListSchema,
    CompletionResultSchema,
    CompletionSchema,
    CorrectionResultSchema,
    CorrectionSchema,
    DocumentPendingSchema,
    ErrorSchema,
    FileUploadSchema,
    GuideBundleSchema,
    GuideItemSchema,
    HandoverSchema,
    IdempotencySchema,
    NewApplicationSchema,
    NewHandoverSchema,
    NewRatingSchema,
    NewVisitSchema,
    NotificationListSchema,
    OutcomeReportSchema,
    PauseResultSchema,
    PeriodSchema,
    RatingExportFilterSchema,
    RatingExportSchema,
    RatingResultSchema,
    SpecialProcedureSchema,
    StoredFileSchema,
    SupplementAnswerResultSchema,
    SupplementAnswerSchema,
    SupplementRequestSchema,
    TaskFilterSchema,
    TaskListSchema,
    TaskSchema,
    VerificationResultSchema,
    VerificationSchema,
    VisitListSchema,
)
from .cases import ratings_csv
from .documents import pdf_response
from .files import file_response
from .openapi import ApiBlueprint, openapi_document
from .results import result_response

bp = ApiBlueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

WINDOW = "综合窗口"
DEPARTMENTS = "部门业务系统"
PUBLIC = "公开信息"
CATALOGUE = "事项目录"
OVERSIGHT = "好差评"
TAGS = [
    {"name": WINDOW, "description": "综合窗口系统（窗口令牌）：创建并受理申请、查询状态、取文书"},
    {"name": DEPARTMENTS, "description": "部门业务系统（部门令牌，只能办理本部门的事项）：取事项、办结"},
    {"name": PUBLIC, "description": "公开信息（无需令牌）：工作日历、办事指南、由实际申请统计的改革成效"},
    {"name": CATALOGUE, "description": "事项目录的调整与期限（管理员令牌）"},
    {"name": OVERSIGHT, "description": "好差评数据导出，供省级好差评系统（管理员令牌）"},
]
DESCRIPTION = (
    "综合窗口与部门业务系统的接口。每个请求带 `Authorization: Bearer <令牌>`（`bundler token create` 创建）。"
    '被拒绝的请求一律回答 `{"error": 中文说明, "status": 状态码, "errors": {字段: [中文说明…]}}`。'
)


def _refusal(status: int, description: str) -> Any:
    return bp.alt_response(status, schema=ErrorSchema, description=description)


def _submitted_application(application_id: int) -> Application | None:
    """The application a window system may see (``ownership.system_may_open``); None answers 404."""
    application = db.session.get(Application, application_id)
    return application if application is not None and system_may_open(application) else None


def _path(name: str, description: str, **schema: Any) -> dict[str, Any]:
    parameter: dict[str, Any] = {"in": "path", "name": name, "description": description}
    if schema:
        parameter["schema"] = schema
    return parameter


_NOT_AN_OBJECT = _refusal(400, "请求体不是 JSON 对象，或含有无法保存的字符")
_OTHER_METHOD = bp.alt_response(
    405,
    schema=ErrorSchema,
    description="该地址不支持所用的方法",
    headers={"Allow": {"description": "该地址支持的方法", "required": True, "schema": {"type": "string"}}},
)


@bp.after_app_request
def _allow_header(response: Response) -> Response:
    """A 405 names the methods the URL takes (RFC 9110): Werkzeug knows them, the app's JSON error
    answer does not carry its headers."""
    refused = request.routing_exception
    if (
        response.status_code == 405
        and isinstance(refused, MethodNotAllowed)
        and request.path.startswith(f"{bp.url_prefix}/")
        and "Allow" not in response.headers
    ):
        response.headers["Allow"] = ", ".join(sorted(refused.valid_methods or ()))
    return response


def application_json(application: Application) -> dict[str, Any]:
    definition = definitions.pinned(db.session, application)
    finished = results_service.step_results(db.session, application)
    due = due_dates(db.session)
    return {
        "id": application.id,
        "tracking_no": application.tracking_no,
        "bundle": definition.bundle["code"],
        "bundle_version": definition.version,
        "status": application.status,
        "channel": application.channel,
        "promised_date": application.promised_date.isoformat() if application.promised_date else None,
        "due_is_estimate": due.promise_is_estimate(application),
        "commitment_date": application.commitment_date.isoformat() if application.commitment_date else None,
        "steps": [
            {
                "item": task.item.code,
                "department": task.department.code,
                "status": task.status,
                "due": task.due_date.isoformat() if task.due_date else None,
                "due_is_estimate": due.is_estimate(task),
                **_step_results(application, finished.get(task.id)),
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
                "title": DOCUMENT_KINDS.title(kind),
                "url": url_for("api.application_document", id=application.id, kind=kind),
            }
            for kind in documents_for(application)
        ],
        "handover": results_service.handover_json(results_service.handover_of(db.session, application)),
    }


def _step_results(application: Application, finished: dict[str, Any] | None) -> dict[str, Any]:
    """一端出件: what a decided step gave back, shown as soon as it is decided."""
    if finished is None:
        return {"results": {}, "reason": None, "finished_at": None, "documents": []}
    return {
        "results": finished["results"],
        "reason": finished["reason"],
        "finished_at": finished["finished_at"],
        "documents": [
            {
                "id": d.id,
                "name": d.filename,
                "size": d.size,
                "content_type": d.content_type,
                "sha256": d.sha256,
                "url": url_for("api.result_document", id=application.id, document=d.id),
            }
            for d in finished["documents"]
        ],
    }


def _decoded_documents(
    given: list[dict[str, Any]] | None,
) -> tuple[list[tuple[str, bytes]], dict[str, list[str]]]:
    """The base64 documents of a request, and the problems by ``documents.N``."""
    decoded, errors = [], {}
    for index, document in enumerate(given or []):
        try:
            decoded.append((document["name"], base64.b64decode(document["content_base64"], validate=True)))
        except (binascii.Error, ValueError):
            errors[f"documents.{index}"] = [f"结果文书“{document['name']}”的内容不是有效的 base64 编码"]
    return decoded, errors


# --- the window system --------------------------------------------------------------------------------


@bp.post("/applications", tags=[WINDOW])
@bp.doc(operationId="createApplication", summary="创建并受理一件事申请（综合窗口令牌）")
@require_token(Permission.ACCEPT_BY_API)
@bp.arguments(IdempotencySchema, location="headers")
@bp.arguments(NewApplicationSchema)
@bp.response(201, ApplicationSchema, description="已受理（材料容缺时为容缺受理）")
@bp.alt_response(
    200,
    schema=ApplicationSchema,
    description="同一令牌以相同 Idempotency-Key 重复提交：返回原申请，不再新建",
    success=True,
)
@_NOT_AN_OBJECT
@_refusal(
    422,
    "请求内容、一件事编码、情形答案、申请表数据、材料或材料文件未通过校验（按字段中文说明，文件问题在 files.材料键 下），"
    "未保存任何内容",
)
@_OTHER_METHOD
def create_application(headers: dict[str, Any], body: dict[str, Any]) -> Any:
    token = current_token()
    key = (headers.get("key") or "").strip()
    scoped_key = f"{token.id}:{key}" if key else None
    if scoped_key:
        existing = db.session.scalar(select(Application).where(Application.idempotency_key == scoped_key))
        if existing is not None:
            return application_json(existing), 200
    try:
        settlement = acceptance.accept_from_system(
            db.session,
            token,
            bundle=body["bundle"],
            answers=body.get("answers") or {},
            data=body.get("data") or {},
            materials=body.get("materials") or {},
            licence_authorisations=body.get("licence_authorisations") or {},
            confirmed_parties=body.get("confirmed_parties") or [],
            commitment_date=body.get("commitment_date"),
            commitments=body.get("commitments") or [],
            idempotency_key=scoped_key,
            files=body.get("files") or {},
        )
        answer = application_json(settlement.application)  # everything is loaded now, not after the commit
        db.session.commit()
    except uploads.FileProblems as exc:
        db.session.rollback()
        return api_error(422, str(exc), errors=exc.errors)
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
    settlement.hand_off()
    return answer, 201


@bp.get("/applications/<id:id>", tags=[WINDOW], parameters=[_path("id", "申请 id")])
@bp.doc(operationId="getApplication", summary="查询申请状态（含受理时的一件事版本与文书地址）")
@require_token(Permission.ACCEPT_BY_API)
@bp.response(200, ApplicationSchema, description="申请的当前状态")
@_refusal(404, "申请不存在")
@_OTHER_METHOD
def get_application(id: int) -> Any:
    application = _submitted_application(id)
    if application is None:
        return api_error(404, "申请不存在")
    return application_json(application)


@bp.get("/applications/<id:id>/notifications", tags=[WINDOW], parameters=[_path("id", "申请 id")])
@bp.doc(operationId="listNotifications", summary="发给申请人的短信通知（综合窗口或管理员令牌）")
@require_token(Permission.ACCEPT_BY_API)
@bp.response(200, NotificationListSchema, description="按时间先后；手机号码脱敏")
@_refusal(404, "申请不存在")
@_OTHER_METHOD
def application_notifications(id: int) -> Any:
    if _submitted_application(id) is None:
        return api_error(404, "申请不存在")
    return {
        "notifications": [
            {
                "id": n.id,
                "event": n.event,
                "recipient": mask_phone(n.recipient) if n.recipient else None,
                "text": n.body,
                "status": n.status,
                "created_at": clock.local(n.created_at).isoformat(),
                "sent_at": clock.local(n.sent_at).isoformat() if n.sent_at else None,
            }
            for n in notices_of(db.session, id)
        ]
    }


@bp.get(
    "/applications/<id:id>/documents/<kind>",
    tags=[WINDOW],
    parameters=[
        _path("id", "申请 id"),
        _path(
            "kind",
            "文书种类（申请的 documents 列出它有的）",
            type="string",
            enum=DOCUMENT_KINDS.names_for("application"),
        ),
    ],
)
@bp.doc(
    operationId="getApplicationDocument",
    summary="申请的文书 PDF（受理回执、申请表、容缺承诺书等）",
    description="第一次请求时开始生成（系统接口受理的申请不预先生成文书），生成前回答 202 与 Retry-After。",
)
@require_token(Permission.ACCEPT_BY_API)
@bp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type="application/pdf",
    description="文书 PDF",
)
@bp.alt_response(
    202,
    schema=DocumentPendingSchema,
    description="正在生成：按 Retry-After 秒后再取",
    headers={
        "Retry-After": {
            "description": "建议等待的秒数",
            "required": True,
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    success=True,
)
@_refusal(404, "申请不存在，或该申请没有这种文书")
@_refusal(500, "文书生成失败，请联系管理员")
@_OTHER_METHOD
def application_document(id: int, kind: str) -> Any:
    application = _submitted_application(id)
    if application is None:
        return api_error(404, "申请不存在")
    if kind not in documents_for(application):
        return api_error(404, f"该申请没有“{kind}”文书，可选：{'、'.join(documents_for(application))}")
    document = documents_service.application_document(db.session, application, kind)
    db.session.commit()
    documents_service.start_rendering([document])
    if document.status == DocumentState.READY and document.content:
        return pdf_response(
            document.content, f"{DOCUMENT_KINDS.title(kind)}-{application.tracking_no or application.id}.pdf"
        )
    if document.status == DocumentState.FAILED:
        return api_error(500, "文书生成失败，请联系管理员")
    response = jsonify(
        DocumentPendingSchema().dump({"status": "pending", "message": "文书正在生成，请稍后再取"})
    )
    response.status_code = 202
    response.headers["Retry-After"] = "2"
    return response


@bp.post(
    "/applications/<id:id>/materials/<key>/files",
    tags=[WINDOW],
    parameters=[_path("id", "申请 id"), _path("key", "材料键：材料种类|角色（申请的 materials 列出）")],
)
@bp.doc(
    operationId="addMaterialFile",
    summary="为申请的一份材料补充一个文件（multipart/form-data，综合窗口令牌）",
    description="按内容识别类型（PDF、OFD、JPEG、PNG）；尚未提供或容缺后补的材料随之视为已上传。",
)
@require_token(Permission.ACCEPT_BY_API)
@bp.arguments(FileUploadSchema, location="files")
@bp.response(201, StoredFileSchema, description="文件已保存（加密存储），并随材料推送给需要它的部门")
@_refusal(400, "请求体不是 multipart/form-data")
@_refusal(404, "申请不存在，或申请中没有这份材料")
@_refusal(422, "缺少文件，文件为空、类型不符或超过大小上限，或该材料由本件事内的事项产生")
@_OTHER_METHOD
def add_material_file(files: dict[str, Any], id: int, key: str) -> Any:
    application = _submitted_application(id)
    if application is None:
        return api_error(404, "申请不存在")
    material = uploads.material_by_key(application, key)
    if material is None:
        return api_error(404, f"申请中没有材料“{key}”")
    given = files["file"]
    try:
        upload = uploads.add_file(
            db.session, material, given.read(), given.filename or "", actor=_token_actor(current_token())
        )
        db.session.flush()
    except uploads.UploadError as exc:
        db.session.rollback()
        return api_error(422, str(exc), errors={"file": [str(exc)]})
    answer = {
        "id": upload.id,
        "name": upload.filename,
        "size": upload.size,
        "content_type": upload.content_type,
        "sha256": upload.sha256,
        "material": material.key,
        "material_status": material.status,
    }
    db.session.commit()
    dispatch_application(id)  # the steps already handed over that ask for this material get it again
    return answer, 201


@bp.post("/applications/<id:id>/ratings", tags=[WINDOW], parameters=[_path("id", "申请 id")])
@bp.doc(
    operationId="rateApplication",
    summary="好差评：申请人在窗口评价器上的评价（窗口令牌）；不满意及以下生成差评工单",
)
@require_token(Permission.RECORD_RATINGS)
@bp.arguments(NewRatingSchema)
@bp.response(201, RatingResultSchema, description="已记录评价")
@_NOT_AN_OBJECT
@_refusal(404, "申请不存在")
@_refusal(422, "请求内容未通过校验；申请尚未受理；事项不属于本申请或尚未办结；原因不在可选范围；或已评价过")
@_OTHER_METHOD
def rate_application(body: dict[str, Any], id: int) -> Any:
    application = _submitted_application(id)
    if application is None:
        return api_error(404, "申请不存在")
    try:
        task_id = ratings_service.task_for_step(application, body["step"])
        score = ratings_service.Score(task_id, body["level"], body["reasons"], body["comment"] or "")
        [rating] = ratings_service.rate(db.session, application, [score], channel=RatingChannel.COUNTER)
        db.session.flush()
    except ratings_service.RatingError as exc:
        db.session.rollback()
        return api_error(422, str(exc), errors={"rating": [str(exc)]})
    answer = {
        "id": rating.id,
        "level": rating.level_label,
        "step": body["step"],
        "occasion": rating.occasion,
        "channel": rating.channel,
        "case": _case_json(rating) if rating.follow_up else None,
    }
    db.session.commit()
    return answer, 201


@bp.post("/applications/<id:id>/visits", tags=[WINDOW], parameters=[_path("id", "申请 id")])
@bp.doc(operationId="logVisit", summary="登记申请人今天到窗口的一次到访（跑动；窗口令牌），同一天只计一次")
@require_token(Permission.ACCEPT_BY_API)
@bp.arguments(NewVisitSchema)
@bp.response(201, VisitListSchema, description="该申请的全部到访记录")
@_NOT_AN_OBJECT
@_refusal(404, "申请不存在")
@_refusal(422, "请求内容未通过校验")
@_OTHER_METHOD
def log_visit(body: dict[str, Any], id: int) -> Any:
    application = _submitted_application(id)
    if application is None:
        return api_error(404, "申请不存在")
    visits.log_visit(
        db.session, application, VisitPurpose(body["purpose"]), actor=_token_actor(current_token())
    )
    db.session.commit()
    listed = [
        {"date": v.visited_on, "purposes": v.purposes} for v in visits.visits_of(db.session, application)
    ]
    return {"application": application.id, "visits": listed}, 201


def _case_json(case: Any) -> dict[str, Any]:
    return {
        "id": case.id,
        "application": case.application_id,
        "item": case.task.item.code if case.task else None,
        "level": case.level_label,
        "status": case.follow_up,
        "due": case.due_date,
        "overdue": rating_cases.is_overdue(case),
    }


# --- department systems -------------------------------------------------------------------------------


def _department_token_for(code: str) -> Response | None:
    token = current_token()
    if not can(token, Permission.SEE_ALL_DEPARTMENTS) and (
        token.department is None or token.department.code != code
    ):
        return api_error(403, "该令牌只能查看本部门的事项")
    return None


@bp.get("/departments/<code>/tasks", tags=[DEPARTMENTS], parameters=[_path("code", "部门编码")])
@bp.doc(
    operationId="listDepartmentTasks",
    summary="本部门的事项（部门令牌只能查看本部门）",
    responses={403: {"description": "令牌的角色无权查看事项，或令牌不属于该部门"}},
)
@require_token(Permission.TASKS_API)
@bp.arguments(TaskFilterSchema, location="query")
@bp.response(200, TaskListSchema, description="按办理期限排序")
@_refusal(400, "请求含有无法保存的字符")
@_refusal(422, "状态不是事项的状态之一，limit 超出范围，或 cursor 无效")
@_OTHER_METHOD
def department_tasks(query: dict[str, Any], code: str) -> Any:
    refused = _department_token_for(code)
    if refused:
        return refused
    try:
        found = work_queue.task_listing(
            db.session, code, query.get("status"), query["limit"], query.get("cursor")
        )
    except work_queue.CursorError as exc:
        return api_error(422, str(exc))
    due = due_dates(db.session)
    return {
        "tasks": [
            {
                "id": row.id,
                "application": row.application_id,
                "item": row.item,
                "status": row.status,
                "due": row.due_date.isoformat() if row.due_date else None,
                "due_is_estimate": due.dates_are_estimate(row.ready_at, row.due_date),
            }
            for row in found.rows
        ],
        "total": found.total,
        "next_cursor": found.next_cursor,
    }


@bp.get("/departments/<code>/cases", tags=[DEPARTMENTS], parameters=[_path("code", "部门编码")])
@bp.doc(
    operationId="listDepartmentCases",
    summary="本部门待办的差评工单（只有本部门令牌）：核实、整改、申诉中，期限最早的在前",
    responses={403: {"description": "令牌不属于该部门"}},
)
@require_token(Permission.HANDLE_CASES)
@bp.response(200, CaseListSchema, description="核实、整改、申诉中的工单，期限最早的在前")
@_OTHER_METHOD
def department_cases(code: str) -> Any:
    token = current_token()
    if token.department is None or token.department.code != code:
        return api_error(403, "差评工单只有本部门的令牌可以查看")
    return {"cases": [_case_json(c) for c in rating_cases.cases_of(db.session, token.department_id)]}


@bp.post("/cases/<id:id>", tags=[DEPARTMENTS], parameters=[_path("id", "差评工单 id")])
@bp.doc(operationId="handleCase", summary="差评工单：核实（属实与否及依据）、整改措施或申诉（部门令牌）")
@require_token(Permission.HANDLE_CASES)
@bp.arguments(CaseStepSchema)
@bp.response(200, CaseSchema, description="工单的新状态")
@_NOT_AN_OBJECT
@_refusal(404, "工单不存在或不属于本部门")
@_refusal(422, "请求内容未通过校验，或工单当前状态不能进行这一步")
@_OTHER_METHOD
def handle_case(body: dict[str, Any], id: int) -> Any:
    token = current_token()
    case = (
        rating_cases.case_of(db.session, id, department_id=token.department_id)
        if token.department_id is not None
        else None
    )
    if case is None:
        return api_error(404, "差评工单不存在")
    actor = _token_actor(token)
    try:
        if body["step"] == "verify":
            if body["verified"] is None:
                raise ratings_service.RatingError("核实时须说明差评反映的情况是否属实（verified）")
            rating_cases.verify(db.session, case, true=body["verified"], evidence=body["note"], actor=actor)
        elif body["step"] == "rectify":
            rating_cases.rectify(db.session, case, note=body["note"], actor=actor)
        else:
            rating_cases.appeal(db.session, case, reason=body["note"], actor=actor)
    except ratings_service.RatingError as exc:
        db.session.rollback()
        return api_error(422, str(exc), errors={"step": [str(exc)]})
    answer = _case_json(case)
    db.session.commit()
    return answer


def _own_task(task_id: int) -> Task | None:
    """The task if the token's department does it (others get a 404, as if it did not exist)."""
    task = db.session.get(Task, task_id)
    token = current_token()
    if task is None or (
        not can(token, Permission.SEE_ALL_DEPARTMENTS) and task.department_id != token.department_id
    ):
        return None
    return task


@bp.get("/tasks/<id:id>", tags=[DEPARTMENTS], parameters=[_path("id", "事项 id")])
@bp.doc(operationId="getTask", summary="一个事项的办理内容（部门令牌）")
@require_token(Permission.TASKS_API)
@bp.response(200, TaskSchema, description="本事项自己的表单字段与取值、材料、上游结果（与推送的内容相同）")
@_refusal(404, "事项不存在或不属于本部门")
@_OTHER_METHOD
def get_task(id: int) -> Any:
    task = _own_task(id)
    if task is None:
        return api_error(404, "事项不存在")
    return task_payload(db.session, task)


@bp.post("/tasks/<id:id>/complete", tags=[DEPARTMENTS], parameters=[_path("id", "事项 id")])
@bp.doc(
    operationId="completeTask", summary="办结：准予（附产生的结果）或不予（附理由）；后续串联步骤随即放行"
)
@require_token(Permission.TASKS_API)
@bp.arguments(CompletionSchema)
@bp.response(200, CompletionResultSchema, description="已办结")
@_NOT_AN_OBJECT
@_refusal(404, "事项不存在或不属于本部门")
@_refusal(
    422,
    "请求内容未通过校验；当前状态不能办结；结果不完整或未通过数据元校验（按字段说明，如 经营者.统一社会信用代码）；"
    "结果文书不是 PDF/OFD（在 documents.序号 下说明）；或不予许可未说明理由",
)
@_OTHER_METHOD
def complete_task(completion: dict[str, Any], id: int) -> Any:
    task = _own_task(id)
    if task is None:
        return api_error(404, "事项不存在")
    token = current_token()
    documents, problems = _decoded_documents(completion.get("documents"))
    if problems:
        return api_error(422, "；".join(m for ms in problems.values() for m in ms), errors=problems)
    try:
        released = tasks_service.complete(
            db.session,
            task,
            completion["outcome"],
            actor=_token_actor(token),
            results=completion.get("results") or {},
            reason=completion.get("reason"),
            documents=documents,
        )
    except tasks_service.TaskError as exc:
        db.session.rollback()
        return _invalid(exc)
    application_id = task.application_id
    db.session.commit()
    dispatch_application(application_id)
    return {"task": id, "status": task.status, "released": [t.item.code for t in released]}


@bp.post("/tasks/<id:id>/verify", tags=[DEPARTMENTS], parameters=[_path("id", "事项 id")])
@bp.doc(
    operationId="verifyCommitment",
    summary="告知承诺核查：属实（confirmed）或不实（false，撤销办理结果并告知申请人和后续部门）",
)
@require_token(Permission.TASKS_API)
@bp.arguments(VerificationSchema)
@bp.response(200, VerificationResultSchema, description="已记录核查结果")
@_NOT_AN_OBJECT
@_refusal(404, "事项不存在或不属于本部门")
@_refusal(422, "请求内容未通过校验；本事项没有待核查的告知承诺；或承诺不实未写明核查情况")
@_OTHER_METHOD
def verify_task(verification: dict[str, Any], id: int) -> Any:
    task = _own_task(id)
    if task is None:
        return api_error(404, "事项不存在")
    try:
        told = tasks_service.verify(
            db.session,
            task,
            verification["outcome"],
            verification.get("note") or "",
            actor=_token_actor(current_token()),
        )
    except tasks_service.TaskError as exc:
        db.session.rollback()
        return _invalid(exc)
    application_id = task.application_id
    answer = {"task": id, "status": task.status, "told": sorted({d.task.item.code for d in told})}
    db.session.commit()
    dispatch_application(application_id)
    return answer


def _pause_answer(task: Task, pause: Any) -> dict[str, Any]:
    return {
        "task": task.id,
        "status": task.status,
        "pause": pause.id if pause is not None else None,
        "due": task.due_date.isoformat() if task.due_date else None,
        "paused_days": task.paused_days or 0,
    }


@bp.post("/tasks/<id:id>/supplement", tags=[DEPARTMENTS], parameters=[_path("id", "事项 id")])
@bp.doc(
    operationId="requestSupplement",
    summary="要求补正：一次性列明需重新提交的材料、需更正的字段和要求；只暂停本事项的计时，并告知申请人",
)
@require_token(Permission.TASKS_API)
@bp.arguments(SupplementRequestSchema)
@bp.response(200, PauseResultSchema, description="本事项已暂停计时，等待申请人补正")
@_NOT_AN_OBJECT
@_refusal(404, "事项不存在或不属于本部门")
@_refusal(422, "请求内容未通过校验；当前状态不能要求补正；材料或字段不属于本事项；或未写明补正内容")
@_OTHER_METHOD
def request_supplement(body: dict[str, Any], id: int) -> Any:
    return _pause_task(
        id,
        lambda task, actor: supplements.request_supplement(
            db.session,
            task,
            materials=body.get("materials") or [],
            fields=body.get("fields_") or [],
            reason=body.get("reason") or "",
            actor=actor,
        ),
    )


@bp.post("/tasks/<id:id>/special", tags=[DEPARTMENTS], parameters=[_path("id", "事项 id")])
@bp.doc(
    operationId="startSpecialProcedure",
    summary="特别程序（检验检测、专家评审、听证、公示）：期间只暂停本事项的计时，不计入办理时限",
)
@require_token(Permission.TASKS_API)
@bp.arguments(SpecialProcedureSchema)
@bp.response(200, PauseResultSchema, description="本事项已暂停计时")
@_NOT_AN_OBJECT
@_refusal(404, "事项不存在或不属于本部门")
@_refusal(422, "请求内容未通过校验；或当前状态不能暂停")
@_OTHER_METHOD
def start_special(body: dict[str, Any], id: int) -> Any:
    return _pause_task(
        id,
        lambda task, actor: supplements.start_special(
            db.session, task, body["procedure"], body.get("reason") or "", actor=actor
        ),
    )


@bp.post("/tasks/<id:id>/resume", tags=[DEPARTMENTS], parameters=[_path("id", "事项 id")])
@bp.doc(operationId="resumeTask", summary="恢复计时（补正核对完毕或特别程序结束）：办理期限按暂停天数顺延")
@require_token(Permission.TASKS_API)
@bp.response(200, PauseResultSchema, description="已恢复计时")
@_refusal(400, "请求不能处理（本操作不需要请求体）")
@_refusal(404, "事项不存在或不属于本部门")
@_refusal(422, "该事项没有暂停")
@_OTHER_METHOD
def resume_task(id: int) -> Any:
    task = _own_task(id)
    if task is None:
        return api_error(404, "事项不存在")
    pause = supplements.open_pause(db.session, task)
    try:
        supplements.resume(db.session, task, actor=_token_actor(current_token()))
    except supplements.PauseError as exc:
        db.session.rollback()
        return _invalid(exc)
    answer = _pause_answer(task, pause)
    db.session.commit()
    return answer


def _pause_task(task_id: int, pause_it: Any) -> Any:
    task = _own_task(task_id)
    if task is None:
        return api_error(404, "事项不存在")
    try:
        pause = pause_it(task, _token_actor(current_token()))
    except supplements.PauseError as exc:
        db.session.rollback()
        return _invalid(exc)
    db.session.flush()
    answer = _pause_answer(task, pause)
    application_id = task.application_id
    db.session.commit()
    dispatch_application(application_id)
    return answer


@bp.post("/applications/<id:id>/supplements", tags=[WINDOW], parameters=[_path("id", "申请 id")])
@bp.doc(
    operationId="answerSupplement",
    summary="提交补正（综合窗口令牌）：更正部门要求的字段、补交材料文件；部门核对后恢复计时",
)
@require_token(Permission.ACCEPT_BY_API)
@bp.arguments(SupplementAnswerSchema)
@bp.response(201, SupplementAnswerResultSchema, description="补正已提交并推送给要求补正的部门")
@_NOT_AN_OBJECT
@_refusal(404, "申请不存在")
@_refusal(422, "没有待答复的补正；有几项待补正而未指明 task；或补正内容未通过校验（按字段说明）")
@_OTHER_METHOD
def answer_supplement(body: dict[str, Any], id: int) -> Any:
    application = _submitted_application(id)
    if application is None:
        return api_error(404, "申请不存在")
    waiting = supplements.open_supplements(db.session, application)
    chosen = [p for p in waiting if body.get("task") in (None, p.task_id)]
    if not chosen:
        return api_error(422, "该申请没有待答复的补正", errors={"task": ["没有待答复的补正"]})
    if len(chosen) > 1:
        named = "、".join(f"{p.task_id}（{p.task.item_version.name}）" for p in chosen)
        return api_error(
            422, f"有几项待补正，请用 task 指明答复哪一项：{named}", errors={"task": ["请指明事项"]}
        )
    pause = chosen[0]
    files, problems = uploads.decode_files(body.get("files") or {})
    if problems:
        return api_error(422, "；".join(m for ms in problems.values() for m in ms), errors=problems)
    try:
        supplements.answer(
            db.session,
            pause,
            fields=body.get("fields_") or {},
            files=files,
            note=body.get("note") or "",
            actor=_token_actor(current_token()),
            at_counter=True,
        )
    except supplements.PauseError as exc:
        db.session.rollback()
        return _invalid(exc)
    answer = pause.answer or {}
    result = {
        "application": id,
        "task": pause.task_id,
        "changed": sorted(answer.get("fields") or {}),
        "files": answer.get("files") or {},
    }
    db.session.commit()
    dispatch_application(id)
    return result, 201


@bp.get(
    "/tasks/<id:id>/files/<id:file>",
    tags=[DEPARTMENTS],
    parameters=[_path("id", "事项 id"), _path("file", "文件 id（事项的 materials[].files[].id）")],
)
@bp.doc(
    operationId="getTaskFile",
    summary="下载事项材料的一个文件（本事项部门的令牌）",
    description="内容按上传时识别的类型返回（PDF、OFD、JPEG、PNG），与 sha256 一致。",
)
@require_token(Permission.TASKS_API)
@bp.doc(
    responses={
        200: {
            "description": "文件内容（Content-Type 为识别出的类型）",
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}} for kind in uploads.ALLOWED_TYPES
            },
        }
    }
)
@_refusal(404, "事项或文件不存在，或不属于本部门的事项")
@_OTHER_METHOD
def task_file(id: int, file: int) -> Any:
    task = _own_task(id)
    upload = uploads.task_upload(db.session, task, file) if task is not None else None
    if upload is None:
        return api_error(404, "文件不存在")
    return file_response(upload)


def _invalid(
    exc: tasks_service.TaskError | results_service.HandoverError | supplements.PauseError,
) -> Response:
    """422 with the problems by field when the service named any."""
    if exc.errors:
        return api_error(422, str(exc), errors=exc.errors)
    return api_error(422, str(exc))


def _token_actor(token: Any) -> str:
    return f"令牌 {token.id}（{token.label or token.department.code if token.department else '管理员'}）"


@bp.post("/tasks/<id:id>/correct", tags=[DEPARTMENTS], parameters=[_path("id", "事项 id")])
@bp.doc(
    operationId="correctTask",
    summary="更正已办结事项的结果（本事项部门的令牌）",
    description="与办结时同样按数据元校验；记入审计日志（更正前后的值）；已收到原结果的后续事项部门"
    "会再收到一次推送，内容为更正后的事项（含 corrections）；申请人收到更正通知。",
)
@require_token(Permission.TASKS_API)
@bp.arguments(CorrectionSchema)
@bp.response(200, CorrectionResultSchema, description="已更正")
@_NOT_AN_OBJECT
@_refusal(404, "事项不存在或不属于本部门")
@_refusal(422, "请求内容未通过校验，事项不是已办结（准予）状态，结果未通过数据元校验，或与原结果相同")
@_OTHER_METHOD
def correct_task(correction: dict[str, Any], id: int) -> Any:
    task = _own_task(id)
    if task is None:
        return api_error(404, "事项不存在")
    try:
        deliveries = tasks_service.correct(
            db.session, task, correction["results"], correction["reason"], actor=_token_actor(current_token())
        )
    except tasks_service.TaskError as exc:
        db.session.rollback()
        return _invalid(exc)
    answer = {
        "task": id,
        "results": dict(task.results or {}),
        "redelivered": [d.task.item.code for d in deliveries],
    }
    application_id = task.application_id
    db.session.commit()
    dispatch_application(application_id)
    return answer


@bp.post("/applications/<id:id>/handover", tags=[WINDOW], parameters=[_path("id", "申请 id")])
@bp.doc(
    operationId="recordHandover",
    summary="登记出件（一端出件，综合窗口令牌）：窗口领取、邮寄送达或网上下载，只登记一次",
)
@require_token(Permission.ACCEPT_BY_API)
@bp.arguments(NewHandoverSchema)
@bp.response(201, HandoverSchema, description="已登记出件，并告知申请人")
@_NOT_AN_OBJECT
@_refusal(404, "申请不存在")
@_refusal(422, "请求内容未通过校验，申请尚未办结，已经出件，窗口领取未核验身份证件，或邮寄缺少地址或运单号")
@_OTHER_METHOD
def record_handover(body: dict[str, Any], id: int) -> Any:
    application = _submitted_application(id)
    if application is None:
        return api_error(404, "申请不存在")
    token = current_token()
    try:
        handover = results_service.record_handover(
            db.session,
            application,
            body["method"],
            actor=f"窗口系统（{token.label or '接口令牌'}）",
            token=token,
            id_checked=body.get("id_checked") or False,
            collector=body.get("collector"),
            address=body.get("address"),
            carrier=body.get("carrier"),
            tracking_number=body.get("tracking_number"),
        )
        db.session.flush()
    except results_service.HandoverError as exc:
        db.session.rollback()
        return _invalid(exc)
    except IntegrityError:
        db.session.rollback()  # another request recorded it at the same moment
        return api_error(422, "该申请已经出件，不能重复登记", errors={"application": ["该申请已经出件"]})
    answer = results_service.handover_json(handover)
    db.session.commit()
    dispatch_application(id)
    return answer, 201


@bp.get(
    "/applications/<id:id>/results/<id:document>",
    tags=[WINDOW],
    parameters=[_path("id", "申请 id"), _path("document", "结果文书 id（steps[].documents[].id）")],
)
@bp.doc(
    operationId="getResultDocument",
    summary="下载某一步骤出具的结果文书（综合窗口令牌）",
    responses={
        200: {
            "description": "结果文书（PDF 或 OFD）",
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in results_service.DOCUMENT_TYPES
            },
        }
    },
)
@require_token(Permission.ACCEPT_BY_API)
@_refusal(404, "申请或结果文书不存在")
@_OTHER_METHOD
def result_document(id: int, document: int) -> Any:
    application = _submitted_application(id)
    found = results_service.result_document(db.session, application, document) if application else None
    if found is None:
        return api_error(404, "结果文书不存在")
    return result_response(found)


@bp.get("/catalogue/changes", tags=[CATALOGUE])
@bp.doc(
    operationId="listCatalogueChanges",
    summary="事项目录的调整及其期限（审改办；管理员令牌）",
    responses={403: {"description": "令牌的角色无权查看"}},
)
@require_token(Permission.SEE_ALL_DEPARTMENTS)
@bp.arguments(CatalogueChangeFilterSchema, location="query")
@bp.response(200, CatalogueChangeListSchema, description="按完成期限排序")
@_refusal(422, "查询参数无效：overdue 只能是 true 或 false，limit 为 1 至 500，page 为 1 至 1000000")
@_OTHER_METHOD
def catalogue_changes(query: dict[str, Any]) -> Any:
    late = {o.change.id: o.reasons for o in adjustments.overdue(db.session)}
    listed = select(CatalogueChange)
    if query.get("overdue"):
        listed = listed.where(CatalogueChange.id.in_(list(late)))
    total = db.session.scalar(select(func.count()).select_from(listed.subquery())) or 0
    limit, page = query["limit"], query["page"]
    found = db.session.scalars(
        listed.options(joinedload(CatalogueChange.department))
        .order_by(CatalogueChange.due_date.is_(None), CatalogueChange.due_date, CatalogueChange.id)
        .offset((page - 1) * limit)
        .limit(limit)
    ).all()

    def day(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "changes": [
            {
                "id": c.id,
                "kind": c.kind,
                "code": c.code,
                "action": c.action,
                "status": c.status,
                "department": c.department.code,
                "cause": c.cause,
                "cause_date": day(c.cause_date),
                "scope": c.scope,
                "start_due": day(c.start_due),
                "due_date": day(c.due_date),
                "upper_requested_on": day(c.upper_requested_on),
                "decision_due": day(c.decision_due),
                "overdue": late.get(c.id, []),
            }
            for c in found
        ],
        "total": total,
        "next_page": page + 1 if page * limit < total else None,
    }


@bp.get(
    "/calendar/<int:year>",
    tags=[PUBLIC],
    parameters=[_path("year", f"年份（{work_calendar.FIRST_YEAR}–{work_calendar.LAST_YEAR}）")],
)
@bp.doc(
    operationId="getCalendarYear", summary="本区工作日历中一年的节假日与调休安排（无需令牌）", security=[]
)
@bp.response(
    200, CalendarYearSchema, description="尚未录入的年份为 provisional，节假日与调休为空（暂按周末计算）"
)
@_refusal(404, "年份超出可查询的范围")
@_OTHER_METHOD
def calendar_year(year: int) -> Any:
    try:
        return work_calendar.year_view(db.session, year).to_json()
    except work_calendar.CalendarProblem as exc:
        return api_error(404, str(exc))


@bp.get("/guide/items/<code>", tags=[PUBLIC], parameters=[_path("code", "事项编码")])
@bp.doc(operationId="getItemGuide", summary="事项的办事指南（与表单同源的已发布版本；无需令牌）", security=[])
@bp.response(200, GuideItemSchema, description="全部标准要素；未公布的要素为 null")
@_refusal(404, "事项不存在或尚未发布")
@_OTHER_METHOD
def guide_item(code: str) -> Any:
    return _guide("item", code)


@bp.get("/guide/bundles/<code>", tags=[PUBLIC], parameters=[_path("code", "一件事编码")])
@bp.doc(operationId="getBundleGuide", summary="一件事的办事指南（含各事项的指南；无需令牌）", security=[])
@bp.response(200, GuideBundleSchema, description="情形、事项与顺序、一套材料、时限、地点与各事项的全部要素")
@_refusal(404, "一件事不存在或尚未发布")
@_OTHER_METHOD
def guide_bundle(code: str) -> Any:
    return _guide("bundle", code)


def _guide(of: str, code: str) -> Any:
    try:
        return guides.guide_of(db.session, of, code, centre())
    except NotFound as exc:
        return api_error(404, str(exc))


@bp.get("/bundles/<code>/report", tags=[PUBLIC], parameters=[_path("code", "一件事编码")])
@bp.doc(operationId="getBundleOutcomes", summary="一件事改革成效：由实际申请统计（无需令牌）", security=[])
@bp.arguments(PeriodSchema, location="query")
@bp.response(200, OutcomeReportSchema, description="期间内受理的申请的实际用时、跑动、材料与按月趋势")
@_refusal(404, "一件事不存在或尚未发布")
@_refusal(422, "期间无效")
@_OTHER_METHOD
def bundle_outcomes(query: dict[str, Any], code: str) -> Any:
    bundle = outcomes.published_bundle(db.session, code)
    if bundle is None:
        return api_error(404, f"一件事 {code} 不存在或尚未发布")
    return _outcomes(query, bundle)


@bp.get("/report", tags=[PUBLIC])
@bp.doc(operationId="getDistrictOutcomes", summary="全区改革成效：由实际申请统计（无需令牌）", security=[])
@bp.arguments(PeriodSchema, location="query")
@bp.response(200, OutcomeReportSchema, description="全部一件事，口径同单个一件事")
@_refusal(422, "期间无效")
@_OTHER_METHOD
def district_outcomes(query: dict[str, Any]) -> Any:
    return _outcomes(query, None)


def _outcomes(query: dict[str, Any], bundle: Any) -> Any:
    try:
        first, last = outcomes.period(query.get("first"), query.get("last"))
    except outcomes.PeriodError as exc:
        return api_error(422, str(exc), errors={"to": [str(exc)]})
    return outcomes.report(db.session, bundle=bundle, first=first, last=last)


@bp.get("/ratings/export", tags=[OVERSIGHT])
@bp.doc(
    operationId="exportRatings",
    summary="好差评数据导出，供省级好差评系统（管理员令牌）",
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
@require_token(Permission.EXPORT_RATINGS)
@bp.arguments(RatingExportFilterSchema, location="query")
@bp.response(200, RatingExportSchema, description="期间内的全部评价（含差评整改情况），按评价时间排序")
@_refusal(422, "查询参数无效")
@_OTHER_METHOD
def export_ratings(query: dict[str, Any]) -> Any:
    try:
        first, last = outcomes.period(query.get("first"), query.get("last"))
    except outcomes.PeriodError as exc:
        return api_error(422, str(exc), errors={"to": [str(exc)]})
    if query["format"] == "csv":
        return ratings_csv(first, last)
    limit, page = query["limit"], query["page"]
    total = rating_export.count(db.session, first, last)
    return {
        "ratings": list(rating_export.rows(db.session, first, last, limit=limit, offset=(page - 1) * limit)),
        "total": total,
        "next_page": page + 1 if page * limit < total else None,
    }


# --- the document -------------------------------------------------------------------------------------


def openapi() -> dict[str, Any]:
    return openapi_document(bp, description=DESCRIPTION, tags=TAGS)


# The document is no operation of itself: registered past flask-smorest's bookkeeping.
FlaskBlueprint.add_url_rule(bp, "/openapi.json", "openapi", openapi, methods=["GET"])
