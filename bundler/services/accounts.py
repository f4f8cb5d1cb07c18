"""Accounts: applicants register with a mobile number; staff accounts and API tokens are created by
administrators. Passwords are hashed with argon2; tokens are stored as SHA-256 only."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from forms import check_phone

from ..clock import stored, utcnow
from ..models import ApiToken, Department, User
from ..permissions import ROLE_LABELS, ROLE_VALUES, ROLES_WITH_DEPARTMENT, TOKEN_ROLES, Role
from ..privacy import lookup_hash, lookup_hashes


def _hasher() -> PasswordHasher:
    """Argon2 with the installation's parameters: argon2-cffi's defaults (RFC 9106 low-memory), unless
    ``PASSWORD_HASH_PROFILE`` names another of its profiles (the test suite uses the cheapest)."""
    name = current_app.config.get("PASSWORD_HASH_PROFILE")
    return PasswordHasher.from_parameters(getattr(profiles, name)) if name else PasswordHasher()


MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """Something about an account that cannot be done; the message is Chinese, ``field`` says which
    input it is about (``login``, ``password``) when it is about one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def login_hash(login: str) -> str:
    """What is stored to find an account by its login (under the current lookup key)."""
    return lookup_hash("login", login.strip())


def check_password_strength(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少 {MIN_PASSWORD_LENGTH} 位"
    if password.isdigit() or password.isalpha():
        return "密码须同时包含字母和数字"
    return None


def find_user(session: Session, login: str) -> User | None:
    return session.scalar(select(User).where(User.login_hash.in_(lookup_hashes("login", login.strip()))))


def _department(session: Session, code: str | None) -> Department | None:
    if code is None:
        return None
    department = session.scalar(select(Department).where(Department.code == code))
    if department is None:
        raise AccountError(f"部门“{code}”不存在")
    return department


def create_user(
    session: Session,
    *,
    login: str,
    password: str,
    role: str,
    name: str | None = None,
    department_code: str | None = None,
) -> User:
    login = login.strip()
    if role not in ROLE_VALUES:
        raise AccountError(f"角色“{role}”未知，可用角色：{'、'.join(Role)}")
    if role == Role.APPLICANT and (problem := check_phone(login, "手机号码")):
        raise AccountError(problem, "login")
    if not login:
        raise AccountError("登录名不能为空", "login")
    if problem := check_password_strength(password):
        raise AccountError(problem, "password")
    if role in ROLES_WITH_DEPARTMENT and department_code is None:
        raise AccountError(f"{ROLE_LABELS[Role(role)]}账号必须属于一个部门（--department）")
    if find_user(session, login) is not None:
        raise AccountError(
            "该手机号码已注册，请直接登录" if role == Role.APPLICANT else f"登录名“{login}”已被使用", "login"
        )
    user = User(
        role=role,
        login=login,
        login_hash=login_hash(login),
        name=(name or "").strip() or None,
        password_hash=_hasher().hash(password),
        department=_department(session, department_code),
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, login: str, password: str) -> User | None:
    """The user with this login and password, or None; the same answer for an unknown login."""
    user = find_user(session, login)
    if user is None or not user.active:
        _hasher().hash(password)  # spend the same time as a real check
        return None
    try:
        _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
    user.last_login_at = utcnow()
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one (the caller ends the other sessions)."""
    try:
        _hasher().verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise AccountError("当前密码不正确", "current") from None
    if problem := check_password_strength(new):
        raise AccountError(problem, "password")
    user.password_hash = _hasher().hash(new)


def set_password(user: User, password: str) -> None:
    """Set a password without the current one (an administrator's command; the strength rules hold)."""
    if problem := check_password_strength(password):
        raise AccountError(problem, "password")
    user.password_hash = _hasher().hash(password)


def token_hash(token: str) -> str:
    """What is stored of a bearer or session token: its SHA-256 (the token itself is never kept)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session, role: str, department_code: str | None = None, label: str | None = None
) -> str:
    """A new API token (printed once, stored as a hash)."""
    if role not in TOKEN_ROLES:
        raise AccountError(f"令牌角色只能是 {'、'.join(TOKEN_ROLES)}")
    if role == Role.DEPARTMENT and department_code is None:
        raise AccountError("部门令牌必须指定部门（--department）")
    token = "yjs_" + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            token_hash=token_hash(token),
            role=role,
            department=_department(session, department_code),
            label=label,
        )
    )
    session.flush()
    return token


def token_for(session: Session, token: str) -> ApiToken | None:
    found = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if found is None or found.revoked_at is not None:
        return None
    now = utcnow()
    if found.last_used_at is None or (now - stored(found.last_used_at)).total_seconds() > 60:
        found.last_used_at = now
    return found
