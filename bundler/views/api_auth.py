"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from ..extensions import db
from ..models import ApiToken
from ..services.accounts import token_for


def api_error(status: int, message: str, **extra: Any) -> tuple[dict[str, Any], int]:
    return {"error": message, "status": status, **extra}, status


def require_token(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Accept only ``Authorization: Bearer <token>`` of one of ``roles`` (admin tokens always pass)."""

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
            if found.role not in roles and found.role != "admin":
                return api_error(403, "该令牌无权进行此操作")
            g.api_token = found
            return view(*args, **kwargs)

        return wrapped

    return decorator


def current_token() -> ApiToken:
    return g.api_token
