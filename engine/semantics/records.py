"""records: declared record types (`type Person = {age: integer, nationality: country}`), their
values, the facts that give them (nested mappings), and the field paths that read them (`p.age`).

A record value is a `RecordValue`: a mapping from field name to value, in the declared order,
immutable and hashable, so that records compare by value and can be members of sets and lists
(the `in`/`contains` tests over lists of records rely on it). It is a `dict` subclass so that every
stage that already shows the outputs of a multi-output decision (a dict) shows a record alike.
"""
from __future__ import annotations

from typing import Optional

from engine.attrs_repr import frozen
from engine import ast
from engine.errors import Diagnostic, FactError, suggestion_hint
from engine.values import ListType, RecordType, Type


class RecordValue(dict):
    """A record's fields and values. Refuses change: a fact or a decision's value is never edited."""

    __slots__ = ()

    def __hash__(self):  # as equality: the same fields and values, in whatever order they were given
        return hash(frozenset(self.items()))

    def _refuse(self, *args, **kwargs):
        raise TypeError("a record value cannot be changed")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = __ior__ = _refuse

    def __reduce__(self):  # pickled and copied through its items: dict's own way would set them one by one
        return (RecordValue, (tuple(self.items()),))


@frozen
class DeclaredRecordType(RecordType):
    """A record type declared by `type NAME = {field: type, ...}`: named as declared, and each
    field with the range it may declare (`age: integer 0..130`), checked when facts arrive."""

    ranges: tuple = ()  # ((field name, Range), ...) for the fields that declare one

    def describe(self) -> str:
        return self.name

    def field_range(self, name: str):
        return dict(self.ranges).get(name)

    def field_names(self) -> str:
        return ", ".join(name for name, _ in self.fields)


# ---------------------------------------------------------------------------- declaring record types

def declare_record_types(resolver, decls: list) -> None:
    """Each `type NAME = {…}` into `resolver.types`, the types its fields name first; a record that
    contains itself (directly, or through other records or lists) is an error."""
    pending = {decl.name: decl for decl in decls}
    resolving: list[str] = []
    reported: set = set()  # the records already reported on a cycle: once each

    def declare(name: str) -> bool:
        """Whether `name` is declared (False: it lies on a cycle, already reported)."""
        if name in resolver.types:
            return True
        if name in resolving:
            cycle = " → ".join(resolving[resolving.index(name):] + [name])
            if name in reported:
                return False
            reported.add(name)
            resolver.error("type-cycle", f"record type `{name}` contains itself ({cycle})", pending[name].span,
                           "a record cannot hold a value of its own type; take the inner one out")
            return False
        resolving.append(name)
        try:
            decl = pending[name]
            fields, ranges, names = [], [], set()
            for field in decl.record.fields:
                if field.name in names:
                    resolver.error("duplicate-name", f"field `{field.name}` appears twice in record type `{name}`",
                                   field.span)
                    continue
                names.add(field.name)
                if not all(declare(ref) for ref in _record_names(field.type, pending)):
                    fields.append((field.name, _unknown()))
                    continue
                type_ = resolver.type_of_expr(field.type, f"{name}.{field.name}")
                fields.append((field.name, type_))
                range_ = resolver._declared_range(f"{name}.{field.name}", field.range, type_)
                if range_ is not None:
                    ranges.append((field.name, range_))
            resolver.types[name] = DeclaredRecordType(name, tuple(fields), tuple(ranges))
            return True
        finally:
            resolving.pop()

    for decl in decls:
        if decl.name not in resolver.types:
            declare(decl.name)


def _record_names(type_expr: ast.TypeExpr, pending: dict) -> list:
    """The record types (still to declare) that a field's type names, through `list of`."""
    while isinstance(type_expr, ast.ListTypeExpr):
        type_expr = type_expr.element
    if isinstance(type_expr, ast.NamedType) and type_expr.name in pending:
        return [type_expr.name]
    return []


def _unknown():
    from engine.semantics.typecheck import UNKNOWN  # typecheck imports this module's callers: not at the top
    return UNKNOWN


# ---------------------------------------------------------------------------- facts coming in

def coerce_record(name: str, type_: RecordType, raw, coerce_field) -> RecordValue:
    """The RecordValue of a fact given as a mapping of field → value; `coerce_field(path, type,
    raw, range)` checks each field (engine.values.coerce_fact), its errors naming the path
    (`applicant.age`, `household[2].age`)."""
    fields = type_.fields
    if not isinstance(raw, dict):
        example = ", ".join(f"{n}: …" for n, _ in fields[:3])
        raise FactError(Diagnostic("error", "fact-type", f"fact `{name}`: expected {type_.describe()}, "
                                   f"got {_shown(raw)} (not a mapping)",
                                   hint=f"give its fields as a mapping, e.g. {{{example}}}"))
    names = [n for n, _ in fields]
    listed = ", ".join(names)
    for key in raw:
        if key not in names:
            text = str(key) if isinstance(key, str) else _shown(key)
            shown = text if len(text) <= 60 else text[:57] + "…"  # a key is the sender's: bounded in the message
            hint = (suggestion_hint(text, names) if len(text) <= 100 else None) or \
                f"the fields of {type_.describe()} are {listed}"
            raise FactError(Diagnostic("error", "fact-type", f"fact `{name}`: unknown field `{shown}` "
                                       f"(fields: {listed})", hint=hint))
    missing = [n for n in names if n not in raw]
    if missing:
        shown = ", ".join(f"`{n}`" for n in missing)
        raise FactError(Diagnostic("error", "fact-type", f"fact `{name}`: missing field{'s' if len(missing) > 1 else ''} "
                                   f"{shown}", hint=f"a {type_.describe()} has the fields {listed}"))
    ranges = dict(getattr(type_, "ranges", ()))
    return RecordValue((n, coerce_field(f"{name}.{n}", t, raw[n], ranges.get(n))) for n, t in fields)


def _shown(raw) -> str:
    from engine.values import shown_value
    return shown_value(raw)


# ---------------------------------------------------------------------------- field paths

def field_error(resolver, expr: ast.Field, base_type: Type) -> None:
    """Report `base.field` where `base` has no such field: which fields exist, or why none do."""
    field = expr.field
    if isinstance(base_type, DeclaredRecordType):
        names = [n for n, _ in base_type.fields]
        resolver.error("unknown-name", f"`{field}` is not a field of {_described(expr.base, base_type)}", expr.span,
                       _fields_hint(field, base_type))
    elif isinstance(base_type, RecordType):
        names = [n for n, _ in base_type.fields]
        resolver.error("unknown-name", f"`{field}` is not an output of this decision", expr.span,
                       suggestion_hint(field, names) or f"its outputs are {', '.join(names)}")
    elif isinstance(expr.base, ast.Name) and expr.base.name in resolver.decision_decls:
        resolver.error("unknown-name", f"`{field}` is not an output of this decision", expr.span,
                       "only multi-output decisions have fields")
    else:
        resolver.error("unknown-name", f"`{field}` is not a field: {_described(expr.base, base_type)} is "
                       f"{base_type.describe()}, not a record", expr.span,
                       "only records and multi-output decisions have fields" + (
                           "; a list's elements are reached by the list operations" if isinstance(base_type, ListType)
                           else ""))


def _fields_hint(field: str, record: DeclaredRecordType) -> str:
    """`did you mean `age`? (its fields: age, nationality)`: the likely field, and every one."""
    suggestion = suggestion_hint(field, [n for n, _ in record.fields])
    if suggestion:
        return f"{suggestion} (its fields: {record.field_names()})"
    return f"its fields are {record.field_names()}"


def _described(base: ast.Expr, type_: Type) -> str:
    """`applicant` (Person), or the path that reached it."""
    path = path_text(base)
    if path is None:
        return type_.describe()
    return f"`{path}` ({type_.describe()})" if isinstance(type_, DeclaredRecordType) else f"`{path}`"


def path_text(expr: ast.Expr) -> Optional[str]:
    """`applicant.address.city` for a field path, None for any other expression."""
    if isinstance(expr, ast.Name):
        return expr.name
    if isinstance(expr, ast.Field):
        head = path_text(expr.base)
        return f"{head}.{expr.field}" if head is not None else None
    return None


def check_template_path(resolver, head: str, path: str, span) -> None:
    """A `because` hole `{head.a.b}`: each step must be a field of the record before it (or an
    output of a multi-output decision). The head is known and used already."""
    if head in resolver.decision_decls:
        type_ = resolver.decision_type(head)
    elif head in resolver.inputs:
        type_ = resolver.inputs[head].type
    elif head in resolver.parameters:
        type_ = resolver.parameters[head].type
    else:
        type_ = None
    reached = head
    for field in path.split("."):
        field = field.strip()
        if isinstance(type_, DeclaredRecordType):
            if type_.field(field) is None:
                names = [n for n, _ in type_.fields]
                resolver.error("unknown-name", f"`{field}` is not a field of `{reached}` ({type_.describe()})", span,
                               _fields_hint(field, type_))
                return
        elif isinstance(type_, RecordType) and reached == head and head in resolver.decision_decls:
            if type_.field(field) is None:
                fields = [n for n, _ in type_.fields]
                resolver.error("unknown-name", f"`{field}` is not an output of `{head}`", span,
                               suggestion_hint(field, fields) or f"its outputs are {', '.join(fields)}")
                return
        elif head in resolver.decision_decls and reached == head:
            resolver.error("unknown-name", f"`{field}` is not an output of `{head}`", span,
                           f"`{head}` has a single output")
            return
        else:
            shown = f"{type_.describe()}, not a record" if type_ is not None else "not a record"
            resolver.error("unknown-name", f"`{field}` is not a field: `{reached}` is {shown}", span,
                           "only records and multi-output decisions have fields")
            return
        type_ = type_.field(field)
        reached = f"{reached}.{field}"


# ---------------------------------------------------------------------------- the checker

def path_range(model, expr: ast.Expr):
    """The range a record type declares for the field a column path reads (`applicant.age`), or None."""
    if not isinstance(expr, ast.Field):
        return None
    steps = []
    while isinstance(expr, ast.Field):
        steps.append(expr.field)
        expr = expr.base
    if not (isinstance(expr, ast.Name) and expr.name in model.inputs):
        return None
    type_, range_ = model.inputs[expr.name].type, None
    for step in reversed(steps):
        if not isinstance(type_, RecordType):
            return None
        range_ = type_.field_range(step) if isinstance(type_, DeclaredRecordType) else None
        type_ = type_.field(step)
    return range_


def why_not_analysed(model, decl) -> Optional[str]:
    """Why the checker leaves a table alone when a column holds whole records or lists, or None
    (the other reason: a test compares with an input or a decision, known only when evaluating)."""
    info = model.decisions.get(decl.name)
    version = next((v for v in info.versions if v.decl is decl), None) if info is not None else None
    if version is None:
        return None
    for column, type_ in zip(decl.body.inputs, version.column_types):
        if isinstance(type_, RecordType):
            example = f"`{column.title}.{type_.fields[0][0]}`" if type_.fields else "its fields"
            return (f"its column `{column.title}` holds whole records ({type_.describe()}); a column that tests "
                    f"a field, such as {example}, is checked")
        if isinstance(type_, ListType):
            return f"its column `{column.title}` holds lists ({type_.describe()}), which the checker does not split"
    return None


def field_choices(model, path: list) -> Optional[tuple]:
    """The (field, type) pairs of the record a path `applicant.address` reaches, or None (the
    editor's completion after `applicant.`)."""
    head = path[0]
    if head in model.inputs:
        type_ = model.inputs[head].type
    elif head in model.parameters:
        type_ = model.parameters[head].type
    elif head in model.decisions:
        type_ = model.decisions[head].type
    else:
        return None
    for step in path[1:]:
        type_ = type_.field(step) if isinstance(type_, RecordType) else None
    return type_.fields if isinstance(type_, RecordType) else None


def check_record_columns(resolver, table: ast.Table, declared) -> None:
    """A table with several outputs declared with a record type (`decision fees : Fees`): its
    output columns are the record's fields, each once, none missing, none other."""
    if not isinstance(declared, DeclaredRecordType):
        return
    names = [n for n, _ in declared.fields]
    for column in table.outputs:
        if declared.field(column.name) is None:
            resolver.error("unknown-name", f"the output column `{column.name}` is not a field of {declared.name}",
                           column.span, suggestion_hint(column.name, names) or f"its fields are {declared.field_names()}")
    missing = [n for n in names if n not in {c.name for c in table.outputs}]
    if missing:
        resolver.error("type-mismatch", f"the table gives no column for the field{'s' if len(missing) > 1 else ''} "
                       f"{', '.join(f'`{n}`' for n in missing)} of {declared.name}", table.span,
                       f"add an output column for each field of {declared.name}")


def path_in(values: dict, path: str, default):
    """The JSON value a hole `{applicant.address.city}` names among `values` (name → JSON value),
    or `default` when the head is not there (the trace check of `verdict verify`)."""
    head, _, rest = path.partition(".")
    if head not in values:
        return default
    value = values[head]
    for step in rest.split(".") if rest else ():
        if not isinstance(value, dict) or step.strip() not in value:
            return default
        value = value[step.strip()]
    return value


def path_problem(model, path: str) -> Optional[str]:
    """Why a hole `{applicant.agee}` of a translated text reads nothing, or None when it reads a
    field (or an output of a multi-output decision) all the way."""
    steps = [step.strip() for step in path.split(".")]
    for depth in range(1, len(steps)):
        fields = field_choices(model, steps[:depth])
        names = [n for n, _ in fields] if fields is not None else []
        if steps[depth] not in names:
            reached = ".".join(steps[:depth])
            if not names:
                return f"`{reached}` has no fields"
            hint = suggestion_hint(steps[depth], names)
            shown = hint or f"its fields: {', '.join(names)}"
            return f"`{steps[depth]}` is not a field of `{reached}` ({shown})"
    return None
