"""The OpenAPI 3.1 document of the JSON API, kept beside the views it describes."""

from __future__ import annotations

from typing import Any

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

_STEP_STATUS = ["waiting", "ready", "in_progress", "done", "rejected", "skipped", "paused"]

_APPLICATION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "tracking_no": {"type": "string", "description": "受理编号"},
        "bundle": {"type": "string"},
        "bundle_version": {"type": "integer", "description": "受理时的一件事版本，办结前不变"},
        "status": {
            "type": "string",
            "enum": ["draft", "accepted", "accepted_pending", "refused", "completed"],
        },
        "channel": {"type": "string", "enum": ["online", "window", "api"]},
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
        },
    }
