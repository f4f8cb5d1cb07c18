"""Text with a rule of its own (ID numbers, credit codes, phones ...): the base of those types."""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

from forms.fieldtypes.base import FieldType, FormFieldSpec
from forms.fieldtypes.free_text import TEXT_FAMILY
from forms.fieldtypes.inputs import normalizing, text_input
from forms.schema import MergedField


class CheckedText(FieldType):
    """A string whose shape is checked. Input is normalised (spaces dropped, ...) before it is checked
    and stored. Merged with free text it wins; two different checked types are a conflict."""

    merge_family: ClassVar[str | None] = TEXT_FAMILY
    strictness = 2
    textual = True

    def normalize(self, value: object) -> str:
        """The canonical form that is checked and stored."""
        return str(value).strip() if value is not None else ""

    def check(self, value: object, label: str | None = None) -> str | None:
        raise NotImplementedError(f"{type(self).__name__} must define check()")

    @cached_property
    def _input_filter(self) -> Any:
        return normalizing(self.normalize)

    def form_field(self, field: MergedField) -> FormFieldSpec:
        return text_input(field, normalize=self._input_filter)
