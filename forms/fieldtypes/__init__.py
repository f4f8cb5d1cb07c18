"""Field types of catalogue forms: one class per type, all registered below, in the contract's order.

A new type is one module with a :class:`FieldType` subclass (or a :class:`CheckedText` one for a
string with a rule) and one line in the list below. Everything else (the contract check, merging,
the unified form, JSON, projection, examples, masking, printing) asks :data:`field_types`.
"""

from forms.fieldtypes.bank_account import BankAccountType
from forms.fieldtypes.base import FieldType, FormFieldSpec, as_text, display_value
from forms.fieldtypes.boolean import BooleanType
from forms.fieldtypes.checked_text import CheckedText
from forms.fieldtypes.choices import ChoiceType, MultiChoiceType
from forms.fieldtypes.date import DateType
from forms.fieldtypes.email import EmailType
from forms.fieldtypes.free_text import TextAreaType, TextType
from forms.fieldtypes.id_number import IdNumberType
from forms.fieldtypes.numbers import DecimalType, IntegerType
from forms.fieldtypes.phone import PhoneType
from forms.fieldtypes.registry import FieldTypeRegistry, UnknownFieldType, field_types
from forms.fieldtypes.uscc import UsccType

field_types.register(TextType)
field_types.register(TextAreaType)
field_types.register(IntegerType)
field_types.register(DecimalType)
field_types.register(DateType)
field_types.register(BooleanType)
field_types.register(ChoiceType)
field_types.register(MultiChoiceType)
field_types.register(IdNumberType)
field_types.register(UsccType)
field_types.register(PhoneType)
field_types.register(EmailType)
field_types.register(BankAccountType)

__all__ = [
    "CheckedText",
    "FieldType",
    "FieldTypeRegistry",
    "FormFieldSpec",
    "UnknownFieldType",
    "as_text",
    "display_value",
    "field_types",
]
