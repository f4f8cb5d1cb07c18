"""Printable documents (PDF via WeasyPrint): 一次告知单、一表申请、受理回执、容缺受理承诺书、
一次性告知书（补正材料通知书）and each department's own form.

    from bundler.documents import render_pdf, render_html, notice_context
    pdf = render_pdf("notice", notice_context(db.session, "KFD", {"sells_alcohol": "true"}))

Context keys per kind: :mod:`bundler.documents.contexts`.
"""

from .builders import application_form_sections, display, item_form_rows
from .contexts import KINDS
from .notice import notice_context
from .pdf import UnknownKind, cn_date, font_configuration, render_html, render_pdf, warm_up

__all__ = [
    "KINDS",
    "UnknownKind",
    "application_form_sections",
    "cn_date",
    "display",
    "font_configuration",
    "item_form_rows",
    "notice_context",
    "render_html",
    "render_pdf",
    "warm_up",
]
