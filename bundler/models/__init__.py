"""Database models. Import from here: ``from bundler.models import Item``."""

from . import counts  # noqa: F401  (keeps the count tables exact on every commit)
from .accounts import ApiToken, LoginSession, User
from .applications import Application, ApplicationMaterial, Task, Upload
from .bundles import Bundle, BundleQuestion, BundleStep, BundleVersion, step_dependencies
from .calendar import CalendarYear
from .catalogue import CatalogueEntry, Department, Item, ItemField, ItemMaterial, ItemVersion
from .changes import AdjustmentRule, CatalogueChange
from .confirmations import Confirmation
from .documents import Document
from .elicences import ELicence
from .guide_checks import GuideCheck, GuideCheckEntry
from .keys import KeyCheck
from .notifications import Notification
from .pauses import TaskPause
from .ratings import Rating
from .results import Handover, ResultDocument
from .routing import AuditEntry, Delivery
from .summaries import (
    ApplicationCount,
    DepartmentMonth,
    OutcomeMonth,
    RatingCount,
    RunningDueCount,
    TaskCount,
)
from .visits import Visit

__all__ = [
    "AdjustmentRule",
    "ApiToken",
    "LoginSession",
    "AuditEntry",
    "Delivery",
    "DepartmentMonth",
    "ApplicationCount",
    "TaskCount",
    "RunningDueCount",
    "RatingCount",
    "OutcomeMonth",
    "Application",
    "ApplicationMaterial",
    "Bundle",
    "BundleQuestion",
    "BundleStep",
    "BundleVersion",
    "CalendarYear",
    "CatalogueChange",
    "CatalogueEntry",
    "Confirmation",
    "Department",
    "Document",
    "ELicence",
    "GuideCheck",
    "GuideCheckEntry",
    "Handover",
    "KeyCheck",
    "Item",
    "Notification",
    "Rating",
    "ResultDocument",
    "ItemField",
    "ItemMaterial",
    "ItemVersion",
    "Task",
    "TaskPause",
    "Upload",
    "User",
    "Visit",
    "step_dependencies",
]
