"""The OpenAPI 3.1 document of the JSON API, kept beside the views it describes."""

from __future__ import annotations

from typing import Any

from ..states import ApplicationState, Channel, TaskState, values

_ERROR = {
    "type": "object",
    "properties": {
        "error": {"type": "string", "description": "中文说明"},
        "status": {"type": "integer"},
        "errors": {
            "type": "object",
            "description": "按字段（合并表单键，如 申请人.姓名）列出的中文错误信息",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["error", "status"],
}

_STEP_STATUS = values(TaskState)

_APPLICATION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "tracking_no": {"type": "string", "description": "受理编号"},
        "bundle": {"type": "string"},
        "bundle_version": {"type": "integer", "description": "受理时的一件事版本，办结前不变"},
        "status": {
            "type": "string",
            "enum": values(ApplicationState),
        },
        "channel": {"type": "string", "enum": values(Channel)},
        "promised_date": {"type": ["string", "null"], "format": "date"},
        "commitment_date": {"type": ["string", "null"], "format": "date"},
        "steps": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "item": {"type": "string"},
                    "department": {"type": "string"},
                    "status": {"type": "string", "enum": _STEP_STATUS},
                    "due": {"type": ["string", "null"], "format": "date"},
                },
                "required": ["item", "department", "status"],
            },
        },
        "materials": {"type": "array", "items": {"type": "object"}},
        "documents": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string"},
                    "title": {"type": "string"},
                    "url": {"type": "string"},
                },
            },
        },
    },
    "required": ["id", "tracking_no", "bundle_version", "steps"],
}

_NEW_APPLICATION = {
    "type": "object",
    "properties": {
        "bundle": {"type": "string", "description": "一件事编码，如 KFD"},
        "answers": {"type": "object", "description": "情形问题的答案：{问题编号: 答案}"},
        "data": {
            "type": "object",
            "description": '合并申请表数据：{"申请人.姓名": "张三", "从业人员[]": [{...}]}',
        },
        "materials": {
            "type": "object",
            "description": "材料收取情况：{材料键: collected|e_licence|deferred|missing}；省略时视为已收取",
        },
        "commitment_date": {
            "type": "string",
            "format": "date",
            "description": "容缺受理时申请人承诺补交日期",
        },
    },
    "required": ["bundle"],
}


_TASK_SUMMARY = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "application": {"type": "integer", "description": "申请 id"},
        "item": {"type": "string", "description": "事项编码"},
        "status": {"type": "string", "enum": _STEP_STATUS},
        "due": {"type": ["string", "null"], "format": "date", "description": "办理期限（工作日计算）"},
    },
    "required": ["id", "application", "item", "status"],
}

_TASK = {
    "type": "object",
    "description": "推送给部门业务系统的同一内容：本事项自己的表单字段与取值、材料、上游结果",
    "properties": {
        "task": {"type": "integer"},
        "application": {"type": "integer"},
        "tracking_no": {"type": "string"},
        "bundle": {"type": "string"},
        "bundle_version": {"type": "integer"},
        "item": {"type": "string"},
        "item_version": {"type": "integer"},
        "department": {"type": "string"},
        "due": {"type": ["string", "null"], "format": "date"},
        "form": {
            "type": "object",
            "description": "本事项表单：{字段名: 取值}，重复组为 {组: [{字段名: 取值}]}",
        },
        "materials": {"type": "array", "items": {"type": "object"}},
        "upstream": {"type": "object", "description": "已办结的上游事项产生的结果：{事项编码: {数据项: 值}}"},
        "complete_url": {"type": "string"},
    },
    "required": ["task", "application", "item", "form"],
}

_COMPLETION = {
    "type": "object",
    "properties": {
        "outcome": {"type": "string", "enum": ["approved", "rejected"]},
        "results": {
            "type": "object",
            "description": "本事项产生的结果：{数据项（如 经营者.统一社会信用代码）: 值}",
        },
        "reason": {"type": "string", "description": "不予许可的理由（rejected 时必填）"},
    },
    "required": ["outcome"],
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _id(name: str = "id", kind: str = "integer") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def _department_paths() -> dict[str, Any]:
    error = _json({"$ref": "#/components/schemas/Error"})
    refused = {
        "401": {"description": "缺少或无效的令牌", "content": error},
        "403": {"description": "令牌不属于该部门", "content": error},
    }
    return {
        "/departments/{code}/tasks": {
            "get": {
                "summary": "本部门的事项（部门令牌，只能查看本部门）",
                "operationId": "listDepartmentTasks",
                "parameters": [
                    _id("code", "string"),
                    {
                        "name": "status",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": _STEP_STATUS},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "按期限排序",
                        "content": _json(
                            {
                                "type": "object",
                                "properties": {"tasks": {"type": "array", "items": _TASK_SUMMARY}},
                            }
                        ),
                    },
                    **refused,
                },
            }
        },
        "/tasks/{id}": {
            "get": {
                "summary": "一个事项的办理内容（部门令牌）",
                "operationId": "getTask",
                "parameters": [_id()],
                "responses": {
                    "200": {"description": "事项内容", "content": _json(_TASK)},
                    "404": {"description": "不存在或不属于本部门", "content": error},
                    **refused,
                },
            }
        },
        "/tasks/{id}/complete": {
            "post": {
                "summary": "办结：准予（附产生的结果）或不予（附理由）；后续串联步骤随即放行",
                "operationId": "completeTask",
                "parameters": [_id()],
                "requestBody": {"required": True, "content": _json(_COMPLETION)},
                "responses": {
                    "200": {
                        "description": "已办结",
                        "content": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "task": {"type": "integer"},
                                    "status": {"type": "string"},
                                    "released": {"type": "array", "items": {"type": "string"}},
                                },
                            }
                        ),
                    },
                    "404": {"description": "不存在或不属于本部门", "content": error},
                    "422": {"description": "当前状态不能办结，或结果不完整", "content": error},
                    **refused,
                },
            }
        },
    }


def _responses(ok_status: str, ok_description: str) -> dict[str, Any]:
    json_app = {"application/json": {"schema": {"$ref": "#/components/schemas/Application"}}}
    json_error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {
        ok_status: {"description": ok_description, "content": json_app},
        "401": {"description": "缺少或无效的令牌", "content": json_error},
        "403": {"description": "令牌无权进行此操作", "content": json_error},
        "422": {"description": "数据未通过校验（逐项中文说明）", "content": json_error},
    }


def openapi_document() -> dict[str, Any]:
    create_responses = _responses("201", "已受理")
    create_responses["200"] = {
        "description": "相同 Idempotency-Key 的重复请求：返回原申请",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Application"}}},
    }
    get_responses = _responses("200", "申请的当前状态")
    get_responses["404"] = {"description": "申请不存在"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "一件事一次办 API",
            "version": "1.0.0",
            "description": "综合窗口与部门业务系统的接口",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": _ERROR, "Application": _APPLICATION, "NewApplication": _NEW_APPLICATION},
        },
        "security": [{"bearer": []}],
        "paths": {
            "/applications": {
                "post": {
                    "summary": "创建并受理一件事申请（综合窗口令牌）",
                    "operationId": "createApplication",
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "schema": {"type": "string", "maxLength": 150},
                            "description": "重复提交时返回同一申请",
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/NewApplication"}}
                        },
                    },
                    "responses": create_responses,
                }
            },
            "/applications/{id}": {
                "get": {
                    "summary": "查询申请状态",
                    "operationId": "getApplication",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                    ],
                    "responses": get_responses,
                }
            },
            "/applications/{id}/documents/{kind}": {
                "get": {
                    "summary": "申请的文书 PDF（受理回执、申请表、容缺承诺书等，见申请的 documents）",
                    "operationId": "getApplicationDocument",
                    "parameters": [_id(), _id("kind", "string")],
                    "responses": {
                        "200": {"description": "PDF", "content": {"application/pdf": {}}},
                        "202": {"description": "正在生成，按 Retry-After 秒后再取"},
                        "404": {"description": "申请不存在或没有这种文书"},
                    },
                }
            },
            **_department_paths(),
        },
    }
