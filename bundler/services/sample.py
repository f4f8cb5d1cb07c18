"""The sample catalogue shipped with the project (a Shaanxi district's bundles)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..catalogue.importer import ImportResult
from ..models import Bundle
from .catalogue_import import import_catalogue
from .elicences import LocalELicenceStore, read_licence_file

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_catalogue"


def sample_files() -> list[Path]:
    return sorted(SAMPLE_DIR.glob("*.yaml"))


def import_sample(session: Session) -> ImportResult:
    """The sample catalogue, and (once it is in) the demo e-licences of a few fictitious people."""
    result = import_catalogue(session, sample_files())
    if result.ok:
        for path in sorted((SAMPLE_DIR / "elicences").glob("*.yaml")):
            LocalELicenceStore(session).load(read_licence_file(path))
    return result


def catalogue_is_empty(session: Session) -> bool:
    return session.scalar(select(Bundle.id).limit(1)) is None
