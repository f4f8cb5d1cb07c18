"""The measured report as an xlsx workbook (openpyxl): 汇总, 月度 and 部门 sheets, numbers kept as
numbers (shares as fractions formatted as percentages) so that a district can chart them again."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from .outcomes import FIGURES, MATERIAL_FIGURES, Figure

PERCENT = "0.0%"


def _put(sheet: Worksheet, row: list[Any], figures: list[Figure | None]) -> None:
    sheet.append(row)
    for cell, figure in zip(sheet[sheet.max_row], figures, strict=True):
        if figure is not None and figure.kind == "share":
            cell.number_format = PERCENT


def workbook(report: dict[str, Any], title: str) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    summary.append([title])
    summary.append(["受理日期", f"{report['from']} 至 {report['to']}"])
    summary.append(["统计时间", (report["refreshed_at"] or "尚未统计").replace("T", " ")])
    for figure in (*FIGURES, *MATERIAL_FIGURES):
        _put(summary, [figure.label, report[figure.key]], [None, figure])
    summary.column_dimensions["A"].width = 44

    monthly = book.create_sheet("月度")
    monthly.append(["受理月份", *(f.label for f in FIGURES)])
    for month in report["monthly"]:
        _put(monthly, [month["month"], *(month[f.key] for f in FIGURES)], [None, *FIGURES])

    departments = book.create_sheet("部门")
    departments.append(["部门编码", "部门", "已决定的环节", "其中按时", "按时办结率"])
    share = Figure("on_time_share", "按时办结率", "share")
    for row in report["departments"]:
        _put(
            departments,
            [row["code"], row["name"], row["decided"], row["on_time"], row["on_time_share"]],
            [None, None, None, None, share],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
