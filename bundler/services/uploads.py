"""Material files, every rule about them in one place: the size limit, the real type sniffed from the
content (PDF, JPEG, PNG, OFD), encrypted storage, several files per material (add, replace, delete
before submission), files sent as base64 by the window system, which files a department's task may
open, and the signed links a department system downloads them with.

Names and contents are encrypted at rest (``Upload``); a content is read, and so decrypted, only by
:func:`file_content` when a file is served.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import filetype
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..catalogue.definitions import item_material_keys, pinned
from ..models import Application, ApplicationMaterial, Task, Upload
from ..states import EDITABLE_STATES, OPEN_TASKS, OWED_MATERIALS, MaterialState
from . import deferrals
from .audit import audit
from .file_checks import problem_with
from .outbox import new_delivery

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
OFD = "application/ofd"
ALLOWED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", OFD: "OFD"}
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})  # a browser shows these itself
ACCEPT_ATTRIBUTE = ".pdf,.ofd,.jpg,.jpeg,.png,application/pdf,application/ofd,image/jpeg,image/png"
SIGNED_LINK_SALT = "bundler.material-file"
NAME_LENGTH = 255


class UploadError(ValueError):
    """A file that cannot be accepted; the message is Chinese."""


class FileProblems(UploadError):
    """Files of a request that cannot be accepted: Chinese messages by field (``files.<material key>``)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        lines = [text for texts in errors.values() for text in texts]
        super().__init__("；".join(lines[:3]) + (f" 等 {len(lines)} 处问题" if len(lines) > 3 else ""))


class LinkRefused(LookupError):
    """A signed file link that does not open; ``status`` is 403 (not ours) or 410 (expired)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


# --- what a file may be ---------------------------------------------------------------------------


def max_upload_bytes() -> int:
    limit: int = current_app.config.get("UPLOAD_MAX_BYTES") or DEFAULT_MAX_BYTES
    return limit


def size_label(size: int) -> str:
    """A file size as a person reads it (KB below one MB)."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size, 1) / 1024:.0f} KB" if size >= 1024 else f"{size} 字节"


def limit_label() -> str:
    return size_label(max_upload_bytes()).replace(".0 MB", " MB")


def sniff(content: bytes) -> str | None:
    """The content type the bytes really are, of those accepted, or None. An OFD is a ZIP container
    with ``OFD.xml`` at its root (GB/T 33190), whatever the file is called."""
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as container:
                return OFD if "OFD.xml" in container.namelist() else None
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
    kind = filetype.guess(content)
    return kind.mime if kind is not None and kind.mime in ALLOWED_TYPES else None


def check_upload(content: bytes, filename: str) -> str:
    """The sniffed content type, or an error naming what is wrong."""
    if not content:
        raise UploadError(f"文件“{filename}”是空的" if filename else "请先选择要上传的文件")
    limit = max_upload_bytes()
    if len(content) > limit:
        raise UploadError(
            f"文件“{filename}”有 {size_label(len(content))}，超过了 {limit_label()} 的上限，请压缩或分成几个文件上传"
        )
    found = sniff(content)
    if found is None:
        kind = filetype.guess(content)
        actual = kind.mime if kind else "无法识别"
        raise UploadError(f"文件“{filename}”的实际类型为 {actual}，只接受 PDF、OFD、JPEG、PNG")
    if problem := problem_with(content, found, filename):
        raise UploadError(problem)
    return found


def _clean_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "").strip()
    return name[-NAME_LENGTH:] or "未命名"


# --- storing -----------------------------------------------------------------------------------------


def store_upload(session: Session, material: ApplicationMaterial, content: bytes, filename: str) -> Upload:
    """One more file for ``material`` (it counts as provided: 已上传)."""
    content_type = check_upload(content, filename)
    upload = Upload(
        filename=_clean_name(filename),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    material.uploads.append(upload)
    session.add(upload)
    providing = {MaterialState.PENDING, MaterialState.MISSING, MaterialState.UPLOADED}
    if material.application.status in EDITABLE_STATES:
        providing.add(MaterialState.DEFERRED)  # before acceptance a file simply provides it
    if material.status in providing:
        material.status = MaterialState.UPLOADED
    return upload


def add_file(
    session: Session, material: ApplicationMaterial, content: bytes, filename: str, *, actor: str
) -> Upload:
    """A file given for a material at any time, also after acceptance (a 容缺 material supplied later,
    through the API or the applicant's status page): the material counts as provided from then on, and
    every open step whose item asks for it and that was already handed to its department is handed
    over again (a new delivery, audited), so the file reaches the department that needs it. The
    caller dispatches the deliveries after its commit."""
    if material.status == MaterialState.PRODUCED:
        raise UploadError(f"材料“{material.name}”由本件事内的事项办理后产生，无需提交")
    owed = material.status in OWED_MATERIALS
    try:
        upload = store_upload(session, material, content, filename)
    except UploadError as exc:
        raise UploadError(f"材料“{material.name}”：{exc}") from exc
    application = material.application
    if application.status in EDITABLE_STATES:
        return upload
    if owed:
        deferrals.mark_supplied(material)  # a department that needs it confirms it
    hand_again(session, material, actor=actor)
    return upload


def hand_again(session: Session, material: ApplicationMaterial, *, actor: str) -> None:
    """A material supplied after acceptance reaches every open step that needs it and was already handed
    to its department: a new delivery each (audited); the caller dispatches them after its commit."""
    application = material.application
    items = pinned(session, application).items
    for task in application.tasks:
        if task.status not in OPEN_TASKS or task.delivered_at is None:
            continue
        if material.key in item_material_keys(items[task.item.code]):
            new_delivery(session, task)
            audit(session, actor, "material_supplied", task, after={"material": material.key})


def _require_editable(material: ApplicationMaterial) -> None:
    if material.application.status not in EDITABLE_STATES:
        raise UploadError("申请已提交，文件不能再替换或删除")


def replace_upload(session: Session, upload: Upload, content: bytes, filename: str) -> Upload:
    """Another file in place of ``upload`` (before submission); the old one is gone."""
    material = upload.material
    _require_editable(material)
    content_type = check_upload(content, filename)
    upload.filename = _clean_name(filename)
    upload.content_type = content_type
    upload.size = len(content)
    upload.sha256 = hashlib.sha256(content).hexdigest()
    upload.content = content
    return upload


def delete_upload(session: Session, upload: Upload) -> None:
    """Remove a file (before submission); a material left without files is no longer provided."""
    material = upload.material
    _require_editable(material)
    material.uploads.remove(upload)
    session.delete(upload)
    if not material.uploads and material.status == MaterialState.UPLOADED:
        material.status = MaterialState.PENDING


def material_by_key(application: Application, key: str) -> ApplicationMaterial | None:
    return next((m for m in application.materials if m.key == key), None)


def attach_encoded(
    session: Session, application: Application, files: Mapping[str, Sequence[Mapping[str, Any]]]
) -> list[Upload]:
    """Files sent as ``{material key: [{"name", "content_base64"}]}`` (the window system's API), all or
    none: every problem is named by its material (``FileProblems``)."""
    errors: dict[str, list[str]] = {}
    stored: list[Upload] = []
    for key, entries in files.items():
        field = f"files.{key}"
        material = material_by_key(application, key)
        if material is None:
            errors[field] = [f"本件事的申请材料中没有“{key}”"]
            continue
        if material.status == MaterialState.PRODUCED:
            errors[field] = [f"材料“{material.name}”由本件事内的事项办理后产生，无需提交"]
            continue
        decoded, problems = decode_files({key: entries})
        if problems:
            errors[field] = [f"材料“{material.name}”的{message}" for message in problems[field]]
            continue
        for content, name in decoded[key]:
            try:
                stored.append(store_upload(session, material, content, name))
            except UploadError as exc:
                errors.setdefault(field, []).append(f"材料“{material.name}”：{exc}")
    if errors:
        raise FileProblems(errors)
    return stored


def decode_files(
    files: Mapping[str, Sequence[Mapping[str, Any]]],
) -> tuple[dict[str, list[tuple[bytes, str]]], dict[str, list[str]]]:
    """``{key: [{"name", "content_base64"}]}`` as ``{key: [(content, name)]}``, and the entries that are
    not base64 (by ``files.<key>``)."""
    decoded: dict[str, list[tuple[bytes, str]]] = {}
    errors: dict[str, list[str]] = {}
    for key, entries in files.items():
        for entry in entries:
            name = str(entry.get("name") or "未命名")
            try:
                content = base64.b64decode(str(entry.get("content_base64") or ""), validate=True)
            except (binascii.Error, ValueError):
                errors.setdefault(f"files.{key}", []).append(f"文件“{name}”不是有效的 base64 内容")
                continue
            decoded.setdefault(key, []).append((content, name))
    return decoded, errors


def file_content(session: Session, upload_id: int) -> bytes:
    """The decrypted content of one file, read only to be served."""
    content = session.scalar(select(Upload.content).where(Upload.id == upload_id))
    return content or b""


# --- which files a department may open ---------------------------------------------------------------


def task_upload(session: Session, task: Task, upload_id: int) -> Upload | None:
    """A file of a material the task's own item asks for, or None (every other file does not exist
    for that task's department)."""
    upload = session.get(Upload, upload_id)
    if upload is None or upload.material.application_id != task.application_id:
        return None
    item = pinned(session, task.application).items[task.item.code]
    return upload if upload.material.key in item_material_keys(item) else None


def upload_for_applicant(session: Session, application: Application, upload_id: int) -> Upload | None:
    upload = session.get(Upload, upload_id)
    if upload is None or upload.material.application_id != application.id:
        return None
    return upload


# --- signed links for department systems -------------------------------------------------------------


class _ClockSigner(TimestampSigner):
    """itsdangerous' timestamps from the service's one clock (which tests move)."""

    def get_timestamp(self) -> int:
        return int(clock.utcnow().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=SIGNED_LINK_SALT, signer=_ClockSigner
    )


def link_max_age() -> int:
    return int(current_app.config.get("FILE_URL_MAX_AGE") or 7 * 24 * 3600)


@dataclass(frozen=True)
class SignedLink:
    token: str
    expires_at: datetime


def sign_link(task: Task, upload: Upload) -> SignedLink:
    """A token that opens one file of one task without an API token, until it expires."""
    token = _serializer().dumps({"task": task.id, "file": upload.id})
    expires = clock.utcnow().replace(microsecond=0) + timedelta(seconds=link_max_age())
    return SignedLink(token, expires)


def open_signed(session: Session, token: str) -> Upload:
    """The file a signed link names; ``LinkRefused`` (410 once expired, 403 if not ours)."""
    try:
        found = _serializer().loads(token, max_age=link_max_age())
    except SignatureExpired as exc:
        raise LinkRefused(410, "文件链接已过期，请通过接口重新获取事项内容以取得新的链接") from exc
    except BadSignature as exc:
        raise LinkRefused(403, "文件链接无效") from exc
    if not isinstance(found, dict) or not isinstance(found.get("file"), int):
        raise LinkRefused(403, "文件链接无效")
    task = session.get(Task, found.get("task"))
    upload = task_upload(session, task, found["file"]) if task is not None else None
    if upload is None:
        raise LinkRefused(410, "该文件已不存在")
    return upload
