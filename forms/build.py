"""一表申请: the unified WTForms form class, built at run time from a merged schema.

Every call returns a fresh class (and fresh row sub-form classes); nothing is cached on or shared
between classes, so a request may never see another request's fields. ``base`` lets the web app pass
``flask_wtf.FlaskForm``; this module itself never imports Flask.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from wtforms import FieldList, Form, FormField

from forms.conditions import any_of, hidden_keys
from forms.fieldtypes import FieldType, FormFieldSpec, field_types
from forms.keys import field_name, group_key, split_group_key
from forms.schema import MergedField, MergedSchema, Section
from forms.validators import is_blank

try:  # WTForms >= 3.3 deprecates (value, label) tuples
    from wtforms import SelectChoice

    def _choice(value: str, label: str) -> Any:
        return SelectChoice(value, label)
except ImportError:  # pragma: no cover - older WTForms

    def _choice(value: str, label: str) -> Any:
        return (value, label)


class UnresolvedConflicts(ValueError):
    """The schema still has conflicts; the lead department must resolve them first."""


class GroupField(FieldList):  # type: ignore[misc]  # WTForms ships no type information: FieldList is Any
    """A repeating group (a table of rows): blank rows are ignored, row counts checked in Chinese."""

    def __init__(
        self,
        unbound_field: Any,
        min_rows: int = 0,
        max_rows: int | None = None,
        unit: str = "行",
        **kwargs: Any,
    ):
        super().__init__(unbound_field, min_entries=max(min_rows, 1), max_entries=None, **kwargs)
        self.min_rows = min_rows
        self.max_rows = max_rows
        self.unit = unit  # 行 (rows of a table) or 位 (persons of a repeating role)

    def filled_entries(self) -> list[Any]:
        return [e for e in self.entries if not row_is_blank(e)]

    def validate(self, form: Any, extra_validators: Any = ()) -> bool:
        self.errors: list[Any] = []
        filled = 0
        for entry in self.entries:
            if row_is_blank(entry):
                self.errors.append({})
                continue
            filled += 1
            entry.validate(form)
            self.errors.append(entry.errors)
        if not any(self.errors):
            self.errors = []
        label = self.label.text
        if filled < self.min_rows:
            self.errors.append(f"{label}：至少填写{self.min_rows}{self.unit}")
        if self.max_rows is not None and filled > self.max_rows:
            self.errors.append(f"{label}：最多填写{self.max_rows}{self.unit}")
        return not self.errors


def row_is_blank(entry: Any) -> bool:
    return all(is_blank(sub) for sub in entry.form)


class UnifiedFormMixin:
    """Methods of every built form class (no state: the class attributes are read-only mappings)."""

    field_keys: Mapping[str, str]  # python name -> merged key (a group: its ``group[]`` key)
    value_types: Mapping[str, FieldType]  # python name -> field type (not for groups: see their rows)
    key_names: Mapping[str, str]  # merged key -> python name
    section_layout: tuple[tuple[str, str, str, tuple[str, ...]], ...]  # (id, title, kind, names)
    schema: MergedSchema

    def rule_for(self, key: str) -> Any:
        """The condition of a field, or of a repeating group (``group[]``: shown while any of its
        columns is asked); None when always asked."""
        if not key.endswith("[]"):
            return self.schema.by_key[key].when
        return any_of(f.when for f in self.schema.fields if f.group_key == key)

    def hidden_keys(self) -> frozenset[str]:
        """The conditional fields not asked for what the form holds now (``MergedField.when``)."""
        if not self.schema.has_conditions:  # most forms: nothing to read
            return frozenset()
        return hidden_keys(self.schema.fields, _collect(self, jsonable=True))

    def validate(self, extra_validators: Any = None) -> bool:
        """Validate what is asked: a field (or a column of a repeating group, in every row) whose
        condition fails is neither required nor checked, and its value is not kept (see
        :func:`form_to_data`)."""
        hidden = self.hidden_keys()
        if not hidden:
            return bool(super().validate(extra_validators))  # type: ignore[misc]
        kept: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (a form's fields, all of them)

        def leave_out(fields: dict[str, Any], names: Iterable[str]) -> None:
            kept.append((fields, dict(fields)))
            for name in names:
                fields.pop(name).errors = []

        top: dict[str, Any] = self._fields  # type: ignore[attr-defined]
        leave_out(top, [self.key_names[k] for k in hidden if k in self.key_names])
        for name, key in self.field_keys.items():
            group = top.get(name)
            if isinstance(group, GroupField):
                for entry in group.entries:
                    columns = entry.form.column_keys
                    leave_out(entry.form._fields, [n for n, c in columns.items() if f"{key}.{c}" in hidden])
        try:
            return bool(super().validate(extra_validators))  # type: ignore[misc]
        finally:
            for fields, everything in kept:
                fields.clear()
                fields.update(everything)

    def iter_sections(self) -> Iterator[tuple[str, str, list[Any]]]:
        """(title, kind, bound fields) per section, for templates. A group section holds one field
        (the rows); its ``entries`` are the rows."""
        for _sid, title, kind, names in self.section_layout:
            yield title, kind, [self[name] for name in names]  # type: ignore[index]

    def to_unified(self, *, jsonable: bool = False) -> dict[str, Any]:
        return form_to_data(self, jsonable=jsonable)


@dataclass(frozen=True)
class _Spec:
    """How to make one field: computed once per schema, instantiated fresh for every class."""

    name: str
    label: str
    kind: FieldType
    widget: FormFieldSpec

    def unbound(self) -> Any:
        w = self.widget
        kwargs = dict(w.kwargs)
        if w.options is not None:
            first = [_choice("", "请选择")] if w.placeholder else []
            kwargs["choices"] = first + [_choice(o, o) for o in w.options]
        if w.maxlength:
            kwargs["render_kw"] = {"maxlength": w.maxlength}
        return w.field_class(self.label, list(w.validators), **kwargs)


def _spec(f: MergedField, name: str) -> _Spec:
    kind = field_types.find(f.type)
    if kind is None:
        raise ValueError(f"字段 {f.key} 的类型 {f.type} 不存在")
    return _Spec(name, f.label, kind, kind.form_field(f))


def _specs(schema: MergedSchema) -> dict[str, _Spec]:
    """Field specs by key (grouped fields: by column name inside their row form), cached on the
    immutable schema so that building a class per request stays cheap."""
    cached = schema.__dict__.get("_form_specs")
    if cached is None:
        cached = {}
        for f in schema.asked_fields:
            cached[f.key] = _spec(f, field_name(f.column if f.group is not None and f.column else f.key))
        schema.__dict__["_form_specs"] = cached
    return cached


def build_form(
    schema: MergedSchema,
    base: type = Form,
    *,
    allow_conflicts: bool = False,
    class_name: str = "UnifiedForm",
) -> type:
    """A new WTForms form class for the asked fields of ``schema``, section by section.

    Raises :class:`UnresolvedConflicts` while the schema has conflicts, unless ``allow_conflicts``
    (a preview for the lead department; the first source's type/options are used then)."""
    if schema.conflicts and not allow_conflicts:
        raise UnresolvedConflicts(
            "统一表单还有未处理的冲突：" + "；".join(c.message for c in schema.conflicts)
        )
    by_key = schema.by_key
    specs = _specs(schema)
    attrs: dict[str, Any] = {}
    field_keys: dict[str, str] = {}
    layout = []
    for section in schema.sections:
        names = _add_section(section, schema, by_key, specs, attrs, field_keys)
        layout.append((section.id, section.title, section.kind, names))
    attrs["field_keys"] = types.MappingProxyType(field_keys)
    attrs["value_types"] = types.MappingProxyType(
        {name: specs[key].kind for name, key in field_keys.items() if key in specs}
    )
    attrs["key_names"] = types.MappingProxyType({k: n for n, k in field_keys.items()})
    attrs["section_layout"] = tuple(layout)
    attrs["schema"] = schema
    return types.new_class(class_name, (UnifiedFormMixin, base), exec_body=lambda ns: ns.update(attrs))


def _add_section(
    section: Section,
    schema: MergedSchema,
    by_key: Mapping[str, MergedField],
    specs: Mapping[str, _Spec],
    attrs: dict[str, Any],
    field_keys: dict[str, str],
) -> tuple[str, ...]:
    if section.kind not in ("group", "persons"):
        names = []
        for key in section.keys:
            spec = specs[key]
            if spec.name in attrs:
                raise ValueError(f"字段名冲突：{key} 与 {field_keys[spec.name]}")
            attrs[spec.name] = spec.unbound()
            field_keys[spec.name] = key
            names.append(spec.name)
        return tuple(names)
    group = section.group or ""
    row_attrs: dict[str, Any] = {}
    column_keys: dict[str, str] = {}
    column_types: dict[str, FieldType] = {}
    for key in section.keys:
        spec = specs[key]
        row_attrs[spec.name] = spec.unbound()
        column_keys[spec.name] = by_key[key].column or key
        column_types[spec.name] = spec.kind
    row_attrs["column_keys"] = types.MappingProxyType(column_keys)
    row_attrs["column_types"] = types.MappingProxyType(column_types)
    row_cls = types.new_class(f"{group}Row", (Form,), exec_body=lambda ns: ns.update(row_attrs))
    lo, hi = schema.groups.get(group, (0, None))
    rows_key = group_key(group)
    name = field_name(rows_key)
    attrs[name] = GroupField(
        FormField(row_cls, label=group),
        min_rows=lo,
        max_rows=hi,
        unit="位" if section.kind == "persons" else "行",
        label=group,
        description=by_key[section.keys[0]].help if section.keys else "",
    )
    field_keys[name] = rows_key
    return (name,)


# --- unified data <-> form ------------------------------------------------------------------


def _clean(value: Any, kind: FieldType, jsonable: bool) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return kind.to_json(value) if jsonable else value


def form_to_data(form: Any, *, jsonable: bool = False) -> dict[str, Any]:
    """The unified data ``{key: value}`` of a (validated) built form; groups as ``{"group[]": [row,
    ...]}`` with rows keyed by column, blank rows left out. ``jsonable`` gives each value as its
    field type stores it in JSON (dates and decimals as strings). A field whose condition fails
    is empty: what was typed before the answer that hides it is not kept."""
    data = _collect(form, jsonable)
    for key in form.hidden_keys():
        in_group = split_group_key(key)
        if key in data:
            data[key] = [] if key.endswith("[]") else None
        elif in_group and isinstance(data.get(group_key(in_group[0])), list):
            rows = group_key(in_group[0])
            data[rows] = [{**row, in_group[1]: None} for row in data[rows]]
    return data


def _collect(form: Any, jsonable: bool) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, key in form.field_keys.items():
        field = form[name]
        if isinstance(field, GroupField):
            rows = []
            for entry in field.filled_entries():
                columns, kinds = entry.form.column_keys, entry.form.column_types
                rows.append(
                    {
                        columns[sub.short_name]: _clean(sub.data, kinds[sub.short_name], jsonable)
                        for sub in entry.form
                    }
                )
            data[key] = rows
        else:
            data[key] = _clean(field.data, form.value_types[name], jsonable)
    return data


def _from_unified(f: MergedField, value: Any) -> Any:
    if value is None:
        return None
    kind = field_types.find(f.type)
    return kind.from_json(value) if kind is not None else value


def prefill_data(schema: MergedSchema, unified: Mapping[str, Any]) -> dict[str, Any]:
    """``data=`` for a built form from unified data (e.g. a saved draft or a previous application)."""
    out: dict[str, Any] = {}
    groups: dict[str, list[MergedField]] = {}
    for f in schema.asked_fields:
        if f.group is None:
            if f.key in unified:
                out[field_name(f.key)] = _from_unified(f, unified[f.key])
        else:
            groups.setdefault(f.group, []).append(f)
    for group, columns in groups.items():
        rows = unified.get(f"{group}[]")
        if rows is None:
            continue
        out[field_name(f"{group}[]")] = [
            {
                field_name(c.column or c.key): _from_unified(c, row.get(c.column))
                for c in columns
                if c.column in row
            }
            for row in rows
        ]
    return out


def formdata_for(schema: MergedSchema, unified: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What a browser would post for the unified data: (name, value) pairs for a MultiDict."""
    pairs: list[tuple[str, str]] = []

    def text(value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, bool):
            return ["true" if value else "false"]
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
        if isinstance(value, date):
            return [value.isoformat()]
        return [str(value)]

    groups: dict[str, list[MergedField]] = {}
    for f in schema.asked_fields:
        if f.group is None:
            pairs.extend((field_name(f.key), v) for v in text(unified.get(f.key)))
        else:
            groups.setdefault(f.group, []).append(f)
    for group, columns in groups.items():
        gname = field_name(f"{group}[]")
        for i, row in enumerate(unified.get(f"{group}[]") or []):
            for c in columns:
                pairs.extend(
                    (f"{gname}-{i}-{field_name(c.column or c.key)}", v) for v in text(row.get(c.column))
                )
    return pairs
