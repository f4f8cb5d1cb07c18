"""Headers every response carries and the session cookie's flags.

The Content-Security-Policy allows no inline script or style: pages load ``static/`` files only, and
the department's PDF preview frames the service's own files. HSTS is sent only where the service is
reached over https (PUBLIC_URL), as a browser would otherwise pin http installations."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from flask.json.provider import DefaultJSONProvider

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "object-src 'none'",
        "frame-src 'self'",
        "frame-ancestors 'self'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)
# Files the service hands out (materials, results, its own documents): a browser that shows one itself
# (Chromium's and Firefox's PDF viewers, image documents) shows it in a sandbox, an origin of its own
# with no script, so a file crafted to run script cannot act as the service.
FILE_CONTENT_SECURITY_POLICY = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
)
HSTS = "max-age=31536000; includeSubDomains"


def is_https_url(url: str | None) -> bool:
    return (url or "").lower().startswith("https://")


def cookie_settings(public_url: str, secure: bool | None) -> dict[str, object]:
    """Session cookie flags: SameSite=Lax always; Secure as configured, else when PUBLIC_URL is https."""
    if secure is None:
        secure = is_https_url(public_url)
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
    }


class BoundedJSONProvider(DefaultJSONProvider):
    """JSON bodies nested deeper than the interpreter's recursion allows are bad input (400), not a
    crash: the error is raised as the ValueError that Flask turns into its bad-request answer."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON 嵌套层数过多") from None


def init_app(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    https = is_https_url(app.config.get("PUBLIC_URL"))

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if https:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
