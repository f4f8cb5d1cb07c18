"""The ratings for the province's 好差评 system (seed 004 §15: 评价同源, 数据全量上报): every rating of a
period with the case it opened, one row each, in the columns such a system takes. The API pages the
JSON and streams the CSV; ``bundler ratings export`` writes the same file."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, func, select
from sqlalchemy.orm import Session, aliased

from .. import clock
from ..models import Application, Bundle, BundleVersion, Department, Item, ItemVersion, Rating, Task
from ..states import FollowUpState, RatingChannel, RatingLevel, RatingOccasion, RevisitOutcome, label
from .rating_cases import CENTRE

CENTRE_CODE = "centre"  # 评价对象编码 of the whole service (the centre and its window)


def _moment(value: dt.datetime | None) -> str | None:
    return clock.local(value).isoformat(timespec="seconds") if value else None


def _verified(value: bool | None) -> str | None:
    return None if value is None else ("属实" if value else "不属实")


@dataclass(frozen=True)
class Column:
    key: str  # in the JSON
    header: str  # in the CSV
    value: Callable[[Row[Any]], Any]


COLUMNS: tuple[Column, ...] = (
    Column("id", "评价编号", lambda r: r.Rating.id),
    Column("tracking_no", "办件编号", lambda r: r.tracking_no),
    Column("bundle", "一件事编码", lambda r: r.bundle),
    Column("item", "事项编码", lambda r: r.item),
    Column("item_name", "事项名称", lambda r: r.item_name or r.bundle_name),
    Column("evaluated", "评价对象", lambda r: r.department_name or CENTRE),
    Column("evaluated_code", "评价对象编码", lambda r: r.department_code or CENTRE_CODE),
    Column("channel", "评价渠道", lambda r: label(RatingChannel, r.Rating.channel)),
    Column("occasion", "评价节点", lambda r: label(RatingOccasion, r.Rating.occasion)),
    Column("level", "评价等级", lambda r: label(RatingLevel, str(r.Rating.score))),
    Column("score", "评价分值", lambda r: r.Rating.score),
    Column("reasons", "评价原因", lambda r: "、".join(r.Rating.reasons or [])),
    Column("comment", "评价内容", lambda r: r.Rating.comment or ""),
    Column("rated_at", "评价时间", lambda r: _moment(r.Rating.created_at)),
    Column(
        "rectification",
        "整改状态",
        lambda r: label(FollowUpState, r.Rating.follow_up) if r.Rating.follow_up else "无需整改",
    ),
    Column("due", "整改期限", lambda r: r.Rating.due_date.isoformat() if r.Rating.due_date else None),
    Column("verified", "核实结果", lambda r: _verified(r.Rating.verified)),
    Column("rectified_at", "整改时间", lambda r: _moment(r.Rating.rectified_at)),
    Column(
        "revisit",
        "回访结果",
        lambda r: label(RevisitOutcome, r.Rating.revisit_outcome) if r.Rating.revisit_outcome else None,
    ),
    Column("revisited_at", "回访时间", lambda r: _moment(r.Rating.revisited_at)),
)


def _given_in(first: dt.date, last: dt.date) -> tuple[ColumnElement[bool], ...]:
    """Ratings given from ``first`` to ``last``, local days both included (by the indexed time)."""
    return (
        Rating.created_at >= clock.start_of_local_day(first),
        Rating.created_at < clock.start_of_local_day(last + dt.timedelta(days=1)),
    )


def _query(first: dt.date, last: dt.date) -> Any:
    rated = aliased(Department)
    return (
        select(
            Rating,
            Application.tracking_no,
            Bundle.code.label("bundle"),
            BundleVersion.name.label("bundle_name"),
            Item.code.label("item"),
            ItemVersion.name.label("item_name"),
            rated.code.label("department_code"),
            rated.name.label("department_name"),
        )
        .join(Application, Application.id == Rating.application_id)
        .join(BundleVersion, BundleVersion.id == Application.bundle_version_id)
        .join(Bundle, Bundle.id == BundleVersion.bundle_id)
        .outerjoin(Task, Task.id == Rating.task_id)
        .outerjoin(Item, Item.id == Task.item_id)
        .outerjoin(ItemVersion, ItemVersion.id == Task.item_version_id)
        .outerjoin(rated, rated.id == Task.department_id)
        .where(*_given_in(first, last))
    )


def count(session: Session, first: dt.date, last: dt.date) -> int:
    return session.scalar(select(func.count(Rating.id)).where(*_given_in(first, last))) or 0


def rows(
    session: Session, first: dt.date, last: dt.date, *, limit: int | None = None, offset: int = 0
) -> Iterator[dict[str, Any]]:
    """The ratings given from ``first`` to ``last`` (local days), oldest first, as export rows."""
    query = _query(first, last).order_by(Rating.created_at, Rating.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    for row in session.execute(query.execution_options(yield_per=500)):
        yield {column.key: column.value(row) for column in COLUMNS}


def csv_lines(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    """A CSV with a byte-order mark and Chinese headers (opens in Excel and WPS as it is)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in COLUMNS])
    yield "\ufeff" + buffer.getvalue()
    for record in records:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if record[c.key] is None else record[c.key] for c in COLUMNS])
        yield buffer.getvalue()
