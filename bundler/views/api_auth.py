"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from ..extensions import db
from ..models import ApiToken
from ..permissions import Permission, allows
from ..services.accounts import token_for


def api_error(status: int, message: str, **extra: Any) -> tuple[dict[str, Any], int]:
    return {"error": message, "status": status, **extra}, status


def require_token(permission: Permission) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Accept only ``Authorization: Bearer <token>`` of a role that holds ``permission``."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return api_error(401, "需要令牌：请在 Authorization 头中提供 Bearer 令牌")
            found = token_for(db.session, token.strip())
            if found is None:
                return api_error(401, "令牌无效或已吊销")
            if not allows(found.role, permission):
                return api_error(403, "该令牌无权进行此操作")
            g.api_token = found
            return view(*args, **kwargs)

        return wrapped

    return decorator


def current_token() -> ApiToken:
    token: ApiToken = g.api_token
    return token
