"""The OpenAPI document of the JSON API, generated so that it cannot drift from the API.

flask-smorest builds it (with apispec) from the routes themselves (paths, methods, path parameters)
and from the marshmallow schemas of :mod:`.api_schemas`, which also validate every request (webargs)
and shape every JSON answer. Of flask-smorest only the blueprint decorators and the document are
used: errors.py keeps answering every error of the app (JSON under /api/), validation problems are
answered here in the API's own error shape and in Chinese, and the API serves the document itself.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from flask import Flask, Request, current_app
from flask_smorest import Api, Blueprint  # type: ignore[import-untyped]
from flask_smorest.spec.plugins import FlaskPlugin  # type: ignore[import-untyped]
from marshmallow import Schema, ValidationError
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import abort

from .api_auth import BEARER, api_error
from .api_schemas import ErrorSchema

TITLE = "一件事一次办 API"
VERSION = "1.0.0"
OPENAPI_VERSION = "3.1.0"
EXTENSION_KEY = "bundler.openapi"
NOT_AN_OBJECT = "请求体应为 JSON 对象"


def _texts(found: Any) -> list[str]:
    """marshmallow's messages of one field as plain lines (a mapping's entries named by their key)."""
    if isinstance(found, str):
        return [found]
    if isinstance(found, Mapping):
        lines = []
        for key, inner in found.items():
            # marshmallow files a mapping's problems under its key, then under "key" or "value"
            prefix = "" if key in ("key", "value", "_schema") else f"“{key}”："
            lines += [prefix + text for text in _texts(inner)]
        return lines
    return [text for inner in found for text in _texts(inner)]


def validation_problems(messages: Mapping[str, Any]) -> dict[str, list[str]]:
    """webargs' messages, ``{location: {field: messages}}``, as the API's ``errors``: ``{field: [中文…]}``."""
    problems: dict[str, list[str]] = {}
    for in_location in messages.values():
        found = in_location.items() if isinstance(in_location, Mapping) else [("_schema", in_location)]
        for field, inner in found:
            problems.setdefault(str(field), []).extend(_texts(inner))
    return problems


class ChineseParser(FlaskParser):
    """webargs that answers in the API's error shape: a body that is not a JSON object is a 400 (as it
    always was), invalid input a 422 with the Chinese messages of the schemas by field."""

    def load_json(self, req: Request, schema: Schema) -> Any:
        body = req.get_json(silent=True)
        if not isinstance(body, dict):
            abort(api_error(400, NOT_AN_OBJECT))
        return body

    def handle_error(
        self,
        error: ValidationError,
        req: Request,
        schema: Schema,
        *,
        error_status_code: int | None,
        error_headers: Mapping[str, str] | None,
    ) -> Any:
        problems = validation_problems(error.messages if isinstance(error.messages, Mapping) else {})
        lines = [text for texts in problems.values() for text in texts] or ["请求内容未通过校验"]
        summary = "；".join(lines[:3]) + (f" 等 {len(lines)} 处问题" if len(lines) > 3 else "")
        abort(api_error(error_status_code or self.DEFAULT_VALIDATION_STATUS, summary, errors=problems))


class ApiBlueprint(Blueprint):
    """flask-smorest's blueprint, parsing with :class:`ChineseParser`."""

    ARGUMENTS_PARSER = ChineseParser()


class _PathsUnderPrefix(FlaskPlugin):
    """Paths relative to the blueprint's prefix, which the document names once, as its server; the
    path parameters listed in each operation (as the document always had them), a path holding only
    its operations."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def path_helper(
        self, rule: Any, operations: dict[str, Any], parameters: list[dict[str, Any]], **kwargs: Any
    ) -> str:
        path: str = super().path_helper(rule=rule, operations=operations, parameters=parameters, **kwargs)
        for operation in operations.values():
            operation["parameters"] = [*parameters, *operation.get("parameters", [])]
        parameters.clear()
        return path.removeprefix(self.prefix)


class _Documentation(Api):
    """flask-smorest's Api for the document only."""

    DEFAULT_ERROR_RESPONSE_NAME = None  # each operation lists its own refusals, in the API's error shape
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        """Nothing: errors.py answers every error of the app; flask-smorest's handler would replace it."""


def _build(
    app: Flask, blueprint: ApiBlueprint, *, description: str, tags: list[dict[str, str]]
) -> dict[str, Any]:
    api = _Documentation(
        spec_kwargs={
            "title": TITLE,
            "version": VERSION,
            "openapi_version": OPENAPI_VERSION,
            "flask_plugin": _PathsUnderPrefix(blueprint.url_prefix),
            "info": {"description": description},
            "servers": [{"url": blueprint.url_prefix}],
        }
    )
    api.init_app(app)
    api.spec.components.security_scheme(
        BEARER,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "`bundler token create` 创建的令牌（只显示一次）",
        },
    )
    for tag in tags:
        api.spec.tag(tag)
    app.extensions["flask-smorest"]["blp_name_to_api"][blueprint.name] = api
    blueprint.register_views_in_doc(api, app, api.spec, name=blueprint.name, parameters=None)
    document: dict[str, Any] = api.spec.to_dict()
    if "Task" in document.get("components", {}).get("schemas", {}):
        document["webhooks"] = task_webhook()
    return document


def _header(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": True,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def task_webhook() -> dict[str, Any]:
    """What a department whose channel is ``webhook`` receives: one signed POST per task delivery."""
    return {
        "taskDelivered": {
            "post": {
                "operationId": "taskDelivered",
                "summary": "推送给部门业务系统的事项（接收方式 webhook）",
                "description": (
                    "每个事项一次 POST，正文与 GET /tasks/{id} 的答复相同，另加 delivery_id。"
                    '签名：HMAC-SHA256(部门密钥, X-Bundler-Timestamp + "." + 正文)，以 sha256=十六进制 放在 '
                    "X-Bundler-Signature；同一次推送的重试 X-Bundler-Delivery 不变，接收方据此丢弃重复。"
                    "材料文件以限时签名链接给出（files[].url），无需令牌即可下载。返回任何 2xx 即视为已接收，"
                    "否则按 10、30、120、600 秒重试。地址须为 https。"
                ),
                "parameters": [
                    _header("X-Bundler-Timestamp", "发送时间（Unix 秒），用于判断新旧"),
                    _header(
                        "X-Bundler-Signature",
                        "sha256= 加 HMAC-SHA256 十六进制签名",
                        pattern="^sha256=[0-9a-f]{64}$",
                    ),
                    _header("X-Bundler-Delivery", "本次推送的编号，重试时不变"),
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "allOf": [
                                    {"$ref": "#/components/schemas/Task"},
                                    {
                                        "type": "object",
                                        "properties": {
                                            "delivery_id": {"type": "string", "description": "推送编号"}
                                        },
                                        "required": ["delivery_id"],
                                    },
                                ]
                            }
                        }
                    },
                },
                "responses": {"2XX": {"description": "已接收"}},
            }
        }
    }


_BUILDING = threading.Lock()


def openapi_document(
    blueprint: ApiBlueprint, *, description: str, tags: list[dict[str, str]]
) -> dict[str, Any]:
    """The document of ``blueprint`` in the running app. Built when first asked for and kept: building
    it costs as much as the rest of ``create_app``, which every test and every process runs."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    with _BUILDING:
        if EXTENSION_KEY not in app.extensions:
            app.extensions[EXTENSION_KEY] = _build(app, blueprint, description=description, tags=tags)
    document: dict[str, Any] = app.extensions[EXTENSION_KEY]
    return document
