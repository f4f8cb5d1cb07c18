"""Form compiler of 一件事一次办 (多表合一、一表申请、一套材料). Pure library: no Flask, no database.

Inputs are contract-shaped dicts (``shared/spec/bundle-format.md``)::

    schema = forms.merge(bundle, items, answers)        # MergedSchema; .to_json() = `bundler merge --json`
    FormCls = forms.build_form(schema, base=FlaskForm)    # a fresh WTForms class per call
    form = FormCls(formdata)
    if form.validate():
        unified = forms.form_to_data(form)
        per_item = forms.project(schema, items, unified, produced)

Validators: plain functions ``forms.check_*`` and WTForms validators in :mod:`forms.validators`.
Field types (text, date, id_number ...): one class each, registered in :mod:`forms.fieldtypes`.
"""

from forms import conditions, materials
from forms.build import UnresolvedConflicts, build_form, form_to_data, formdata_for, prefill_data
from forms.checks import (
    check_bank_account,
    check_date,
    check_email,
    check_id_number,
    check_phone,
    check_uscc,
)
from forms.dictionary import ElementDictionary, default_dictionary, load_dictionary
from forms.examples import example_data, example_value
from forms.fieldtypes import CheckedText, FieldType, field_types
from forms.keys import field_name, group_key, split_group_key
from forms.merge import BundleError, merge, merge_items
from forms.metrics import reduction
from forms.notice import build_notice
from forms.project import project
from forms.results import produced_schema
from forms.roles import RepeatingRole, per_role, person_count, person_label, repeating_roles
from forms.schema import Conflict, MergedField, MergedMaterial, MergedSchema, Section, Stats, Suggestion
from forms.suggest import suggest

__all__ = [
    "group_key",
    "split_group_key",
    "RepeatingRole",
    "per_role",
    "person_count",
    "person_label",
    "repeating_roles",
    "conditions",
    "example_data",
    "example_value",
    "BundleError",
    "CheckedText",
    "Conflict",
    "ElementDictionary",
    "FieldType",
    "MergedField",
    "MergedMaterial",
    "MergedSchema",
    "Section",
    "Stats",
    "Suggestion",
    "UnresolvedConflicts",
    "build_form",
    "build_notice",
    "check_bank_account",
    "check_date",
    "check_email",
    "check_id_number",
    "check_phone",
    "check_uscc",
    "default_dictionary",
    "field_name",
    "field_types",
    "form_to_data",
    "formdata_for",
    "load_dictionary",
    "materials",
    "merge",
    "merge_items",
    "prefill_data",
    "produced_schema",
    "project",
    "reduction",
    "suggest",
]
