"""Error pages in Chinese; JSON for the API. No traceback ever reaches a person."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_limiter.errors import RateLimitExceeded
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..privacy import KeyConfigError

MESSAGES = {
    400: "请求有误，请检查填写的内容后重试。",
    403: "您没有权限进行此操作。",
    404: "您访问的页面不存在。",
    405: "不支持这种访问方式。",
    409: "本件事的申请表正在由牵头部门调整，暂不能申请，请稍后再试。",
    413: "上传的文件过大（单个文件不超过 10 MB）。",
    422: "提交的内容未通过校验。",
    429: "操作过于频繁，请稍后再试。",
    500: "系统内部错误，请稍后再试；您已填写的内容不会丢失。",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        code = exc.code or 500
        message = MESSAGES.get(code, exc.description or "请求无法完成。")
        if isinstance(exc, RateLimitExceeded) and exc.limit.error_message:  # the limit says which
            message = exc.description or message
        if _wants_json():
            return {"error": message, "status": code}, code
        return render_template("error.html", code=code, message=message), code

    @app.errorhandler(DataError)
    def unstorable_input(exc: DataError) -> Any:
        # defence in depth: input the database refuses (a NUL character, a number out of range)
        db.session.rollback()
        app.logger.warning("input refused by the database on %s: %s", request.path, exc.orig)
        message = "提交的内容含有无法保存的字符或超出范围的数值，请检查后重试。"
        if _wants_json():
            return {"error": message, "status": 400}, 400
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(KeyConfigError)
    def keys_missing(exc: KeyConfigError) -> Any:
        # a key rotation this process has not caught up with: say so, never a 500
        db.session.rollback()
        app.logger.error("key set incomplete on %s: %s", request.path, exc)
        if _wants_json():
            return {"error": str(exc), "status": 503}, 503
        return render_template("error.html", code=503, message=str(exc)), 503

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception) -> Any:
        db.session.rollback()
        app.logger.exception("unhandled error on %s", request.path)
        if _wants_json():
            return {"error": MESSAGES[500], "status": 500}, 500
        return render_template("error.html", code=500, message=MESSAGES[500]), 500
