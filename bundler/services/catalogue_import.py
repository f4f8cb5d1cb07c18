"""``bundler import`` as a service: the importer's checks, and the impact of changed items on the
published bundles that use them (the same check as publishing an item change in the studio)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.orm import Session

from ..catalogue.contract import Document, Problem
from ..catalogue.importer import ImportResult, changed_items, import_files
from .changes import bundles_broken_by


def import_catalogue(session: Session, paths: Iterable[str | Path]) -> ImportResult:
    """Import the files; a file whose changed item would break a published bundle outside the batch
    is refused with the bundle named (the bundle's own new version, if in the batch, is checked there)."""

    def impact(documents: list[Document]) -> None:
        changed = changed_items(session, documents)
        if not changed:
            return
        in_batch = {b["code"] for doc in documents for b in doc.bundles}
        for broken in bundles_broken_by(session, {c: e for c, (_d, e) in changed.items()}, in_batch):
            for code in broken.items:
                doc = changed[code][0]
                doc.problems.append(Problem(doc.path, f"事项 {code}", broken.message))

    return import_files(session, paths, also_check=impact)
