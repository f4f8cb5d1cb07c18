"""E-licences and prior data (电子证照、一人一档): the local store (loadable from a YAML file) and the
rules that use a licence in place of a material or of typed data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import httpx
import yaml
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

import forms

from .. import clock
from ..models import ApplicationMaterial, ELicence
from ..privacy import lookup_hash, lookup_hashes
from ..states import MaterialState

HOLDER_ELEMENTS = ("公民身份号码", "统一社会信用代码")  # what identifies a person or a company on a form


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


def holder_hashes(number: str) -> list[str]:
    """Every hash the holder's licences may be stored under (during a change of LOOKUP_KEY)."""
    return lookup_hashes("subject", number.strip().upper())


class LocalELicenceStore:
    """Licences kept in this product's database, encrypted, found by a keyed hash of the holder."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def licences_for(self, holder_number: str) -> list[Licence]:
        rows = self.session.scalars(
            select(ELicence).where(ELicence.holder_hash.in_(holder_hashes(holder_number)))
        )
        return [Licence(r.kind, r.title, r.number, r.issuer, r.valid_until, dict(r.data or {})) for r in rows]

    def load(self, records: list[dict[str, Any]]) -> int:
        """Store licences from records ``{holder, kind, title, number, issuer, valid_until, data}``."""
        stored = 0
        for record in records:
            holder = str(record["holder"]).strip().upper()
            row = self.session.scalar(
                select(ELicence).where(
                    ELicence.holder_hash.in_(holder_hashes(holder)), ELicence.kind == record["kind"]
                )
            )
            if row is None:
                row = ELicence(kind=record["kind"])
                self.session.add(row)
            row.holder, row.holder_hash = holder, holder_hash(holder)
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


def material_role(material: ApplicationMaterial) -> str:
    return material.key.split("|", 1)[1] if "|" in material.key else ""


# --- where licences come from ---------------------------------------------------------------------------


class ELicenceProvider(Protocol):
    """Where licences come from: the local store, or the province's e-licence service."""

    def licences_for(self, holder_number: str) -> list[Licence]:
        """Every licence held by an ID number or credit code (raises ELicenceUnavailable)."""
        ...


class ELicenceUnavailable(RuntimeError):
    """The e-licence service did not answer; the message is Chinese."""


class HttpELicenceService:
    """An e-licence service over HTTP: ``POST ELICENCE_SERVICE_URL`` with ``{"holder": number}`` (the
    number in the body, never in a URL), bearer ``ELICENCE_SERVICE_TOKEN``; it answers
    ``{"licences": [{"kind", "title", "number", "issuer", "valid_until", "data"}]}``."""

    def __init__(self, url: str, token: str | None) -> None:
        self.url = url
        self.token = token

    def licences_for(self, holder_number: str) -> list[Licence]:
        try:
            response = httpx.post(
                self.url,
                json={"holder": holder_number.strip().upper()},
                headers={"Authorization": f"Bearer {self.token or ''}"},
                timeout=httpx.Timeout(10.0, connect=5.0),
            )
            response.raise_for_status()
            records = response.json().get("licences")
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            raise ELicenceUnavailable(f"电子证照服务暂不可用：{exc}") from exc
        if not isinstance(records, list):
            raise ELicenceUnavailable("电子证照服务的答复格式不对")
        return [
            Licence(
                str(r.get("kind") or ""),
                str(r.get("title") or r.get("kind") or ""),
                r.get("number"),
                r.get("issuer"),
                date.fromisoformat(str(r["valid_until"])) if r.get("valid_until") else None,
                dict(r.get("data") or {}),
            )
            for r in records
            if isinstance(r, dict) and r.get("kind")
        ]


def licence_provider(session: Session) -> ELicenceProvider:
    """The installation's provider: ``ELICENCE_SERVICE_URL`` set means the HTTP service, else the
    local store."""
    url = current_app.config.get("ELICENCE_SERVICE_URL")
    if url:
        return HttpELicenceService(str(url), current_app.config.get("ELICENCE_SERVICE_TOKEN"))
    return LocalELicenceStore(session)


# --- a licence in place of a material: only its holder's, of its kind -------------------------------------


def holder_number(schema: forms.MergedSchema, data: Mapping[str, Any], role: str) -> str | None:
    """The ID number or credit code the form gives for a role (whose licences its materials may use);
    for a repeating role only while it names one person (several persons each hold their own)."""
    rows = data.get(forms.group_key(role)) if role in schema.repeating else None
    if role in schema.repeating and not (isinstance(rows, list) and len(rows) == 1):
        return None
    for fld in schema.asked_fields:
        if fld.role != role or fld.element not in HOLDER_ELEMENTS:
            continue
        value = rows[0].get(fld.column) if rows and fld.group == role else data.get(fld.key)
        if value:
            return str(value).strip().upper()
    return None


def licence_for_material(
    provider: ELicenceProvider,
    schema: forms.MergedSchema,
    data: Mapping[str, Any],
    material: ApplicationMaterial,
) -> Licence | None:
    """The licence that may stand for this material: held by the person of the material's role (as
    the form identifies them), of the material's kind, valid today; None if there is none."""
    if not material.e_licence:
        return None
    number = holder_number(schema, data, material_role(material))
    if not number:
        return None
    today = clock.today()
    for licence in provider.licences_for(number):
        if licence.kind == material_kind(material) and (
            licence.valid_until is None or licence.valid_until >= today
        ):
            return licence
    return None


def use_e_licence(
    provider: ELicenceProvider,
    schema: forms.MergedSchema,
    data: Mapping[str, Any],
    material: ApplicationMaterial,
    *,
    own_number: str | None,
) -> Licence | None:
    """An applicant uses an e-licence for a material (电子证照免交): only a licence of their own, for a
    material of their own role; another person's licence needs that person (at the counter, with
    their authorisation). Returns the licence used, or None."""
    role_number = holder_number(schema, data, material_role(material))
    if not own_number or role_number != own_number.strip().upper():
        return None
    licence = licence_for_material(provider, schema, data, material)
    if licence is not None:
        record_use(material, licence, holder=role_number)
    return licence


def record_use(
    material: ApplicationMaterial, licence: Licence, *, holder: str | None, authorisation: str | None = None
) -> None:
    """The material is satisfied by this licence: remember which (for the departments), whose, and the
    holder's authorisation when the licence is not the applicant's own."""
    material.status = MaterialState.E_LICENCE
    material.licence = {
        "kind": licence.kind,
        "title": licence.title,
        "number": licence.number,
        "holder_number": holder,
        "holder_name": licence.data.get("姓名") or licence.data.get("名称"),
        "holder_role": material_role(material),
        "authorisation": authorisation or None,
    }


def usable_licences(
    provider: ELicenceProvider,
    schema: forms.MergedSchema,
    data: Mapping[str, Any],
    materials: list[ApplicationMaterial],
    *,
    own_number: str | None,
) -> dict[int, Licence]:
    """The applicant's own licences that may stand for materials, by material id (the others are
    offered only at the counter)."""
    usable: dict[int, Licence] = {}
    if not own_number:
        return usable
    for material in materials:
        if holder_number(schema, data, material_role(material)) != own_number.strip().upper():
            continue
        licence = licence_for_material(provider, schema, data, material)
        if licence is not None:
            usable[material.id] = licence
    return usable
