"""E-licences and prior data (电子证照、一人一档): the local store (loadable from a YAML file) and the
rules that use a licence in place of a material or of typed data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ApplicationMaterial, ELicence
from ..privacy import lookup_hash
from ..states import MaterialState


@dataclass(frozen=True)
class Licence:
    kind: str  # the material kind it stands for, e.g. 居民身份证, 营业执照
    title: str
    number: str | None
    issuer: str | None
    valid_until: date | None
    data: dict[str, Any]  # data elements it certifies, by element (姓名, 住所, ...)


def holder_hash(number: str) -> str:
    return lookup_hash("subject", number.strip().upper())


class LocalELicenceStore:
    """Licences kept in this product's database, encrypted, found by a keyed hash of the holder."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def licences_for(self, holder_number: str) -> list[Licence]:
        rows = self.session.scalars(
            select(ELicence).where(ELicence.holder_hash == holder_hash(holder_number))
        )
        return [Licence(r.kind, r.title, r.number, r.issuer, r.valid_until, dict(r.data or {})) for r in rows]

    def load(self, records: list[dict[str, Any]]) -> int:
        """Store licences from records ``{holder, kind, title, number, issuer, valid_until, data}``."""
        stored = 0
        for record in records:
            holder = str(record["holder"]).strip().upper()
            row = self.session.scalar(
                select(ELicence).where(
                    ELicence.holder_hash == holder_hash(holder), ELicence.kind == record["kind"]
                )
            )
            if row is None:
                row = ELicence(holder_hash=holder_hash(holder), kind=record["kind"])
                self.session.add(row)
            row.title = record.get("title") or record["kind"]
            row.number = record.get("number")
            row.issuer = record.get("issuer")
            valid = record.get("valid_until")
            row.valid_until = date.fromisoformat(str(valid)) if valid else None
            row.data = dict(record.get("data") or {})
            stored += 1
        self.session.flush()
        return stored


class ELicenceFileError(ValueError):
    """A licence file that cannot be loaded; the message is Chinese."""


def read_licence_file(path: str | Path) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ELicenceFileError(f"无法读取电子证照文件 {path}：{exc}") from exc
    records = data.get("licences") if isinstance(data, dict) else None
    if not isinstance(records, list):
        raise ELicenceFileError(f"{path}：顶层应为 licences 列表")
    problems = [
        f"{path}：第 {i + 1} 条缺少 {key}"
        for i, record in enumerate(records)
        for key in ("holder", "kind")
        if not isinstance(record, dict) or not record.get(key)
    ]
    if problems:
        raise ELicenceFileError("；".join(problems))
    return records


def prefill_from_licences(licences: list[Licence], role: str, asked_keys: set[str]) -> dict[str, Any]:
    """Values of the applicant's role fields that the licences certify (e.g. 姓名, 住所)."""
    values: dict[str, Any] = {}
    for licence in licences:
        for element, value in licence.data.items():
            key = f"{role}.{element}"
            if key in asked_keys:
                values.setdefault(key, value)
    return values


def material_kind(material: ApplicationMaterial) -> str:
    """The kind of document a merged material is (its key is ``kind|role``)."""
    return material.key.split("|", 1)[0]


def use_e_licence(material: ApplicationMaterial, licences: Mapping[str, Licence]) -> Licence | None:
    """The material is satisfied by the person's e-licence of its kind, if the item accepts one and
    the store holds it (电子证照免交); the licence used, or None."""
    licence = licences.get(material_kind(material)) if material.e_licence else None
    if licence is not None:
        material.status = MaterialState.E_LICENCE
    return licence
