"""Changing keys while the service runs (``bundler keys rotate``).

* Data keys: every encrypted value not yet under the first of ``DATA_KEYS`` is encrypted again, table by
  table in batches, each batch its own transaction with its rows locked (``FOR UPDATE`` on PostgreSQL).
  A value is written back only if it is still the one that was read (compare-and-set), so an update
  made meanwhile is never overwritten: its row is read again and rotated then. A second run finds
  nothing to do; an interrupted run continues where it stopped.
* Lookup keys: every keyed hash is computed again under the first ``LOOKUP_KEY`` from the value it
  stands for (kept encrypted beside it), the same way.
* Then the fingerprints of both first keys are recorded, so that a process still running without them
  reads its key set again or says what is missing (``check_process_keys``).

The batches commit on their own: a rotation over a year's data must not hold one transaction open.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, and_, column, delete, select, table, update
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..extensions import db
from ..models import Application, ELicence, KeyCheck, User
from ..privacy import (
    ENCRYPTED_TYPES,
    MISSING_KEY,
    MISSING_LOOKUP_KEY,
    EncryptedBytes,
    KeyConfigError,
    keyring,
    lookup_hash,
)
from .accounts import login_hash
from .applications import subject_hash_of
from .elicences import holder_hash

BATCH_SIZE = 200
FILE_BATCH_SIZE = 5  # rows with file contents (up to 10 MB each) are rotated a few at a time
COMPARE_AND_SET_TRIES = 5
CHECK_EVERY_SECONDS = 30.0
APPEND_ONLY_TABLES = frozenset({"audit_log"})  # re-sealed only inside a transaction marked ROTATING
ROTATING = "rotating"


@dataclass(frozen=True)
class KeyedHash:
    """A column holding a keyed hash, and how to compute it from the row (None: the value is not kept)."""

    model: Any
    column: str
    compute: Callable[[Session, Any], str | None]


KEYED_HASHES = (
    KeyedHash(User, "login_hash", lambda s, user: login_hash(user.login)),
    KeyedHash(
        User,
        "id_number_hash",
        lambda s, user: lookup_hash("subject", user.id_number) if user.id_number else None,
    ),
    KeyedHash(Application, "subject_hash", subject_hash_of),
    KeyedHash(
        ELicence, "holder_hash", lambda s, licence: holder_hash(licence.holder) if licence.holder else None
    ),
)


@dataclass
class RotationReport:
    reencrypted: dict[str, int] = field(default_factory=dict)  # table → rows written
    rehashed: dict[str, int] = field(default_factory=dict)  # table.column → hashes written
    unrecoverable: dict[str, int] = field(default_factory=dict)  # hashes whose value is not kept
    retried: int = 0  # rows changed by someone else between read and write, read again

    def lines(self) -> list[str]:
        out = [f"已重新加密 {sum(self.reencrypted.values())} 行数据" + _detail(self.reencrypted)]
        out.append(f"已重新计算 {sum(self.rehashed.values())} 个检索散列" + _detail(self.rehashed))
        if self.retried:
            out.append(f"{self.retried} 行在轮换期间被同时修改，已重新读取后轮换，未丢失修改")
        for name, count in self.unrecoverable.items():
            out.append(
                f"{name}：{count} 行没有保存原值，无法用新检索密钥重新计算；移除旧检索密钥前请重新导入（如 bundler elicence load）"
            )
        return out


def _detail(counts: dict[str, int]) -> str:
    shown = {k: v for k, v in counts.items() if v}
    return "（" + "，".join(f"{k} {v}" for k, v in shown.items()) + "）" if shown else ""


def rotate_keys(session: Session, batch_size: int = BATCH_SIZE) -> RotationReport:
    report = RotationReport()
    for mapped in db.metadata.sorted_tables:
        encrypted = [c for c in mapped.columns if isinstance(c.type, ENCRYPTED_TYPES)]
        if encrypted:
            report.reencrypted[mapped.name] = _rotate_table(session, mapped, encrypted, batch_size, report)
    for keyed in KEYED_HASHES:
        _rehash(session, keyed, batch_size, report)
    _record_current_keys(session, report)
    session.commit()
    return report


# --- data keys ---------------------------------------------------------------------------------------


def _rotate_table(
    session: Session, mapped: Any, encrypted: list[Any], batch_size: int, report: RotationReport
) -> int:
    key = mapped.primary_key.columns.values()[0].name
    raw = table(mapped.name, column(key), *(column(c.name, c.type.impl) for c in encrypted))
    names = [c.name for c in encrypted]
    size = FILE_BATCH_SIZE if any(isinstance(c.type, EncryptedBytes) for c in encrypted) else batch_size
    written, last = 0, None
    while True:
        query = select(raw).order_by(raw.c[key]).limit(size).with_for_update()
        if last is not None:
            query = query.where(raw.c[key] > last)
        rows = session.execute(query).all()
        if not rows:
            session.commit()
            return written
        marked = mapped.name in APPEND_ONLY_TABLES
        if marked:  # seen by the database's append-only trigger, by no other transaction
            session.add(KeyCheck(kind=ROTATING, fingerprint="-"))
            session.flush()
        for row in rows:
            written += _rotate_row(session, raw, key, names, row._mapping, report)
        if marked:
            session.execute(delete(KeyCheck).where(KeyCheck.kind == ROTATING))
        session.commit()
        last = rows[-1]._mapping[key]


def _rotate_row(
    session: Session, raw: Any, key: str, names: list[str], row: Any, report: RotationReport
) -> int:
    ring = keyring()
    for _ in range(COMPARE_AND_SET_TRIES):
        values = {}
        for name in names:
            token = row[name]
            if token is None:
                continue
            as_bytes = bytes(token) if isinstance(token, bytes | memoryview) else token.encode()
            if not ring.is_current(as_bytes):
                new = ring.rotate(as_bytes)
                values[name] = new if isinstance(token, bytes | memoryview) else new.decode()
        if not values:
            return 0
        unchanged = and_(*(raw.c[name] == row[name] for name in values))
        if _written(session, update(raw).where(raw.c[key] == row[key], unchanged).values(**values)):
            return 1
        report.retried += 1
        fresh = session.execute(select(raw).where(raw.c[key] == row[key]).with_for_update()).first()
        if fresh is None:  # deleted meanwhile
            return 0
        row = fresh._mapping
    raise KeyConfigError(
        f"表 {raw.name} 第 {row[key]} 行在轮换期间反复被修改，请稍后再运行 bundler keys rotate"
    )


def _written(session: Session, statement: Any) -> int:
    """Rows an UPDATE changed (0: the compare-and-set found the row changed meanwhile)."""
    return cast(CursorResult[Any], session.execute(statement)).rowcount


# --- lookup keys -------------------------------------------------------------------------------------


def _rehash(session: Session, keyed: KeyedHash, batch_size: int, report: RotationReport) -> None:
    model, attribute = keyed.model, getattr(keyed.model, keyed.column)
    name = f"{model.__tablename__}.{keyed.column}"
    report.rehashed.setdefault(name, 0)
    last = None
    while True:
        query = select(model).order_by(model.id).limit(batch_size).with_for_update(of=model)
        if last is not None:
            query = query.where(model.id > last)
        rows = session.scalars(query).all()
        if not rows:
            session.commit()
            return
        for row in rows:
            stored = getattr(row, keyed.column)
            if stored is None:
                continue
            new = keyed.compute(session, row)
            if new is None:
                report.unrecoverable[name] = report.unrecoverable.get(name, 0) + 1
            elif new != stored:
                done = _written(
                    session,
                    update(model)
                    .where(model.id == row.id, attribute == stored)
                    .values({keyed.column: new})
                    .execution_options(synchronize_session=False),
                )
                # Not written: someone wrote the hash meanwhile, under the key their process hashes with.
                report.rehashed[name] += done
                report.retried += 1 - done
        last = rows[-1].id
        session.commit()


# --- which keys are current --------------------------------------------------------------------------


def _record_current_keys(session: Session, report: RotationReport) -> None:
    for kind, value in keyring().current_fingerprints().items():
        if kind == "lookup" and report.unrecoverable:
            continue  # hashes under an older key remain: processes with only that key still find them
        row = session.get(KeyCheck, kind) or KeyCheck(kind=kind)
        row.fingerprint, row.set_at = value, utcnow()
        session.add(row)


def check_process_keys(session: Session) -> None:
    """Raise ``KeyConfigError`` (Chinese) when this process lacks a key a rotation made current, after
    reading its key set again. Checked at most every 30 s while all is well."""
    state = current_app.extensions.setdefault("bundler.key_check", {"at": 0.0})
    if time.monotonic() - state["at"] < CHECK_EVERY_SECONDS:
        return
    ring = keyring()
    current = session.scalars(select(KeyCheck).where(KeyCheck.kind.in_(["data", "lookup"])))
    missing = [row for row in current if not ring.knows(row.kind, row.fingerprint)]
    if missing and ring.reload():
        missing = [row for row in missing if not ring.knows(row.kind, row.fingerprint)]
    if missing:
        raise KeyConfigError(MISSING_KEY if missing[0].kind == "data" else MISSING_LOOKUP_KEY)
    state["at"] = time.monotonic()
