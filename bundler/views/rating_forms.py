"""The 好差评 form of a page (the applicant's status page, the window's 评价器): what it offers and
what it sent back."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from ..models import Application
from ..services.ratings import BAD_REASONS, GOOD_REASONS, RatingError, Score, rateable_steps
from ..states import RatingLevel, labels


def form_context(application: Application) -> dict[str, Any]:
    """The targets (the whole service, and each finished step once the application is finished), the
    levels and the reasons."""
    steps = [(str(t.id), f"{t.department.name} · {t.title}") for t in rateable_steps(application)]
    return {
        "rating_targets": [("all", "整体服务（含综合窗口）"), *steps],
        "rating_levels": labels(RatingLevel),
        "good_reasons": GOOD_REASONS,
        "bad_reasons": BAD_REASONS,
    }


def scores_from(form: MultiDict[str, str]) -> list[Score]:
    """The ratings the form carries: one per target whose level was chosen (a target left blank is
    not rated); the whole service must be among them."""
    scores = []
    for key, value in form.items():
        if not key.startswith("level_") or not value:
            continue
        target = key.removeprefix("level_")
        task_id = None if target == "all" else int(target) if target.isdigit() else -1
        scores.append(
            Score(task_id, value, form.getlist(f"reasons_{target}"), form.get(f"comment_{target}", ""))
        )
    if not any(score.task_id is None for score in scores):
        raise RatingError("请对整体服务作出评价")
    return scores
