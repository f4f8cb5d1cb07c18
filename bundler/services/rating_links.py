"""The link to rate that every notice carries (每条短信都可评价): signed, so an applicant without an
account rates their own application and no other; it opens the same form as the status page."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

VALID_DAYS = 366  # a year: the last notice of an application may come months after its acceptance
SALT = "rate-link"


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def rate_token(application_id: int) -> str:
    return _signer().dumps(application_id)


def rate_url(application_id: int) -> str:
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    return f"{public}/r/{rate_token(application_id)}"


def application_of(token: str) -> int | None:
    """The application the link was made for; None for a link altered, made elsewhere or too old."""
    try:
        found = _signer().loads(token, max_age=VALID_DAYS * 24 * 3600)
    except BadSignature:
        return None
    return found if isinstance(found, int) else None
