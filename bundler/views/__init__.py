"""Blueprints, registered by the app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from forms.fieldtypes import display_value
from forms.roles import person_label

from ..permissions import Permission, can
from .item_editor import field_type_choices


class IdConverter(IntegerConverter):
    """A database id in a URL: a positive integer that fits the column (larger ones simply match no route)."""

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


def register_views(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    from ..extensions import db
    from ..services.key_rotation import check_process_keys

    # first of all: a process without the keys a rotation made current must not guess (see errors.py)
    app.before_request(lambda: check_process_keys(db.session))
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .apply import bp as apply_bp
    from .auth import bp as auth_bp
    from .calendar import bp as calendar_bp
    from .cases import bp as cases_bp
    from .department import bp as department_bp
    from .documents import bp as documents_bp
    from .errors import register_error_pages
    from .files import bp as files_bp
    from .guide import bp as guide_bp
    from .guide_checks import bp as guide_checks_bp
    from .oversight import bp as oversight_bp
    from .public import bp as public_bp
    from .report import bp as report_bp
    from .review import bp as review_bp
    from .studio import bp as studio_bp
    from .window import bp as window_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(apply_bp)
    app.register_blueprint(window_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(department_bp)
    app.register_blueprint(oversight_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(studio_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(report_bp)
    app.register_blueprint(files_bp)
    app.register_blueprint(guide_bp)
    app.register_blueprint(guide_checks_bp)
    app.register_blueprint(cases_bp)
    register_error_pages(app)

    from .. import states
    from ..services.document_kinds import DOCUMENT_KINDS

    app.jinja_env.globals["document_titles"] = DOCUMENT_KINDS.titles
    app.jinja_env.globals.update(
        ApplicationState=states.ApplicationState,
        TaskState=states.TaskState,
        ChangeState=states.ChangeState,
        MaterialState=states.MaterialState,
        Verification=states.Verification,
        FollowUpState=states.FollowUpState,
        RatingChannel=states.RatingChannel,
        RatingOccasion=states.RatingOccasion,
        RevisitOutcome=states.RevisitOutcome,
        OPEN_TASKS=states.OPEN_TASKS,
        EDITABLE_STATES=states.EDITABLE_STATES,
        state_label=states.label,
    )
    app.jinja_env.filters["china_time"] = _china_time
    app.jinja_env.filters["shown"] = display_value  # a form value as printed: 是/否, dates, lists
    from ..privacy import mask_name

    app.jinja_env.filters["mask_name"] = mask_name
    app.jinja_env.globals["person_label"] = person_label  # 新生儿（第 2 位）
    from ..services.uploads import ACCEPT_ATTRIBUTE, limit_label, size_label

    app.jinja_env.filters["filesize"] = size_label
    app.jinja_env.globals.update(file_accept=ACCEPT_ATTRIBUTE, upload_limit=limit_label)
    app.jinja_env.globals["Permission"] = Permission
    app.jinja_env.globals["field_type_choices"] = field_type_choices
    app.jinja_env.globals["can"] = _current_user_can


def _current_user_can(permission: Permission) -> bool:
    """``can(Permission.X)`` in templates: whether the signed-in person holds it."""
    from flask_login import current_user

    return current_user.is_authenticated and can(current_user, permission)


def _china_time(moment: Any) -> str:
    """A stored moment as people at the service centre read it (China time, to the minute)."""
    from ..clock import local

    shown = local(moment)
    return shown.strftime("%Y-%m-%d %H:%M") if shown else ""
