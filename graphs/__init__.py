"""Pure planning library of 一件事一次办 bundles: dependency graph, scenarios, plan, run-time readiness,
working-day deadlines, reform metrics and an SVG picture.

Inputs are contract-shaped dicts (``docs/architecture.md``); nothing here imports flask, bundler or a
database.
"""

from . import runtime, svg
from .bundle_graph import as_graph, build_graph, restrict, scenario_graph
from .metrics import ReformMetrics, exceeds_half_of_legal, half_rule, metrics_of_plan, reform_metrics
from .planning import Plan, longest_chain, plan, plan_graph, stages
from .runtime import STATES, RuntimeView, evaluate
from .scenarios import AnswerError, applicable_items, parse_answers, step_applies
from .states import FAILED as FAILED_STEPS
from .states import TASK_LABELS, TaskState, step_states
from .svg import render as render_svg
from .validation import BundleError, Problem, reduced_dependencies, validate
from .workdays import (
    DAYS_UNITS,
    NATURAL_DAYS,
    WORKING_DAYS,
    CalendarError,
    Deadline,
    Forecast,
    StepDates,
    WorkCalendar,
    add_days,
    add_working_days,
    calendar_version,
    estimate_warning,
    is_workday,
    package_calendar,
    paused_working_days,
    predict_completion,
    step_due,
    working_days_between,
)

__all__ = [
    "FAILED_STEPS",
    "step_states",
    "DAYS_UNITS",
    "NATURAL_DAYS",
    "WORKING_DAYS",
    "WorkCalendar",
    "add_days",
    "estimate_warning",
    "package_calendar",
    "AnswerError",
    "BundleError",
    "CalendarError",
    "Deadline",
    "Forecast",
    "Plan",
    "Problem",
    "ReformMetrics",
    "RuntimeView",
    "STATES",
    "TASK_LABELS",
    "TaskState",
    "StepDates",
    "add_working_days",
    "applicable_items",
    "as_graph",
    "build_graph",
    "calendar_version",
    "evaluate",
    "exceeds_half_of_legal",
    "half_rule",
    "is_workday",
    "longest_chain",
    "metrics_of_plan",
    "parse_answers",
    "paused_working_days",
    "plan",
    "plan_graph",
    "predict_completion",
    "reduced_dependencies",
    "reform_metrics",
    "render_svg",
    "restrict",
    "runtime",
    "scenario_graph",
    "stages",
    "step_applies",
    "step_due",
    "svg",
    "validate",
    "working_days_between",
]
