"""Bearer-token authentication for the JSON API, and the shape of its refusals."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, g, jsonify, request
from flask_smorest import Blueprint  # type: ignore[import-untyped]

from ..extensions import db
from ..models import ApiToken
from ..permissions import Permission, allows
from ..services.accounts import token_for
from .api_schemas import ErrorSchema

BEARER = "bearer"  # the security scheme's name in the OpenAPI document


def api_error(status: int, message: str, **extra: Any) -> Response:
    """Every refusal of the API: ``{"error": 中文说明, "status": N, ...}`` (``errors`` by field for bad input)."""
    response = jsonify({"error": message, "status": status, **extra})
    response.status_code = status
    return response


def _refused(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ErrorSchema}}}


# What require_token adds to the operation in the document: it is the decorator that enforces it.
_DOCUMENT_TOKEN = Blueprint.doc(
    security=[{BEARER: []}],
    responses={
        401: {
            **_refused("缺少令牌，或令牌无效、已吊销"),
            "headers": {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}},
        },
        403: _refused("令牌的角色无权进行此操作"),
    },
)


def _unauthorised(message: str) -> Response:
    response = api_error(401, message)
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


def require_token(permission: Permission) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Accept only ``Authorization: Bearer <token>`` of a role that holds ``permission``."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return _unauthorised("需要令牌：请在 Authorization 头中提供 Bearer 令牌")
            found = token_for(db.session, token.strip())
            if found is None:
                return _unauthorised("令牌无效或已吊销")
            if not allows(found.role, permission):
                return api_error(403, "该令牌无权进行此操作")
            g.api_token = found
            return view(*args, **kwargs)

        documented: Callable[..., Any] = _DOCUMENT_TOKEN(wrapped)
        return documented

    return decorator


def current_token() -> ApiToken:
    token: ApiToken = g.api_token
    return token
