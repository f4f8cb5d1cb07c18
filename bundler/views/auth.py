"""Registration and login (Flask-Login sessions), with role checks for the pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..extensions import db, limiter, login_manager
from ..models import User
from ..permissions import ROLE_VALUES, Permission, Role, allows
from ..services import login_sessions
from ..services.accounts import AccountError, authenticate, change_password, create_user
from ..services.ownership import OwnershipError, set_id_number

bp = Blueprint("auth", __name__)

HOME_BY_ROLE = {
    Role.APPLICANT: "apply.my_applications",
    Role.WINDOW: "window.index",
    Role.DEPARTMENT: "department.queue",
}


SESSION_KEY = "sid"  # the login session's token in the signed cookie


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in user, while the server still holds the session (not ended, not idle too long)."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None:
        return None
    config = current_app.config
    idle = login_sessions.idle_limit(user.role, config["STAFF_IDLE_MINUTES"], config["APPLICANT_IDLE_DAYS"])
    row = login_sessions.valid(db.session, user.id, session.get(SESSION_KEY), idle)
    if row is None:
        session.pop(SESSION_KEY, None)
        return None
    if login_sessions.due_for_touch(row):
        g.touch_login_session = row.token_hash
    return user


@bp.after_app_request
def touch_login_session(response: Response) -> Response:
    if hashed := g.pop("touch_login_session", None):
        login_sessions.touch(db.engine, hashed)
    return response


def sign_in(user: User) -> None:
    """Start a server-side session for the user and log them in (the caller commits)."""
    session[SESSION_KEY] = login_sessions.start(db.session, user)
    login_user(user)


def permission_required(permission: Permission) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Pages for the roles that hold ``permission`` (``bundler/permissions.py``); others get 403."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not allows(current_user.role, permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


class RegisterForm(FlaskForm):
    mobile = StringField("手机号码", validators=[DataRequired("请填写手机号码")])
    name = StringField(
        "姓名", validators=[DataRequired("请填写姓名"), Length(max=50, message="姓名最多 50 个字")]
    )
    password = PasswordField("密码", validators=[DataRequired("请设置密码")])
    confirm = PasswordField("确认密码", validators=[EqualTo("password", message="两次输入的密码不一致")])
    id_number = StringField("身份证号码（选填）")


class LoginForm(FlaskForm):
    login = StringField("手机号码或登录名", validators=[DataRequired("请填写手机号码或登录名")])
    password = PasswordField("密码", validators=[DataRequired("请填写密码")])


def safe_next(default: str) -> str:
    """The page ``next`` names when it is one of this site's (a path, never another host), else ``default``."""
    target = request.args.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def _home(user: User) -> str:
    return url_for(
        HOME_BY_ROLE.get(Role(user.role), "public.index") if user.role in ROLE_VALUES else "public.index"
    )


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register() -> Any:
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                db.session,
                login=form.mobile.data,
                password=form.password.data,
                role=Role.APPLICANT,
                name=form.name.data,
            )
        except AccountError as exc:
            target = {"login": form.mobile, "password": form.password}.get(exc.field or "")
            if target is None:
                flash(str(exc), "error")
            else:
                target.errors = [*target.errors, str(exc)]
        else:
            problem = None
            if (form.id_number.data or "").strip():
                try:
                    set_id_number(db.session, user, form.id_number.data)
                except OwnershipError as exc:
                    problem = str(exc)
            if problem:
                db.session.rollback()
                form.id_number.errors = [problem]
                return render_template("auth/register.html", form=form)
            sign_in(user)
            db.session.commit()
            flash("注册成功，已为您登录。", "success")
            return redirect(safe_next(url_for("public.index")))
    return render_template("auth/register.html", form=form)


def _login_typed() -> str:
    """The account a login attempt is for, as typed (the per-account limit's key)."""
    return "login:" + (request.form.get("login") or "").strip().lower()[:100]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_login_typed,
    methods=["POST"],
    error_message="该账号登录尝试过于频繁，请稍后再试。",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    error_message="登录尝试过于频繁，请稍后再试。",
)
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db.session, form.login.data, form.password.data)
        if user is None:
            form.password.errors = ["手机号码（登录名）或密码不正确"]
        else:
            sign_in(user)
            db.session.commit()
            return redirect(safe_next(_home(user)))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Any:
    login_sessions.end(db.session, session.pop(SESSION_KEY, None))
    db.session.commit()
    logout_user()
    flash("已退出登录。", "info")
    return redirect(url_for("public.index"))


class PasswordForm(FlaskForm):
    current = PasswordField("当前密码", validators=[DataRequired("请填写当前密码")])
    password = PasswordField("新密码", validators=[DataRequired("请设置新密码")])
    confirm = PasswordField("确认新密码", validators=[EqualTo("password", message="两次输入的密码不一致")])


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"], error_message="修改密码尝试过于频繁，请稍后再试。")
def password() -> Any:
    """修改密码: every other signed-in session of the account ends."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            change_password(db.session, current_user, form.current.data, form.password.data)
        except AccountError as exc:
            target = form.current if exc.field == "current" else form.password
            target.errors = [*target.errors, str(exc)]
        else:
            login_sessions.end_all(db.session, current_user, keep=session.get(SESSION_KEY))
            db.session.commit()
            flash("密码已修改，其他设备上的登录已失效。", "success")
            return redirect(_home(current_user))
    return render_template("auth/password.html", form=form), (422 if form.errors else 200)
