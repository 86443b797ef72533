"""DMN structures as verdict records (h16-records): an inputData whose type is a collection of
structures (an itemDefinition with itemComponents and isCollection) becomes `type T = {…}` and
`input x : list of T`, instead of being refused; the TCK runner gives its test values as a list of
mappings with the record's field names."""
from __future__ import annotations

from engine.dmn.feel import FeelError
from engine.dmn.types import Names, TypeResolver, VType
from engine.semantics.resolve import TEMPLATE_HOLE


def list_of_records(types: TypeResolver, type_ref: str, vtype: VType) -> tuple[VType, dict]:
    """(`list of T` with T declared as a record type, {DMN component: verdict field})."""
    cache = types.__dict__.setdefault("record_types", {})
    if type_ref in cache:
        return cache[type_ref]
    item = types.items.get(type_ref)
    element_item = types.items.get(item.type_ref) if item is not None and item.type_ref else None
    if element_item is not None and element_item.components and not element_item.is_collection:
        # a collection of a structure declared apart (tLoanList of tLoan): the record type is tLoan's,
        # which a function's parameter of type tLoan shares (h16-dmn)
        record = record_type(types, element_item.name, vtype.element)
        found = cache[type_ref] = (VType("list", element=record), {dmn: verdict for dmn, verdict, _ in record.fields})
        return found
    names = Names()
    fields = []
    for dmn, _, field_type in vtype.element.fields:
        inner = field_type.element if field_type.kind == "list" else field_type
        if inner.kind == "record":
            raise FeelError(f"the component `{dmn}` is itself a structure; nested structures are not translated")
        fields.append((dmn, names.allocate(dmn), field_type))
    type_name = types.names.allocate(f"{type_ref} item")
    types.declarations.append(f"type {type_name} = {{{', '.join(f'{v}: {t.with_range()}' for _, v, t in fields)}}}")
    record = VType("record", name=type_name, fields=tuple(fields))
    found = cache[type_ref] = (VType("list", element=record), {dmn: verdict for dmn, verdict, _ in fields})
    return found


def record_facts(value, fields: dict, where: str, fact_value, unsupported):
    """A TCK test value of a list of structures as verdict facts: each item's components renamed
    to the record's fields; `fact_value` checks each component's value, and a component absent
    (null in DMN) raises `unsupported`."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise unsupported(f"{where}: expected a list of structures")
    items = []
    for item in value:
        missing = [dmn for dmn in fields if dmn not in item]
        if missing:
            raise unsupported(f"{where}: the component `{missing[0]}` is absent (null), which verdict facts never are")
        items.append({fields.get(k, k): fact_value(v, f"{where}.{k}") for k, v in item.items()})
    return items



def flat_template(text: str, scope) -> str:
    """A `because` text with its holes on a flattened structure's components (`{applicant.age}`)
    renamed to the input each component became (`{applicant_age}`): a ruleset exported with
    record inputs reads them back as one input per field."""
    def hole(match):
        head, _, field = match.group(1).strip().partition(".")
        verdict, vtype = scope.entries.get(head, (None, None))
        if field and vtype is not None and vtype.kind == "struct":
            for dmn, flat, _ in vtype.fields:
                if dmn == field.strip():
                    return "{" + flat + "}"
        return match.group(0)
    return TEMPLATE_HOLE.sub(hole, text)


def record_type(types: TypeResolver, item_name: str, record: VType) -> VType:
    """The record type declared for the structure `item_name` (once), e.g. a BKM parameter's (h16-dmn)."""
    cache = types.__dict__.setdefault("named_records", {})
    if item_name in cache:
        return cache[item_name]
    names, fields = Names(), []
    for dmn, _, field_type in record.fields:
        inner = field_type.element if field_type.kind == "list" else field_type
        if inner.kind == "record":
            raise FeelError(f"the component `{dmn}` is itself a structure; nested structures are not translated")
        fields.append((dmn, names.allocate(dmn), field_type))
    type_name = types.names.allocate(item_name)
    types.declarations.append(f"type {type_name} = {{{', '.join(f'{v}: {t.with_range()}' for _, v, t in fields)}}}")
    cache[item_name] = VType("record", name=type_name, fields=tuple(fields))
    return cache[item_name]
