"""Material uploads: size limit, real file type sniffed from the content, encrypted storage."""

from __future__ import annotations

import hashlib

import filetype
from sqlalchemy.orm import Session

from ..models import ApplicationMaterial, Upload
from ..states import MaterialState

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


class UploadError(ValueError):
    """A file that cannot be accepted; the message is Chinese."""


def check_upload(content: bytes, filename: str) -> str:
    """The sniffed content type, or an error naming what is wrong."""
    if not content:
        raise UploadError(f"文件“{filename}”是空的")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadError(f"文件“{filename}”超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB")
    kind = filetype.guess(content)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        found = kind.mime if kind else "无法识别"
        raise UploadError(f"文件“{filename}”的实际类型为 {found}，只接受 PDF、JPEG、PNG")
    return kind.mime


def store_upload(session: Session, material: ApplicationMaterial, content: bytes, filename: str) -> Upload:
    content_type = check_upload(content, filename)
    upload = Upload(
        material=material,
        filename=filename[-255:] or "未命名",
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    session.add(upload)
    material.status = MaterialState.UPLOADED
    return upload
